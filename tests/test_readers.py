"""Tests for qa.readers: every fixture file is built in tmp_path at test time."""

from __future__ import annotations

import io
import logging
import os
import pickle
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.errors import QAError
from qa.readers import SUPPORTED_SUFFIXES, RawDocument, UnreadableFile, read_file

# --------------------------------------------------------------------------- helpers


def build_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica (WinAnsi) text line per string, one page per list."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree (filled in below)

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
        for line in lines:
            escaped = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + escaped + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)
        ))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = add(b"<< /Title (%s) >>" % title.encode("cp1252")) if title is not None else None

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    trailer = b"<< /Size %d /Root 1 0 R%s >>" % (len(objects) + 1, b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def encrypt_pdf(data: bytes, user_password: str, algorithm: str = "RC4-128") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="ägare", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


def unreadable(path: Path, **kwargs: int) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_file(path, **kwargs)
    err = info.value
    assert str(err) == f"{path.name}: {err.reason}"
    assert "\n" not in err.reason
    return err


# --------------------------------------------------------------------------- the exception


def test_unreadable_file_message_attributes_and_pickling() -> None:
    err = UnreadableFile(Path("/a/b/protokoll.pdf"), "encrypted PDF — remove the password and try again")
    assert isinstance(err, QAError)
    assert str(err) == "protokoll.pdf: encrypted PDF — remove the password and try again"
    assert err.path == Path("/a/b/protokoll.pdf")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is UnreadableFile
    assert str(copy) == str(err)
    assert copy.reason == err.reason


def test_supported_suffixes() -> None:
    assert frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"}) == SUPPORTED_SUFFIXES


# --------------------------------------------------------------------------- plain text


def test_utf8_text_is_kept_unchanged(tmp_path: Path) -> None:
    text = "Kommunfullmäktige\n\n§ 12 Ärendet  gäller   ÅÄÖ åäö é – ”citat”\t\n"
    doc = read_file(write(tmp_path, "a.txt", text))
    assert doc == RawDocument(text=text, page_starts=(), title=None, encoding="utf-8")


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + "Årsredovisning för Växjö".encode()))
    assert doc.text == "Årsredovisning för Växjö"
    assert doc.encoding == "utf-8-sig"


def test_cp1252_is_detected(tmp_path: Path) -> None:
    text = "Beslut om förskola – ”Ängen” i Örebro, kostnad 5 000 €; Åsa säger ja."
    doc = read_file(write(tmp_path, "win.txt", text.encode("cp1252")))
    assert doc.text == text
    assert doc.encoding == "cp1252"


def test_latin1_fallback_when_not_cp1252(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252, so only Latin-1 can decode this file.
    data = "Nämnden: Åke ".encode("latin-1") + b"\x81" + "öl".encode("latin-1")
    doc = read_file(write(tmp_path, "l1.txt", data))
    assert doc.text == "Nämnden: Åke \x81öl"
    assert doc.encoding == "iso8859-1"


def test_utf16_with_bom(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "u16.txt", "Protokoll\r\nÅtgärd: öka".encode("utf-16")))
    assert doc.text == "Protokoll\nÅtgärd: öka"
    assert doc.encoding == "utf-16"


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "crlf.txt", b"rad 1\r\nrad 2\rrad 3\n\r\nslut\r\n"))
    assert doc.text == "rad 1\nrad 2\nrad 3\n\nslut\n"
    assert "\r" not in doc.text


def test_cp1252_with_crlf(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "w.txt", "Ärende 1\r\nÄrende 2\r\n".encode("cp1252")))
    assert doc.text == "Ärende 1\nÄrende 2\n"
    assert doc.encoding == "cp1252"


def test_uppercase_suffix_is_supported(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "UPPER.TXT", "hej")).text == "hej"


def test_markdown_title_is_first_level1_heading_outside_code(tmp_path: Path) -> None:
    text = (
        "Inledande rad\n\n"
        "```\n# inte en rubrik\n```\n\n"
        "## Underrubrik\n\n"
        "# Budget för Älvsjö #\n\n"
        "# Andra rubriken\n"
    )
    doc = read_file(write(tmp_path, "a.md", text))
    assert doc.title == "Budget för Älvsjö"
    assert doc.text == text  # Markdown is not rendered or stripped
    assert doc.encoding == "utf-8"


@pytest.mark.parametrize("text", ["#Ingen rubrik\n", "## Bara nivå två\n", "Text\n=====\n", "#   \nx\n"])
def test_markdown_without_level1_heading_has_no_title(tmp_path: Path, text: str) -> None:
    assert read_file(write(tmp_path, "b.md", text)).title is None


