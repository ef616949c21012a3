"""Scale: the case document among 24,698 regeringen.se pages, through the product's own pipeline.

Stages (each in its own process, so the memory of one does not hide in another):

1. corpus — the pages are written as Markdown files (``regeringen/<category>/…md``) beside copies of ``corpus/``.
2. index  — ``qa index``'s code from scratch: passages, seconds, passages/s, peak RSS, index size on disk.
3. query  — load the index as the app does (seconds, RSS), then the eval file (default: the dev questions about the
   case) through ``qa eval``'s code: is the evidence still in the top 5 with the distractors in? Then search latency:
   every question asked alone, as a user does, after a warm-up (p50/p95/max).
4. update — one page changed and ``qa index`` run again: the incremental re-index time.
5. faiss  — exact search vs HNSW over the same vectors: recall@10 of HNSW and ms/query, the check behind the
   index type chosen beyond ``qa.store.FLAT_LIMIT`` passages.

    python benchmarks/scale.py                      # all stages; work folder in the system temp dir
    python benchmarks/scale.py --work /big/disk --keep
    python benchmarks/scale.py --limit 2000          # a quick smoke run on the first 2,000 pages

Prints a table and writes benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "datasets" / "regeringen"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _settings(work: Path) -> Any:
    from qa.settings import Settings

    return Settings.from_env().with_overrides(corpus_dir=work / "corpus", index_dir=work / "index")


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))] if s else 0.0


def stage_corpus(work: Path, limit: int | None) -> dict[str, Any]:
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus / "case", ignore=shutil.ignore_patterns(".*"))
    pages = chars = 0
    for gz in sorted(DATA.glob("*.jsonl.gz")):
        with gzip.open(gz, "rt", encoding="utf-8") as f:
            for line in f:
                if limit is not None and pages >= limit:
                    break
                d = json.loads(line)
                rel = Path("regeringen") / d["path"]
                if rel.suffix != ".md" or ".." in rel.parts:
                    continue
                path = corpus / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                title = d.get("title") or ""
                text = d["text"] if d["text"].lstrip().startswith("#") else f"# {title}\n\n{d['text']}"
                path.write_text(text, encoding="utf-8")
                pages += 1
                chars += len(text)
    return {"pages": pages, "chars": chars, "case_files": len(list((corpus / "case").rglob("*.*")))}


def stage_index(work: Path) -> dict[str, Any]:
    from qa.service import index_corpus

    shutil.rmtree(work / "index", ignore_errors=True)
    t0 = time.monotonic()
    report = index_corpus(_settings(work), log=lambda m: print(m, file=sys.stderr), progress_stream=sys.stderr)
    seconds = time.monotonic() - t0
    size = sum(p.stat().st_size for p in (work / "index").rglob("*") if p.is_file())
    from qa.store import read_manifest

    manifest = read_manifest(work / "index") or {}
    return {"files": report.files, "skipped": len(report.skipped), "passages": report.passages,
            "index_s": round(seconds, 1), "passages_per_s": round(report.passages / seconds, 1),
            "peak_rss_mb": round(_peak_rss_mb()), "index_mb": round(size / 1e6, 1), "faiss": manifest.get("faiss")}


def stage_query(work: Path, eval_file: Path, rounds: int) -> dict[str, Any]:
    from qa.evaluation import evaluate, load_eval_file
    from qa.service import open_qa

    rss0 = _rss_mb()
    t0 = time.monotonic()
    qa = open_qa(_settings(work))
    load_s = time.monotonic() - t0
    rss_loaded = _rss_mb()
    rows = load_eval_file(eval_file)
    result = evaluate(qa, rows)
    questions = [r["question"] for r in rows]
    cache = getattr(qa.embedder, "_queries", None)  # qa.embedding.QueryCache
    for q in questions[:3]:
        qa.search(q)  # warm-up
    times = []
    for _ in range(rounds):
        for q in questions:
            if cache is not None:
                cache.clear()  # every question embedded afresh, as a new user's would be
            t = time.perf_counter()
            qa.search(q, 5)
            times.append((time.perf_counter() - t) * 1000)
    m = result.metrics
    return {"questions": len(rows), "R@1": m["R@1"], "R@5": m["R@5"], "answer": m["answer"],
            "false_abstention": m["false_abstention"], "abstained_unanswerable": m["abstained_unanswerable"],
            "answer_s": m["seconds_per_question"], "load_s": round(load_s, 1),
            "rss_before_mb": round(rss0), "rss_loaded_mb": round(rss_loaded), "rss_end_mb": round(_rss_mb()),
            "searches": len(times), "search_p50_ms": round(_pct(times, 0.5), 1),
            "search_p95_ms": round(_pct(times, 0.95), 1), "search_max_ms": round(max(times), 1)}


def stage_update(work: Path) -> dict[str, Any]:
    from qa.service import index_corpus

    page = sorted((work / "corpus" / "regeringen").rglob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    # a text of its own each run: the index of an earlier run holds the page as that run changed it
    page.write_text(original + f"\n\nTillägg: denna sida har ändrats för att mäta omindexering ({time.time_ns()}).\n",
                    encoding="utf-8")
    t0 = time.monotonic()
    report = index_corpus(_settings(work), log=lambda m: print(m, file=sys.stderr))
    seconds = time.monotonic() - t0
    page.write_text(original, encoding="utf-8")
    return {"changed_files": report.embedded_files, "reembedded_passages": report.embedded_passages,
            "update_s": round(seconds, 2), "passages": report.passages}


def stage_faiss(work: Path, eval_file: Path) -> dict[str, Any]:
    import faiss
    import numpy as np

    from qa.embedding import load_embedder
    from qa.evaluation import load_eval_file
    from qa.store import current_generation

    gen = current_generation(work / "index")
    assert gen is not None
    vectors = np.load(gen / "vectors.npy", allow_pickle=False)
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(len(vectors), size=min(500, len(vectors)), replace=False)]
    embedder = load_embedder(_settings(work))
    questions = embedder.encode_queries([r["question"] for r in load_eval_file(eval_file)])
    queries = np.vstack([questions, sample]).astype(np.float32)  # real questions, and passages as queries
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    t = time.perf_counter()
    _, exact = flat.search(queries, 10)
    flat_ms = (time.perf_counter() - t) * 1000 / len(queries)
    from qa.store import build_faiss

    t = time.perf_counter()
    hnsw, info = build_faiss(vectors, kind="hnsw")
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    _, approx = hnsw.search(queries, 10)
    hnsw_ms = (time.perf_counter() - t) * 1000 / len(queries)
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)]))
    return {"vectors": len(vectors), "flat_ms_per_query": round(flat_ms, 2), "hnsw": info,
            "hnsw_build_s": round(build_s, 1), "hnsw_ms_per_query": round(hnsw_ms, 2),
            "hnsw_recall@10": round(recall, 4)}


def _run_stage(name: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--stage", name, "--work", str(args.work), "--eval", str(args.eval),
           "--rounds", str(args.rounds)] + (["--limit", str(args.limit)] if args.limit else [])
    print(f"== {name}", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, help="folder for the corpus and index (default: a new temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    ap.add_argument("--limit", type=int, help="only the first N pages (smoke run)")
    ap.add_argument("--eval", type=Path, default=DEV, help="questions about the case (default: the dev file)")
    ap.add_argument("--rounds", type=int, default=5, help="times each question is searched for the latency figures")
    ap.add_argument("--stage", choices=["corpus", "index", "query", "update", "faiss"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scale.json")
    args = ap.parse_args()
    if args.stage:
        fn = {"corpus": lambda: stage_corpus(args.work, args.limit), "index": lambda: stage_index(args.work),
              "query": lambda: stage_query(args.work, args.eval, args.rounds),
              "update": lambda: stage_update(args.work), "faiss": lambda: stage_faiss(args.work, args.eval)}
        print(json.dumps(fn[args.stage]()))
        return
    if not DATA.is_dir():
        sys.exit(f"No regeringen dataset at {DATA} (expected ../shared/datasets/regeringen beside the checkout).")
    made = args.work is None
    args.work = args.work or Path(tempfile.mkdtemp(prefix="qa-scale-"))
    results: dict[str, Any] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                               f"Python {platform.python_version()}",
                               "date": time.strftime("%Y-%m-%d"), "limit": args.limit}
    try:
        for stage in ("corpus", "index", "query", "update", "faiss"):
            results[stage] = _run_stage(stage, args)
            print(json.dumps(results[stage]), file=sys.stderr, flush=True)
    finally:
        if made and not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    c, i, q, u, f = (results[s] for s in ("corpus", "index", "query", "update", "faiss"))
    rows = [
        ("documents", f"{c['pages']:,} regeringen.se pages + {c['case_files']} case file(s)"),
        ("passages", f"{i['passages']:,}"),
        ("index build", f"{i['index_s']:,.0f} s, {i['passages_per_s']:.1f} passages/s, "
                        f"peak RSS {i['peak_rss_mb']:,} MB"),
        ("index on disk", f"{i['index_mb']:,.0f} MB, FAISS {i['faiss'].get('type') if i['faiss'] else '?'}"),
        ("case questions: evidence R@1 / R@5", f"{q['R@1']:.2f} / {q['R@5']:.2f} ({q['questions']} questions)"),
        ("answers with every fact / false abstentions", f"{q['answer']:.2f} / {q['false_abstention']:.2f}"),
        ("unanswerable questions abstained", "none asked" if q["abstained_unanswerable"] is None
                                             else f"{q['abstained_unanswerable']:.2f}"),
        ("load index + model", f"{q['load_s']:.1f} s, RSS {q['rss_loaded_mb']:,} MB (end {q['rss_end_mb']:,} MB)"),
        ("search latency p50 / p95 / max", f"{q['search_p50_ms']:.0f} / {q['search_p95_ms']:.0f} / "
                                           f"{q['search_max_ms']:.0f} ms ({q['searches']} searches)"),
        ("answer latency (mean)", f"{q['answer_s']:.2f} s"),
        ("re-index after one changed page", f"{u['update_s']:.1f} s ({u['reembedded_passages']} passages embedded)"),
        ("HNSW vs exact (recall@10, ms/query)", f"{f['hnsw_recall@10']:.3f}, {f['hnsw_ms_per_query']:.2f} vs "
                                                f"{f['flat_ms_per_query']:.2f} ms exact"),
    ]
    print(f"\n{results['machine']}, {results['date']}")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
