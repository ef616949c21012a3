"""The built-in model in ONNX Runtime: the same vectors as sentence-transformers on torch, faster.

On first use :func:`ensure_onnx_model` exports the converted model folder's transformer (``XLMRobertaModel``) with
``torch.onnx.export`` (the TorchScript exporter; it needs the ``onnx`` package, not ``onnxscript``) into a sibling
folder of the model cache, ``<model folder>-onnx-fp32-e<EXPORT_VERSION>/model.onnx``, beside a marker with the
file's sha256. ``"int8"`` is the same graph with its MatMul weights quantised per output channel
(``onnxruntime.quantization.quantize_dynamic``). Later processes import neither torch nor transformers: the
tokenizer is the model folder's ``tokenizer.json`` through ``tokenizers``, mean pooling and normalisation are numpy.

Why each choice (2 cores, 192 SweQUAD-MC passages of about 260 tokens, variants run interleaved; the product's own
numbers come from benchmarks/embedding_speed.py and are in the README):

- fp32 vectors equal sentence-transformers' to cosine 0.9999999, so an index built with torch stays valid.
- ORT itself is only ~10% faster than torch at the same batch shape; most of the gain is smaller batches:
  sorted by token count, about 1,000 tokens per batch (4 passages) ran 23 passages/s against 18 with 32 per
  batch — the activations of a small batch stay in cache. fp32 is compute-bound near this CPU's peak here
  (about 240 GFLOP/s), so no fp32 trick gives much more.
- The transformer is exported with eager attention: ONNX Runtime fuses that pattern into its Attention kernel;
  the SDPA export ran slower.
- int8 (per-channel weights, dynamic int8 activations) runs about twice as fast again, but its vectors differ
  (cosine about 0.99) and SweQUAD-MC R@1 drops 1.7 points: opt-in only, with its own model id, so its indexes are
  never mixed with fp32 ones.
- Thread-pool spinning is off: measured no slower, and it leaves the second core to the web server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from qa.e5model import _fsync_dir, _make_tmp_dir, _publish, _remove_stale_tmp, _write_json
from qa.embedding import QueryCache
from qa.errors import ModelError

# Bump when the export (graph, opset, inputs, quantisation) changes: it is part of the folder name.
EXPORT_VERSION = 1
ONNX_FILE = "model.onnx"
MARKER_FILE = "qa_onnx.json"
OPSET = 17
VARIANTS = ("fp32", "int8")
TOKENS_PER_BATCH = 1024  # padded tokens per ORT call (see the module docstring)

Progress = Callable[[str], None]


def onnx_folder(model_folder: Path, variant: str = "fp32") -> Path:
    """Where the export of ``model_folder`` lives: a sibling folder in the same model cache."""
    return model_folder.parent / f"{model_folder.name}-onnx-{variant}-e{EXPORT_VERSION}"


def ensure_onnx_model(model_folder: Path, variant: str = "fp32", progress: Progress | None = None) -> Path:
    """Return the folder holding ``model.onnx`` for the sentence-transformers folder ``model_folder``, exporting
    it on first use.

    The export is written under a temporary sibling name and renamed when complete (a crash leaves only a
    ``.tmp`` folder, removed by a later call once it is an hour old). A folder whose ``model.onnx`` no longer
    matches the sha256 in its marker (damaged, truncated, edited) is replaced by a fresh export.

    Raises:
        ModelError: the export or quantisation failed, or the cache cannot be written; the message says why.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant {variant!r} is not one of {VARIANTS}")
    say = progress or (lambda message: None)
    model_folder = Path(model_folder)
    final = onnx_folder(model_folder, variant)
    if is_complete(final, model_folder, variant):
        return final
    if final.exists():
        say(f"The ONNX export in {final} is incomplete or damaged; exporting it again.")
    source = ensure_onnx_model(model_folder, "fp32", progress) / ONNX_FILE if variant == "int8" else None
    say(f"Exporting the embedding model to ONNX ({variant}, first use only, takes about half a minute) ...")
    started = time.perf_counter()
    tmp: Path | None = None
    try:
        _remove_stale_tmp(final.parent, final.name)
        tmp = _make_tmp_dir(final.parent, final.name)
        out = tmp / ONNX_FILE
        if source is None:
            _export(model_folder, out)
        else:
            _quantize(source, out)
        digest, size = _sha256(out)
        _write_json(tmp / MARKER_FILE, {
            "export_version": EXPORT_VERSION,
            "variant": variant,
            "source_folder": model_folder.name,
            "onnx_file": ONNX_FILE,
            "onnx_sha256": digest,
            "onnx_bytes": size,
            "opset": OPSET,
            "torch_version": _version("torch"),
            "onnxruntime_version": _version("onnxruntime"),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        })
        _publish(tmp, final, is_complete=lambda folder: is_complete(folder, model_folder, variant))
    except OSError as exc:
        raise ModelError(
            f"Cannot write the ONNX export to {final.parent}: {exc}. It needs about 500 MB of free space; free "
            "some, point QA_CACHE_DIR elsewhere, or set QA_BACKEND=torch."
        ) from exc
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exporter or quantiser failure is the same problem for the user
        raise ModelError(
            f"Could not export the embedding model to ONNX ({type(exc).__name__}: {exc}). "
            "Reinstall the project (pip install -e .), or set QA_BACKEND=torch."
        ) from exc
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"ONNX model ready in {final} ({time.perf_counter() - started:.1f} s).")
    return final


