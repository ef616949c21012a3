"""Embedders: text -> unit vectors. The one place sentence-transformers (and so torch) is imported for inference.

An embedder implements ``encode_queries`` and ``encode_passages``; vectors are L2-normalised so that the inner
product FAISS computes is the cosine. E5 models were trained with "query: " / "passage: " prefixes and lose much
accuracy without them, hence two methods rather than one.

The built-in model runs in ONNX Runtime by default (``qa/onnx_embedder.py``): index passages through an int8
graph (2.9x the passages/s of plain torch ``encode``, other vectors, its own model id), questions in fp32 (the same
vectors as torch). ``QA_BACKEND=onnx`` is fp32 throughout, ``torch`` sentence-transformers; any other model runs
in sentence-transformers.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import InputError, ModelError
from qa.settings import DEFAULT_MODEL, Settings


class Embedder(Protocol):
    model_id: str  # recorded in the index manifest; an index built with another model is refused
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray: ...


class QueryCache:
    """The last few query vectors: a question is encoded by retrieval and again by the answerer."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def encode(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], dim: int) -> np.ndarray:
        """Vectors of ``texts`` in order; only those not remembered go through ``encode`` (once each)."""
        with self._lock:
            cached = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in cached]
        if missing:
            fresh = dict(zip(missing, encode(missing), strict=True))
            cached.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self.size:
                    self._vectors.pop(next(iter(self._vectors)))
        return np.stack([cached[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32)


class SentenceTransformerEmbedder:
    def __init__(self, model: str, model_id: str, query_prompt: str, passage_prompt: str, batch_size: int = 32):
        if Path(model).exists():  # a local folder needs no hub; never let a typo trigger a download attempt
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        # oneDNN keeps a compiled kernel per input shape (default: up to 1,024); questions and sentence batches come
        # in ever new shapes. Over 400 answers in one process RSS grew 944 -> 1,201 MB with the default, 896 ->
        # 1,121 MB with 64, and stayed flat (893 -> 968 MB, no trend after warm-up) with 0, at 3% more time per
        # answer (0.636 vs 0.615 s). A server must not grow, so 0 unless the user sets it.
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "0")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            self._model = SentenceTransformer(model, device="cpu")
        except Exception as e:  # noqa: BLE001 - any load failure is the same problem for the user
            raise ModelError(
                f"Could not load the embedding model {model!r}: {e}. "
                "Unset QA_MODEL to use the built-in offline model."
            ) from e
        self.model_id = model_id
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.query_prompt, self.passage_prompt, self.batch_size = query_prompt, passage_prompt, batch_size
        self._queries = QueryCache()

    def _encode(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            [prompt + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._queries.encode(texts, lambda missing: self._encode(missing, self.query_prompt), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        # Sorting by length keeps padding small inside a batch; results go back in the caller's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = self.batch_size * 4
        for a in range(0, len(order), step):
            idx = order[a:a + step]
            out[idx] = self._encode([texts[i] for i in idx], self.passage_prompt)
            if progress:
                progress(len(idx))
        return out


def sentence_encoder(embedder: Embedder) -> Callable[[Sequence[str]], np.ndarray]:
    """How to embed passage-side texts that are compared with a question at answer time and never stored in the
    index (candidate sentences, a model's claims): the embedder's ``encode_texts`` where it has one (the default
    int8 embedder, whose index passages are int8 but whose questions and such texts are fp32, see
    :class:`qa.onnx_embedder.Int8PassageEmbedder`), else ``encode_passages``."""
    encode = getattr(embedder, "encode_texts", None)
    return encode if callable(encode) else embedder.encode_passages


def backend_for(settings: Settings) -> str:
    """The backend that will run: "onnx-int8" (the built-in model's default: int8 passages, fp32 questions),
    "onnx" (fp32 throughout), or "torch" (any other model's only one)."""
    builtin = settings.model == DEFAULT_MODEL
    if settings.backend == "auto":
        return "onnx-int8" if builtin else "torch"
    if settings.backend != "torch" and not builtin:
        raise InputError(f"QA_BACKEND={settings.backend} works with the built-in model only, not QA_MODEL="
                         f"{settings.model!r}. Unset QA_BACKEND (or set it to torch).")
    return settings.backend


def model_id_for(settings: Settings) -> str:
    """The id the configured embedder will have, known without loading it.

    The fp32 ONNX backend keeps the torch backend's id on purpose: its vectors equal sentence-transformers' to
    cosine 0.9999999 (float rounding; tests/test_onnx_embedder.py asserts > 0.99999), so an index built with either
    backend is valid for both and switching costs no rebuild. int8 passage vectors differ (cosine about 0.999 to
    fp32), so that backend gets its own id, with the export version (the quantisation recipe) in it, and its own
    indexes: an index built with fp32 is rebuilt by ``qa index`` and refused by ``qa search``, never mixed.
    """
    if settings.model == DEFAULT_MODEL:
        from qa.e5model import e5_model_id

        if backend_for(settings) == "onnx-int8":
            from qa.onnx_embedder import EXPORT_VERSION

            return f"{e5_model_id()} onnx-int8-passages e{EXPORT_VERSION}"
        return e5_model_id()
    backend_for(settings)  # refuses an ONNX backend for another model
    return f"sentence-transformers:{settings.model}"


def follow_index(settings: Settings, index_model_id: str | None) -> Settings:
    """``QA_BACKEND=auto`` follows an index that exists: one the built-in model built with fp32 passages (with
    ``QA_BACKEND=onnx`` or ``torch``, or before int8 passages became the default) is searched and updated in fp32,
    instead of being refused by search and re-embedded in full by ``qa index``. Questions are fp32 either way, so
    search is the same as before; only a new index gets int8 passages. An explicit backend is kept as given."""
    if settings.backend != "auto" or settings.model != DEFAULT_MODEL or not index_model_id:
        return settings
    fp32 = settings.with_overrides(backend="onnx")
    if index_model_id != model_id_for(settings) and index_model_id == model_id_for(fp32):
        return fp32
    return settings


def load_embedder(settings: Settings, progress: Callable[[str], None] | None = None) -> Embedder:
    """The configured embedder: the packaged multilingual-e5-small by default (passages int8 and questions fp32
    in ONNX Runtime, each loaded on first use; ``QA_BACKEND=onnx`` for fp32 throughout, ``torch`` for PyTorch),
    else any sentence-transformers model name or folder (``QA_MODEL``)."""
    backend = backend_for(settings)
    if settings.model != DEFAULT_MODEL:
        return SentenceTransformerEmbedder(settings.model, model_id_for(settings), settings.query_prompt,
                                           settings.passage_prompt, settings.batch_size)
    from qa.e5model import ensure_e5_model

    folder = ensure_e5_model(settings.cache_dir / "models", progress=progress)
    if backend == "onnx-int8":
        from qa.onnx_embedder import Int8PassageEmbedder, OnnxEmbedder, ensure_onnx_model

        def passages() -> Embedder:
            onnx_dir = ensure_onnx_model(folder, "int8", progress=progress)
            return OnnxEmbedder(folder, onnx_dir, model_id_for(settings), settings.query_prompt,
                                settings.passage_prompt, max_batch=settings.batch_size)

        def questions() -> Embedder:
            # fp32 ONNX and torch give the same vectors, so torch may stand in if ONNX fails (auto only).
            return _fp32_embedder(folder, settings, progress, fallback=settings.backend == "auto")

        dim = int(json.loads((folder / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        return Int8PassageEmbedder(model_id_for(settings), dim, passages=passages, questions=questions)
    if backend == "onnx":
        return _fp32_embedder(folder, settings, progress, fallback=False)
    return SentenceTransformerEmbedder(str(folder), model_id_for(settings), settings.query_prompt,
                                       settings.passage_prompt, settings.batch_size)


def _fp32_embedder(folder: Path, settings: Settings, progress: Callable[[str], None] | None,
                   fallback: bool) -> Embedder:
    """The built-in model in ONNX Runtime fp32; with ``fallback``, sentence-transformers if that fails (the same
    vectors, see model_id_for)."""
    from qa.e5model import e5_model_id
    from qa.onnx_embedder import OnnxEmbedder, ensure_onnx_model

    try:
        onnx_dir = ensure_onnx_model(folder, "fp32", progress=progress)
        return OnnxEmbedder(folder, onnx_dir, e5_model_id(), settings.query_prompt, settings.passage_prompt,
                            max_batch=settings.batch_size)
    except ModelError as e:
        if not fallback:
            raise
        if progress:
            progress(f"{e} Using PyTorch instead.")
    return SentenceTransformerEmbedder(str(folder), e5_model_id(), settings.query_prompt, settings.passage_prompt,
                                       settings.batch_size)