@settings(max_examples=60, deadline=None, database=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                    min_size=1).filter(lambda t: t.strip()))
def test_utf8_text_round_trips(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_bytes(text.encode("utf-8"))
        doc = read_file(path)
    assert doc.text == text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- errors common to all formats


def test_binary_file_named_txt(tmp_path: Path) -> None:
    err = unreadable(write(tmp_path, "bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert err.reason.startswith("looks like a binary file, not text")


def test_nul_after_first_8kb_is_not_sniffed_as_binary(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "lång.txt", b"a" * 9000 + b"\x00b"))
    assert doc.text.endswith("\x00b")


@pytest.mark.parametrize("name", ["tom.txt", "tom.md", "tom.pdf", "tom.docx", "tom.html"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    assert unreadable(write(tmp_path, name, b"")).reason.startswith("empty file")


@pytest.mark.parametrize(("name", "data"), [
    ("blank.txt", b" \r\n\t\n  "),
    ("blank.md", "\ufeff\n\n".encode()),
    ("blank.html", b"<html><head><title>Rubrik</title><script>var a=1;</script></head><body> <nav>Meny</nav> </body></html>"),
])
def test_whitespace_only_content(tmp_path: Path, name: str, data: bytes) -> None:
    assert unreadable(write(tmp_path, name, data)).reason.startswith("contains no text")


def test_too_large(tmp_path: Path) -> None:
    err = unreadable(write(tmp_path, "stor.txt", "å" * 100), max_bytes=150)
    assert err.reason.startswith("too large (")
    assert "QA_MAX_FILE_MB" in err.reason


def test_too_large_reports_megabytes_without_reading_the_file(tmp_path: Path) -> None:
    path = tmp_path / "jätte.pdf"
    with path.open("wb") as fh:  # sparse: 60 MB on paper, nothing on disk
        fh.truncate(60_000_000)
    err = unreadable(path)
    assert err.reason == "too large (60 MB, limit 50 MB) — split it or raise QA_MAX_FILE_MB"


def test_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "gräns.txt", b"x" * 100), max_bytes=100).text == "x" * 100


def test_too_large_just_over_a_limit_shows_bytes(tmp_path: Path) -> None:
    err = unreadable(write(tmp_path, "s.txt", b"x" * 1_000_001), max_bytes=1_000_000)
    assert "(1000001 bytes, limit 1000000 bytes)" in err.reason


@pytest.mark.parametrize("name", ["data.xyz", "gammal.doc", "README"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "text")
    err = unreadable(path)
    assert err.reason.startswith("unsupported file type ")
    assert (f"'{path.suffix}'" if path.suffix else "(no extension)") in err.reason
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in err.reason


def test_missing_file(tmp_path: Path) -> None:
    err = unreadable(tmp_path / "finns-inte.pdf")
    assert "No such file or directory" in err.reason


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "låst.txt", "hemligt")

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    err = unreadable(path)
    assert "Permission denied" in err.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rör.txt")
    assert "not a regular file" in unreadable(tmp_path / "rör.txt").reason


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "mapp.txt").mkdir()
    assert "directory" in unreadable(tmp_path / "mapp.txt").reason


# --------------------------------------------------------------------------- PDF


def test_pdf_two_pages_text_offsets_and_title(tmp_path: Path) -> None:
    data = build_pdf(
        [["Protokoll för kommunstyrelsen", "Ärende: skolan i Åre"], ["Sida två", "§ 5 Beslut: öka (budget)"]],
        title="KS protokoll åäö",
    )
    doc = read_file(write(tmp_path, "protokoll.pdf", data))
    assert doc.title == "KS protokoll åäö"
    assert doc.encoding is None
    assert [number for _, number in doc.page_starts] == [1, 2]
    (start1, _), (start2, _) = doc.page_starts
    assert start1 == 0
    page1, page2 = doc.text[start1:start2], doc.text[start2:]
    assert page1.endswith("\n\n")  # pages are joined with a blank line
    assert " ".join(page1.split()) == "Protokoll för kommunstyrelsen Ärende: skolan i Åre"
    assert " ".join(page2.split()) == "Sida två § 5 Beslut: öka (budget)"


def test_pdf_empty_middle_page_still_gets_an_entry(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "tre.pdf", build_pdf([["Ett"], [], ["Tre"]])))
    assert [n for _, n in doc.page_starts] == [1, 2, 3]
    offsets = [o for o, _ in doc.page_starts]
    assert doc.text[offsets[2]:].startswith("Tre")
    assert doc.text[offsets[1]:offsets[2]].strip() == ""
    assert doc.title is None


