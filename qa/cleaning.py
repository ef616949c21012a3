"""Clean extracted text without changing its meaning, keeping a map back to the original characters.

What is cleaned (the artefacts of PDF extraction common in municipal papers):

- lone page-number lines ("4", "- 5 -", "Sida 6 av 9") are removed and become page boundaries;
- running headers and footers (the same line beside several page boundaries, "SJÖVIKS KOMMUN SAMMANTRÄDESPROTOKOLL",
  "Justerandes sign Utdragsbestyrkande") are removed after their first appearance, which may open a part of the paper;
- words hyphenated across a line break are joined ("gräns-⏎överskridande" -> "gränsöverskridande") unless the
  hyphen is a real one ("hälso- och sjukvård", "KSL-projekt"); a hyphen left inside a line by the extraction
  ("Stadslednings-kontoret") is removed only when the joined word is used elsewhere in the same document;
- line breaks inside a paragraph become spaces, whitespace runs collapse to one space, paragraphs are separated
  by exactly one blank line ("\\n\\n").

Every character of the cleaned text knows the offset of the original character it came from (``offsets``), so a
quote found in the cleaned text leads back to the exact place in the file. Paragraph detection is heuristic: a
blank line separates paragraphs, except in "double-spaced" extractions (a blank line after nearly every line, and
sentences wrapped across them), where it takes two; a short line ending a sentence also ends its paragraph.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

_GOES_ON = re.compile(r"\s*[a-zåäöéü(]")  # a line that continues the sentence of the line before
DOUBLE_SPACED_WRAPS = 0.15  # share of text lines that must go on from the line before, a blank line between
_PAGE_LINE = re.compile(
    r"^\s*(?:[-–—]\s*(\d{1,3})\s*[-–—]|(?:sida|sid\.|s\.|page)\s*(\d{1,3})(?:\s*(?:av|\(|/)\s*\d{1,3}\)?)?|(\d{1,3})"
    r"(?:\s*\((?P<count>\d{1,3})\))?)\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")
# a list's number or bullet alone on its line, its text on the next ("1." ⏎ "Följs biståndsbesluten upp …?")
_MARKER_LINE = re.compile(r"\d{1,2}[.)]|[a-zA-Z][)]|[•●▪◦■\-–*]")
# a numbered point opens a line ("Förslag till beslut ⏎ 1. Trafiknämnden godkänner …"), as do a numbered heading
# ("2.1 Bakgrund") and a bulleted point ("• Tjänsteskrivelse den 28 april 2025"); a dash may go on from a lead-in
# ("Utredaren skall ⏎ - utgå ifrån …"), while one before a capital is a point ("Beslutet skickas till ⏎ –
# Kommunfullmäktige"); a protocol's paragraph opens a line too ("§ 45")
_LIST_ITEM = re.compile(r"(?:\d{1,2}[.)]|\d{1,2}(?:\.\d{1,2})+\.?|[•●▪◦■–-])\s+[A-ZÅÄÖ]")
_ITEM_LINE = re.compile(r"§\s*\d")
# the headings of the genre's papers, each a line of its own however it is set
KNOWN_HEADINGS = frozenset(
    s.lower() for s in (
        "Ärendet", "Beredning", "Mina synpunkter", "Remissammanställning", "Bilaga", "Bilagor", "Kommunstyrelsen",
        "Borgarrådsberedningen", "Kommunfullmäktige", "Bakgrund", "Sammanfattning", "Förslag till beslut",
        "Yttrande", "Ärendets beredning", "Reservation", "Särskilt uttalande", "Ersättaryttrande", "Beslut",
        "Motivering", "Konsekvenser", "Ekonomiska konsekvenser", "Kontorets synpunkter", "Förvaltningens synpunkter",
        "Synpunkter", "Remissinstansernas synpunkter", "Sammanfattande synpunkter", "Beslutsunderlag",
        "Ärendet i korthet", "Sammanfattning av ärendet", "Beskrivning av ärendet", "Ärendebeskrivning",
        "Förvaltningens bedömning", "Kontorets bedömning", "Yrkanden", "Propositionsordning", "Beslutsgång",
        "Reservationer", "Särskilt yttrande", "Särskilda yttranden", "Protokollsanteckningar", "Överläggning",
        "Debatt", "Omröstning", "Omröstningsresultat", "Expediering", "Interpellationen", "Kommunalrådets svar",
        "Protokollsanteckning", "Votering", "Beslutet skickas till", "Beslut skickas till", "Expedieras till",
    )
)
# a body's part of a matter, a line of its own: "Kommunstyrelsens förslag till kommunfullmäktige", "Kommunstyrelsens
# beslut för egen del", "Arbetsutskottets förslag"
_BODY_HEADING = re.compile(r"[A-ZÅÄÖ][\wåäö-]*s (?:förslag|beslut)(?: till [a-zåäö]+)?(?: för egen del)?:?")


# the formulas by which the genre hands a voice the word open its paragraph, however the text is set: "… förslag." ⏎
# "Reservation anfördes av …", "… omedelbart." ⏎ "Utbildningsförvaltningen anför i sitt tjänsteutlåtande …"
_VOICE_OPENS = re.compile(
    r"(?:Reservation|Särskilt uttalande|Särskilt yttrande|Ersättaryttrande|Protokollsanteckning)\s+"
    r"(?:anfördes|gjordes|lämnades|antecknades|avgavs)\s+av\b|Föredragande [a-zåäö]+ [A-ZÅÄÖ]|"
    r"(?:[A-ZÅÄÖ][\wåäö-]*(?:förvaltningen|kontoret|nämnden|styrelsen)|Bolaget|Förvaltningen|Nämnden|Kontoret) "
    r"anför\b|[A-ZÅÄÖ][\wåäö-]*(?:kontorets|förvaltningens) tjänsteutlåtande daterat\b")
# … and the one that announces a text ends it: "… (V) enligt följande." ⏎ "Skolmåltiden är …"
_ANNOUNCES = re.compile(r"\b(?:enligt följande|i huvudsak följande|anför följande|följande lydelse)[.:]$")
HEADING_WORDS = 6  # a heading set on a line of its own between two paragraphs: "Rinkeby-Kista stadsdelsnämnd"
_ENDS_PROSE = re.compile(r"[\w)”%][.?!]$")  # a sentence's end, not a leader's dots ("Sekreterare ....")
_HEADING_LIKE = re.compile(r"[A-ZÅÄÖ][^\d:;.,!?]*[^\W\d_]")  # no figure, no sentence's or list's punctuation
_NAME_LIKE = re.compile(r"[A-ZÅÄÖ][a-zåäöéü]+(?:[ -][A-ZÅÄÖ][a-zåäöéü]+){1,2}")  # "Mikael Rydén": a signature


def _is_genre_heading(line: str) -> bool:
    """A line the genre sets as a heading: "Ärendebeskrivning", "Kommunstyrelsens förslag till kommunfullmäktige"."""
    return line.rstrip(":").lower() in KNOWN_HEADINGS or bool(_BODY_HEADING.fullmatch(line))


# a numbered title of a topic: "3. Målgrupp och åldersgräns", "1. En ny lag om förebyggande stöd (avsnitt 7)", "4.2
# Finansiering" — a line of its own, however long, when a sentence starts below it; not a point ("1. att anta …")
NUMBERED_TITLE = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?!att\b)[A-ZÅÄÖ][^.!?;:()\d]{2,70}"
                            r"(?:\([^()]{1,30}\))?\s*")
TITLE_WORDS = 12  # words of a numbered title, its number included and a parenthesis not


def is_numbered_title(line: str) -> bool:
    """"3. Målgrupp och åldersgräns (avsnitt 7.4)": a numbered title (``NUMBERED_TITLE``) of at most TITLE_WORDS."""
    return bool(NUMBERED_TITLE.fullmatch(line)) and len(re.sub(r"\(.*\)", "", line).split()) <= TITLE_WORDS


# rows of a table laid out in columns ("Thomas Berg      S      Ja" of a vote list) or read from a .docx ("Mattias
# Rehn | SD | Nej"): one after another, each a line of its own in its paragraph (the only single line break cleaned
# text has), one fact a row, never a run-on sentence; a lone line with wide gaps (justified text) runs on as any line
_CELLS = re.compile(r"\S \| \S")
_TABLE_ROW = re.compile(rf"\S {{3,}}\S.* {{3,}}\S|{_CELLS.pattern}")
# Characters cleaning drops inside words: soft hyphen, zero-width space, word joiner, BOM.
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_SENTENCE_END = re.compile(r"[.!?:;”\"')]$")
# Words after a hanging hyphen that show the hyphen is real: "hälso- och sjukvård", "för- eller nackdelar".
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "respektive", "resp.", "som", "till", "and", "or"})


@dataclass(frozen=True)
class CleanText:
    """Cleaned text, its paragraphs and pages, and the offset of each character in the original text.

    offsets: array of len(text) + 1 ints; offsets[i] is the original index of cleaned char i, the last entry is
    the original length, so a cleaned span [a, b) maps to the original span [offsets[a], offsets[b - 1] + 1).
    """

    text: str
    offsets: array
    paragraphs: tuple[tuple[int, int], ...]  # (start, end) in text
    pages: tuple[tuple[int, int], ...] = ()  # (start in text, page number), sorted by start
    estimated_before: int = 0  # pages of text[:estimated_before] are estimated, not printed in the source
    removed_page_lines: tuple[int, ...] = field(default=())  # page numbers whose lines were removed

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the cleaned span [start, end); empty spans map to an empty span."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def page_at(self, pos: int) -> int | None:
        if not self.pages:
            return None
        i = bisect_right([p[0] for p in self.pages], pos) - 1
        return self.pages[i][1] if i >= 0 else None


def word_vocabulary(text: str) -> set[str]:
    """Lower-cased hyphen-free words of a text, the evidence that a joined word is a real word."""
    return {w.lower() for w in re.findall(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*", text) if "-" not in w and "‐" not in w}


@dataclass
class _Line:
    start: int  # original offset of the line's first char
    text: str  # the line without its newline

    @property
    def blank(self) -> bool:
        return not INVISIBLE.sub("", self.text).strip()

    @property
    def content(self) -> str:
        return self.text.strip()


def _split_lines(raw: str) -> list[_Line]:
    lines, pos = [], 0
    for part in raw.split("\n"):
        lines.append(_Line(pos, part))
        pos += len(part) + 1
    return lines


def _page_number(line: str) -> tuple[int, bool] | None:
    """The page number of a page-number line, and whether the paper counts its pages ("2 (6)"); else None."""
    m = _PAGE_LINE.match(line)
    if not m:
        return None
    return int(next(g for g in m.groups() if g)), m.group("count") is not None


def _find_page_lines(lines: list[_Line], known_pages: bool) -> dict[int, int]:
    """Line index -> page number, for lone page-number lines that form a rising sequence (4, 5, 6 …).

    A number counts only if it continues the sequence (previous + 1), so a stray "2" in a list is not a page.
    With ``known_pages`` (PDF) the numbers are still removed as artefacts but the format's pages are used.
    """
    found: dict[int, int] = {}
    last: int | None = None
    for i, line in enumerate(lines):
        number = None if line.blank else _page_number(line.text)
        if number is None or number[0] == 0:
            continue
        # "2 (6)": a page of a paper that counts its pages, whose next part may count afresh ("1 (3)" after "6 (6)")
        n, counted = number
        prev_blank = i == 0 or lines[i - 1].blank
        next_blank = i + 1 >= len(lines) or lines[i + 1].blank
        if not (prev_blank or next_blank or counted):
            continue  # a number inside running lines is content, not a page number
        if last is None or n == last + 1 or (known_pages and n == last) or (counted and n == 1):
            found[i] = n
            last = n
    if len(found) == 1 and not known_pages:
        only = next(iter(found.values()))
        if only == 1:
            return {}  # a lone "1" with nothing after it is more likely a list item
    return found


RUNNING_SLOTS = 2  # lines beside a page boundary where a running header or footer stands
# … or further from it, in a block of them ("Justerandes sign" / "HAGSJÖ KOMMUN SAMMANTRÄDESPROTOKOLL" /
# "Kommunfullmäktige Sammanträdesdatum" / "2024-04-22" / "3"), when it stands so at more boundaries
WIDE_SLOTS, WIDE_REPEATS = 4, 3


SAME_BLOCK, HEADER_BLOCK = 3, 12  # a page's opening lines repeated from the page before: at least, at most
# the labels of a protocol's signature boxes: "Justerandes signum", "Justerandes sign", "Utdragsbestyrkande"
_SIGNATURE_BOX = re.compile(r"(?i)(?:justerandes? sign(?:atur|um|\.)?|ordförandes sign(?:atur|um|\.)?|"
                            r"utdragsbestyrkande)(?:\s+(?:justerandes? sign(?:atur|um|\.)?|utdragsbestyrkande))*:?")


def _running_lines(lines: list[_Line], page_lines: dict[int, int], page_starts: list[int]) -> set[int]:
    """Line indexes of running headers and footers: a line of the same text among the first (header) or last
    (footer) ``RUNNING_SLOTS`` text lines of at least two pages; the document's start and end count as page
    boundaries. A header's first appearance stays, as it may open a part of the paper ("TJÄNSTESKRIVELSE").

    A page's own number among them ("Utlåtande 2025:87 RV" ⏎ "Sida 2 (10)") goes wherever it stands, and so does a
    header's first appearance where it interrupts a sentence running over from the page before.

    A lone word that is not in capitals ("Reservation", "Ärendet") is a heading even where it repeats at page tops,
    unless it stands in a block of at least SAME_BLOCK lines that opens a page as it opened the page before ("LINDÅSA
    KOMMUN / Revisorerna / MISSIV / Diarienummer REV 2025/7 / 2025-03-20"). The labels of a protocol's signature
    boxes ("Justerandes signum", "Utdragsbestyrkande") are furniture wherever they stand.
    """
    text_lines = [i for i, ln in enumerate(lines) if not ln.blank and i not in page_lines]
    if not text_lines:
        return set()
    starts = set(page_starts)
    boundaries = sorted({0, len(text_lines)} | {k for k, i in enumerate(text_lines) if k and (
        any(j in page_lines for j in range(text_lines[k - 1] + 1, i)) or lines[i].start in starts)})
    running: set[int] = set()
    keys = [" ".join(lines[i].content.split()) for i in text_lines]
    # in a block, a page's own number is the same line on every page ("Sida 5 av 9")
    blocks = ["<page>" if _PAGE_LINE.match(key) else key for key in keys]
    position = {i: k for k, i in enumerate(text_lines)}

    def interrupts(line: int) -> bool:
        """Whether a header's first appearance stands inside the text: the page before it ends mid-sentence, on a
        word (a list's point "– att delvis godkänna … remissen" going on after the header), so it opens no part."""
        j = max((b for b in boundaries if b <= position[line]), default=0) - 1
        while j >= 0 and (text_lines[j] in running or blocks[j] == "<page>"):  # past the page's own furniture
            j -= 1
        return j >= 0 and bool(re.search(r"[a-zåäö,]$", keys[j]))

    for b0, b1, b2 in zip(boundaries, boundaries[1:], [*boundaries[2:], len(text_lines)], strict=False):
        # a page that opens with the same block of lines as the page before (a header of several lines: the
        # municipality, the office, the kind of paper, its Dnr and date, an address) repeats that header
        same = 0
        while b1 + same < b2 and b0 + same < b1 and blocks[b0 + same] == blocks[b1 + same] and same < HEADER_BLOCK:
            same += 1
        if same >= SAME_BLOCK:
            running.update(text_lines[b1:b1 + same])
        # … and one that ends with the same block as the page before: a header drawn last, or a footer (its first
        # appearance stays, as a header's does: "PROTOKOLL" may say what the paper is)
        same = 0
        while b1 + same < b2 - same - 1 and b0 + same < b1 - same - 1 and \
                blocks[b1 - 1 - same] == blocks[b2 - 1 - same] and same < HEADER_BLOCK:
            same += 1
        if same >= SAME_BLOCK:
            running.update(text_lines[b2 - same:b2])
    # a protocol's boxes for the adjusters' initials, wherever the extraction puts their labels: never a part
    running.update(i for i, key in zip(text_lines, keys, strict=True) if _SIGNATURE_BOX.fullmatch(key))
    for width, repeats in ((RUNNING_SLOTS, 2), (WIDE_SLOTS, WIDE_REPEATS)):
        slots: dict[str, dict[int, bool]] = {}  # text -> line index -> stands at a page's top
        for b in boundaries:
            top = range(b, min(b + width, len(text_lines)))
            for k in [*top, *range(max(b - width, 0), b)]:
                key = blocks[k]  # a page's own number among them: "Utlåtande 2025:87 RV" ⏎ "Sida 2 (10)"
                if len(key) <= 100 and (" " in key or key.isupper() or key == "<page>"):
                    found = slots.setdefault(key, {})
                    found[text_lines[k]] = found.get(text_lines[k], False) or k in top
        for key, found in slots.items():
            if len(found) >= repeats:
                first = min(found)
                running.update(i for i in found if i != first or not found[first] or key == "<page>"
                               or interrupts(first))
    return running


class _Builder:
    """Accumulates cleaned characters with their original offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offs = array("i")
        self.length = 0

    def add(self, text: str, orig_start: int, contiguous: bool = True) -> None:
        self.parts.append(text)
        if contiguous:
            self.offs.extend(range(orig_start, orig_start + len(text)))
        else:
            self.offs.extend([orig_start] * len(text))
        self.length += len(text)

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts and self.parts[-1] else ""


def clean_text(
    raw: str,
    page_starts: Iterable[tuple[int, int]] = (),
    vocabulary: set[str] | None = None,
) -> CleanText:
    """Clean ``raw`` (see the module docstring). ``page_starts`` are (original offset, page) pairs from formats
    that know their pages (PDF); without them, lone page-number lines give the pages."""
    page_starts = sorted(page_starts)
    vocab = word_vocabulary(raw) if vocabulary is None else vocabulary
    lines = _split_lines(raw)
    page_lines = _find_page_lines(lines, known_pages=bool(page_starts))
    running = _running_lines(lines, page_lines, [o for o, _ in page_starts])

    content_lines = [ln for i, ln in enumerate(lines) if not ln.blank and i not in page_lines and i not in running]
    # "Double-spaced" extraction: a blank line after (nearly) every text line, sentences wrapped across them; then
    # paragraphs need two blanks. Paragraphs of one line each, a blank line between (Markdown, most .txt), are not:
    # their next line starts a sentence, where a wrapped line goes on in lower case ("… har inför nästa ⏎⏎
    # mandatperiod …").
    followed_by_one_blank = wrapped = 0
    for i, ln in enumerate(lines[:-2]):
        if not ln.blank and lines[i + 1].blank and not lines[i + 2].blank:
            followed_by_one_blank += 1
            wrapped += bool(_GOES_ON.match(lines[i + 2].content))
    double_spaced = len(content_lines) >= 6 and followed_by_one_blank >= 0.5 * len(content_lines) \
        and wrapped >= DOUBLE_SPACED_WRAPS * len(content_lines)
    blanks_for_break = 2 if double_spaced else 1
    lengths = sorted(len(ln.content) for ln in content_lines)
    typical = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0

    out = _Builder()
    paragraphs: list[tuple[int, int]] = []
    para_start: int | None = None
    pages: list[tuple[int, int]] = []
    pending_page: int | None = None
    blank_run = 0
    across_header = False
    prev: _Line | None = None  # previous content line in the current paragraph
    prev_opened = False  # whether it opened the paragraph
    in_point = False  # the paragraph is a point of a list ("1. Följs …?", "• Tjänsteskrivelse …"): the next opens one

    def end_paragraph() -> None:
        nonlocal para_start, prev
        if para_start is not None and out.length > para_start:
            paragraphs.append((para_start, out.length))
        para_start = None
        prev = None

    line_pos = [-1] * len(lines)  # cleaned offset where each text line starts
    marker = False  # a list's number or bullet stood on the line before: this line is its point's text
    for i, line in enumerate(lines):
        if i in page_lines:
            pending_page = page_lines[i]
            continue
        if i in running:
            across_header = True  # a header or footer: the text around it runs on, as across a page line
            continue
        if line.blank:
            blank_run += 1
            continue
        content = line.content
        if marker:  # the point's text goes on from its number: "1." ⏎ "Följs besluten upp …?"
            marker = False
            across_header = False
            blank_run = 0
            line_pos[i] = out.length
            _emit_line(out, line, prev, vocab, joined=True)
            prev, prev_opened = line, False
            continue
        if _MARKER_LINE.fullmatch(content) and (after := _next_text(lines, i, page_lines, running)) is not None \
                and not _MARKER_LINE.fullmatch(after):
            # a PDF may set a list's numbers and bullets apart from their text: the point is judged as one line
            marker = True
            content = f"{content} {after}"
        new_paragraph = prev is None or blank_run >= blanks_for_break
        if prev is not None and not new_paragraph:
            prev_c = prev.content
            ends_sentence = bool(_SENTENCE_END.search(prev_c))
            short = len(prev_c) < 0.7 * typical
            opens = content[:1].isupper() or bool(_LIST_ITEM.match(content) or _ITEM_LINE.match(content))
            if _CELLS.search(prev_c) and _CELLS.search(content):
                pass  # a table's rows, one after another, stay one paragraph
            elif _CELLS.search(prev_c) and opens:
                new_paragraph = True  # the text after a table
            elif in_point and _LIST_ITEM.match(content):
                new_paragraph = True  # the list's next point
            elif short and (ends_sentence or (opens and len(prev_c) < 0.5 * typical
                                              and not prev_c.endswith((",", "-")))):
                new_paragraph = True
            elif content[:1].isupper() and prev_opened and is_numbered_title(prev_c):
                new_paragraph = True  # "1. En ny lag om förebyggande stöd till barn och unga" ⏎ "Utredningen …"
            elif prev_c.endswith((".", ":", "?", "!")) and (_LIST_ITEM.match(content) or is_numbered_title(content)):
                new_paragraph = True  # "… revisionsfrågor:" ⏎ "1. Följs …?"; "… hemtjänsten." ⏎ "3. Iakttagelser"
            elif _is_genre_heading(content) and not prev_c.endswith("-"):
                new_paragraph = True  # "Svar på revisorernas granskning av hemtjänsten" ⏎ "Ärendebeskrivning"
            elif prev_opened and _is_genre_heading(prev_c) and opens:
                new_paragraph = True  # "Kommunstyrelsens förslag till kommunfullmäktige" ⏎ "Kommunstyrelsen föreslår …"
            elif _ITEM_LINE.match(content) and not prev_c.endswith((",", "-")):
                new_paragraph = True  # a protocol's paragraph: "Protokoll nr 9/2025 …" ⏎ "§ 14 Svar på remiss …"
            elif ends_sentence and _VOICE_OPENS.match(content) or _ANNOUNCES.search(prev_c) and \
                    (opens or content[:1] in "–-•"):
                new_paragraph = True  # a voice takes the word: "… förslag." ⏎ "Reservation anfördes av …"
            elif _ENDS_PROSE.search(prev_c) and _HEADING_LIKE.fullmatch(content) and len(content) < 0.5 * typical \
                    and len(content.split()) <= HEADING_WORDS and not _NAME_LIKE.fullmatch(content) \
                    and (after := _next_text(lines, i, page_lines, running)) is not None and after[:1].isupper():
                new_paragraph = True  # a heading between paragraphs set without space: "… huvudmännen." ⏎
                # "Rinkeby-Kista stadsdelsnämnd" ⏎ "Rinkeby-Kista stadsdelsnämnd beslutade …"
        if (pending_page is not None or across_header) and prev is not None and content[:1].islower() \
                and not _SENTENCE_END.search(prev.content):
            new_paragraph = False  # a sentence running over a page break
        across_header = False
        blank_run = 0
        if new_paragraph:
            end_paragraph()
            if paragraphs:
                out.add("\n\n", out.offs[-1] + 1, contiguous=False)
            para_start = out.length
        if pending_page is not None:
            pages.append((out.length if not new_paragraph or para_start is None else para_start, pending_page))
            pending_page = None
        prev_opened = new_paragraph  # whether the line just emitted opens its paragraph
        if new_paragraph:
            in_point = bool(_LIST_ITEM.match(content))
        line_pos[i] = out.length
        row = not new_paragraph and prev is not None and bool(_TABLE_ROW.search(content) and
                                                               _TABLE_ROW.search(prev.content))
        _emit_line(out, line, prev, vocab, joined=not new_paragraph, sep="\n" if row else " ")
        prev = line
    end_paragraph()
    out.offs.append(len(raw))
    text = "".join(out.parts)

    estimated_before = 0
    if page_starts:
        pages = [(_clean_pos(out.offs, o), p) for o, p in page_starts]
    elif pages and pages[0][1] > 1:
        line_pos.append(out.length)
        for i in range(len(line_pos) - 2, -1, -1):  # blank and page lines: position of the next text
            if line_pos[i] < 0:
                line_pos[i] = line_pos[i + 1]
        estimated_before = pages[0][0]
        pages = _estimate_early_pages(page_lines, line_pos, paragraphs, pages)
    # several pages may start at the same cleaned offset (empty pages): keep the last
    dedup: dict[int, int] = {}
    for pos, p in pages:
        dedup[pos] = p
    return CleanText(
        text=text,
        offsets=out.offs,
        paragraphs=tuple(paragraphs),
        pages=tuple(sorted(dedup.items())),
        estimated_before=estimated_before,
        removed_page_lines=tuple(page_lines.values()),
    )


def _next_text(lines: list[_Line], i: int, page_lines: dict[int, int], running: set[int]) -> str | None:
    """The content of the first text line after line ``i`` (past blank, page-number and running lines), if any."""
    for j in range(i + 1, len(lines)):
        if not lines[j].blank and j not in page_lines and j not in running:
            return lines[j].content
    return None


def _clean_pos(offs: array, orig: int) -> int:
    """First cleaned index whose original offset is >= orig."""
    lo, hi = 0, len(offs) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if offs[mid] < orig:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _estimate_early_pages(
    page_lines: dict[int, int], line_pos: list[int], paragraphs: list[tuple[int, int]], pages: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Pages before the first printed number (title pages usually carry none), estimated backwards from the first
    number in lines of the source (a PDF page holds a fairly constant number of lines, the longest gap between
    numbered pages), spread evenly when fewer lines remain (a short title page), snapped to paragraph starts.

    page_lines: line index -> page number; line_pos[i]: cleaned offset of the first text at or after line i.
    """
    numbered = sorted(page_lines.items())
    first_line, first_no = numbered[0]
    gaps = [numbered[i + 1][0] - numbered[i][0] for i in range(len(numbered) - 1)]
    per_page = max(gaps) if gaps else max(len(line_pos) - first_line, 1)
    if per_page * (first_no - 1) > first_line:  # fewer lines than full pages: spread them evenly
        per_page = max(first_line // (first_no - 1), 1)
    para_starts = [a for a, _ in paragraphs]
    estimated: list[tuple[int, int]] = [(0, 1)]
    for n in range(2, first_no):
        line = first_line - (first_no - n) * per_page
        if line <= 0:
            continue  # more unnumbered pages than lines to give them: they stay with page 1
        pos = line_pos[line]
        j = bisect_right(para_starts, pos - 1)
        estimated.append((para_starts[j] if j < len(para_starts) and para_starts[j] < pages[0][0] else pos, n))
    return sorted(estimated) + pages


def _emit_line(out: _Builder, line: _Line, prev: _Line | None, vocab: set[str], joined: bool,
               sep: str = " ") -> None:
    words = [m for m in _WORD.finditer(line.text) if INVISIBLE.sub("", m.group())]  # a lone soft hyphen is no word
    for j, m in enumerate(words):
        word, start = m.group(), line.start + m.start()
        if j == 0 and joined and sep != " ":
            out.add(sep, start - 1, contiguous=False)  # the next row of a table
        elif j == 0 and joined:
            if _hanging_hyphen_joins(out, word, vocab):
                out.parts[-1] = out.parts[-1][:-1]  # drop the hyphen that ended the previous line
                del out.offs[-1]
                out.length -= 1
            elif out.last_char() != "-" or word.lower() in _CONJUNCTIONS or \
                    not word[:1].islower() and not _DOUBLE_NAME.search(out.parts[-1]):
                out.add(" ", start - 1, contiguous=False)  # "hälso- och …"; a name goes on: "Hässelby-⏎Vällingby"
        elif j > 0:
            out.add(" ", start - 1, contiguous=False)
        _emit_word(out, word, start, vocab)


# a capitalised word before a hyphen at a line's end, a name going on in the next line's capital: "Hässelby-"
_DOUBLE_NAME = re.compile(r"(?<![\w-])[A-ZÅÄÖ][a-zåäöé]+-$")


def _hanging_hyphen_joins(out: _Builder, next_word: str, vocab: set[str]) -> bool:
    """Is the hyphen ending the previous line a line-break hyphenation ("samverk-⏎an")?"""
    if out.last_char() != "-" or not next_word[:1].islower() or next_word.lower() in _CONJUNCTIONS:
        return False
    tail = out.parts[-1]
    m = re.search(r"([^\W\d_]+)-$", tail)
    if not m or m.group(1).isupper() and len(m.group(1)) >= 2:
        return False  # an abbreviation's hyphen is real: "VA-⏎kollektivet", "EU-⏎medel"
    joined = (m.group(1) + re.match(r"[^\W\d_]*", next_word).group()).lower()  # type: ignore[union-attr]
    if joined in vocab:
        return True
    # Unknown either way: a lower-case continuation after a hyphen at a line end is almost always hyphenation,
    # unless the hyphenated form itself is used in the document ("e-förvaltning").
    return f"{m.group(1).lower()}-{next_word.lower()}" not in vocab


def _emit_word(out: _Builder, word: str, start: int, vocab: set[str]) -> None:
    """Emit a word, removing an extraction hyphen inside it when the joined word is known ("Stadslednings-kontoret"),
    and invisible characters: web pages hyphenate with soft hyphens ("nack\u00addelar" is "nackdelar")."""
    if INVISIBLE.search(word):
        pos = 0
        for m in INVISIBLE.finditer(word):
            if m.start() > pos:
                out.add(word[pos:m.start()], start + pos)
            pos = m.end()
        if pos < len(word):
            out.add(word[pos:], start + pos)
        return
    m = re.fullmatch(r"([^\W\d_]{2,})-([^\W\d_]{2,})([^\w]*)", word)
    if m and m.group(2)[:1].islower() and not m.group(1).isupper():
        if (m.group(1) + m.group(2)).lower() in vocab:
            cut = len(m.group(1))
            out.add(word[:cut], start)
            out.add(word[cut + 1:], start + cut + 1)
            return
    out.add(word, start)
