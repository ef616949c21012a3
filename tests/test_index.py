import json
import os
import shutil

import numpy as np
import pytest

from qa import store
from qa.errors import IndexIncompatibleError, IndexLockedError, NoIndexError
from qa.retrieval import Retriever
from qa.service import index_corpus, open_qa
from qa.store import load_index, write_lock


def _quiet(_msg: str) -> None:
    pass


def test_build_then_reuse_unchanged_files(settings, fake_embedder):
    r1 = index_corpus(settings, fake_embedder, log=_quiet)
    assert r1.passages > 10 and r1.embedded_passages == r1.passages and not r1.skipped
    embedded = fake_embedder.passages_encoded
    r2 = index_corpus(settings, fake_embedder, log=_quiet)
    assert r2.unchanged and fake_embedder.passages_encoded == embedded  # nothing re-embedded


def test_changed_added_and_removed_files(settings, fake_embedder):
    index_corpus(settings, fake_embedder, log=_quiet)
    case = load_index(settings.index_dir)
    new = settings.corpus_dir / "sub" / "ny.md"
    new.parent.mkdir()
    new.write_text("# Ny promemoria\n\nKommunen ska bygga en simhall i Vällingby.\n", encoding="utf-8")
    before = fake_embedder.passages_encoded
    r = index_corpus(settings, fake_embedder, log=_quiet)
    assert fake_embedder.passages_encoded - before == 1  # only the new file was embedded
    assert r.reused == 1 and r.embedded_files == 1
    data = load_index(settings.index_dir)
    assert {p.source for p in data.passages} == {"sub/ny.md", case.passages[0].source}
    assert np.allclose(data.vectors[: len(case.passages)], case.vectors)  # kept vectors, not recomputed
    new.unlink()
    r = index_corpus(settings, fake_embedder, log=_quiet)
    assert r.removed == 1
    assert {p.source for p in load_index(settings.index_dir).passages} == {case.passages[0].source}


def test_unreadable_file_is_reported_and_rest_indexed(settings, fake_embedder):
    (settings.corpus_dir / "trasig.pdf").write_bytes(b"inte en pdf alls")
    (settings.corpus_dir / "tom.txt").write_text("   \n", encoding="utf-8")
    r = index_corpus(settings, fake_embedder, log=_quiet)
    reasons = dict(r.skipped)
    assert set(reasons) == {"trasig.pdf", "tom.txt"}
    assert "PDF" in reasons["trasig.pdf"]
    assert r.passages > 10


