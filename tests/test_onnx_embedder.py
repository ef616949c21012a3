"""qa.onnx_embedder: the built-in model in ONNX Runtime gives sentence-transformers' vectors, and its export cache
is reused, verified and rebuilt when damaged; the default int8-passage embedder keeps fp32 questions, loads each
model only when needed, and its indexes are never mixed with fp32 ones.

One real export per test run (module fixture, about ten seconds) into a temporary cache beside a link to the
converted model folder; the reference vectors come from sentence-transformers on torch over the same folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa import onnx_embedder
from qa.e5model import e5_model_id, ensure_e5_model
from qa.embedding import SentenceTransformerEmbedder, backend_for, load_embedder, model_id_for, sentence_encoder
from qa.errors import IndexIncompatibleError, InputError, ModelError
from qa.onnx_embedder import (
    EXPORT_VERSION,
    MARKER_FILE,
    ONNX_FILE,
    Int8PassageEmbedder,
    OnnxEmbedder,
    ensure_onnx_model,
    mean_pool_normalise,
)
from qa.service import index_corpus, open_qa
from qa.settings import Settings
from qa.store import read_manifest
from tests.conftest import CASE_DOC, FakeEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QUESTIONS = [
    "Vad tycker stadsledningskontoret om KSL:s nya organisation?",
    "Vilka partier reserverade sig mot beslutet?",
    "Hur ska välfärdsutveckling och regional utveckling prioriteras?",
    "What did the opposition want?",
    "Vem är föredragande borgarråd?",
]


FLAT = re.sub(r"\s+", " ", CASE_DOC.read_text(encoding="utf-8"))
SENTENCES = [s for s in re.split(r"(?<=[.!?])\s+", FLAT) if len(s) > 30]
# Passages of 1 to 9 sentences, in no order of length, and one far over 512 tokens (cut like sentence-transformers).
PASSAGES = [" ".join(SENTENCES[10 * k:10 * k + 1 + (k * 5) % 9]) for k in range(10)]
LONG = FLAT[2000:8000]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.fixture(scope="module")
def model_folder() -> Path:
    """The converted built-in model in the user's cache, as the product's other real-model tests use it."""
    return ensure_e5_model(Settings.from_env().cache_dir / "models")


@pytest.fixture(scope="module")
def export(model_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """(model folder link, export folder, progress messages): a fresh export in a temporary cache."""
    cache = tmp_path_factory.mktemp("onnxcache")
    link = cache / model_folder.name
    link.symlink_to(model_folder, target_is_directory=True)
    messages: list[str] = []
    return link, ensure_onnx_model(link, progress=messages.append), messages


@pytest.fixture(scope="module")
def onnx(export) -> OnnxEmbedder:
    link, folder, _ = export
    return OnnxEmbedder(link, folder, e5_model_id(), "query: ", "passage: ")


@pytest.fixture(scope="module")
def torch_embedder(model_folder: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(str(model_folder), e5_model_id(), "query: ", "passage: ")


# --------------------------------------------------------------------------- no model needed


def test_mean_pool_normalise_ignores_padding():
    hidden = np.array([[[1.0, 0.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    out = mean_pool_normalise(hidden, np.array([[1, 1, 0]]))  # mean of the first two: [2, 2]
    assert np.allclose(out, [[2 ** -0.5, 2 ** -0.5]])


def test_backend_setting():
    assert Settings.from_env({}).backend == "auto"
    assert backend_for(Settings()) == "onnx-int8"  # the built-in model's default: int8 passages, fp32 questions
    assert backend_for(Settings(model="some/other-model")) == "torch"
    assert backend_for(Settings(backend="torch")) == "torch"
    assert backend_for(Settings(backend="onnx")) == "onnx"
    # fp32 ONNX vectors equal torch's, so an index built with either is valid for both; int8 gets its own id,
    # which names the export version (the quantisation recipe), so an index of another recipe is rebuilt
    assert model_id_for(Settings(backend="onnx")) == model_id_for(Settings(backend="torch")) == e5_model_id()
    int8_id = model_id_for(Settings())
    assert int8_id == model_id_for(Settings(backend="onnx-int8")) != e5_model_id()
    assert int8_id.startswith(e5_model_id()) and f"e{EXPORT_VERSION}" in int8_id
    with pytest.raises(InputError, match="built-in model only"):
        model_id_for(Settings(model="some/other-model", backend="onnx"))
    with pytest.raises(InputError, match="QA_BACKEND"):
        Settings.from_env({"QA_BACKEND": "tensorflow"})


class _Side(FakeEmbedder):
    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def encode_queries(self, texts):
        return super().encode_queries(texts) * self.scale


def test_int8_embedder_loads_each_side_only_when_used():
    made: list[str] = []
    questions, passages = _Side(1.0), _Side(-1.0)  # told apart by sign

    def side(name, emb):
        return lambda: made.append(name) or emb

    emb = Int8PassageEmbedder("id int8", 64, passages=side("passages", passages), questions=side("questions", questions))
    assert emb.loaded == () and made == []
    q = emb.encode_queries(["Vem är föredragande?"])
    # answering compares candidate sentences with the question: fp32 too, so a process that only answers
    # never loads the int8 model
    s = sentence_encoder(emb)(["Föredragande är Karin Wanngård."])
    assert emb.loaded == ("questions",) and made == ["questions"]
    assert np.allclose(q, questions.encode_queries(["Vem är föredragande?"]))
    assert np.allclose(s, questions.encode_passages(["Föredragande är Karin Wanngård."]))
    p = emb.encode_passages(["Föredragande är Karin Wanngård."])  # the index: int8
    assert emb.loaded == ("passages", "questions") and made == ["questions", "passages"]
    assert np.allclose(p, -s)
    emb.encode_passages(["igen"])
    emb.encode_queries(["igen"])
    assert made == ["questions", "passages"]  # each loaded once
    assert sentence_encoder(FakeEmbedder()).__name__ == "encode_passages"  # other embedders: unchanged


def test_auto_keeps_an_fp32_index_and_an_explicit_int8_rebuilds_it(settings, monkeypatch):
    """An index built with fp32 passages (QA_BACKEND=onnx, or before int8 became the default) keeps working after
    the upgrade: under auto, search and the web app open it with the fp32 embedder instead of refusing it, and
    `qa index` embeds a changed file in fp32 beside the kept vectors instead of re-embedding the whole archive. Only
    an explicit int8 backend rebuilds it, saying why; an fp32 backend then refuses the int8 index."""
    fp32 = FakeEmbedder()
    fp32.model_id = model_id_for(settings.with_overrides(backend="onnx"))
    index_corpus(settings, fp32, log=lambda m: None)
    assert settings.backend == "auto" and model_id_for(settings) != fp32.model_id
    loaded: list[str] = []

    def fake_load(s: Settings, progress=None) -> FakeEmbedder:
        loaded.append(s.backend)
        return fp32

    monkeypatch.setattr("qa.service.load_embedder", fake_load)
    qa = open_qa(settings)
    assert loaded == ["onnx"] and qa.settings.backend == "onnx" and qa.search("Vem är föredragande borgarråd?")

    (settings.corpus_dir / "ny.txt").write_text("Kommunstyrelsen beslutar om budgeten för 2015.", encoding="utf-8")
    before = fp32.passages_encoded
    log: list[str] = []
    report = index_corpus(settings, log=log.append)
    assert report.embedded_passages == fp32.passages_encoded - before == 1 and report.passages > 1
    assert read_manifest(settings.index_dir)["model"] == fp32.model_id
    assert any("QA_BACKEND=onnx-int8 python -m qa index" in m for m in log)

    int8 = FakeEmbedder()
    int8.model_id = model_id_for(settings.with_overrides(backend="onnx-int8"))
    log.clear()
    report = index_corpus(settings.with_overrides(backend="onnx-int8"), int8, log=log.append)
    assert int8.passages_encoded == report.passages == report.embedded_passages  # all of them again
    assert any("every passage is embedded again" in m and fp32.model_id in m for m in log)
    assert read_manifest(settings.index_dir)["model"] == int8.model_id
    with pytest.raises(IndexIncompatibleError, match="QA_BACKEND=onnx-int8"):
        open_qa(settings.with_overrides(backend="onnx"))
    open_qa(settings)  # auto: the int8 index as it is
    assert loaded[-1] == "auto"


# --------------------------------------------------------------------------- the real model


@pytest.mark.model
def test_export_is_made_once_and_reused(export, monkeypatch):
    link, folder, messages = export
    assert folder.parent == link.parent and (folder / ONNX_FILE).stat().st_size > 100_000_000
    marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["onnx_sha256"] == onnx_embedder._sha256(folder / ONNX_FILE)[0]
    assert any("Exporting" in m for m in messages)
    assert not list(link.parent.glob(".*.tmp-*"))  # the temporary folder is gone
    mtime = (folder / ONNX_FILE).stat().st_mtime_ns

    def no_export(*args):
        raise AssertionError("exported again although the cache is valid")

    monkeypatch.setattr(onnx_embedder, "_export", no_export)
    again: list[str] = []
    assert ensure_onnx_model(link, progress=again.append) == folder
    assert again == [] and (folder / ONNX_FILE).stat().st_mtime_ns == mtime


@pytest.mark.model
@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_damaged_export_is_detected_and_rebuilt(export, tmp_path, monkeypatch, damage):
    link, folder, _ = export
    # A copy of the good export in another cache, damaged there; the rebuild copies the good file (a real export
    # is what the fixture did) and counts how often it was asked for.
    model = tmp_path / link.name
    model.symlink_to(link.resolve(), target_is_directory=True)
    copy = onnx_embedder.onnx_folder(model)
    shutil.copytree(folder, copy)
    path = copy / ONNX_FILE
    if damage == "flip":  # same size, one weight byte changed
        with open(path, "r+b") as f:
            f.seek(path.stat().st_size // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "truncate":  # e.g. a full disk
        os.truncate(path, path.stat().st_size // 3)
    exports = []

    def fake_export(model_folder: Path, out: Path) -> None:
        exports.append(model_folder)
        shutil.copyfile(folder / ONNX_FILE, out)

    monkeypatch.setattr(onnx_embedder, "_export", fake_export)
    messages: list[str] = []
    assert ensure_onnx_model(model, progress=messages.append) == copy
    assert exports == [model]
    assert any("damaged" in m for m in messages)
    assert onnx_embedder.is_complete(copy, model, "fp32")
    assert not list(tmp_path.glob(".*.tmp-*"))
    if damage == "flip":  # the rebuilt file loads and embeds
        vec = OnnxEmbedder(model, copy, "id", "query: ", "passage: ").encode_queries(["Vem är föredragande?"])
        assert vec.shape == (1, 384) and np.isclose(np.linalg.norm(vec), 1.0)


@pytest.mark.model
def test_damaged_marker_is_rebuilt(export, tmp_path, monkeypatch):
    link, folder, _ = export
    model = tmp_path / link.name
    model.symlink_to(link.resolve(), target_is_directory=True)
    copy = onnx_embedder.onnx_folder(model)
    copy.mkdir()
    (copy / ONNX_FILE).write_bytes(b"not a model")
    (copy / MARKER_FILE).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(onnx_embedder, "_export", lambda m, out: out.write_bytes(b"an export"))
    assert ensure_onnx_model(model) == copy
    assert (copy / ONNX_FILE).read_bytes() == b"an export" and onnx_embedder.is_complete(copy, model, "fp32")


@pytest.mark.model
def test_passage_vectors_equal_torch(onnx, torch_embedder):
    texts = PASSAGES + [LONG, "x", ""]
    tokens = len(onnx._tokenizer.encode("passage: " + LONG).ids)
    assert tokens == onnx.max_tokens == 512  # the long one is cut, as sentence-transformers cuts it
    got, ref = onnx.encode_passages(texts), torch_embedder.encode_passages(texts)
    assert got.shape == ref.shape == (len(texts), 384) and got.dtype == np.float32
    assert cosines(got, ref).min() > 0.99999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # Sorting by length into batches must not change a vector: each alone gives the same as in the batch.
    alone = np.vstack([onnx.encode_passages([t]) for t in texts[:5]])
    assert cosines(alone, got[:5]).min() > 0.99999


@pytest.mark.model
def test_query_vectors_equal_torch(onnx, torch_embedder):
    got, ref = onnx.encode_queries(QUESTIONS + [LONG]), torch_embedder.encode_queries(QUESTIONS + [LONG])
    assert cosines(got, ref).min() > 0.99999
    # the prompts differ, so a text's query and passage vectors differ
    assert cosines(onnx.encode_queries(QUESTIONS[:1]), onnx.encode_passages(QUESTIONS[:1]))[0] < 0.999
    assert onnx.encode_queries([]).shape == (0, 384)


@pytest.mark.model
def test_progress_is_reported_per_batch(onnx):
    texts = SENTENCES[:80]
    calls: list[int] = []
    onnx.encode_passages(texts, progress=calls.append)
    assert sum(calls) == len(texts) and len(calls) > 1
    assert all(n >= 1 for n in calls)


@pytest.mark.model
def test_load_embedder_uses_onnx_and_falls_back_to_torch(monkeypatch, model_folder):
    settings = Settings.from_env({}).with_overrides(cache_dir=model_folder.parent.parent, backend="onnx")
    embedder = load_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder) and embedder.model_id == e5_model_id()

    def broken(*args, **kwargs):
        raise ModelError("export failed (test)")

    monkeypatch.setattr(onnx_embedder, "ensure_onnx_model", broken)
    with pytest.raises(ModelError, match="export failed"):  # asked for by name: no silent fallback
        load_embedder(settings)
    # The default's questions are fp32, which torch gives as well: it stands in. Its passages are int8, which
    # torch cannot give: indexing says so rather than writing other vectors under the int8 id.
    messages: list[str] = []
    default = load_embedder(settings.with_overrides(backend="auto"), progress=messages.append)
    assert isinstance(default, Int8PassageEmbedder) and default.model_id == model_id_for(Settings())
    assert default.encode_queries(["Vem är föredragande?"]).shape == (1, 384)
    assert any("PyTorch instead" in m for m in messages)
    with pytest.raises(ModelError, match="export failed"):
        default.encode_passages(["Föredragande är Karin Wanngård."])


@pytest.mark.model
def test_outlier_rewrite_computes_the_same_function(export, onnx, tmp_path):
    """The int8 export's graph surgery (outlier channels split off or scaled) changes no vector in fp32."""
    import onnx as onnx_lib

    link, fp32_folder, _ = export
    model = onnx_lib.load(str(fp32_folder / ONNX_FILE))
    fp32_nodes, outliers = onnx_embedder._rewrite_outliers(model, link, tmp_path)
    assert fp32_nodes and outliers and all(1 <= len(c) <= onnx_embedder.MAX_OUTLIERS for c in outliers.values())
    (tmp_path / "rewritten").mkdir()
    onnx_lib.save(model, str(tmp_path / "rewritten" / ONNX_FILE))
    del model
    rewritten = OnnxEmbedder(link, tmp_path / "rewritten", "id", "query: ", "passage: ")
    assert cosines(rewritten.encode_passages(PASSAGES), onnx.encode_passages(PASSAGES)).min() > 0.99999


