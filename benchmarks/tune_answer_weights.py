"""Choose the answer step's sentence weights on data: a grid, scored set by set, with leave-one-set-out.

The extractive answer quotes the candidate sentence with the highest weighted sum of five signals
(``qa.answer.SENTENCE_WEIGHTS``: cosine to the question, rarity-weighted word coverage, the passage's retrieval
score, the asked-about speaker, the kind of fact asked for). This script answers the development questions about
the case (the dev file and sets A, C, E, G and I of benchmarks/questions/; B, D, F, H and J are kept for measuring) once
per weight combination and scores each set: answers with every required fact + evidence cited + half the
speaker match − false abstentions (ties go to the weights compared with). Retrieval and embeddings do not depend
on the weights and are computed once.

For each development set it prints the weights chosen on the *other* sets and what they give on the one left
out, next to the weights in the code: a choice that only fits the sets it was made on shows up there.

    python benchmarks/tune_answer_weights.py [--index index/] [--compare "0.45 0.35 0.2 0.25 0.3"]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qa.answer as answer  # noqa: E402
from qa.evaluation import evaluate, load_eval_file  # noqa: E402
from qa.service import open_qa  # noqa: E402
from qa.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = {"dev": SHARED / "eval/dev.jsonl", **{s.upper(): ROOT / f"benchmarks/questions/case_{s}.jsonl" for s in "acegi"}}
GRID = {"dense": [0.2, 0.3, 0.45], "coverage": [0.35, 0.5, 0.65], "passage": [0.2, 0.35, 0.5],
        "speaker": [0.25, 0.4, 0.55], "answer_type": [0.3, 0.45, 0.6]}


def _memoise(qa: Any) -> None:
    """Retrieval, question vectors and sentence vectors do not change with the weights: compute each once."""
    search, encode_queries, sentence_encoder = qa.retriever.search, qa.embedder.encode_queries, answer.sentence_encoder
    hits: dict[tuple[str, int], list] = {}
    queries: dict[tuple[str, ...], np.ndarray] = {}
    sentences: dict[str, np.ndarray] = {}

    def cached_search(query: str, k: int = 5) -> list:
        if (query, k) not in hits:
            hits[(query, k)] = search(query, k)
        return list(hits[(query, k)])

    def cached_queries(texts: list[str]) -> np.ndarray:
        if tuple(texts) not in queries:
            queries[tuple(texts)] = encode_queries(list(texts))
        return queries[tuple(texts)]

    def cached_sentence_encoder(embedder: Any) -> Any:
        encode = sentence_encoder(embedder)

        def run(texts: list[str]) -> np.ndarray:
            new = [t for t in dict.fromkeys(texts) if t not in sentences]
            if new:
                sentences.update(zip(new, encode(new), strict=True))
            return np.stack([sentences[t] for t in texts])
        return run

    qa.retriever.search = cached_search
    qa.embedder.encode_queries = cached_queries
    answer.sentence_encoder = cached_sentence_encoder


def _score(m: dict[str, Any]) -> float:
    return (m["answer"] or 0) + (m["cited"] or 0) + 0.5 * (m["speaker"] or 0) - (m["false_abstention"] or 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, help="index of the case document (default: index/)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "answer_weights.json")
    ap.add_argument("--compare", metavar="WEIGHTS",
                    help="weights to compare with instead of the code's, in the order of the grid "
                         '("0.45 0.35 0.2 0.25 0.3")')
    args = ap.parse_args()
    settings = Settings.from_env()
    if args.index:
        settings = settings.with_overrides(index_dir=args.index)
    qa = open_qa(settings)
    _memoise(qa)
    code_weights = dict(answer.SENTENCE_WEIGHTS)
    sets = {name: load_eval_file(path) for name, path in SETS.items()}
    current = dict(answer.SENTENCE_WEIGHTS)
    if args.compare:
        current = dict(zip(GRID, map(float, args.compare.split()), strict=True))
    combos = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    if current not in combos:
        combos.insert(0, current)
    t0 = time.monotonic()
    rows = []
    for n, weights in enumerate(combos, 1):
        answer.SENTENCE_WEIGHTS = weights
        metrics = {name: evaluate(qa, questions).metrics for name, questions in sets.items()}
        rows.append({"weights": weights, "sets": {name: {k: m[k] for k in ("answer", "cited", "speaker",
                                                                              "false_abstention")}
                                                   | {"score": _score(m)} for name, m in metrics.items()}})
        print(f"\r{n}/{len(combos)} weight combinations, {time.monotonic() - t0:.0f} s", end="", file=sys.stderr)
    print(file=sys.stderr)
    answer.SENTENCE_WEIGHTS = code_weights

    def label(w: dict[str, float]) -> str:
        return " ".join(f"{v:g}" for v in w.values())

    now = next(r for r in rows if r["weights"] == current)
    development = [s for s in sets if s != "dev"]  # the dev file is a smoke test, shown but not chosen on
    print(f"weights: {' / '.join(GRID)}; compared: {label(current)}"
          f"{' (the code)' if current == code_weights else f', the code: {label(code_weights)}'}\n")
    print("(ties go to the compared weights)\n")
    print("| left out | chosen on the other sets | every fact: compared → chosen | cited: compared → chosen |")
    print("| --- | --- | --- | --- |")
    folds = {}
    for held in development:
        best = max(rows, key=lambda r: (round(sum(r["sets"][s]["score"] for s in development if s != held), 6),
                                        r["weights"] == current))
        a, b = now["sets"][held], best["sets"][held]
        folds[held] = best["weights"]
        print(f"| {held} | {label(best['weights'])} | {a['answer']:.2f} → {b['answer']:.2f} | "
              f"{a['cited']:.2f} → {b['cited']:.2f} |")
    best = max(rows, key=lambda r: (round(sum(r["sets"][s]["score"] for s in development), 6),
                                    r["weights"] == current))
    print(f"\nchosen on all development sets: {label(best['weights'])}")
    for name in sets:
        a, b = now["sets"][name], best["sets"][name]
        print(f"  {name}: every fact {a['answer']:.2f} → {b['answer']:.2f}, cited {a['cited']:.2f} → "
              f"{b['cited']:.2f}, false abstentions {a['false_abstention']:.2f} → {b['false_abstention']:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"grid": GRID, "current": current, "chosen": best["weights"],
                                    "left_out": folds, "rows": rows}, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
