"""Turn a file into raw text: .txt, .md, .pdf, .docx, .html/.htm.

This module only extracts text. Cleaning, page-number detection in plain text,
document structure and speakers are handled elsewhere.

Offsets: every character offset (``RawDocument.page_starts``) refers to
``RawDocument.text`` -- the *decoded* text with line endings normalised
(``\\r\\n`` and ``\\r`` become ``\\n``) -- not to bytes in the file. For .txt and
.md, ``text`` is otherwise exactly the file's content, so
``path.read_bytes().decode(doc.encoding)`` with the same newline normalisation
reproduces it.

Every problem with a file's content (or with opening it) is raised as
:class:`UnreadableFile`; its message is ``"<file name>: <what is wrong and how to fix it>"``.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import stat
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import QAError

if TYPE_CHECKING:  # pragma: no cover
    from bs4 import Tag

__all__ = ["SUPPORTED_SUFFIXES", "RawDocument", "UnreadableFile", "read_file"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})

_MB = 1_000_000
_BINARY_SNIFF_BYTES = 8192
_CELL_SEPARATOR = " | "
_MARKS = frozenset("xX✓✔×•●☒■")  # a table cell that only marks its column


@dataclass(frozen=True)
class RawDocument:
    """A file's text as extracted, before any cleaning.

    text:        the extracted text; line endings are always ``\\n``.
    page_starts: ``(offset in text, page number)`` per page where the format itself knows
                 pages (PDF: one entry per page, 1-based physical page index, in order);
                 ``()`` for formats without pages.
    title:       from the file's metadata where the format has it (PDF /Title, docx core
                 properties, HTML ``<title>`` or first ``<h1>``, Markdown first ``# `` heading);
                 otherwise None. Taken as-is (only surrounding whitespace stripped).
    encoding:    for text formats (.txt, .md, .html, .htm) the codec that decoded the bytes,
                 as Python's canonical codec name ("utf-8", "utf-8-sig", "utf-16",
                 "cp1252", "iso8859-1", ...); None for PDF and docx.
    """

    text: str
    page_starts: tuple[tuple[int, int], ...]
    title: str | None
    encoding: str | None


class UnreadableFile(QAError):
    """The file cannot be turned into text.

    ``reason`` is one line saying what is wrong and how to fix it;
    ``str(e) == f"{path.name}: {reason}"``.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keeps the exception picklable (e.g. across multiprocessing workers).
        return (type(self), (self.path, self.reason))


def read_file(path: Path, max_bytes: int = 50_000_000) -> RawDocument:
    """Read ``path`` and return its raw text.

    Raises UnreadableFile for an unsupported suffix, a file that cannot be opened, a file
    larger than ``max_bytes``, an empty file, and any content that cannot be read as the
    format its suffix claims.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        raise UnreadableFile(
            path, f"unsupported file type {shown} — supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )

    data = _read_bytes(path, max_bytes)
    if not data:
        raise UnreadableFile(path, "empty file (0 bytes) — nothing to read")

    reader = _READERS[suffix]
    try:
        doc = reader(path, data)
    except UnreadableFile:
        raise
    except Exception as exc:  # a file's content must never crash the caller
        # Last line of defence: the format-specific readers catch the errors they know about.
        raise UnreadableFile(path, f"could not be read ({_short(exc)})") from exc

    if not doc.text.strip():
        raise UnreadableFile(path, "contains no text — nothing to index")
    return doc


# --------------------------------------------------------------------------- bytes


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise UnreadableFile(path, "is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):  # a pipe would block, a device never ends
            raise UnreadableFile(path, "is not a regular file (device, pipe or socket)")
        if st.st_size > max_bytes:
            raise _too_large(path, st.st_size, max_bytes)
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # bounded even if the file grew since stat()
    except UnreadableFile:
        raise
    except FileNotFoundError as exc:
        raise UnreadableFile(path, f"cannot open: {_os_reason(exc)} — check the path") from exc
    except PermissionError as exc:
        raise UnreadableFile(path, f"cannot open: {_os_reason(exc)} — check the file's permissions") from exc
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read: {_os_reason(exc)}") from exc
    if len(data) > max_bytes:
        raise _too_large(path, len(data), max_bytes)
    return data


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _too_large(path: Path, size: int, limit: int) -> UnreadableFile:
    shown_size, shown_limit = _format_mb(size), _format_mb(limit)
    if shown_size == shown_limit:  # e.g. 50.0 vs 50.0 -- rounding hides the difference
        sizes = f"{size} bytes, limit {limit} bytes"
    else:
        sizes = f"{shown_size} MB, limit {shown_limit} MB"
    return UnreadableFile(path, f"too large ({sizes}) — split it or raise QA_MAX_FILE_MB")


def _format_mb(n: int) -> str:
    mb = n / _MB
    if mb >= 10:
        return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"
    if mb >= 0.1:
        return f"{mb:.1f}"
    return f"{mb:.3f}"


def _short(exc: BaseException, limit: int = 120) -> str:
    """A one-line, bounded description of an exception."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- text decoding

