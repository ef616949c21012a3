"""The built-in model in ONNX Runtime: fp32 with the same vectors as sentence-transformers on torch, and the int8
graph that builds the index by default.

On first use :func:`ensure_onnx_model` exports the converted model folder's transformer (``XLMRobertaModel``) with
``torch.onnx.export`` (the TorchScript exporter; it needs the ``onnx`` package, not ``onnxscript``) into a sibling
folder of the model cache, ``<model folder>-onnx-fp32-e<EXPORT_VERSION>/model.onnx``, beside a marker with the
file's sha256. ``"int8"`` is made from it (:func:`_quantize`): every MatMul with a weight in int8 (weights per
output channel, activations per call), except that the few input channels of the feed-forward MatMuls that carry
huge values are kept out of the int8 range (found once, on fixed calibration text). Later processes import neither
torch nor transformers: the tokenizer is the model folder's ``tokenizer.json`` through ``tokenizers``, mean pooling
and normalisation are numpy. :class:`Int8PassageEmbedder` (the default) embeds index passages with int8 and
questions with fp32, each model loaded on first use.

Why each choice (2 cores, SweQUAD-MC passages of about 150 tokens, variants run interleaved; the product's own
numbers come from benchmarks/embedding_speed.py and benchmarks/retrieval.py and are in the README):

- fp32 vectors equal sentence-transformers' to cosine 0.9999999, so an index built with torch stays valid.
- ORT itself is only ~10% faster than torch at the same batch shape; most of the gain is smaller batches:
  sorted by token count, about 1,000 tokens per batch (4 passages) ran 23 passages/s against 18 with 32 per
  batch — the activations of a small batch stay in cache. fp32 is compute-bound near this CPU's peak here
  (about 240 GFLOP/s), so no fp32 trick gives much more; 1,000 tokens a batch is also best for int8 (2,000: -8%).
- The transformer is exported with eager attention: ONNX Runtime fuses that pattern into its Attention kernel;
  the SDPA export ran slower.
- int8 everywhere (dynamic, per-channel weights) runs about 2x fp32 but moves passage vectors to mean cosine 0.9966
  (lowest 0.990; SweQUAD-MC R@1 -1.3 points). Three quarters of that comes from the FFN down-projections, whose
  input (after GELU) has one channel up to 67 (layer 4) where the rest stay under 5, so one scale per tensor leaves
  the rest a few levels. Keeping the outlier channels of the down- and up-projections out of the int8 range
  (:func:`_quantize`) gives mean cosine 0.9994 (lowest 0.9992) at about the same speed, 2.9x torch. Measured and not
  taken: leaving the down-projections fp32 (0.9991, 1.6x fp32), SmoothQuant on all channels (worse: 0.9954-0.9959),
  ORT's transformer optimiser with QAttention (no faster), static QDQ calibrated on passages (0.966, slower),
  MatMulNBits with 8- or 4-bit block weights and int8 block activations (0.9999, but 0.9-1.4x fp32 here).
- Questions stay fp32: one short text costs little, and fp32 questions over int8 passages kept dense search a
  little closer to fp32 than int8 on both sides (SweQUAD-MC train: the same top hit as fp32 for 96.2% of questions
  against 95.0%).
- Thread-pool spinning is off: measured no slower, and it leaves the second core to the web server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.e5model import _fsync_dir, _make_tmp_dir, _publish, _remove_stale_tmp, _write_json
from qa.embedding import Embedder, QueryCache
from qa.errors import ModelError

if TYPE_CHECKING:
    import onnx

# Bump when the export (graph, opset, inputs, quantisation) changes: it is part of the folder name and of the int8
# model id (qa.embedding.model_id_for), so int8 indexes of another recipe are rebuilt. 2: outlier channels.
EXPORT_VERSION = 2
ONNX_FILE = "model.onnx"
MARKER_FILE = "qa_onnx.json"
OPSET = 17
VARIANTS = ("fp32", "int8")
TOKENS_PER_BATCH = 1024  # padded tokens per ORT call (see the module docstring)
OUTLIER_THRESHOLD = 8.0  # |activation| above which an input channel of a feed-forward MatMul is an outlier
MAX_OUTLIERS = 8  # per MatMul; the built-in model has at most 4
# What the int8 export runs through the fp32 graph to find the outlier channels: text of the genre, written for
# this project. Fixed, so the export (and every int8 vector) is the same on every machine. The channels it finds
# are those that 143 passages of regeringen.se pages give, but for two of 29 near the threshold (8.2 and 8.9 there).
CALIBRATION_TEXTS = (
    "Kommunstyrelsen föreslår att kommunfullmäktige beslutar att anta den nya översiktsplanen för perioden "
    "2025–2030 och att uppdra åt stadsbyggnadsnämnden att ta fram en genomförandeplan.",
    "Föredragande borgarrådet anför följande. Staden behöver fler bostäder, bättre kollektivtrafik och en "
    "skola som ger alla barn samma möjligheter. Förslaget innebär att investeringarna ökar med 120 miljoner "
    "kronor under 2026.",
    "Reservation anfördes av ledamöterna från Moderaterna och Liberalerna enligt följande: Vi anser att "
    "ärendet ska återremitteras eftersom konsekvenserna för de mindre kommunerna inte har utretts.",
    "Stadsledningskontoret har i sitt tjänsteutlåtande inga invändningar mot förslaget men påpekar att "
    "finansieringen av driftkostnaderna behöver säkerställas i budgeten för nästa år.",
    "Remissinstanserna är i huvudsak positiva. Socialnämnden framhåller att äldreomsorgen måste få del av "
    "resurserna, medan miljönämnden efterlyser en tydligare klimatanalys.",
    "Vem kan få bostadsbidrag? Du som har låga inkomster och bor i en hyrd eller ägd bostad kan ansöka. "
    "Hur mycket du får beror på dina inkomster, din boendekostnad och hur många barn som bor hos dig.",
    "Ansökan om bygglov ska lämnas till byggnadsnämnden. Till ansökan ska bifogas ritningar, situationsplan "
    "och en beskrivning av åtgärden. Handläggningstiden är normalt tio veckor.",
    "Regeringen beslutade den 14 mars att ge Socialstyrelsen i uppdrag att kartlägga tillgången till "
    "psykiatrisk vård för barn och unga. Uppdraget ska redovisas senast den 1 december.",
    "§ 12 Dnr 2024/0387. Budget och verksamhetsplan. Kommunfullmäktige beslutar 1. att fastställa skattesatsen "
    "till 21,35 kronor, 2. att godkänna resultatbudgeten, 3. att uppdra åt nämnderna att återrapportera.",
    "Under året har antalet elever i grundskolan ökat med 4 procent. Personalomsättningen bland lärare är "
    "fortfarande hög, särskilt i ytterområdena, och rekryteringen av förskollärare är svår.",
    "Beslutet kan överklagas hos förvaltningsrätten inom tre veckor från den dag du fick del av det. "
    "Skriv vilket beslut du överklagar och varför du anser att det ska ändras.",
    "KSL:s styrelse ska vara en mötesplats för kommunerna i länet och driva frågor om välfärdsutveckling, "
    "regional utveckling och samverkan med Region Stockholm.",
)

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
        outliers = None
        if source is None:
            _export(model_folder, out)
        else:
            outliers = _quantize(source, out, model_folder)
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
            **({"outlier_channels": outliers} if outliers is not None else {}),
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
    freed = remove_old_exports(model_folder)
    if freed:
        say(f"Removed {len(freed)} export(s) of an earlier version from the model cache: {', '.join(freed)}.")
    return final


def remove_old_exports(model_folder: Path) -> list[str]:
    """Delete exports of ``model_folder`` made by earlier export versions (each about 500 MB; nothing reads them
    any more: the folder name carries the version). Returns the names removed. A process still running an old
    version keeps its loaded session; if it loads again, it exports its own version anew."""
    removed = []
    for version in range(1, EXPORT_VERSION):
        for variant in VARIANTS:
            old = model_folder.parent / f"{model_folder.name}-onnx-{variant}-e{version}"
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
                if not old.exists():
                    removed.append(old.name)
    return removed


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


def _quantize(source: Path, out: Path, model_folder: Path) -> dict[str, list[int]]:
    """The fp32 export with int8 MatMuls, its outlier channels kept out of the int8 range; returns them by node.

    Every MatMul with a weight gets per-output-channel int8 weights and per-call (dynamic) int8 activations, one
    scale per tensor. A few input channels of the feed-forward MatMuls carry values up to 67 where the rest stay
    under 5 (mostly at the first token), and one scale per tensor then leaves the rest a handful of levels. Those
    channels, found by running :data:`CALIBRATION_TEXTS` through the fp32 graph (|value| > ``OUTLIER_THRESHOLD``):

    - into the down-projection (after GELU): zeroed in the int8 product and added back by a small fp32 MatMul
      over just those channels (LLM.int8()'s decomposition);
    - into the up-projection (the residual stream, which also feeds the next layer, so it cannot be changed at
      its source): divided down to ``OUTLIER_THRESHOLD`` by an inserted Mul, their weight rows multiplied back
      (SmoothQuant on those channels only). The decomposition there measured no better and slower.

    The rewritten fp32 graph computes the same function (tested); only the int8 rounding differs.
    """
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # "consider pre-processing"
    model = onnx.load(str(source))
    fp32_nodes, outliers = _rewrite_outliers(model, model_folder, out.parent)
    quantize_dynamic(model, str(out), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"],
                     nodes_to_exclude=fp32_nodes)
    with open(out, "rb+") as f:
        os.fsync(f.fileno())
    _fsync_dir(out.parent)
    return outliers


def _rewrite_outliers(model: onnx.ModelProto, model_folder: Path, work: Path) -> tuple[list[str], dict[str, list[int]]]:
    """Rewrite the fp32 graph ``model`` in place as :func:`_quantize` describes (same function, in fp32); return the
    MatMuls that must stay fp32 and the outlier channels by node. ``work`` holds a temporary copy while calibrating."""
    from onnx import helper, numpy_helper

    config = json.loads((model_folder / "config.json").read_text(encoding="utf-8"))
    hidden, inner = int(config["hidden_size"]), int(config["intermediate_size"])
    weights = {w.name: w for w in model.graph.initializer}
    shape = {name: tuple(w.dims) for name, w in weights.items()}
    # The feed-forward MatMuls, told by their weight shapes (node names are the exporter's business).
    ups = [n for n in model.graph.node if n.op_type == "MatMul" and shape.get(n.input[1]) == (hidden, inner)]
    downs = [n for n in model.graph.node if n.op_type == "MatMul" and shape.get(n.input[1]) == (inner, hidden)]
    peaks = _channel_peaks(model, [n.input[0] for n in ups + downs], model_folder, work)
    outliers: dict[str, list[int]] = {}
    fp32_nodes: list[str] = []
    before: dict[str, list[onnx.NodeProto]] = {}  # node name -> nodes to insert in front of it
    after: dict[str, list[onnx.NodeProto]] = {}
    down_names = {n.name for n in downs}
    for node in ups + downs:
        x, peak = node.input[0], peaks[node.input[0]]
        top = np.argsort(-peak, kind="stable")[:MAX_OUTLIERS]
        channels = np.sort(top[peak[top] > OUTLIER_THRESHOLD])
        if not len(channels):
            continue
        name = node.name
        outliers[name] = [int(c) for c in channels]
        w = numpy_helper.to_array(weights[node.input[1]]).astype(np.float32)
        if name in down_names:
            mask = np.ones(w.shape[0], np.float32)
            mask[channels] = 0.0
            model.graph.initializer.extend([
                numpy_helper.from_array(mask, f"{name}/outlier_mask"),
                numpy_helper.from_array(channels.astype(np.int64), f"{name}/outlier_channels"),
                numpy_helper.from_array(np.ascontiguousarray(w[channels]), f"{name}/outlier_weight"),
            ])
            y = node.output[0]
            fp32 = helper.make_node("MatMul", [f"{name}/outliers", f"{name}/outlier_weight"], [f"{name}/y_outliers"],
                                    name=f"{name}/outliers_fp32")
            before[name] = [
                helper.make_node("Mul", [x, f"{name}/outlier_mask"], [f"{name}/x_int8"], name=f"{name}/mask"),
                helper.make_node("Gather", [x, f"{name}/outlier_channels"], [f"{name}/outliers"], axis=-1,
                                 name=f"{name}/gather"),
            ]
            after[name] = [fp32, helper.make_node("Add", [f"{name}/y_int8", f"{name}/y_outliers"], [y],
                                                  name=f"{name}/add_outliers")]
            node.input[0], node.output[0] = f"{name}/x_int8", f"{name}/y_int8"
            fp32_nodes.append(fp32.name)
        else:
            factor = np.ones(w.shape[0], np.float32)
            factor[channels] = peak[channels] / OUTLIER_THRESHOLD
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(w * factor[:, None], node.input[1]))
            model.graph.initializer.append(numpy_helper.from_array(1.0 / factor, f"{name}/smooth_scale"))
            before[name] = [helper.make_node("Mul", [x, f"{name}/smooth_scale"], [f"{name}/x_smooth"],
                                             name=f"{name}/smooth")]
            node.input[0] = f"{name}/x_smooth"
    nodes = [m for n in model.graph.node for m in (*before.get(n.name, ()), n, *after.get(n.name, ()))]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return fp32_nodes, outliers


def _channel_peaks(model: onnx.ModelProto, tensors: list[str], model_folder: Path, work: Path) -> dict[str, np.ndarray]:
    """Largest |value| of each channel (last axis) of the fp32 graph's ``tensors`` over :data:`CALIBRATION_TEXTS`,
    each text alone (no padding), with the passage prompt, as ``encode_passages`` runs them."""
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    outputs = model.graph.output
    kept = len(outputs)
    outputs.extend(onnx.helper.make_tensor_value_info(t, onnx.TensorProto.FLOAT, None) for t in tensors)
    path = work / "calibration.onnx"
    onnx.save(model, str(path))
    del outputs[kept:]
    try:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(model_folder / "tokenizer.json"))
        peaks = {t: np.zeros(0, np.float32) for t in tensors}
        for text in CALIBRATION_TEXTS:
            ids = np.array([tokenizer.encode("passage: " + text).ids], dtype=np.int64)
            values = session.run(tensors, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            for t, v in zip(tensors, values, strict=True):
                peak = np.abs(v).reshape(-1, v.shape[-1]).max(axis=0)
                peaks[t] = peak if not peaks[t].size else np.maximum(peaks[t], peak)
        return peaks
    finally:
        path.unlink(missing_ok=True)


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


class Int8PassageEmbedder:
    """The built-in model's default (``QA_BACKEND=auto`` / ``onnx-int8``): passages for the index through the int8
    graph, questions through fp32.

    Only the index needs many vectors fast; a question is one short text, so it keeps fp32 (also measured a little
    closer to fp32 retrieval than int8 questions, see the README). Texts compared with a question at answer time
    and never stored in the index (candidate sentences, a model's claims: :meth:`encode_texts`) go through fp32
    too, so answering is unchanged and a process that only answers loads only the fp32 model.

    Each side is made by its factory on first use: ``qa index`` loads only the int8 model, ``qa search`` and the
    web app only the fp32 one. The model id is its own (``qa.embedding.model_id_for``), so an index of these
    vectors is never searched as an fp32 one, nor the other way round.
    """

    def __init__(self, model_id: str, dim: int, passages: Callable[[], Embedder],
                 questions: Callable[[], Embedder]) -> None:
        self.model_id, self.dim = model_id, dim
        self._factories = {"passages": passages, "questions": questions}
        self._sides: dict[str, Embedder] = {}
        self._lock = threading.Lock()

    @property
    def loaded(self) -> tuple[str, ...]:
        """Which sides are loaded so far: ``"passages"`` (int8), ``"questions"`` (fp32)."""
        return tuple(sorted(self._sides))

    def _side(self, name: str) -> Embedder:
        side = self._sides.get(name)
        if side is None:
            with self._lock:
                side = self._sides.get(name)
                if side is None:
                    side = self._sides[name] = self._factories[name]()
        return side

    def prepare_passages(self) -> None:
        """Load the passage model now (``qa.indexer`` does, in a thread, while it reads the previous index)."""
        self._side("passages")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._side("questions").encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """int8 passage vectors, as stored in the index."""
        return self._side("passages").encode_passages(texts, progress)

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        """fp32 passage-side vectors of texts compared with a question at answer time (not stored in the index)."""
        return self._side("questions").encode_passages(texts)
