import numpy as np

from qa.lexical import Analyzer, BM25Index

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
    assert again.idf("mötesplat") > 0 and again.idf("finnsinte") == 0


def test_analyzer_stems_and_folds():
    terms = Analyzer().terms("bostäder", query=True)
    assert "bostad" in terms and "^bostad" in terms