_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _bom_codec(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(_UTF32_BOMS):  # before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE one
        return "utf-32"
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    return None


def _decode_text(path: Path, data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of a text file; returns (newline-normalised text, codec name).

    Order: byte-order mark (UTF-8, UTF-16, UTF-32), the declared encoding (HTML), UTF-8,
    Windows-1252, Latin-1 (which accepts any byte sequence).
    """
    bom = _bom_codec(data)
    if bom is not None:
        try:
            return _normalise_newlines(data.decode(bom)), bom
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                path, f"starts with a {bom} byte-order mark but is not valid {bom} ({_short(exc, 60)})"
            ) from exc

    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        raise UnreadableFile(path, "looks like a binary file, not text — check that it has the right extension")

    candidates = [c for c in (declared, "utf-8", "cp1252", "iso8859-1") if c]
    for codec in dict.fromkeys(candidates):  # ordered, without duplicates
        try:
            return _normalise_newlines(data.decode(codec)), codec
        except UnicodeDecodeError:
            continue
    raise AssertionError("unreachable: iso8859-1 decodes any bytes")  # pragma: no cover


# --------------------------------------------------------------------------- .txt / .md

_MD_HEADING = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _read_txt(path: Path, data: bytes) -> RawDocument:
    text, encoding = _decode_text(path, data)
    return RawDocument(text=text, page_starts=(), title=None, encoding=encoding)


def _read_md(path: Path, data: bytes) -> RawDocument:
    text, encoding = _decode_text(path, data)
    return RawDocument(text=text, page_starts=(), title=_markdown_title(text), encoding=encoding)


def _markdown_title(text: str) -> str | None:
    """The first level-1 ATX heading (``# Title``) outside fenced code blocks."""
    fence: str | None = None
    for line in text.split("\n"):
        m = _MD_FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        m = _MD_HEADING.match(line)
        if m and m.group(1).strip():
            return m.group(1).strip()
    return None


# --------------------------------------------------------------------------- .pdf

_pypdf_quiet_lock = threading.Lock()
_pypdf_quiet_depth = 0
_pypdf_saved_level = logging.NOTSET


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's logging (it logs to the "pypdf.*" loggers) and warnings while reading.

    The logger level is raised for the outermost reader and restored when the last one
    finishes, so concurrent reads in threads don't restore it too early.
    """
    global _pypdf_quiet_depth, _pypdf_saved_level
    logger = logging.getLogger("pypdf")
    with _pypdf_quiet_lock:
        if _pypdf_quiet_depth == 0:
            _pypdf_saved_level = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _pypdf_quiet_depth += 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        with _pypdf_quiet_lock:
            _pypdf_quiet_depth -= 1
            if _pypdf_quiet_depth == 0:
                logger.setLevel(_pypdf_saved_level)


_ENCRYPTED = "encrypted PDF — remove the password and try again"
_NEEDS_CRYPTO = (
    "encrypted PDF (AES) — reading it needs the Python package 'cryptography' "
    "(pip install cryptography), or remove the encryption and try again"
)


def _read_pdf(path: Path, data: bytes) -> RawDocument:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    decrypted = reader.decrypt("")
                except DependencyError as exc:
                    raise UnreadableFile(path, _NEEDS_CRYPTO) from exc
                if not decrypted:
                    raise UnreadableFile(path, _ENCRYPTED)
            pages = list(reader.pages)
        except UnreadableFile:
            raise
        except FileNotDecryptedError as exc:
            raise UnreadableFile(path, _ENCRYPTED) from exc
        except DependencyError as exc:
            raise UnreadableFile(path, _NEEDS_CRYPTO) from exc
        except Exception as exc:  # pypdf raises many types on damaged files
            raise UnreadableFile(path, f"not a readable PDF ({_short(exc)}) — is it complete/undamaged?") from exc

        if not pages:
            raise UnreadableFile(path, "contains no text (the PDF has no pages)")

        texts: list[str] = []
        failures: list[tuple[int, Exception]] = []
        for number, page in enumerate(pages, start=1):
            try:
                texts.append(_with_table_rows(_normalise_newlines(page.extract_text() or ""), page))
            except DependencyError as exc:
                raise UnreadableFile(path, _NEEDS_CRYPTO) from exc
            except Exception as exc:  # noqa: BLE001 - one damaged page should not lose the document
                failures.append((number, exc))
                texts.append("")
        title = _pdf_title(reader)

    if not any(t.strip() for t in texts):
        if failures:
            number, exc = failures[0]
            raise UnreadableFile(path, f"not a readable PDF (page {number}: {_short(exc)})")
        raise UnreadableFile(path, "no text layer (scanned PDF?) — run OCR first, e.g. ocrmypdf")
    for number, exc in failures:
        log.warning("%s: text of page %d could not be extracted (%s); page left empty", path.name, number,
                    _short(exc))

    page_starts: list[tuple[int, int]] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        page_starts.append((offset, number))
        offset += len(page_text) + 2  # "\n\n" between pages
    return RawDocument(text="\n\n".join(texts), page_starts=tuple(page_starts), title=title, encoding=None)


# a cell of a table as a PDF lays it out: words one space apart, cells further apart
_LAYOUT_CELL = re.compile(r"\S+(?: \S+)*")
TABLE_COLUMNS = 3  # a table's header has at least this many cells; its rows at least two (or go on from the row above)
HEADER_WORDS = 5  # words in a header cell, at most


def _layout_cells(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _LAYOUT_CELL.finditer(line)]


def _layout_tables(layout: str) -> list[tuple[list[list[str]], int]]:
    """The tables of a page as pypdf lays it out (its "layout" mode keeps each line's horizontal positions): a line of
    at least TABLE_COLUMNS cells, then lines whose cells stand in its columns; a line whose first cell is empty goes on
    from the row above (a cell set over two lines). Each table a grid, its header first, with the number of lines
    above its first row that its header was set over (0 when that row is its header; see ``_header_above``)."""
    lines = layout.split("\n")
    tables, i = [], 0
    while i < len(lines):
        head = _layout_cells(lines[i])
        # a header names its columns in a few words each ("Ledamot", "Planerad åtgärd"); lines of prose set in
        # columns do not
        if len(head) < TABLE_COLUMNS or any(len(t.split()) > HEADER_WORDS or t.endswith(".") for _, _, t in head):
            i += 1
            continue
        starts = [a for a, _, _ in head]
        spans = [[a, b] for a, b, _ in head]  # how far each column's cells reach
        grid, j = [[t for _, _, t in head]], i + 1
        while j < len(lines) and (cells := _layout_cells(lines[j])):
            # a cell belongs to the column whose span holds its middle
            columns = [max((k for k, a in enumerate(starts) if a <= (c0 + c1) // 2 + 1), default=0)
                       for c0, c1, _ in cells]
            if len(set(columns)) < len(columns):
                break
            row = [""] * len(starts)
            for k, (c0, c1, t) in zip(columns, cells, strict=True):
                row[k] = t
                spans[k] = [min(spans[k][0], c0), max(spans[k][1], c1)]
            rows = grid[1:]
            # a cell set over two lines goes on in the next: the first column empty ("  bevakning i systemet."), or
            # fewer cells than any row has, one of them in a column every row fills ("utförarna  differens …")
            # (a header's second line too: "Utfall jan–aug" over "2025")
            goes_on = not row[0] and not rows or rows and (not row[0] or len(cells) < min(
                sum(map(bool, r)) for r in rows) and any(all(r[k] for r in rows) and not row[k]
                                                          for k in range(len(starts))))
            if goes_on:
                grid[-1] = [f"{a} {b}".strip() for a, b in zip(grid[-1], row, strict=True)]
            elif len(cells) >= 2:
                grid.append(row)
            else:
                break
            j += 1
        if len(grid) >= 3:
            names, over = _header_above(lines, i, spans)
            if names and all(FIGURE_CELL.fullmatch(t) for t in grid[0][1:] if t):  # the first row is the table's first
                grid = [names, *grid]
            elif names:  # the header's lines above the one found first: "Tillsvidare-" over "anställda"
                grid[0] = [_joined(f"{n} {t}") for n, t in zip(names, grid[0], strict=True)]
            tables.append((grid, over))
            i = j
        else:
            i += 1
    return tables


# a cell that is a figure ("142 600", "−8 800", "23,1", "90 %"): a first row of such cells is no header, and a
# figure means nothing without its column's name (qa.answer)
FIGURE_CELL = re.compile(r"[−–+-]?\d[\d  ]*(?:[.,]\d+)?(?: ?%)?")


def _joined(text: str) -> str:
    """A header cell's words as one name: a word hyphenated over two lines is one ("Tillsvidare- anställda")."""
    return re.sub(r"(?<=\w)- (?=[a-zåäö])", "", text).strip()


_MARKER = re.compile(r"\d")  # a footnote's mark set apart from its word ("Avvikelse ⏎ 1 ⏎ helår")
HEADER_LINES = 3  # a header above a table's first row is set over at most this many lines


def _header_above(lines: list[str], first: int, spans: list[list[int]]) -> tuple[list[str] | None, int]:
    """The header of a table whose first row holds figures, set over the lines above it with each column's name
    centred over its figures ("Utfall jan–aug" over "2025"): each cell read as the column its span overlaps most,
    a column's words in their lines' order, a lone footnote digit left out. (None, 0) when the lines above do not
    name the columns."""
    names: list[list[str]] = [[] for _ in spans]
    over = 0
    for k in range(first - 1, max(first - 1 - HEADER_LINES, -1), -1):
        cells = _layout_cells(lines[k])
        # a line of names, or one name over a column of figures ("2025-08-31" under "Tillsvidare- / anställda")
        if not cells or len(cells) == 1 and cells[0][0] < spans[0][1] or \
                any(len(t.split()) > HEADER_WORDS or "." in t for _, _, t in cells):
            break
        parts: list[list[str]] = [[] for _ in spans]
        for c0, c1, t in cells:
            if _MARKER.fullmatch(t):
                continue
            overlap = [min(c1, b) - max(c0, a) for a, b in spans]
            best = max(range(len(spans)), key=lambda n: (overlap[n], -abs((c0 + c1) - sum(spans[n]))))
            parts[best].append(t)
        names = [p + n for p, n in zip(parts, names, strict=True)]
        over += 1
    if over == 0 or sum(map(bool, names)) < (len(spans) - 1) // 2:
        return None, 0
    return [_joined(" ".join(n)) for n in names], over


def _letters(line: str) -> Counter[str]:
    """A header's letters and digits as its layout's are compared with the text's: a footnote's digit set apart or
    stuck to a word left out ("helår1" is "helår"), a word hyphenated over two lines one ("Tillsvidare- anställda")."""
    words = [w.rstrip("0123456789") if not w.isdigit() else w for w in line.split() if not _MARKER.fullmatch(w)]
    return Counter(c for w in words for c in w if c.isalnum())


def _with_table_rows(text: str, page: Any) -> str:
    """The page's text with each table a row to a line ("Anna Berg | M | Nej", a vote's "X" read as its column), where
    the text layer gives the table cell by cell in its reading order; any other text as it was. A header set over
    several lines above figures becomes the table's first row, where the text holds its words just above the rows."""
    if len(text.splitlines()) < 6:
        return text
    try:
        tables = _layout_tables(page.extract_text(extraction_mode="layout") or "")
    except Exception:  # noqa: BLE001 - the plain text stands without the tables' rows
        return text
    lines = text.split("\n")
    for grid, over in tables:
        body = grid[1:] if over else grid
        # the lines that hold the table's words, each as often, whatever their order (a cell set over two lines may
        # come after the row's other cells)
        target = Counter(word for row in body for cell in row for word in cell.split())
        for i in range(len(lines)):
            held, j = Counter(lines[i].split()), i + 1
            while held and not held - target and held != target and j < len(lines):
                held += Counter(lines[j].split())
                j += 1
            if held == target:
                start = i
                if over:  # the header's words on the lines just above, each as often
                    names = _letters(" ".join(grid[0]))
                    seen, k = Counter(), i
                    while k > 0 and seen != names and not _letters(lines[k - 1]) - (names - seen):
                        seen += _letters(lines[k - 1])
                        k -= 1
                    start = k if seen == names else i
                lines[start:j] = _table_rows(grid if start < i else body)
                break
    return "\n".join(lines)


def _pdf_title(reader: Any) -> str | None:
    try:
        meta = reader.metadata
        title = meta.title if meta is not None else None
    except Exception:  # noqa: BLE001 - broken metadata just means no title
        return None
    if not isinstance(title, str):
        return None
    return title.strip() or None


# --------------------------------------------------------------------------- .docx

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Where Word's layout began a page, while the text is read; U+FFFF cannot occur in a .docx (XML 1.0 excludes it).
_PAGE_MARK = "\uffff"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


# Containers whose content is read like the surrounding content.
_DOCX_TRANSPARENT = {_w("ins"), _w("moveTo"), _w("hyperlink"), _w("smartTag"), _w("customXml"),
                     _w("fldSimple"), _w("sdt"), _w("sdtContent"), _w("dir"), _w("bdo"),
                     f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice"}
# Deleted text (tracked changes) and compatibility fallbacks (duplicates of mc:Choice).
_DOCX_SKIP = {_w("del"), _w("moveFrom"), f"{{{_MC}}}Fallback"}


def _read_docx(path: Path, data: bytes) -> RawDocument:
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile(
            path,
            "not a readable Word .docx file: it is an old-format .doc or a password-protected "
            "document — open it in Word and save it as .docx without a password",
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_body_blocks(document, _DocxNumbering.of(document)))
    except Exception as exc:  # zipfile/lxml/python-docx errors on damaged files
        raise UnreadableFile(
            path, f"not a readable Word .docx file ({_short(exc)}) — re-save it from Word as .docx"
        ) from exc

    try:
        title = (document.core_properties.title or "").strip() or None
    except Exception:  # noqa: BLE001 - broken core properties just mean no title
        title = None
    text, page_starts = _docx_pages(_normalise_newlines("\n\n".join(blocks)))
    return RawDocument(text=text, page_starts=page_starts, title=title, encoding=None)


def _docx_pages(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text without its page marks, and where each page starts.

    Word records where its pages began when it last laid the document out (``w:lastRenderedPageBreak``); a file
    saved by Word so carries its printed pages, and a citation can name one. A file without those marks (written
    by another program) has no pages: a hard page break alone does not tell where the pages before it broke.
    """
    if _PAGE_MARK not in marked:
        return marked, ()
    pieces = marked.split(_PAGE_MARK)
    starts: dict[int, int] = {0: 1}
    offset = 0
    for number, piece in enumerate(pieces[:-1], start=2):
        offset += len(piece)
        starts[offset] = number  # a page left empty shares its offset with the next: the later one stays
    return "".join(pieces), tuple((o, n) for o, n in starts.items())


class _DocxNumbering:
    """The numbers and bullets Word draws before its list paragraphs ("1.", "a)", "•"), which are not in the text.

    Decision points are often Word's own numbered list ("1. att Kvarnbackens skola avvecklas …"): read without
    their numbers they would lose what makes them points. A paragraph is in a list through its own numbering
    properties or its style's ("List Number"); a deeper level restarts under a new item of the level above. Word
    counts a list definition on through every list that uses it; a list that restarts it says so
    (``w:startOverride``) and restarts where its first paragraph stands.
    """

    def __init__(self, lists: dict[str, tuple[str, dict[int, tuple[int, str, str]], dict[int, int]]],
                 styles: dict[str, tuple[str, int]]) -> None:
        # numId -> (its definition's id, level -> (start, format, text such as "%1." or "%1.%2"), level -> restart)
        self._lists = lists
        self._styles = styles  # paragraph style id -> (numId, level)
        self._counts: dict[str, dict[int, int]] = {}  # per definition: level -> the number last drawn
        self._begun: set[str] = set()

    @classmethod
    def of(cls, document: Any) -> _DocxNumbering | None:
        try:
            numbering = document.part.numbering_part.element
            styles_el = document.styles.element
        except Exception:  # noqa: BLE001 - no or damaged numbering part: the paragraphs are read without numbers
            return None
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in numbering.iterchildren(_w("abstractNum")):
            abstract[an.get(_w("abstractNumId"), "")] = {
                _int(lvl.get(_w("ilvl")), 0): (_int(_val(lvl, "start"), 1), _val(lvl, "numFmt") or "decimal",
                                                  _val(lvl, "lvlText") or "")
                for lvl in an.iterchildren(_w("lvl"))}
        lists: dict[str, tuple[str, dict[int, tuple[int, str, str]], dict[int, int]]] = {}
        for num in numbering.iterchildren(_w("num")):
            abstract_id = _val(num, "abstractNumId") or ""
            restarts = {_int(o.get(_w("ilvl")), 0): _int(_val(o, "startOverride"), 1)
                        for o in num.iterchildren(_w("lvlOverride")) if _val(o, "startOverride") is not None}
            lists[num.get(_w("numId"), "")] = (abstract_id, abstract.get(abstract_id, {}), restarts)
        based_on: dict[str, str] = {}
        style_num: dict[str, tuple[str | None, int | None]] = {}
        for style in styles_el.iterchildren(_w("style")):
            sid = style.get(_w("styleId"), "")
            based_on[sid] = _val(style, "basedOn") or ""
            num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                style_num[sid] = (_val(num_pr, "numId"), _opt_int(_val(num_pr, "ilvl")))
        styles: dict[str, tuple[str, int]] = {}
        for sid in based_on:
            seen, cur = set(), sid
            while cur and cur not in style_num and cur not in seen:
                seen.add(cur)
                cur = based_on.get(cur, "")
            num_id, level = style_num.get(cur, (None, None))
            if num_id:
                styles[sid] = (num_id, level or 0)
        return cls(lists, styles)

    def label(self, p: Any) -> str:
        """The number or bullet Word draws before paragraph ``p`` ("" for a paragraph in no list)."""
        ppr = p.find(_w("pPr"))
        num_id, level = None, None
        if ppr is not None:
            style = _val(ppr, "pStyle")
            if style in self._styles:
                num_id, level = self._styles[style]
            num_pr = ppr.find(_w("numPr"))
            if num_pr is not None:
                num_id = _val(num_pr, "numId") or num_id
                own_level = _opt_int(_val(num_pr, "ilvl"))
                level = own_level if own_level is not None else level
        num_id, level = num_id or "", level or 0
        abstract_id, definition, restarts = self._lists.get(num_id, ("", {}, {}))
        if level not in definition:  # numId "0" switches a list off
            return ""
        counts = self._counts.setdefault(abstract_id, {})
        if num_id not in self._begun:
            self._begun.add(num_id)
            for restarted, start in restarts.items():
                counts[restarted] = start - 1
                for deeper in [k for k in counts if k > restarted]:
                    del counts[deeper]
        counts[level] = counts.get(level, definition[level][0] - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        _start, fmt, text = definition[level]
        if fmt == "bullet":
            return text if text in ("-", "–", "—", "*", "•", "o") else "•"
        if fmt == "none":
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            start, k_fmt, _ = definition.get(k, (1, "decimal", ""))
            return _list_number(counts.get(k, start), k_fmt)

        return re.sub(r"%([1-9])", number, text).strip()


def _val(el: Any, child: str) -> str | None:
    found = el.find(_w(child))
    return None if found is None else found.get(_w("val"))


def _opt_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def _int(value: str | None, default: int) -> int:
    parsed = _opt_int(value)
    return default if parsed is None else parsed


def _list_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letters = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(ord("a") + r) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        roman = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                               (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            count, n = divmod(n, value)
            roman += numeral * count
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _docx_body_blocks(document: Any, numbering: _DocxNumbering | None = None) -> Iterator[str]:
    """The body's blocks, each section's page header first where the section has one of its own: a paper's
    header names what it is and whose ("TALLÅSA KOMMUN ⇥ TJÄNSTESKRIVELSE", "Barn- och
    utbildningsförvaltningen ⇥ 2025-02-24 ⇥ Dnr BUN 2024/0318"), as it stands atop its first page. Footers
    ("Justerandes signatur …", an address) are left out."""
    headers = _docx_headers(document)
    section = 0
    if headers and headers[0]:
        yield headers[0]
    waiting: str | None = None  # a section's header, held until its first block says whether a page starts there
    for child in document.element.body.iterchildren():
        for block in _docx_child_blocks(child, numbering):
            if waiting is not None:
                if block.startswith(_PAGE_MARK):  # the page starts with its header, not after it
                    waiting, block = _PAGE_MARK + waiting, block[len(_PAGE_MARK):]
                yield waiting
                waiting = None
            if block.strip():
                yield block
        if child.tag == _w("p") and child.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
            section += 1  # the paragraph ends a section; the next one starts on a new page
            if waiting is not None:
                yield waiting
            waiting = headers[section] if section < len(headers) and headers[section] else None
    if waiting is not None:
        yield waiting


def _docx_headers(document: Any) -> list[str | None]:
    """Each section's page header text, None where it repeats the previous section's or is empty."""
    out: list[str | None] = []
    try:
        for sec in document.sections:
            header = sec.first_page_header if sec.different_first_page_header_footer else sec.header
            text = None if header.is_linked_to_previous else "\n\n".join(_docx_blocks(header._element))
            out.append(text or None)
    except Exception:  # noqa: BLE001 - a damaged header part only means no header text
        return []
    return out


def _docx_blocks(container: Any, numbering: _DocxNumbering | None = None) -> Iterator[str]:
    """Text blocks of a body/cell/text box/header in document order: one per paragraph, one per table."""
    for child in container.iterchildren():
        yield from _docx_child_blocks(child, numbering)


def _docx_child_blocks(child: Any, numbering: _DocxNumbering | None = None) -> Iterator[str]:
    tag = child.tag
    if tag == _w("p"):
        text = _docx_paragraph_text(child)
        if text.strip():
            label = numbering.label(child) if numbering is not None else ""
            if label:  # after a page mark that opens the paragraph, so the page still starts where it does
                mark = _PAGE_MARK if text.startswith(_PAGE_MARK) else ""
                text = f"{mark}{label} {text[len(mark):]}"
            yield text
        for box in _docx_text_boxes(child):
            yield from _docx_blocks(box, numbering)
    elif tag == _w("tbl"):
        table = _docx_table_text(child, numbering)
        if table:
            yield table
    elif tag in _DOCX_TRANSPARENT:
        yield from _docx_blocks(child, numbering)


def _docx_paragraph_text(p: Any) -> str:
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if tag == _w("r"):
                parts.extend(_docx_run_text(child))
            elif tag in _DOCX_TRANSPARENT:
                walk(child)
            # pPr, del, moveFrom, bookmarks, comments markers, ... carry no visible text

    walk(p)
    return "".join(parts)


def _docx_run_text(r: Any) -> Iterator[str]:
    for child in r.iterchildren():
        tag = child.tag
        if tag == _w("t"):
            yield child.text or ""
        elif tag in (_w("tab"), _w("ptab")):
            yield "\t"
        elif tag == _w("br"):
            if child.get(_w("type"), "textWrapping") == "textWrapping":
                yield "\n"
        elif tag == _w("cr"):
            yield "\n"
        elif tag == _w("noBreakHyphen"):
            yield "-"
        elif tag == _w("lastRenderedPageBreak"):
            yield _PAGE_MARK
        # instrText (field codes), delText, drawings/text boxes (handled separately): no text here


def _docx_text_boxes(p: Any) -> Iterator[Any]:
    """Outermost text boxes anchored in paragraph ``p`` (skipping mc:Fallback duplicates)."""
    box_tag = _w("txbxContent")
    for box in p.iter(box_tag):
        ancestor = box.getparent()
        nested_or_fallback = False
        while ancestor is not None and ancestor is not p:
            if ancestor.tag == box_tag or ancestor.tag in _DOCX_SKIP:
                nested_or_fallback = True
                break
            ancestor = ancestor.getparent()
        if not nested_or_fallback:
            yield box


def _docx_table_text(tbl: Any, numbering: _DocxNumbering | None = None) -> str:
    """The table as one block, each row on a line of its own.

    Non-empty cells are joined with " | "; a cell's own line breaks and whitespace runs become
    single spaces. Merged cells appear once (Word stores their text only in the first cell). A cell
    that only marks its column ("X", "✓") reads as the first row's heading of that column: in a vote list
    "Ledamot | Parti | Ja | Nej | Avstår", the row "Mattias Rehn | SD | | X |" reads "Mattias Rehn | SD | Nej".
    """
    grid = [[" ".join(" ".join(_docx_blocks(tc, numbering)).split()) for tc in _docx_children(tr, _w("tc"))]
            for tr in _docx_children(tbl, _w("tr"))]
    return "\n".join(_table_rows(grid))


def _table_rows(grid: list[list[str]]) -> list[str]:
    """A table's non-empty rows, cells joined with " | ", a cell that only marks its column ("X", "✓") read as the
    first row's heading of that column (a Word page mark in such a cell kept before it). Word's and HTML tables."""
    header = grid[0] if len(grid) > 1 else []
    rows: list[str] = []
    for r, cells in enumerate(grid):
        shown = [_PAGE_MARK * cell.count(_PAGE_MARK) + header[i]
                 if r and cell.replace(_PAGE_MARK, "") in _MARKS and i < len(header) and header[i] else cell
                 for i, cell in enumerate(cells)]
        if any(shown):
            rows.append(_CELL_SEPARATOR.join(cell for cell in shown if cell))
    return rows


def _docx_children(el: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, looking through content controls / custom XML / tracked insertions."""
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _DOCX_TRANSPARENT:
            yield from _docx_children(child, tag)


# --------------------------------------------------------------------------- .html / .htm

_HTML_DROP = {"script", "style", "nav", "header", "footer", "noscript", "template", "head", "title",
              "meta", "link", "svg", "canvas", "iframe", "object", "embed", "audio", "video", "button"}
# header/footer inside these are part of the content (e.g. an article's <h1>), so kept.
_HTML_CONTENT_SECTIONS = {"article", "main"}
# a cookie banner (role="dialog"), menus and search boxes marked by their role rather than their tag
_HTML_DROP_ROLES = {"navigation", "search", "dialog", "alertdialog"}
_HTML_OL_TYPES = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
_HTML_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "div", "ul", "ol", "dl",
                "table", "caption", "thead", "tbody", "tfoot", "section", "article", "main", "aside",
                "blockquote", "pre", "figure", "figcaption", "address", "hr", "form", "fieldset",
                "legend", "details", "summary", "body", "html", "center"}
_HTML_CELLS = {"td", "th"}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; &nbsp; is not collapsed
_HTML_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HTML_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

_LINE, _BLOCK, _CELL = object(), object(), object()


def _read_html(path: Path, data: bytes) -> RawDocument:
    text, encoding = _decode_text(path, data, declared=_html_declared_codec(data))
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # lxml is lenient; this is a safety net
        raise UnreadableFile(path, f"not readable HTML ({_short(exc)})") from exc

    title = _html_title(soup)
    pieces: list[object] = []
    _html_walk(_html_main(soup), pieces, in_pre=False)
    return RawDocument(text=_html_join(pieces), page_starts=(), title=title, encoding=encoding)


_HTML_MAIN_MIN_CHARS = 200  # a <main> with less text than this is no page's content (an empty shell a script fills)


def _html_main(soup: Any) -> Any:
    """The page's main content where it marks one (``<main>``, ``role="main"``), else the whole page: a municipality's
    web page sets its paper among the site's furniture (a cookie banner, menus, search, a sidebar of contacts and
    related links, a feedback form), which no speaker says."""
    mains = [m for m in soup.find_all(lambda t: t.name == "main" or str(t.get("role", "")).lower() == "main")
             if not any(p.name == "main" or str(p.get("role", "")).lower() == "main" for p in m.parents
                        if p.name is not None and p is not soup)]
    if len(mains) == 1 and len(mains[0].get_text(" ", strip=True)) >= _HTML_MAIN_MIN_CHARS:
        return mains[0]
    return soup


def _html_declared_codec(data: bytes) -> str | None:
    """The codec named by <meta charset>, <meta http-equiv> or an XML declaration, if usable."""
    head = data[:4096]
    m = _XML_DECL_ENCODING.search(head) or _HTML_META_CHARSET.search(head)
    if not m:
        return None
    try:
        codec = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None  # without a BOM (handled earlier) such a declaration is wrong (WHATWG: use UTF-8)
    if codec in ("ascii", "iso8859-1"):
        return "cp1252"  # as browsers do: "latin-1" pages often contain Windows-1252 quotes/dashes
    return codec


def _html_title(soup: Any) -> str | None:
    """The document's <title> (not an inline SVG's), else the first visible <h1>."""
    candidates = [t for t in soup.find_all("title") if not any(p.name == "svg" for p in t.parents)]
    candidates += [h for h in soup.find_all("h1") if not any(_html_is_dropped(p) for p in h.parents
                                                               if p.name is not None and p is not soup)]
    for tag in candidates:
        title = _HTML_SPACE.sub(" ", tag.get_text()).strip()
        if title:
            return title
    return None


def _html_is_dropped(tag: Tag) -> bool:
    name = tag.name
    if name in ("header", "footer"):
        return not any(parent.name in _HTML_CONTENT_SECTIONS for parent in tag.parents)
    if name in _HTML_DROP:
        return True
    if name == "form":  # a search or feedback form; not a page whose whole body is one form (ASP.NET)
        return tag.find(["main", "article", "h1"]) is None
    attrs = tag.attrs or {}
    if str(attrs.get("role", "")).lower() in _HTML_DROP_ROLES:
        return True
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HTML_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _html_walk(node: Any, out: list[object], in_pre: bool) -> None:
    from bs4 import NavigableString, Tag

    for child in node.children:
        if isinstance(child, Tag):
            if _html_is_dropped(child):
                continue
            name = child.name
            if name == "br":
                out.append(_LINE)
            elif name == "table":
                out.append(_BLOCK)
                out.extend(_html_table(child))
                out.append(_BLOCK)
            elif name in _HTML_CELLS or name == "dd":  # a definition list's "Organ | Regionfullmäktige" as a row
                out.append(_CELL)
                _html_walk(child, out, in_pre)
            elif name == "dt":
                out.append(_LINE)
                _html_walk(child, out, in_pre)
            elif name == "li" and child.parent is not None and child.parent.name == "ol":
                # the number a browser draws before an ordered list's item (decision points: "1. att …")
                out.append(_BLOCK)
                out.append(f"{_html_list_number(child)} ")
                _html_walk(child, out, in_pre)
                out.append(_BLOCK)
            elif name in _HTML_BLOCKS:
                out.append(_BLOCK)
                _html_walk(child, out, in_pre or name == "pre")
                out.append(_BLOCK)
            else:
                _html_walk(child, out, in_pre)
        elif type(child) is NavigableString or child.__class__.__name__ == "CData":
            # Comments, doctypes, processing instructions etc. are NavigableString subclasses: skipped.
            text = str(child)
            out.append(_normalise_newlines(text) if in_pre else _HTML_SPACE.sub(" ", text))


def _html_table(table: Any) -> list[object]:
    """A table as a Word table reads (``_docx_table_text``): its caption, then one line a row, cells joined with
    " | ", a cell that only marks its column ("X" in a vote list) read as the first row's heading of that column."""
    out: list[object] = []
    for caption in table.find_all("caption", recursive=False):
        pieces: list[object] = []
        _html_walk(caption, pieces, in_pre=False)
        out.extend([_html_join(pieces), _BLOCK])
    grid: list[list[str]] = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table or _html_is_dropped(tr):
            continue
        row = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            pieces = []
            if not _html_is_dropped(cell):
                _html_walk(cell, pieces, in_pre=False)
            row.append(" ".join(_html_join(pieces).split()))
        grid.append(row)
    for row in _table_rows(grid):
        out.extend([row, _LINE])
    return out


def _html_list_number(li: Any) -> str:
    """"3." for the third item of an ``<ol>`` (its ``start`` and ``type`` honoured, an item's own ``value`` too)."""
    ol = li.parent
    number = _int(str(ol.get("start", "")), 1) - 1
    for item in ol.find_all("li", recursive=False):
        number = _int(str(item.get("value", "")), number + 1)
        if item is li:
            break
    return f"{_list_number(number, _HTML_OL_TYPES.get(str(ol.get('type', '1')), 'decimal'))}."


def _html_join(pieces: list[object]) -> str:
    """Assemble text pieces and break markers: <br> -> newline, block -> blank line, cell -> " | "."""
    out: list[str] = []
    line_has_text = False
    pending_break = 0  # 0 none, 1 newline, 2 blank line
    pending_cell = False
    for piece in pieces:
        if piece is _LINE:
            pending_break = max(pending_break, 1)
            pending_cell = False
        elif piece is _BLOCK:
            pending_break = 2
            pending_cell = False
        elif piece is _CELL:
            pending_cell = line_has_text and not pending_break
        else:
            text = str(piece)
            if not line_has_text or pending_break or pending_cell:
                text = text.lstrip(" ")
            if not text:
                continue
            if out and pending_break:
                out[-1] = out[-1].rstrip(" ")
                out.append("\n" * pending_break)
            elif pending_cell:
                out[-1] = out[-1].rstrip(" ")
                out.append(_CELL_SEPARATOR)
            out.append(text)
            line_has_text = not text.endswith("\n")
            pending_break = 0
            pending_cell = False
    return "".join(out).strip()


_READERS: dict[str, Callable[[Path, bytes], RawDocument]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}
