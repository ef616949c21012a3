"""Embedding speed: plain sentence-transformers ``encode`` on torch against the product's ONNX Runtime embedders.

Passages are real: SweQUAD-MC texts cut by the product's own chunker (900 characters), as ``qa index`` embeds
them. The baseline is ``SentenceTransformer.encode`` with batch size 32 (what the torch backend does). Rows:

- ``onnx``: ``QA_BACKEND=onnx``, fp32 (``OnnxEmbedder.encode_passages``), the same vectors as torch;
- ``onnx-int8``: the default, ``QA_BACKEND=auto``/``onnx-int8``, exactly as ``qa index`` embeds passages
  (``load_embedder`` -> ``Int8PassageEmbedder.encode_passages``: int8 with the outlier channels kept out of the
  int8 range); its questions are fp32, so its ms/query is fp32's;
- ``int8-plain`` (only if asked for): the int8 recipe before the outlier handling (every MatMul int8, no
  exceptions), made here for comparison, not selectable in the product.

    python benchmarks/embedding_speed.py                          # 600 passages, 3 rounds, torch/onnx/onnx-int8
    python benchmarks/embedding_speed.py --backends torch,onnx,onnx-int8,int8-plain
    python benchmarks/embedding_speed.py --passages 200 --rounds 2 --backends torch,onnx

The backends run interleaved: each chunk of 100 passages goes through every backend in turn (a different one
first each time), so a change in the machine's load hits all of them alike; passages/s is per round, the table
gives the median of the rounds. Cosines are of each passage vector to torch's (lowest and mean). Per-query
latency: 30 questions encoded one at a time (no cache), median. Load: from nothing to the first 4 passages
embedded and one question encoded (the one-off ONNX export excluded). Prints a table and writes
benchmarks/results/embedding_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.e5model import e5_model_id, ensure_e5_model  # noqa: E402
from qa.embedding import SentenceTransformerEmbedder, load_embedder  # noqa: E402
from qa.ingest import document_passages  # noqa: E402
from qa.onnx_embedder import ONNX_FILE, OnnxEmbedder, ensure_onnx_model  # noqa: E402
from qa.readers import RawDocument  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "swequad-mc" / "derived"
CHUNK = 100


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def swequad_passages(n: int, chunk_chars: int = 900) -> list[str]:
    """The first n passages the product makes of SweQUAD-MC's texts (speaker/section line included)."""
    out: list[str] = []
    for doc in _jsonl(DATA / "passages.jsonl"):
        text = f"{doc['title']}\n\n{doc['text']}".replace("\r\n", "\n")
        raw = RawDocument(text, (), None, "utf-8")
        out += [p.index_text() for p in document_passages(raw, f"{doc['_id']}.txt", chunk_chars)]
        if len(out) >= n:
            break
    return out[:n]


