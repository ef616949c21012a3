"""Retrieval quality on public Swedish benchmarks, through the product's own pipeline.

Each dataset's texts are written as files into a temporary corpus, indexed with ``qa index``'s code, and every
question is searched exactly as ``python -m qa search`` does. A question counts as found at k when one of its
top-k passages comes from the gold text (for SweQUAD-MC also: contains the answer span). The span is compared
as text the product indexes: the source pages write soft hyphens (U+00AD) and no-break spaces (U+00A0) inside
answers ("arbets-tagarna", "8 190 kronor"), which cleaning removes or turns into spaces, so both sides drop soft
hyphens and zero-width characters and collapse whitespace before the comparison (19 of 1,190 answers).

"R@k same sentence" (SweQUAD-MC only, a diagnostic beside the strict numbers, not a replacement): a hit may
also be a passage of *another* text that holds the gold text's whole answer sentence verbatim. Authorities repeat
themselves — "När du ska hämta ditt beslut ska du ta med ditt pass." stands on many Migrationsverket pages — and
the questions were written with one page open, so for those questions the strict gold is one of several equal
answers. The JSON gives the share of questions whose answer sentence stands in another text too.

    python benchmarks/retrieval.py                       # SweQUAD-MC and SweFAQ, dev+test, default fusion
    python benchmarks/retrieval.py --split train --alphas 0.3,0.4,0.5,0.6,0.7   # tune the fusion weight on train
    python benchmarks/retrieval.py --backend onnx,onnx-int8   # the same, once per embedder backend, and the loss

``--backend`` runs everything once per QA_BACKEND value (each builds its own index) and prints, for every
backend after the first, the change in R@1 / R@5 in points against the first.

Prints a table and writes benchmarks/results/retrieval.json (with ``--backend``: retrieval_backends.json).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.cleaning import INVISIBLE  # noqa: E402
from qa.embedding import Embedder, backend_for  # noqa: E402
from qa.retrieval import DEFAULT_ALPHA, Hit, Retriever  # noqa: E402
from qa.service import index_corpus, open_qa  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets"


_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """Text as compared for "the passage holds the answer span": without the characters cleaning drops inside
    words (``qa.cleaning.INVISIBLE``), whitespace (no-break spaces included) collapsed, lower case."""
    return _SPACE.sub(" ", INVISIBLE.sub("", text)).strip().lower()


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class Question:
    text: str
    gold: str  # id of the text that answers it
    answer: str | None = None  # SweQUAD-MC: the answer span, which the passage must hold
    sentence: str | None = None  # SweQUAD-MC: the gold text's sentence around the span (comparable form)


def answer_sentence(context: str, start: int, end: int) -> str:
    """The sentence (or line) of ``context`` that holds ``context[start:end]``, comparable form."""
    a = max(context.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (context.find(c, end) for c in ".!?\n") if i >= 0]
    return comparable(context[a:min(ends, default=len(context))])


def swequad(splits: set[str]) -> tuple[dict[str, str], list[Question]]:
    passages = _jsonl(DATA / "swequad-mc/derived/passages.jsonl")
    texts = {p["_id"]: f"{p['title']}\n\n{p['text']}" for p in passages}
    contexts = {p["_id"]: p["text"] for p in passages}
    qs = [Question(r["question"], r["gold_passage_id"], r["answer"],
                   answer_sentence(contexts[r["gold_passage_id"]], r["answer_start"], r["answer_end"]))
          for r in _jsonl(DATA / "swequad-mc/derived/qa.jsonl") if r["split"] in splits]
    return texts, qs


def swefaq(splits: set[str]) -> tuple[dict[str, str], list[Question]]:
    texts = {d["_id"]: (f"{d['title']}\n\n{d['text']}" if d.get("title") else d["text"])
             for d in _jsonl(DATA / "swefaq/derived/corpus.jsonl")}
    qs = [Question(q["text"], q["gold_doc_id"]) for q in _jsonl(DATA / "swefaq/derived/queries.jsonl")
          if q["split"] in splits]
    return texts, qs


def _rank(hits: list[Hit], q: Question, same_sentence: bool = False) -> int | None:
    """1-based rank of the first hit that answers ``q``: from the gold text and holding the answer span, or
    (``same_sentence``) from any text holding the gold text's whole answer sentence."""
    for i, h in enumerate(hits, 1):
        text = comparable(h.passage.text)
        if h.passage.source == f"{q.gold}.txt" and (q.answer is None or comparable(q.answer) in text):
            return i
        if same_sentence and q.sentence and q.sentence in text:
            return i
    return None


