import re

from qa.cleaning import clean_text
from qa.ingest import document_passages
from qa.passages import MAX_PASSAGE_CHARS, make_passages
from qa.readers import RawDocument
from qa.structure import analyse


def _passages(text, target=900):
    return document_passages(RawDocument(text, (), None, "utf-8"), "doc.txt", target)


def test_case_document_passages_respect_size_sentences_and_speakers(case_text):
    ps = _passages(case_text)
    assert len(ps) > 10
    assert len({p.chunk_id for p in ps}) == len(ps)
    cleaned = clean_text(case_text).text
    for p in ps:
        assert len(p.text) <= MAX_PASSAGE_CHARS
        # never ends inside a sentence: it ends a sentence, or the paragraph it ends is complete in the document
        tail = p.text.rsplit("\n\n", 1)[-1]
        assert re.search(r"[.!?:”]$", p.text) or re.search(re.escape(tail) + r"(\n\n|$)", cleaned), p.text[-80:]
    # a passage never mixes two speakers: the reservation's text is not in the office's passages
    office = [p for p in ps if p.actor == "Stadsledningskontoret"]
    assert office and not any("Vi föreslår att kommunstyrelsen" in p.text for p in office)


def test_every_passage_character_leads_back_to_the_file(case_text):
    for p in _passages(case_text):
        for i, ch in enumerate(p.text):
            if not ch.isspace():
                assert case_text[p.original_offset(i)] == ch
        a, b = p.original_span(0, len(p.text))
        assert (a, b) == (p.start, p.end)


def test_chunk_ids_are_stable_and_pages_known(case_text):
    a, b = _passages(case_text), _passages(case_text)
    assert [p.chunk_id for p in a] == [p.chunk_id for p in b]
    slk = next(p for p in a if "Endast på ett ställe i rapporten" in p.text)
    assert slk.page == 6 and not slk.page_estimated
    res = next(p for p in a if "KSL:s resurser bör dock främst" in p.text)
    assert res.page_estimated


def test_long_paragraph_splits_between_sentences():
    sentence = "Kommunen ska bygga fler bostäder i alla stadsdelar enligt planen. "
    text = "Titel\n\n" + sentence * 40
    ps = _passages(text, target=400)
    assert len(ps) > 5
    for p in ps:
        assert len(p.text) <= 400
        assert p.text.endswith("planen.")


def test_single_overlong_sentence_is_cut_below_the_limit():
    text = "Titel\n\n" + ", ".join(["kommunen ska samverka med regionen"] * 80) + "."
    c = clean_text(text)
    ps = make_passages("x.txt", c, analyse(c, text))
    assert ps and all(len(p.text) <= MAX_PASSAGE_CHARS for p in ps)
    assert "".join(p.text for p in ps).replace(" ", "") == c.text.split("\n\n", 1)[1].replace(" ", "")


def test_a_lead_in_stays_with_the_points_it_announces():
    """"… föreslår i en motion följande." never ends a passage whose points open the next: the lead-in goes with
    them, into a longer passage if need be."""
    before = "Motionären beskriver hur maten lagas i dag och vad de boende tycker om den. " * 8
    points = "\n".join(f"- att boende nummer {i} ska ha ett eget tillagningskök där maten lagas på plats" for i in
                       range(1, 9))
    text = f"Titel\n\n{before}\n\nAnna Berg (V) föreslår i en motion följande.\n\n{points}\n"
    ps = _passages(text, target=700)
    lead = next(p for p in ps if "följande." in p.text)
    assert "- att boende nummer 1 ska" in lead.text
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in ps)
