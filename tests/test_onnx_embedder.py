"""qa.onnx_embedder: the built-in model in ONNX Runtime gives sentence-transformers' vectors, and its export cache
is reused, verified and rebuilt when damaged.

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
from qa.embedding import SentenceTransformerEmbedder, backend_for, load_embedder, model_id_for
from qa.errors import InputError, ModelError
from qa.onnx_embedder import MARKER_FILE, ONNX_FILE, OnnxEmbedder, ensure_onnx_model, mean_pool_normalise
from qa.settings import Settings
from tests.conftest import CASE_DOC

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
    assert backend_for(Settings()) == "onnx"
    assert backend_for(Settings(model="some/other-model")) == "torch"
    assert backend_for(Settings(backend="torch")) == "torch"
    # fp32 ONNX vectors equal torch's, so an index built with either is valid for both; int8 gets its own id
    assert model_id_for(Settings(backend="onnx")) == model_id_for(Settings(backend="torch")) == e5_model_id()
    assert model_id_for(Settings(backend="onnx-int8")) != e5_model_id()
    with pytest.raises(InputError, match="built-in model only"):
        model_id_for(Settings(model="some/other-model", backend="onnx"))
    with pytest.raises(InputError, match="QA_BACKEND"):
        Settings.from_env({"QA_BACKEND": "tensorflow"})


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
    settings = Settings.from_env({}).with_overrides(cache_dir=model_folder.parent.parent)
    embedder = load_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder) and embedder.model_id == e5_model_id()

    def broken(*args, **kwargs):
        raise ModelError("export failed (test)")

    monkeypatch.setattr(onnx_embedder, "ensure_onnx_model", broken)
    messages: list[str] = []
    fallback = load_embedder(settings, progress=messages.append)
    assert isinstance(fallback, SentenceTransformerEmbedder) and fallback.model_id == e5_model_id()
    assert any("PyTorch instead" in m for m in messages)
    with pytest.raises(ModelError, match="export failed"):
        load_embedder(settings.with_overrides(backend="onnx"))


@pytest.mark.model
def test_int8_variant_is_close_but_not_equal(export, onnx):
    link, fp32_folder, _ = export
    folder = ensure_onnx_model(link, "int8")
    assert folder != fp32_folder and onnx_embedder.is_complete(folder, link, "int8")
    assert (folder / ONNX_FILE).stat().st_size < (fp32_folder / ONNX_FILE).stat().st_size
    int8 = OnnxEmbedder(link, folder, model_id_for(Settings(backend="onnx-int8")), "query: ", "passage: ")
    got, ref = int8.encode_passages(PASSAGES), onnx.encode_passages(PASSAGES)
    cos = cosines(got, ref)
    assert cos.min() > 0.97 and cos.max() < 0.99999  # near, and not the same vectors (hence its own model id)