def run(name: str, texts: dict[str, str], questions: list, alphas: list[float], work: Path,
        chunk_chars: int | None = None, embedder: Embedder | None = None, backend: str | None = None) -> list[dict]:
    """Index ``texts`` in ``work/name`` and search ``questions``; one row of recall figures per fusion weight."""
    corpus = work / name / "corpus"
    corpus.mkdir(parents=True)
    for doc_id, text in texts.items():
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    settings = Settings.from_env().with_overrides(corpus_dir=corpus, index_dir=work / name / "index",
                                                  chunk_chars=chunk_chars, backend=backend)
    t0 = time.monotonic()
    report = index_corpus(settings, embedder, log=lambda m: print(m, file=sys.stderr))
    index_seconds = time.monotonic() - t0
    qa = open_qa(settings, embedder)
    qa.embedder.encode_queries(["Vad är en uppvärmning?"])  # a model loaded on first use loads now, not in the timing
    comparable_texts = {doc_id: comparable(text) for doc_id, text in texts.items()}
    shared = sum(1 for q in questions if q.sentence and any(
        q.sentence in text for doc_id, text in comparable_texts.items() if doc_id != q.gold))
    rows = []
    for alpha in alphas:
        retriever = Retriever(qa.index, qa.embedder, alpha=alpha)
        t0 = time.monotonic()
        results = retriever.search_many([q.text for q in questions], k=10)
        per_q = (time.monotonic() - t0) / max(len(questions), 1)
        ranks = [_rank(hits, q) for q, hits in zip(questions, results, strict=True)]
        n = len(ranks)
        row = {
            "dataset": name, "backend": backend_for(settings), "model": qa.embedder.model_id, "alpha": alpha,
            "chunk_chars": settings.chunk_chars, "questions": n,
            "passages": report.passages,
            **{f"R@{k}": round(sum(r is not None and r <= k for r in ranks) / n, 3) for k in (1, 5, 10)},
            "MRR@10": round(sum(1 / r for r in ranks if r) / n, 3),
        }
        if any(q.sentence for q in questions):
            loose = [_rank(hits, q, same_sentence=True) for q, hits in zip(questions, results, strict=True)]
            row.update({f"R@{k} same sentence": round(sum(r is not None and r <= k for r in loose) / n, 3)
                        for k in (1, 5)})
            row["answer sentence also in another text"] = round(shared / n, 3)
        rows.append({**row, "index_s": round(index_seconds, 1), "query_ms": round(per_q * 1000, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def _cell(x: float | None) -> str:
    return f"{x:>6.3f}" if x is not None else f"{'-':>6}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev,test", help="comma-separated splits (tune on train)")
    ap.add_argument("--alphas", default=str(DEFAULT_ALPHA), help="dense weights in the fusion, comma-separated")
    ap.add_argument("--datasets", default="swequad,swefaq")
    ap.add_argument("--chunk-chars", type=int, help="passage size target (default: QA_CHUNK_CHARS or 900)")
    ap.add_argument("--backend", help="comma-separated QA_BACKEND values to compare (default: QA_BACKEND or auto)")
    ap.add_argument("--out", type=Path, help="default benchmarks/results/retrieval.json (retrieval_backends.json "
                                               "with --backend)")
    args = ap.parse_args()
    splits = set(args.split.split(","))
    alphas = [float(a) for a in args.alphas.split(",")]
    backends: list[str | None] = list(args.backend.split(",")) if args.backend else [None]
    out = args.out or ROOT / "benchmarks" / "results" / ("retrieval_backends.json" if args.backend
                                                         else "retrieval.json")
    rows = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
            for name in args.datasets.split(","):
                texts, qs = {"swequad": swequad, "swefaq": swefaq}[name](splits)
                if not qs:
                    print(f"{name}: no questions in split {args.split} (SweFAQ has only dev and test)",
                          file=sys.stderr)
                    continue
                rows += run(name, texts, qs, alphas, Path(tmp), args.chunk_chars, backend=backend)
    print(f"\nsplits: {args.split}")
    print(f"{'dataset':<8} {'backend':<9} {'chunk':>5} {'alpha':>5} {'n':>5} {'R@1':>6} {'R@5':>6} {'R@10':>6} "
          f"{'MRR':>6} {'R@1 ss':>6} {'R@5 ss':>6} {'index s':>8} {'ms/q':>6}")
    for r in rows:
        print(f"{r['dataset']:<8} {r['backend']:<9} {r['chunk_chars']:>5} {r['alpha']:>5.2f} {r['questions']:>5} "
              f"{r['R@1']:>6.3f} {r['R@5']:>6.3f} {r['R@10']:>6.3f} {r['MRR@10']:>6.3f} "
              f"{_cell(r.get('R@1 same sentence'))} {_cell(r.get('R@5 same sentence'))} "
              f"{r['index_s']:>8.1f} {r['query_ms']:>6.1f}")
    if len(backends) > 1:
        print(f"\nchange against {rows[0]['backend']}, in points (100 x recall):")
        first = {(r["dataset"], r["alpha"]): r for r in rows if r["backend"] == rows[0]["backend"]}
        for r in rows:
            ref = first.get((r["dataset"], r["alpha"]))
            if ref is not None and r is not ref:
                print(f"{r['dataset']:<8} {r['backend']:<9} alpha {r['alpha']:.2f}: "
                      + ", ".join(f"{k} {100 * (r[k] - ref[k]):+.1f}" for k in ("R@1", "R@5", "R@10")))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"splits": args.split, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