def test_pdf_page_that_fails_is_left_empty_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from pypdf import PageObject

    original = PageObject.extract_text
    calls = {"n": 0}

    def flaky(self: PageObject, *args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ValueError("broken content stream")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    path = write(tmp_path, "delvis.pdf", build_pdf([["Ett"], ["Två"], ["Tre"]]))
    with caplog.at_level(logging.WARNING, logger="qa.readers"):
        doc = read_file(path)
    assert doc.text.split() == ["Ett", "Tre"]
    assert [n for _, n in doc.page_starts] == [1, 2, 3]
    assert any("page 2" in r.getMessage() and r.name == "qa.readers" for r in caplog.records)

    def broken(self: PageObject, *args: object, **kwargs: object) -> str:
        raise ValueError("broken content stream")

    monkeypatch.setattr(PageObject, "extract_text", broken)
    assert unreadable(path).reason == "not a readable PDF (page 1: broken content stream)"


def test_pdf_with_user_password_is_refused(tmp_path: Path) -> None:
    data = encrypt_pdf(build_pdf([["Hemlig"]]), user_password="hemligt")
    err = unreadable(write(tmp_path, "lösen.pdf", data))
    assert err.reason == "encrypted PDF — remove the password and try again"


def test_pdf_encrypted_with_empty_password_is_read(tmp_path: Path) -> None:
    data = encrypt_pdf(build_pdf([["Öppen text"], ["Sida två"]], title="Skyddad"), user_password="")
    doc = read_file(write(tmp_path, "skyddad.pdf", data))
    assert doc.text.split() == ["Öppen", "text", "Sida", "två"]
    assert doc.title == "Skyddad"


def test_aes_encrypted_pdf_with_empty_password_is_read(tmp_path: Path) -> None:
    # Word and Acrobat "restricted" PDFs use AES; pypdf needs the cryptography package (pypdf[crypto]) for it.
    data = encrypt_pdf(build_pdf([["Skyddad text"]]), user_password="", algorithm="AES-128")
    assert b"/AESV2" in data
    assert read_file(write(tmp_path, "aes.pdf", data)).text.split() == ["Skyddad", "text"]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    err = unreadable(write(tmp_path, "skannad.pdf", build_pdf([[], []])))
    assert err.reason == "no text layer (scanned PDF?) — run OCR first, e.g. ocrmypdf"


def test_pdf_without_pages(tmp_path: Path) -> None:
    assert unreadable(write(tmp_path, "noll.pdf", build_pdf([]))).reason.startswith("contains no text")


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\nthis is not a pdf at all",
    b"hello world, plain text named .pdf",
    build_pdf([["Avbruten"]])[:120],
    build_pdf([["Avbruten"]])[:-60],
])
def test_garbage_or_truncated_pdf(tmp_path: Path, data: bytes) -> None:
    err = unreadable(write(tmp_path, "trasig.pdf", data))
    assert re.match(r"not a readable PDF \(.+\)", err.reason)


def test_pypdf_log_noise_is_silenced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = re.sub(rb"startxref\n\d+", b"startxref\n99999", build_pdf([["Hej"], ["Då"]]))
    pypdf_logger = logging.getLogger("pypdf")
    level_before = pypdf_logger.level
    with caplog.at_level(logging.DEBUG):
        doc = read_file(write(tmp_path, "sned.pdf", data))
    assert doc.text.split() == ["Hej", "Då"]
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    assert pypdf_logger.level == level_before

    # Guard: the same file does make pypdf log when it is used directly.
    from pypdf import PdfReader

    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert any(r.name.startswith("pypdf") for r in caplog.records)


# --------------------------------------------------------------------------- docx

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _append_xml(document: object, xml: str) -> None:
    from docx.oxml import parse_xml

    body = document.element.body  # type: ignore[attr-defined]
    body.insert(len(body) - 1, parse_xml(xml))  # before the final w:sectPr


def _docx_bytes(document: object) -> bytes:
    buf = io.BytesIO()
    document.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Protokoll KS åäö"
    d.add_heading("Kommunstyrelsen", level=1)
    d.add_paragraph("Första stycket med åäö.")
    d.add_paragraph("")  # empty paragraphs produce no extra lines
    table = d.add_table(rows=3, cols=3)
    for col, value in enumerate(["Namn", "Parti", "Röst"]):
        table.cell(0, col).text = value
    table.cell(1, 0).text = "Anna"
    table.cell(1, 2).text = "Ja"  # (1, 1) stays empty
    table.cell(2, 0).merge(table.cell(2, 2)).text = "Sammanslagen"
    d.add_heading("Beslut", level=2)
    p = d.add_paragraph("Rad ett")
    p.add_run().add_break()
    p.add_run("rad två\tefter tabb")

    doc = read_file(write(tmp_path, "protokoll.docx", _docx_bytes(d)))
    assert doc.text == (
        "Kommunstyrelsen\n\n"
        "Första stycket med åäö.\n\n"
        "Namn | Parti | Röst\n"
        "Anna | Ja\n"
        "Sammanslagen\n\n"
        "Beslut\n\n"
        "Rad ett\nrad två\tefter tabb"
    )
    assert doc.title == "Protokoll KS åäö"
    assert doc.page_starts == ()
    assert doc.encoding is None