def test_crash_while_writing_leaves_previous_index_usable(settings, fake_embedder, monkeypatch):
    index_corpus(settings, fake_embedder, log=_quiet)
    before = load_index(settings.index_dir)
    (settings.corpus_dir / "ny.txt").write_text("En ny text om simhallar.\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store.BM25Index, "save", boom)
    with pytest.raises(OSError):
        index_corpus(settings, fake_embedder, log=_quiet)
    after = load_index(settings.index_dir)
    assert [p.chunk_id for p in after.passages] == [p.chunk_id for p in before.passages]
    monkeypatch.undo()
    r = index_corpus(settings, fake_embedder, log=_quiet)  # the next run completes the work
    assert "ny.txt" in {p.source for p in load_index(settings.index_dir).passages} and r.embedded_files == 1
    assert not list(settings.index_dir.glob(".tmp-*"))


def test_second_indexer_is_refused_while_one_writes(settings, fake_embedder):
    with write_lock(settings.index_dir), pytest.raises(IndexLockedError, match="being written"):
        index_corpus(settings, fake_embedder, log=_quiet)


def test_tampered_index_is_detected(settings, fake_embedder):
    index_corpus(settings, fake_embedder, log=_quiet)
    gen = store.current_generation(settings.index_dir)
    with (gen / "chunks.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"chunk_id": "x"}) + "\n")
    with pytest.raises(IndexIncompatibleError, match="python -m qa index"):
        load_index(settings.index_dir)


def test_missing_index_and_other_model(settings, fake_embedder):
    with pytest.raises(NoIndexError, match="python -m qa index"):
        open_qa(settings, fake_embedder)
    index_corpus(settings, fake_embedder, log=_quiet)
    fake_embedder.model_id = "another-model"
    with pytest.raises(IndexIncompatibleError, match="another-model"):
        open_qa(settings, fake_embedder)


def test_no_pickle_in_index_files(settings, fake_embedder):
    index_corpus(settings, fake_embedder, log=_quiet)
    gen = store.current_generation(settings.index_dir)
    np.load(gen / "vectors.npy", allow_pickle=False)
    with np.load(gen / "lexical.npz", allow_pickle=False) as z:
        assert set(z.files) == {"data", "indices", "indptr", "shape"}
    manifest = json.loads((gen / "manifest.json").read_text())
    assert manifest["model"] == fake_embedder.model_id and manifest["faiss"]["type"] == "IndexFlatIP"
    assert set(manifest["files"]) == {p.name for p in settings.corpus_dir.iterdir()}


def test_hybrid_search_finds_exact_passages(tmp_path, fake_embedder):
    corpus = tmp_path / "c"
    corpus.mkdir()
    texts = {"a.txt": "Kommunen bygger en ny simhall i Vällingby.",
             "b.txt": "Bostadsförsörjningen är länets viktigaste fråga.",
             "c.txt": "Kollektivtrafiken behöver fler bussar på natten.",
             "d.txt": "Skolan får nya lärare till hösten."}
    for name, t in texts.items():
        (corpus / name).write_text(t, encoding="utf-8")
    from qa.settings import Settings
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "i", cache_dir=tmp_path / "cache")
    index_corpus(s, fake_embedder, log=_quiet)
    r = Retriever(load_index(s.index_dir), fake_embedder)
    assert r.search("Var byggs simhallen?", 1)[0].passage.source == "a.txt"
    assert r.search("bostäder", 1)[0].passage.source == "b.txt"
    assert r.search("bussar i trafiken", 1)[0].passage.source == "c.txt"
    assert [h.passage.source for h in r.search("lärare skolan", 4)][0] == "d.txt"


def test_faiss_flat_matches_brute_force():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(500, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index, info = store.build_faiss(vecs)
    q = vecs[:5] + 0.01
    _, ids = index.search(q, 3)
    brute = np.argsort(-(q @ vecs.T), axis=1)[:, :3]
    assert (ids == brute).all() and info["type"] == "IndexFlatIP"


def test_symlink_outside_corpus_is_ignored(settings, fake_embedder, tmp_path):
    outside = tmp_path / "hemlig.txt"
    outside.write_text("Hemlig text som inte hör till korpusen.", encoding="utf-8")
    os.symlink(outside, settings.corpus_dir / "lank.txt")
    index_corpus(settings, fake_embedder, log=_quiet)
    assert "lank.txt" not in {p.source for p in load_index(settings.index_dir).passages}
    shutil.rmtree(settings.index_dir)


def test_langchain_retriever_returns_documents_with_speaker(settings, fake_embedder):
    from qa.langchain_retriever import QARetriever

    index_corpus(settings, fake_embedder, log=_quiet)
    docs = QARetriever(qa=open_qa(settings, fake_embedder), k=3).invoke("Vad tillstyrker borgarrådsberedningen?")
    assert len(docs) == 3
    assert all(d.metadata["actor"] and d.metadata["chunk_id"] == d.id for d in docs)
    assert "Borgarrådsberedningen tillstyrker" in docs[0].page_content


def test_new_ingestion_rules_rebuild_the_index(settings, fake_embedder, monkeypatch):
    from qa import indexer

    index_corpus(settings, fake_embedder, log=_quiet)
    monkeypatch.setattr(indexer, "INGEST_VERSION", indexer.INGEST_VERSION + 1)
    r = index_corpus(settings, fake_embedder, log=_quiet)
    assert not r.unchanged and r.embedded_passages == r.passages


def test_a_new_lexical_analyzer_reanalyses_words_and_keeps_vectors(settings, fake_embedder, monkeypatch):
    """Upgrading the Swedish analyzer must not re-embed a large archive: the passages' words are analysed again,
    the vectors are kept, and search works with the new analyzer."""
    from qa import indexer, lexical

    index_corpus(settings, fake_embedder, log=_quiet)
    embedded = fake_embedder.passages_encoded
    for module in (indexer, lexical):
        monkeypatch.setattr(module, "ANALYZER_VERSION", lexical.ANALYZER_VERSION + 1)
    with pytest.raises(IndexIncompatibleError, match="python -m qa index"):
        open_qa(settings, fake_embedder)  # search refuses counts of another analyzer
    log: list[str] = []
    r = index_corpus(settings, fake_embedder, log=log.append)
    assert not r.unchanged and r.embedded_passages == 0 and fake_embedder.passages_encoded == embedded
    assert any("analysed again" in m for m in log)
    qa = open_qa(settings, fake_embedder)
    assert qa.index.lexical.matrix.shape[0] == r.passages
    assert "KSL" in qa.search("Vad vill KSL-remissen?", k=1)[0].passage.text


class _BruteForceBackend:
    """A second SearchBackend that shares nothing with the local index but its data: the seam a server-backed
    store (OpenSearch, Qdrant, pgvector) would implement."""

    def __init__(self, passages, vectors, lexical):
        self._passages, self._vectors, self._lexical = list(passages), np.array(vectors), lexical
        self.calls: list[str] = []

    @property
    def size(self):
        return len(self._passages)

    def passage(self, i):
        return self._passages[i]

    def dense_search(self, qvecs, k):
        self.calls.append("dense_search")
        sims = qvecs @ self._vectors.T
        ids = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(sims, ids, 1), ids

    def dense_scores(self, qvec, ids):
        self.calls.append("dense_scores")
        return self._vectors[ids] @ qvec

    def lexical_search(self, query, k, also):
        self.calls.append("lexical_search")
        scores = self._lexical.scores(query)
        top = [i for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]
        ids = np.array(sorted(set(top) | {int(i) for i in also}), dtype=np.int64)
        return ids, scores[ids]


def test_retrieval_works_through_the_backend_seam_alone(settings, fake_embedder):
    index_corpus(settings, fake_embedder, log=_quiet)
    local = load_index(settings.index_dir)
    other = _BruteForceBackend(local.passages, local.vectors, local.lexical)
    questions = ["Vad tycker reservanterna om regional utveckling?", "Vad anser stadsledningskontoret om KSL?",
                 "Vilka partier reserverade sig?"]
    ours = Retriever(local, fake_embedder).search_many(questions, k=5)
    theirs = Retriever(other, fake_embedder).search_many(questions, k=5)
    assert [[h.passage.chunk_id for h in hits] for hits in ours] == \
        [[h.passage.chunk_id for h in hits] for hits in theirs]
    assert {"dense_search", "dense_scores", "lexical_search"} <= set(other.calls)


def test_the_model_loads_only_to_be_used_and_its_failure_shows_only_then(settings, fake_embedder):
    """The indexer starts loading the model while it reads the previous index when a file looks changed. A file
    only touched (same content) needs no model: a model that cannot load is no error then. A file really changed
    needs it, and its load error is the command's error, as before."""
    from qa.errors import ModelError
    from qa.indexer import build_index

    index_corpus(settings, fake_embedder, log=_quiet)
    doc = next(settings.corpus_dir.glob("*.txt"))

    def broken() -> None:
        raise ModelError("the model cannot be loaded here")

    os.utime(doc, ns=(doc.stat().st_atime_ns, doc.stat().st_mtime_ns + 10**9))  # touched, same content
    report = build_index(settings, fake_embedder.model_id, broken, log=_quiet)
    assert report.unchanged and report.embedded_passages == 0
    doc.write_text(doc.read_text(encoding="utf-8") + "\nEn ny mening om simhallen i Vällingby.\n", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be loaded"):
        build_index(settings, fake_embedder.model_id, broken, log=_quiet)
    loaded = []
    report = build_index(settings, fake_embedder.model_id, lambda: loaded.append(1) or fake_embedder, log=_quiet)
    assert loaded == [1] and report.embedded_files == 1


def test_a_file_that_cannot_be_indexed_does_not_load_the_model_on_every_run(settings, fake_embedder):
    """A scanned PDF or an empty file stays in a corpus for months: each `qa index` still names it, but while it is
    as it was, a run with nothing else to do neither loads the model nor calls the corpus changed. Once the file is
    mended it is indexed."""
    from qa.indexer import build_index

    empty = settings.corpus_dir / "tom.txt"
    empty.write_text("", encoding="utf-8")
    index_corpus(settings, fake_embedder, log=_quiet)
    loads: list[int] = []

    def counted():
        loads.append(1)
        return fake_embedder

    for _ in range(2):
        report = build_index(settings, fake_embedder.model_id, counted, log=_quiet)
        assert report.unchanged and dict(report.skipped) == {"tom.txt": "empty file (0 bytes) — nothing to read"}
    assert loads == []
    empty.write_text("Nämnden vill bygga en simhall i Vällingby.\n", encoding="utf-8")
    report = build_index(settings, fake_embedder.model_id, counted, log=_quiet)
    assert loads == [1] and report.embedded_files == 1 and not report.skipped
    assert "tom.txt" in {p.source for p in load_index(settings.index_dir).passages}
    assert not (settings.index_dir / "skipped.json").exists()