def plain_int8(folder: Path) -> Path:
    """The previous int8 recipe (every MatMul, per-channel weights, dynamic activations), made once beside the
    product's exports, for comparison only."""
    out = folder.parent / f"{folder.name}-bench-int8-plain"
    if not (out / ONNX_FILE).exists():
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        logging.getLogger().setLevel(logging.ERROR)
        source = ensure_onnx_model(folder, "fp32", progress=print) / ONNX_FILE
        out.mkdir(exist_ok=True)
        quantize_dynamic(str(source), str(out / f"{ONNX_FILE}.tmp"), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
        (out / f"{ONNX_FILE}.tmp").rename(out / ONNX_FILE)
    return out


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backends", default="torch,onnx,onnx-int8", help="comma-separated; torch is the baseline")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "embedding_speed.json")
    args = ap.parse_args()
    names = args.backends.split(",")
    if names[0] != "torch":
        ap.error("the first backend must be torch (the baseline for speed-up and cosine)")

    settings = Settings.from_env()
    folder = ensure_e5_model(settings.cache_dir / "models", progress=print)
    passages = swequad_passages(args.passages)
    questions = [q["question"] for q in _jsonl(DATA / "qa.jsonl")[:30]]

    # passage encoders: texts -> vectors; query encoders: one question -> vector (bypassing the query cache)
    encode: dict[str, Callable[[list[str]], np.ndarray]] = {}
    query: dict[str, Callable[[str], np.ndarray]] = {}
    load_s: dict[str, float] = {}
    for name in names:
        t0 = time.perf_counter()
        if name == "torch":
            st = SentenceTransformerEmbedder(str(folder), e5_model_id(), "query: ", "passage: ", batch_size=32)
            encode[name] = lambda texts, st=st: st._encode(texts, "passage: ")  # plain encode(batch_size=32)
            query[name] = lambda q, st=st: st._encode([q], "query: ")
        elif name == "onnx-int8":
            ensure_onnx_model(folder, "int8", progress=print)
            t0 = time.perf_counter()  # loading, not the one-off export
            emb = load_embedder(settings.with_overrides(backend="onnx-int8"))
            encode[name] = emb.encode_passages  # the int8 side, as `qa index` runs it
            query[name] = lambda q, emb=emb: emb.encode_queries([q])  # the fp32 side; each question once
        else:
            onnx_dir = plain_int8(folder) if name == "int8-plain" else ensure_onnx_model(folder, "fp32", progress=print)
            t0 = time.perf_counter()
            emb = OnnxEmbedder(folder, onnx_dir, name, "query: ", "passage: ")
            encode[name] = emb.encode_passages
            query[name] = lambda q, emb=emb: emb._encode([q], "query: ")
        encode[name](passages[:4])  # warm-up (and the int8 side's lazy load)
        query[name]("Vad är en uppvärmning?")  # (and the fp32 question side's)
        load_s[name] = time.perf_counter() - t0

    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(512)
    mean_tokens = float(np.mean([len(e.ids) for e in tokenizer.encode_batch(["passage: " + p for p in passages])]))
    load_before = os.getloadavg()[0]
    seconds = {n: [0.0] * args.rounds for n in names}
    vectors = {n: np.zeros((len(passages), 384), np.float32) for n in names}
    order = list(names)
    for r in range(args.rounds):
        for a in range(0, len(passages), CHUNK):
            chunk = passages[a:a + CHUNK]
            order = order[1:] + order[:1]
            for name in order:
                t0 = time.perf_counter()
                vecs = encode[name](chunk)
                seconds[name][r] += time.perf_counter() - t0
                vectors[name][a:a + len(chunk)] = vecs
        print(f"round {r + 1}: " + ", ".join(f"{n} {len(passages) / seconds[n][r]:.1f}/s" for n in names),
              file=sys.stderr)
    query_ms = {n: [] for n in names}
    for q in questions:
        for name in names:
            t0 = time.perf_counter()
            query[name](q)
            query_ms[name].append(1000 * (time.perf_counter() - t0))

    ref = vectors["torch"]
    base = statistics.median(len(passages) / s for s in seconds["torch"])
    rows = []
    for name in names:
        rates = [len(passages) / s for s in seconds[name]]
        rows.append({
            "backend": name, "passages": len(passages), "passages_per_s": round(statistics.median(rates), 1),
            "rounds_per_s": [round(x, 1) for x in rates],
            "speed_up": round(statistics.median(rates) / base, 2),
            "min_cosine_vs_torch": round(float((vectors[name] * ref).sum(axis=1).min()), 7),
            "mean_cosine_vs_torch": round(float((vectors[name] * ref).sum(axis=1).mean()), 7),
            "ms_per_query": round(statistics.median(query_ms[name]), 1),
            "load_s": round(load_s[name], 1),
        })
    mean_chars = float(np.mean([len(p) for p in passages]))
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]  # other jobs on the machine show up here
    print(f"\n{len(passages)} passages of SweQUAD-MC (mean {mean_chars:.0f} characters, {mean_tokens:.0f} tokens), "
          f"{os.cpu_count()} cores, median of {args.rounds} interleaved rounds, load average {load[0]} -> {load[1]}")
    print(f"{'backend':<10} {'passages':>8} {'passages/s':>10} {'speed-up':>8} {'min cosine':>10} "
          f"{'mean cos':>9} {'ms/query':>8} {'load s':>6}")
    for r in rows:
        print(f"{r['backend']:<10} {r['passages']:>8} {r['passages_per_s']:>10.1f} {r['speed_up']:>7.2f}x "
              f"{r['min_cosine_vs_torch']:>10.7f} {r['mean_cosine_vs_torch']:>9.6f} {r['ms_per_query']:>8.1f} "
              f"{r['load_s']:>6.1f}")
    machine = {"cores": os.cpu_count(), "cpu": cpu_name(), "python": platform.python_version(),
               **{p: version(p) for p in ("torch", "onnxruntime", "sentence-transformers")}}
    result = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "load_average_start_end": load,
              "rounds": args.rounds,
              "mean_chars": round(mean_chars, 1), "mean_tokens": round(mean_tokens, 1), "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