def test_docx_vertically_merged_cell_appears_once(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Ordförande"
    table.cell(0, 1).text = "Ja"
    table.cell(1, 1).text = "Nej"
    doc = read_file(write(tmp_path, "v.docx", _docx_bytes(d)))
    assert doc.text == "Ordförande | Ja\nNej"
    assert doc.title is None  # python-docx leaves the title empty


def test_docx_vote_list_marks_read_as_their_column(tmp_path: Path) -> None:
    """A vote list marks each member's vote with an X under "Ja", "Nej" or "Avstår": the row reads as the vote."""
    import docx

    d = docx.Document()
    table = d.add_table(rows=3, cols=5)
    for col, value in enumerate(["Ledamot", "Parti", "Ja", "Nej", "Avstår"]):
        table.cell(0, col).text = value
    for row, (name, party, col) in enumerate([("Mattias Rehn", "SD", 3), ("Sofia Engström", "V", 4)], start=1):
        table.cell(row, 0).text, table.cell(row, 1).text, table.cell(row, col).text = name, party, "X"
    doc = read_file(write(tmp_path, "votering.docx", _docx_bytes(d)))
    assert doc.text == "Ledamot | Parti | Ja | Nej | Avstår\nMattias Rehn | SD | Nej\nSofia Engström | V | Avstår"


def test_docx_page_header_opens_its_section(tmp_path: Path) -> None:
    """A Word paper's page header says what it is and whose ("TJÄNSTESKRIVELSE", the förvaltning): it is read
    where its section begins, once; a section that repeats the previous header adds nothing; footers are left."""
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "ÅSBY KOMMUN\tPROTOKOLL"
    d.sections[0].footer.paragraphs[0].text = "Justerandes signatur"
    d.add_paragraph("§ 12 Val av justerare")
    second = d.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "ÅSBY KOMMUN\tTJÄNSTESKRIVELSE"
    second.header.add_paragraph("Barn- och utbildningsförvaltningen")
    d.add_paragraph("Sammanfattning")
    third = d.add_section()  # its header is the second's
    d.add_paragraph("Bilaga 2")
    assert third.header.is_linked_to_previous
    doc = read_file(write(tmp_path, "protokoll.docx", _docx_bytes(d)))
    assert doc.text == ("ÅSBY KOMMUN\tPROTOKOLL\n\n§ 12 Val av justerare\n\nÅSBY KOMMUN\tTJÄNSTESKRIVELSE\n\n"
                        "Barn- och utbildningsförvaltningen\n\nSammanfattning\n\nBilaga 2")


def _docx_laid_out_by_word() -> object:
    """A protocol as Word saves it: a page began before "§ 13" and inside the reservation's second sentence (Word
    marks where it laid pages out); the tjänsteskrivelse is a section of its own, its header atop its page."""
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "ÅSBY KOMMUN\tPROTOKOLL"
    d.add_paragraph("§ 12 Val av justerare")
    _append_xml(d, f"<w:p {_W_NS}><w:r><w:lastRenderedPageBreak/><w:t>§ 13 Skolskjuts</w:t></w:r></w:p>")
    _append_xml(d, (f"<w:p {_W_NS}><w:r><w:t xml:space=\"preserve\">Vi reserverar oss. Skolskjutsen </w:t>"
                    "<w:lastRenderedPageBreak/><w:t>ska vara kvar.</w:t></w:r></w:p>"))
    second = d.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "ÅSBY KOMMUN\tTJÄNSTESKRIVELSE"
    _append_xml(d, f"<w:p {_W_NS}><w:r><w:lastRenderedPageBreak/><w:t>Sammanfattning</w:t></w:r></w:p>")
    return d


def test_docx_pages_where_word_laid_them_out(tmp_path: Path) -> None:
    """A file Word saved knows its printed pages (``w:lastRenderedPageBreak``), so a citation can name the page; a
    page begun by a new section starts with that section's header."""
    doc = read_file(write(tmp_path, "protokoll.docx", _docx_bytes(_docx_laid_out_by_word())))
    assert "\uffff" not in doc.text
    pages = [(doc.text[o:o + 12], n) for o, n in doc.page_starts]
    assert pages == [("ÅSBY KOMMUN\t", 1), ("§ 13 Skolskj", 2), ("ska vara kva", 3), ("ÅSBY KOMMUN\t", 4)]
    assert doc.text[doc.page_starts[3][0]:].startswith("ÅSBY KOMMUN\tTJÄNSTESKRIVELSE\n\nSammanfattning")


def test_docx_pages_reach_the_passages(tmp_path: Path) -> None:
    from qa.ingest import document_passages

    d = _docx_laid_out_by_word()
    filler = "Nämnden har under året följt upp verksamheten och lämnat sina synpunkter i ärendet. " * 6
    for paragraph in d.paragraphs:
        if paragraph.text.startswith(("§ 12", "Sammanfattning")):
            paragraph.add_run(". " + filler)
    doc = read_file(write(tmp_path, "protokoll.docx", _docx_bytes(d)))
    passages = document_passages(doc, "protokoll.docx", target_chars=300)
    assert [p.page for p in passages if "Val av justerare" in p.text] == [1]
    assert [p.page for p in passages if "Sammanfattning" in p.text] == [4]


def test_docx_without_word_layout_has_no_pages(tmp_path: Path) -> None:
    """A hard page break alone does not say where the pages before it broke: no page is guessed."""
    import docx

    d = docx.Document()
    d.add_paragraph("Första sidan")
    d.add_page_break()
    d.add_paragraph("Andra sidan")
    assert read_file(write(tmp_path, "utan.docx", _docx_bytes(d))).page_starts == ()


def test_docx_list_numbers_word_draws_are_read(tmp_path: Path) -> None:
    """Decision points are often Word's own numbered list: the numbers are not in the text but drawn by Word from
    the list's definition. They are read as Word draws them: by the paragraph's style ("List Number") or its own
    numbering, a deeper level restarting under each new point, a list that restarts its definition counting afresh
    (and one that does not going on), a bullet as "•"."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.part.numbering_part.element.append(parse_xml(
        f"<w:abstractNum {_W_NS} w:abstractNumId=\"90\">"
        "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
        "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%2)\"/>"
        "</w:lvl></w:abstractNum>"))
    restart = "<w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride>"
    for num_id, override in (("90", ""), ("91", restart), ("92", "")):  # 92 goes on counting where 91 restarted
        d.part.numbering_part.element.append(parse_xml(
            f"<w:num {_W_NS} w:numId=\"{num_id}\"><w:abstractNumId w:val=\"90\"/>{override}</w:num>"))

    def item(text: str, num_id: str, level: int) -> None:
        _append_xml(d, (f"<w:p {_W_NS}><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num_id}\"/>"
                        f"</w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"))

    d.add_paragraph("Nämnden beslutar")
    item("att Kvarnbackens skola avvecklas,", "90", 0)
    item("att skolskjuts ordnas", "90", 0)
    item("till Ekängsskolan,", "90", 1)
    item("till Solbergaskolan,", "90", 1)
    item("att uppdraget redovisas i juni.", "90", 0)
    item("utan nummer", "0", 0)
    item("en ny lista", "91", 0)
    item("som fortsätter", "92", 0)
    d.add_paragraph("Delegat: rektor", style="List Bullet")
    d.add_paragraph("första", style="List Number")
    d.add_paragraph("andra", style="List Number")
    doc = read_file(write(tmp_path, "beslut.docx", _docx_bytes(d)))
    assert doc.text.split("\n\n") == [
        "Nämnden beslutar", "1. att Kvarnbackens skola avvecklas,", "2. att skolskjuts ordnas", "a) till Ekängsskolan,",
        "b) till Solbergaskolan,", "3. att uppdraget redovisas i juni.", "utan nummer", "1. en ny lista", "2. som fortsätter",
        "• Delegat: rektor", "1. första", "2. andra"]


def test_docx_tracked_changes_content_controls_and_text_boxes(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    _append_xml(d, (
        f"<w:p {_W_NS}><w:r><w:t xml:space=\"preserve\">Behålls </w:t></w:r>"
        "<w:ins w:id=\"1\" w:author=\"x\"><w:r><w:t>infogat</w:t></w:r></w:ins>"
        "<w:del w:id=\"2\" w:author=\"x\"><w:r><w:delText>raderat</w:delText></w:r></w:del>"
        "<w:hyperlink><w:r><w:t xml:space=\"preserve\"> länk</w:t></w:r></w:hyperlink></w:p>"
    ))
    _append_xml(d, (
        f"<w:sdt {_W_NS}><w:sdtPr><w:alias w:val=\"Dnr\"/></w:sdtPr>"
        "<w:sdtContent><w:p><w:r><w:t>Dnr KS 2024/123</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    ))
    box = "<w:txbxContent><w:p><w:r><w:t>I rutan</w:t></w:r></w:p></w:txbxContent>"
    _append_xml(d, (
        f"<w:p {_W_NS} xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
        "<w:r><w:t>Före rutan</w:t></w:r>"
        f"<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>{box}</w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    ))
    doc = read_file(write(tmp_path, "ändringar.docx", _docx_bytes(d)))
    assert doc.text == "Behålls infogat länk\n\nDnr KS 2024/123\n\nFöre rutan\n\nI rutan"


def test_docx_with_only_empty_paragraphs(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("")
    d.add_paragraph("   ")
    assert unreadable(write(tmp_path, "tom.docx", _docx_bytes(d))).reason.startswith("contains no text")


def _zip_bytes(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    b"This is plain text saved with a .docx name",
    _zip_bytes({"hello.txt": "a zip, but not a Word document"}),
    b"PK\x03\x04" + b"\x00" * 40,
])
def test_broken_docx(tmp_path: Path, data: bytes) -> None:
    assert unreadable(write(tmp_path, "trasig.docx", data)).reason.startswith("not a readable Word .docx file")


def test_truncated_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Hela texten")
    data = _docx_bytes(d)
    assert unreadable(write(tmp_path, "halv.docx", data[: len(data) // 2])).reason.startswith(
        "not a readable Word .docx file"
    )


def test_old_doc_or_encrypted_docx(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    err = unreadable(write(tmp_path, "gammal.docx", data))
    assert err.reason.startswith("not a readable Word .docx file")
    assert ".doc" in err.reason
    assert "password" in err.reason


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  Sammanträde
 KS  </title><style>p{color:red}</style><script>var x = "skript";</script></head>
<body>
<header><a href="/">Stockholms stad</a> meny</header>
<nav><ul><li>Hem</li><li>Kontakt</li></ul></nav>
<!-- en kommentar -->
<main><article><header><h1>Beslut om   budget</h1></header>
<p>Första   stycket
 fortsätter här.<br>Ny rad&nbsp;efter br.</p>
<div>Block <b>fet</b><i>kursiv</i></div>
<ul><li>Punkt ett</li><li>Punkt två</li></ul>
<table><tr><th>Namn</th><th>Röst</th></tr><tr><td> Anna </td><td>Ja</td></tr></table>
<pre>kod  rad 1
  rad 2</pre>
<p hidden>dold</p><p style="display: none">också dold</p>
<noscript>aktivera js</noscript>
</article></main>
<footer>Sidfot 2024</footer>
<script>document.write("mer")</script>
</body></html>
"""


WEB_PROTOCOL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>§ 74 Vårdcentraler</title></head><body>
<div id="cookie-banner" role="dialog"><h2>Vi anv&auml;nder kakor</h2><button>Godkänn alla kakor</button></div>
<form class="site-search" role="search"><input name="q"><button>Sök</button></form>
<main><article><h1>§&nbsp;74 Sammanslagning av vårdcentraler</h1>
<dl><dt>Organ</dt><dd>Regionfullmäktige</dd><dt>Sammanträdesdatum</dt><dd>2025-06-17</dd></dl>
<p>Regionfullmäktige beslutar följande.</p>
<ol><li>Vårdcentralerna slås samman.</li><li>En investeringsram om 46,2 miljoner kronor beviljas.</li></ol>
<ol start="4" type="a"><li>fjärde</li><li value="9">nionde</li><li>tionde</li></ol>
<table><caption>Omröstningslista</caption><tr><th>Ledamot</th><th>Parti</th><th>Ja</th><th>Nej</th><th>Avstår</th></tr>
<tr><td>Erik Lidén</td><td>C</td><td></td><td>X</td><td></td></tr></table>
<form class="feedback"><p>Fick du svar på det du letade efter?</p><button>Ja</button><button>Nej</button></form>
Lorem ipsum dolor sit amet, en text så lång att huvudinnehållet räknas som sidans innehåll och inte som ett skal.
</article></main>
<aside><h2>Relaterade sidor</h2><p>Så fattas besluten i regionen</p></aside>
</body></html>"""


def test_a_web_page_gives_its_main_content_list_numbers_particulars_and_votes(tmp_path: Path) -> None:
    """A municipality's web page: only its main content (no cookie banner, search, sidebar or feedback form); the
    numbers a browser draws before an ordered list's items; a definition list's particulars as rows; a vote list's
    "X" as its column's heading."""
    text = read_file(write(tmp_path, "paragraf-74.html", WEB_PROTOCOL)).text
    for furniture in ("kakor", "Sök", "Relaterade sidor", "Så fattas", "Fick du svar"):
        assert furniture not in text
    assert "Organ | Regionfullmäktige\nSammanträdesdatum | 2025-06-17" in text
    assert "1. Vårdcentralerna slås samman.\n\n2. En investeringsram" in text
    assert "d. fjärde\n\ni. nionde\n\nj. tionde" in text
    assert "Omröstningslista\n\nLedamot | Parti | Ja | Nej | Avstår\nErik Lidén | C | Nej" in text


def test_a_page_whose_body_is_one_form_is_read(tmp_path: Path) -> None:
    """ASP.NET pages wrap the whole page in one <form>: that form is the page, not a search box."""
    page = "<html><body><form id='aspnetForm'><h1>Protokoll</h1><p>Kommunstyrelsen beslutar att anta planen.</p>" \
           "</form></body></html>"
    assert "Kommunstyrelsen beslutar" in read_file(write(tmp_path, "asp.html", page)).text


def test_html_text_layout_and_dropped_elements(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "sida.html", PAGE))
    assert doc.text == (
        "Beslut om budget\n\n"
        "Första stycket fortsätter här.\nNy rad\xa0efter br.\n\n"
        "Block fetkursiv\n\n"
        "Punkt ett\n\n"
        "Punkt två\n\n"
        "Namn | Röst\n"
        "Anna | Ja\n\n"
        "kod  rad 1\n  rad 2"
    )
    assert doc.title == "Sammanträde KS"
    assert doc.encoding == "utf-8"
    for gone in ("skript", "Stockholms stad", "Hem", "kommentar", "Sidfot", "mer", "dold", "aktivera", "color"):
        assert gone not in doc.text


