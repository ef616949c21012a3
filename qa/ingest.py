"""From a file in the corpus to its passages: read -> clean -> find structure and speakers -> passages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.cleaning import clean_text
from qa.passages import Passage, make_passages
from qa.readers import SUPPORTED_SUFFIXES, RawDocument, read_file
from qa.structure import analyse

# Bump when reading, cleaning, structure or passage rules change: indexes built by older rules are rebuilt.
INGEST_VERSION = 7  # 3: soft hyphens and zero-width characters removed inside words; 4: one-line paragraphs with
# a blank line between are paragraphs (not "double-spaced"), remissinstanser and motions speak in the remiss summary;
# 5: a tjänsteskrivelse speaks for its office, a protocol for its body and members ("§ 52", yrkanden, reservations),
# a numbered point after a short line opens a paragraph; 6: running headers and footers removed; remiss answers under
# their senders' headings also in a tjänsteskrivelse and through quoted statements; a tjänsteskrivelse attached to a
# protocol, written reservations in attachments, a föredragande with a party, voices reported sentence by sentence;
# 7: a lead-in ("… följande.") stays in one passage with the points it announces


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
    link inside is listed, for the indexer to report)."""
    root = corpus_dir.resolve()
    folders: dict[Path, bool] = {}  # folder -> lies inside the corpus once links are resolved (resolved once each)
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            if path.parent not in folders:
                folders[path.parent] = path.parent.resolve().is_relative_to(root)
            if not folders[path.parent] or (path.is_symlink() and not path.resolve().is_relative_to(root)):
                continue
            if not path.is_file() and not (path.is_symlink() and not path.exists()):
                continue  # a broken link inside the corpus is kept, so the indexer names it
        except OSError:
            continue
        files.append(CorpusFile(path, rel.as_posix()))
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
