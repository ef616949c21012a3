"""From a file in the corpus to its passages: read -> clean -> find structure and speakers -> passages."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.cleaning import clean_text
from qa.passages import Passage, make_passages
from qa.readers import SUPPORTED_SUFFIXES, RawDocument, read_file
from qa.structure import analyse

# Bump when reading, cleaning, structure or passage rules change: indexes built by older rules are rebuilt.
INGEST_VERSION = 32  # 3: soft hyphens and zero-width characters removed inside words; 4: one-line paragraphs with
# a blank line between are paragraphs (not "double-spaced"), remissinstanser and motions speak in the remiss summary;
# 5: a tjänsteskrivelse speaks for its office, a protocol for its body and members ("§ 52", yrkanden, reservations),
# a numbered point after a short line opens a paragraph; 6: running headers and footers removed; remiss answers under
# their senders' headings also in a tjänsteskrivelse and through quoted statements; a tjänsteskrivelse attached to a
# protocol, written reservations in attachments, a föredragande with a party, voices reported sentence by sentence;
# 7: a lead-in ("… följande.") stays in one passage with the points it announces; 8: consultation answers under any
# heading of the kind ("Yttranden under samrådet"), a protocol extract attached after a paper, särskilda yttranden;
# 9: page counters "2 (6)" are page lines without blank lines around them, and may count afresh from 1; 10: a
# council's debate (turns under their speakers, "X (V) anför att …"), an interpellation and its answer, a summary of a
# state inquiry's proposals, the nämnder's answers, the municipality's own yttrande attached, signature lines; 11: a
# signature's lines in a passage of their own ("Underskrift"); 12: the office that answered a motion, within the
# protocol's summary of it, and a body's proposal with its heading run into it; 13: a table's rows laid out in columns
# are lines of their own (a vote list's "Thomas Berg      S      Ja"); 14: only rows one after another; 15: a block
# of running lines above the page number, further from it than two lines, where it stands so at three boundaries;
# 16: a numbered topic ("3. Målgrupp och åldersgräns") on a line of its own over its text is a heading within its part;
# 17: a Word file's tables one block, a mark cell read as its column ("Nej"), each section's page header; a nämnd's
# protocol ("Barn- och utbildningsnämnden"), a citizen's proposal, an official's and a member's question and answer;
# 18: a Word file's pages where Word laid them out (w:lastRenderedPageBreak), Word's list numbers; 19: a PDF's header
# block repeated atop its pages, signature-box labels, list numbers on lines of their own, the genre's headings and
# numbered sub-headings on lines of their own, papers marked MISSIV / YTTRANDE with their writer above, the auditors;
# 20: names set side by side over their titles one signature; 21: a web page's main content, ordered lists' numbers,
# definition lists and tables as rows (a vote's "X" as its column), a § heading with the meeting's particulars below,
# an office's paper within a §, remiss answers and a body's part in it, an official answering a member's question;
# 22: "Ledamöterna för Socialdemokraterna och Vänsterpartiet" as both parties; 23: a block ending every page as it
# ended the page before (a header drawn last, a footer) removed, a dash before a capital is a list's point,
# "Reservation (M)" is the party's, "Beslutet skickas till" and "Protokollsanteckning" are headings; 24: a PDF's tables
# a row to a line (by the positions pypdf lays out), the text after a table a paragraph of its own; 25: a table's row
# one sentence (its cells' sentences are not cut apart); 26: the genre's headings numbered ("1. Ärendet", "3. Bakgrund")
# as the genre's, a numbered part over its first sub-part ("4. Ekonomisk analys" / "4.1 …"), a table's column names
# on lines of their own no headings, an extract headed "Omsorgsnämnden, sammanträde 2025-09-24 § 58" the nämnd's;
# 27: a PDF table's header set over lines above its figures its first row ("Verksamhet | Budget 2025 | Utfall jan–aug
# 2025 | …"), a header's second line part of it, a table's caption ("Tabell 1. …") no heading; 28: a consultation
# table's rows two voices (the sender's answer, the office's comment, under the sender's name), a samrådsredogörelse
# its office's, a long prose cell's sentences cut apart; 29: the office's comment sectioned "Kommentar till <sender>";
# 30: "Sida 2 (10)" a page line between running lines; a voice's formula ("Reservation anfördes av …") opens its
# paragraph and "… enligt följande." ends it, a short heading between two paragraphs set without space its own;
# 31: a district's office ("Farsta stadsdelsförvaltning") heads its paper past an address block, "Remissens innehåll"
# is the sender's, the råd an office consulted speak as reported, "… följande synpunkter:" is no heading, a
# stadsdelsnämnd's protocol extract and its members' dissents ("Ersättaren … anförde följande."), "§ 14" opens a
# paragraph, a running header's first appearance inside a sentence is removed; 32: in a föredragande's text a body's
# act opens its words only as a decision's formula ("Länsstyrelsen föreslår en fond …" is hers); an abbreviation's
# hyphen at a line's end is real ("VA-⏎kollektivet"), a double name goes on without a space ("Hässelby-⏎Vällingby")


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    source: str  # relative to the corpus folder, forward slashes

    def sha256(self) -> str:
        h = hashlib.sha256()
        with self.path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()


def list_corpus(corpus_dir: Path) -> list[CorpusFile]:
    """Supported files below ``corpus_dir``, sorted; hidden files and links pointing outside are left out (a broken
    link inside is listed, for the indexer to report). Linked folders are not entered.

    One directory read per folder: its entries know whether they are files or links without a stat each, which
    matters for the re-index of one changed file among 25,000."""
    root = corpus_dir.resolve()
    files: list[CorpusFile] = []

    def walk(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:  # by name, folders among files: the order of the sorted paths
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(folder / entry.name, f"{prefix}{entry.name}/")
                    continue
                if os.path.splitext(entry.name)[1].lower() not in SUPPORTED_SUFFIXES:
                    continue
                path = folder / entry.name
                if entry.is_symlink():
                    if not path.resolve().is_relative_to(root):
                        continue
                    if not path.exists():  # a broken link inside the corpus is kept, so the indexer names it
                        files.append(CorpusFile(path, prefix + entry.name))
                        continue
                if entry.is_file():
                    files.append(CorpusFile(path, prefix + entry.name))
            except OSError:
                continue

    walk(corpus_dir, "")
    return files


def document_passages(doc: RawDocument, source: str, target_chars: int = 900) -> list[Passage]:
    clean = clean_text(doc.text, page_starts=doc.page_starts)
    fallback = Path(source).stem.replace("_", " ").replace("-", " ")
    structure = analyse(clean, doc.text, given_title=doc.title, fallback_title=fallback)
    return make_passages(source, clean, structure, target=target_chars)


def file_passages(file: CorpusFile, target_chars: int = 900, max_bytes: int = 50_000_000) -> list[Passage]:
    """Raises qa.readers.UnreadableFile with a one-line reason when the file cannot be used."""
    return document_passages(read_file(file.path, max_bytes=max_bytes), file.source, target_chars)


def iter_passages(files: list[CorpusFile], target_chars: int = 900) -> Iterator[Passage]:
    for f in files:
        yield from file_passages(f, target_chars)