def test_htm_title_falls_back_to_first_h1(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "s.htm", "<html><body><p>Intro</p><h1>Delårsrapport</h1><h1>Två</h1></body></html>"))
    assert doc.title == "Delårsrapport"
    assert doc.text == "Intro\n\nDelårsrapport\n\nTvå"
    assert doc.page_starts == ()


def test_html_title_skips_svg_titles_and_dropped_headings(tmp_path: Path) -> None:
    html = (
        "<body><header><h1>Stockholms stad</h1></header>"
        "<svg><title>Sök-ikon</title></svg><main><h1>Detaljplan Hjorthagen</h1><p>Text</p></main></body>"
    )
    doc = read_file(write(tmp_path, "svg.html", html))
    assert doc.title == "Detaljplan Hjorthagen"
    assert doc.text == "Detaljplan Hjorthagen\n\nText"


def test_html_fragment_without_title(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "f.html", "Bara text <em>här</em>"))
    assert doc.text == "Bara text här"
    assert doc.title is None


@pytest.mark.parametrize(("declaration", "expected"), [
    ('<meta charset="windows-1252">', "cp1252"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),
    ("", "cp1252"),  # undeclared: detected like plain text
])
def test_html_windows_charsets(tmp_path: Path, declaration: str, expected: str) -> None:
    html = f"<html><head>{declaration}<title>Växjö</title></head><body><p>Förslag – ”Åtgärd”</p></body></html>"
    doc = read_file(write(tmp_path, "w.html", html.encode("cp1252")))
    assert doc.text == "Förslag – ”Åtgärd”"
    assert doc.title == "Växjö"
    assert doc.encoding == expected