def is_complete(folder: Path, model_folder: Path, variant: str) -> bool:
    """The marker names this export version, variant and source folder, and ``model.onnx`` has its sha256.

    Hashing the whole file (~470 MB, about 0.3 s) on every load is deliberate: a damaged file is re-exported
    rather than loaded into wrong vectors or a crash.
    """
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
        if not (isinstance(marker, dict) and marker.get("export_version") == EXPORT_VERSION
                and marker.get("variant") == variant and marker.get("source_folder") == model_folder.name):
            return False
        path = folder / ONNX_FILE
        if path.stat().st_size != marker.get("onnx_bytes"):
            return False
        return _sha256(path)[0] == marker.get("onnx_sha256")
    except (OSError, ValueError):
        return False


def _sha256(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _export(model_folder: Path, out: Path) -> None:
    """``torch.onnx.export`` of the folder's transformer: (input_ids, attention_mask) -> last_hidden_state."""
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_folder), attn_implementation="eager", local_files_only=True)
    model.eval()

    class Transformer(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    pad = int(model.config.pad_token_id)
    # Two rows, the second padded, so the traced graph is the general (masked) one.
    ids = torch.tensor([[0, 1000, 2000, 3000, 4000, 5000, 2], [0, 1000, 2000, 2, pad, pad, pad]])
    mask = (ids != pad).long()
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer notes
        torch.onnx.export(
            Transformer(model), (ids, mask), str(out), input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )
    with open(out, "rb+") as f:
        os.fsync(f.fileno())


def _quantize(source: Path, out: Path) -> None:
    """int8 weights per output channel for every MatMul; activations are quantised per call (dynamic)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # "consider pre-processing"
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul"])
    with open(out, "rb+") as f:
        os.fsync(f.fileno())
    _fsync_dir(out.parent)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class OnnxEmbedder:
    """The :class:`qa.embedding.Embedder` protocol on ONNX Runtime for a sentence-transformers folder whose pipeline
    is Transformer -> mean pooling (prompt included) -> Normalize, like the built-in model's.

    Tokenisation, truncation (the folder's ``max_seq_length``), prompts, pooling and normalisation are those of
    sentence-transformers, so the vectors are the same (tests/test_onnx_embedder.py checks that).
    """

    def __init__(self, model_folder: Path, onnx_dir: Path, model_id: str, query_prompt: str, passage_prompt: str,
                 max_batch: int = 32, threads: int | None = None) -> None:
        model_folder = Path(model_folder)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            config = json.loads((model_folder / "config.json").read_text(encoding="utf-8"))
            st_config = json.loads((model_folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
            pooling = json.loads((model_folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
            modules = json.loads((model_folder / "modules.json").read_text(encoding="utf-8"))
            if pooling.get("pooling_mode") != "mean" or pooling.get("include_prompt") is False \
                    or not any(m.get("type", "").endswith(".Normalize") for m in modules):
                raise ValueError("its pipeline is not Transformer -> mean pooling -> Normalize")
            self.dim = int(config["hidden_size"])
            self._pad_id = int(config["pad_token_id"])
            self.max_tokens = int(st_config["max_seq_length"])
            tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
            tokenizer.enable_truncation(self.max_tokens)  # like transformers' truncation="longest_first"
            tokenizer.no_padding()  # padding is per batch, after sorting by length
            self._tokenizer = tokenizer
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or _cores()
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = ort.InferenceSession(str(Path(onnx_dir) / ONNX_FILE), options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as e:  # noqa: BLE001 - any load failure is the same problem for the user
            raise ModelError(f"Could not load the ONNX embedding model from {onnx_dir}: {e}. "
                             "Set QA_BACKEND=torch to use PyTorch instead.") from e
        self.model_id = model_id
        self.query_prompt, self.passage_prompt, self.max_batch = query_prompt, passage_prompt, max_batch
        self._queries = QueryCache()

    def _encode(self, texts: Sequence[str], prompt: str,
                progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Unit vectors of ``prompt + text`` in the caller's order, computed in batches sorted by token count."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([prompt + t for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        # Longest first, like sentence-transformers: the progress rate starts low, so the ETA errs long, not short.
        order = np.argsort(-lengths, kind="stable")
        a = 0
        while a < len(order):
            width = int(lengths[order[a]])  # the batch's longest row
            rows = max(1, min(self.max_batch, TOKENS_PER_BATCH // width, len(order) - a))
            idx = order[a:a + rows]
            input_ids = np.full((rows, width), self._pad_id, dtype=np.int64)
            mask = np.zeros((rows, width), dtype=np.int64)
            for r, i in enumerate(idx):
                input_ids[r, :lengths[i]] = encodings[i].ids
                mask[r, :lengths[i]] = 1
            (hidden,) = self._session.run(["last_hidden_state"], {"input_ids": input_ids, "attention_mask": mask})
            out[idx] = mean_pool_normalise(hidden, mask)
            a += rows
            if progress:
                progress(rows)
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._queries.encode(texts, lambda missing: self._encode(missing, self.query_prompt), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, progress)


def mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling then Normalize: ``[batch, tokens, dim]`` + ``[batch, tokens]`` ->
    ``[batch, dim]`` unit rows. Example: tokens [[1, 0], [3, 4]] with mask [1, 1] -> mean [2, 2] -> [0.707, 0.707].
    """
    m = mask.astype(np.float32)
    summed = np.einsum("bt,btd->bd", m, hidden)
    mean = summed / np.maximum(m.sum(axis=1, keepdims=True), 1e-9)
    return (mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)).astype(np.float32)
