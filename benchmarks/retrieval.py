"""Retrieval quality on public Swedish benchmarks, through the product's own pipeline.

Each dataset's texts are written as files into a temporary corpus, indexed with ``qa index``'s code, and every
question is searched exactly as ``python -m qa search`` does. A question counts as found at k when one of its
top-k passages comes from the gold text (for SweQUAD-MC also: contains the answer span). The span is compared
as text the product indexes: the source pages write soft hyphens (U+00AD) and no-break spaces (U+00A0) inside
answers ("arbets-tagarna", "8 190 kronor"), which cleaning removes or turns into spaces, so both sides drop soft
hyphens and zero-width characters and collapse whitespace before the comparison (19 of 1,190 answers).

    python benchmarks/retrieval.py                       # SweQUAD-MC and SweFAQ, dev+test, default fusion
    python benchmarks/retrieval.py --split train --alphas 0.3,0.4,0.5,0.6,0.7   # tune the fusion weight on train

Prints a table and writes benchmarks/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.retrieval import DEFAULT_ALPHA, Retriever  # noqa: E402
from qa.service import index_corpus, open_qa  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets"


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """Text as compared for "the passage holds the answer span": no soft hyphens or zero-width characters,
    whitespace (no-break spaces included) collapsed, lower case."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip().lower()


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def swequad(splits: set[str]) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    texts = {p["_id"]: f"{p['title']}\n\n{p['text']}" for p in _jsonl(DATA / "swequad-mc/derived/passages.jsonl")}
    qs = [(r["question"], r["gold_passage_id"], r["answer"]) for r in _jsonl(DATA / "swequad-mc/derived/qa.jsonl")
          if r["split"] in splits]
    return texts, qs


def swefaq(splits: set[str]) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    texts = {d["_id"]: (f"{d['title']}\n\n{d['text']}" if d.get("title") else d["text"])
             for d in _jsonl(DATA / "swefaq/derived/corpus.jsonl")}
    qs = [(q["text"], q["gold_doc_id"], None) for q in _jsonl(DATA / "swefaq/derived/queries.jsonl")
          if q["split"] in splits]
    return texts, qs


def run(name: str, texts: dict[str, str], questions: list, alphas: list[float], work: Path,
        chunk_chars: int | None = None) -> list[dict]:
    corpus = work / name / "corpus"
    corpus.mkdir(parents=True)
    for doc_id, text in texts.items():
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    settings = Settings.from_env().with_overrides(corpus_dir=corpus, index_dir=work / name / "index",
                                                  chunk_chars=chunk_chars)
    t0 = time.monotonic()
    report = index_corpus(settings, log=lambda m: print(m, file=sys.stderr))
    index_seconds = time.monotonic() - t0
    qa = open_qa(settings)
    rows = []
    for alpha in alphas:
        retriever = Retriever(qa.index, qa.embedder, alpha=alpha)
        t0 = time.monotonic()
        results = retriever.search_many([q for q, _, _ in questions], k=10)
        per_q = (time.monotonic() - t0) / max(len(questions), 1)
        ranks = []
        for (_q, gold, answer), hits in zip(questions, results, strict=True):
            rank = next((i for i, h in enumerate(hits, 1) if h.passage.source == f"{gold}.txt"
                         and (answer is None or comparable(answer) in comparable(h.passage.text))), None)
            ranks.append(rank)
        n = len(ranks)
        rows.append({
            "dataset": name, "alpha": alpha, "chunk_chars": settings.chunk_chars, "questions": n,
            "passages": report.passages,
            **{f"R@{k}": round(sum(r is not None and r <= k for r in ranks) / n, 3) for k in (1, 5, 10)},
            "MRR@10": round(sum(1 / r for r in ranks if r) / n, 3),
            "index_s": round(index_seconds, 1), "query_ms": round(per_q * 1000, 1),
        })
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev,test", help="comma-separated splits (tune on train)")
    ap.add_argument("--alphas", default=str(DEFAULT_ALPHA), help="dense weights in the fusion, comma-separated")
    ap.add_argument("--datasets", default="swequad,swefaq")
    ap.add_argument("--chunk-chars", type=int, help="passage size target (default: QA_CHUNK_CHARS or 900)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "retrieval.json")
    args = ap.parse_args()
    splits = set(args.split.split(","))
    alphas = [float(a) for a in args.alphas.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        for name in args.datasets.split(","):
            texts, qs = {"swequad": swequad, "swefaq": swefaq}[name](splits)
            if not qs:
                print(f"{name}: no questions in split {args.split} (SweFAQ has only dev and test)", file=sys.stderr)
                continue
            rows += run(name, texts, qs, alphas, Path(tmp), args.chunk_chars)
    print(f"\nsplits: {args.split}")
    print(f"{'dataset':<8} {'chunk':>5} {'alpha':>5} {'n':>5} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} "
          f"{'index s':>8} {'ms/q':>6}")
    for r in rows:
        print(f"{r['dataset']:<8} {r['chunk_chars']:>5} {r['alpha']:>5.2f} {r['questions']:>5} {r['R@1']:>6.3f} "
              f"{r['R@5']:>6.3f} {r['R@10']:>6.3f} {r['MRR@10']:>6.3f} {r['index_s']:>8.1f} {r['query_ms']:>6.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"splits": args.split, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