def test_html_declared_charset_wins_over_detection(tmp_path: Path) -> None:
    # b"\xc3\xa5" is valid UTF-8 ("å"), but the page declares ISO-8859-15 -- as a browser would,
    # the declaration is followed.
    doc = read_file(write(tmp_path, "dekl.html", b'<meta charset="iso-8859-15"><p>Pris \xc3\xa5 5 \xa4</p>'))
    assert doc.text == "Pris Ã¥ 5 €"
    assert doc.encoding == "iso8859-15"


def test_html_wrong_declaration_falls_back(tmp_path: Path) -> None:
    html = '<meta charset="utf-8"><p>Åtgärd för äldreomsorg</p>'.encode("cp1252")
    doc = read_file(write(tmp_path, "fel.html", html))
    assert doc.text == "Åtgärd för äldreomsorg"
    assert doc.encoding == "cp1252"


def test_html_crlf_and_binary(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "c.html", b"<pre>a\r\nb</pre>")).text == "a\nb"
    assert unreadable(write(tmp_path, "b.html", b"<p>\x00\x01\x02</p>")).reason.startswith("looks like a binary")


# --------------------------------------------------------------------------- robustness


def _valid_samples() -> dict[str, bytes]:
    import docx

    d = docx.Document()
    d.add_paragraph("Stycke")
    return {
        ".pdf": build_pdf([["Sida ett"], ["Sida två"]], title="T"),
        ".docx": _docx_bytes(d),
        ".html": PAGE.encode(),
        ".txt": "Rad\r\nÅäö".encode("cp1252"),
    }