@pytest.mark.model
def test_int8_variant_is_close_but_not_equal(export, onnx):
    link, fp32_folder, _ = export
    folder = ensure_onnx_model(link, "int8")
    assert folder != fp32_folder and onnx_embedder.is_complete(folder, link, "int8")
    assert (folder / ONNX_FILE).stat().st_size < (fp32_folder / ONNX_FILE).stat().st_size
    marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["outlier_channels"]  # which channels stayed out of the int8 range, for the record
    int8 = OnnxEmbedder(link, folder, model_id_for(Settings(backend="onnx-int8")), "query: ", "passage: ")
    got, ref = int8.encode_passages(PASSAGES + [LONG]), onnx.encode_passages(PASSAGES + [LONG])
    cos = cosines(got, ref)
    # near (measured: lowest 0.9992 over 300 SweQUAD-MC passages; plain int8 0.990), and not the same vectors
    # (hence its own model id)
    assert cos.min() > 0.998 and cos.max() < 0.99999


@pytest.mark.model
def test_default_embedder_questions_are_fp32_and_passages_int8(model_folder, onnx):
    emb = load_embedder(Settings.from_env({}).with_overrides(cache_dir=model_folder.parent.parent))
    assert isinstance(emb, Int8PassageEmbedder) and emb.model_id == model_id_for(Settings()) != onnx.model_id
    assert emb.loaded == ()
    questions = QUESTIONS + [LONG]
    assert np.allclose(emb.encode_queries(questions), onnx.encode_queries(questions), atol=1e-6)
    assert np.allclose(sentence_encoder(emb)(PASSAGES), onnx.encode_passages(PASSAGES), atol=1e-6)
    assert emb.loaded == ("questions",)  # answering needs no int8 model
    cos = cosines(emb.encode_passages(PASSAGES), onnx.encode_passages(PASSAGES))
    assert cos.min() > 0.998 and cos.max() < 0.99999
    assert emb.loaded == ("passages", "questions")


def test_exports_of_earlier_versions_are_removed_from_the_cache(tmp_path):
    """An upgrade that changes the export leaves no half-gigabyte folders behind; nothing else is touched."""
    model = tmp_path / "multilingual-e5-small-q4-abc-c1"
    model.mkdir()
    current = onnx_embedder.onnx_folder(model, "int8")
    keep = [model, current, tmp_path / "another-model-onnx-fp32-e1"]
    old = [tmp_path / f"{model.name}-onnx-{variant}-e1" for variant in ("fp32", "int8")]
    for folder in keep + old:
        folder.mkdir(exist_ok=True)
        (folder / "model.onnx").write_bytes(b"x")
    removed = onnx_embedder.remove_old_exports(model)
    assert sorted(removed) == sorted(f.name for f in old)
    assert not any(f.exists() for f in old)
    assert all((f / "model.onnx").exists() for f in keep)
    assert onnx_embedder.remove_old_exports(model) == []
