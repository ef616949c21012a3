import json

import numpy as np
import pytest

from qa.lexical import Analyzer, BM25Index, Rows

DOCS = [
    "Bostadsförsörjningen är en viktig regional fråga.",
    "Kollektivtrafiken ska byggas ut i hela länet.",
    "Äldreomsorgen och hälso- och sjukvården behöver samverka.",
    "Stadsledningskontoret anser att KSL är en mötesplats.",
]


def test_compounds_meet_their_parts():
    idx = BM25Index.build(DOCS)
    assert int(np.argmax(idx.scores("Vad sägs om bostäder?"))) == 0
    assert int(np.argmax(idx.scores("trafiken"))) == 1
    assert int(np.argmax(idx.scores("omsorgen om äldre"))) == 2
    assert idx.scores("stadsledningskontorets syn")[3] > 0


def test_hyphenated_compounds_and_abbreviation_endings_meet_their_words():
    idx = BM25Index.build(DOCS + ["Remissen besvaras av kommunstyrelsen.", "PM 2014:134 om mandatperioden 2015-2018."])
    assert int(np.argmax(idx.scores("KSL-remissen"))) in (3, 4)  # "KSL" and "Remissen" are found
    assert idx.scores("KSL-remissen")[3] > 0 and idx.scores("KSL-remissen")[4] > 0
    assert idx.scores("KSL:s roll")[3] > 0  # the genitive of an abbreviation
    assert int(np.argmax(idx.scores("Kollektivtrafik-frågan"))) == 1
    assert not idx.scores("2014").any()  # identifiers with digits stay whole: "2014:134" is not "2014"


def test_definite_forms_of_a_nouns_meet_the_noun():
    """Snowball's Swedish rules strip "-en" but keep "-an" whole: "promemorian" must still meet "promemoria"."""
    a = Analyzer()
    assert a.terms("promemorian") == a.terms("promemoria")
    assert a.terms("frågan")[0] == a.terms("fråga")[0] == a.terms("frågor")[0]
    assert a.terms("redan") == ["redan"]  # short words are left alone
    assert a.terms("detaljplan")[0] == a.terms("detaljplanen")[0] == "detaljplan"  # a plan is no -a noun


def test_a_noun_ending_in_s_meets_its_inflected_forms():
    """Snowball strips the -s of "gräns", "plats", "kurs" but keeps it in "gränsen", "platser", "kursen"."""
    a = Analyzer()
    for forms in (["gräns", "gränsen", "gränser"], ["plats", "platsen", "platserna"], ["kurs", "kursen"],
                  ["åldersgräns", "åldersgränsen"], ["resurs", "resurser"]):
        assert len({a.terms(w)[0] for w in forms}) == 1, forms
    idx = BM25Index.build(["Lagen omfattar barn upp till 20 år enligt åldersgräns.", "Förskolan får en plats till."])
    assert int(np.argmax(idx.scores("Vad gäller om åldersgränsen?"))) == 0
    assert idx.scores("Hur många platser blir det?")[1] > 0


def test_unknown_words_score_zero_and_stopwords_are_ignored():
    idx = BM25Index.build(DOCS)
    assert not idx.scores("tunnelbana Nacka").any()
    assert not idx.scores("och att det som").any()


def test_save_and_load_round_trip(tmp_path):
    idx = BM25Index.build(DOCS)
    idx.save(tmp_path)
    again = BM25Index.load(tmp_path)
    for q in ("bostäder", "kollektivtrafik", "KSL mötesplats"):
        assert np.allclose(idx.scores(q), again.scores(q))
    assert again.idf(Analyzer().terms("mötesplats")[0]) > 0 and again.idf("finnsinte") == 0


def test_analyzer_stems_and_folds():
    terms = Analyzer().terms("bostäder", query=True)
    assert "bost" in terms and "^bost" in terms  # folded "bostäd", as "bostad" stems


def test_an_ad_noun_meets_its_inflected_forms():
    """Snowball strips the -ad of "kostnad" (kostn) but keeps it in "kostnaden" (kostnad): the noun asked in one
    form must meet the paper's other; a participle's -ad stays stripped, and "grad", "stad" stay whole."""
    a = Analyzer()
    for forms in (["kostnad", "kostnaden", "kostnader", "kostnaderna"], ["bostad", "bostaden", "bostäder"],
                  ["byggnad", "byggnaden"], ["planerad", "planerade"], ["stad", "staden", "städer"],
                  ["grad", "graden"]):
        assert len({a.terms(w)[0] for w in forms}) == 1, forms
    idx = BM25Index.build(["Kostnaden beräknas till 850 miljoner kronor.", "Planen gäller hela länet."])
    assert int(np.argmax(idx.scores("Vilken kostnad anges?"))) == 0


def test_an_update_scores_exactly_like_a_fresh_build():
    """Incremental indexing keeps old rows' counts and analyses only new text; the result must not differ."""
    old = BM25Index.build(DOCS)
    new_text = "Regional bostadsplanering och trafikplanering i Stockholms län."
    updated = BM25Index.assemble([Rows(old, [3]), Rows(old, [0]), [new_text], Rows(old, [2])])
    fresh = BM25Index.build([DOCS[3], DOCS[0], new_text, DOCS[2]])
    for q in ("bostäder", "trafiken", "KSL mötesplats", "omsorgen om äldre", "regional planering", "Kollektivtrafik"):
        assert np.allclose(updated.scores(q), fresh.scores(q), atol=1e-6), q
    # terms only the dropped passage had are gone, not kept forever
    assert "$trafik" in old.terms and updated.idf(Analyzer().terms("kollektivtrafiken")[0]) == 0


def test_whole_words_outrank_compound_parts():
    idx = BM25Index.build(["Trafiken i staden.", "Kollektivtrafiken i staden."])
    s = idx.scores("trafiken")
    assert s[0] > s[1] > 0


def test_an_index_of_another_analyzer_version_is_refused(tmp_path):
    BM25Index.build(DOCS).save(tmp_path)
    meta = json.loads((tmp_path / "lexical.json").read_text())
    meta["analyzer"] = 1
    (tmp_path / "lexical.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="analyzer version"):
        BM25Index.load(tmp_path)


def test_rarity_among_one_documents_passages():
    """A case's own name is rare among all passages and common among the case's: the answer step weighs the
    question's words among the passages of the documents it quotes from."""
    index = BM25Index.build(["KSL föreslår ett konvent.", "KSL:s styrelse beslutar.", "KSL och regionen.",
                             "Regeringen föreslår en lag.", "Myndigheten beslutar om bidrag.", "Skatten höjs."])
    case = np.array([0, 1, 2])
    term = index.analyzer().terms("KSL")[0]
    assert index.df(term) == 3 and index.df(term, np.array([3, 4, 5])) == 0
    assert index.idf(term, case) < index.idf(term)
    assert index.idf(index.analyzer().terms("konvent")[0], case) > index.idf(term, case)  # the case's own words still tell passages apart
    assert index.idf("finnsinte") == 0.0 and index.idf(term, np.array([5])) == 0.0