_SAMPLES = _valid_samples()


@settings(max_examples=80, deadline=None, database=None)
@given(suffix=st.sampled_from(sorted(_SAMPLES)), data=st.data())
def test_damaged_files_raise_only_unreadable_file(suffix: str, data: st.DataObject) -> None:
    original = _SAMPLES[suffix]
    cut = data.draw(st.integers(0, len(original)))
    noise = data.draw(st.binary(max_size=64))
    at = data.draw(st.integers(0, cut))
    damaged = original[:at] + noise + original[at:cut]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{suffix}"
        path.write_bytes(damaged)
        try:
            doc = read_file(path)
        except UnreadableFile as err:
            assert str(err).startswith(f"{path.name}: ")
        else:
            assert doc.text.strip()
            assert "\r" not in doc.text


def build_pdf_cells(cells: list[tuple[float, float, str]]) -> bytes:
    """A one-page PDF drawing each text at its own (x, y), in the order given: as a table's cells come, one by one."""
    data = build_pdf([["placeholder"]])
    ops = b"\n".join(b"BT /F1 10 Tf %d %d Td (%s) Tj ET" % (x, y, t.encode("cp1252")) for x, y, t in cells)
    old = b"BT /F1 12 Tf 72 720 Td 14 TL\n(placeholder) Tj T*\nET"
    old_obj = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(old), old)
    new_obj = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops)
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data.replace(old_obj, new_obj)))
    writer = PdfWriter()
    writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_tables_cells_become_rows_a_mark_read_as_its_column(tmp_path: Path) -> None:
    """A vote list drawn cell by cell comes out of the text layer a cell to a line; laid out by position it is a row to
    a line, an "X" under "Nej" read as "Nej", a name set over two lines one cell; the text around stays as it was."""
    cols = (72, 300, 360, 410, 460)
    cells = [(72, 760, "Votering begärs och verkställs enligt följande."),
             *[(x, 730, t) for x, t in zip(cols, ("Ledamot", "Parti", "Ja", "Nej", "Avstår"), strict=True)],
             (72, 712, "Anna Berg"), (300, 712, "M"), (410, 712, "X"),
             (72, 694, "Maria Lund"), (300, 694, "V"), (360, 694, "X"),
             (72, 676, "Lina Åkesson, ersättare"), (300, 676, "MP"), (460, 676, "X"), (72, 664, "för Karl Nyström"),
             (72, 634, "Med 8 ja-röster mot 5 nej-röster beslutar kommunstyrelsen enligt ordförandens yrkande.")]
    doc = read_file(write(tmp_path, "votering.pdf", build_pdf_cells(cells)))
    lines = doc.text.splitlines()
    assert "Ledamot | Parti | Ja | Nej | Avstår" in lines
    assert "Anna Berg | M | Nej" in lines and "Maria Lund | V | Ja" in lines
    assert "Lina Åkesson, ersättare för Karl Nyström | MP | Avstår" in lines
    assert lines[0] == "Votering begärs och verkställs enligt följande."
    assert lines[-1].startswith("Med 8 ja-röster")


def test_a_header_set_over_lines_above_a_pdf_tables_figures_is_its_first_row(tmp_path: Path) -> None:
    """A budget table's header is set over three lines, each name centred over its figures ("Utfall jan–aug" over
    "2025") and a footnote's digit apart; read by position it is the table's first row, each figure under its name —
    without it "Hemtjänst | 142 600 | 101 820 | 151 400" does not say which figure is the forecast."""
    cells = [(72, 760, "Tabell 1. Driftredovisning per verksamhet, tkr"),
             (330, 730, "Utfall jan–aug"), (410, 730, "Prognos helår"), (490, 730, "Avvikelse"),
             (72, 718, "Verksamhet"), (250, 718, "Budget 2025"), (520, 718, "1"),
             (345, 706, "2025"), (425, 706, "2025"), (495, 706, "helår"),
             (72, 690, "Hemtjänst"), (258, 690, "142 600"), (338, 690, "101 820"), (418, 690, "151 400"),
             (498, 690, "-8 800"),
             (72, 676, "Särskilt boende"), (258, 676, "231 500"), (338, 676, "155 840"), (418, 676, "233 700"),
             (498, 676, "-2 200"),
             (72, 662, "Summa"), (258, 662, "374 100"), (338, 662, "257 660"), (418, 662, "385 100"),
             (492, 662, "-11 000"),
             (72, 630, "Hemtjänsten prognostiserar ett underskott på 8,8 miljoner kronor.")]
    doc = read_file(write(tmp_path, "uppfoljning.pdf", build_pdf_cells(cells)))
    lines = doc.text.splitlines()
    assert "Verksamhet | Budget 2025 | Utfall jan–aug 2025 | Prognos helår 2025 | Avvikelse helår" in lines
    header = lines.index("Verksamhet | Budget 2025 | Utfall jan–aug 2025 | Prognos helår 2025 | Avvikelse helår")
    assert lines[header + 1] == "Hemtjänst | 142 600 | 101 820 | 151 400 | -8 800"
    assert lines[0] == "Tabell 1. Driftredovisning per verksamhet, tkr"
    assert lines[-1].startswith("Hemtjänsten prognostiserar")
