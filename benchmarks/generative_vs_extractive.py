"""Extractive vs generative answers on an eval file, side by side.

    QA_LLM=llamacpp:/path/model.gguf python benchmarks/generative_vs_extractive.py ../shared/eval/dev.jsonl

Runs ``qa eval``'s scoring twice on the same index — once extractive (QA_LLM unset), once with the configured
chat model — and prints required facts present, evidence in a cited passage, speaker, abstentions, the generated
sentences the checker removed, fallbacks to the extractive answer, and seconds per answer.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.evaluation import evaluate, load_eval_file  # noqa: E402
from qa.service import open_qa  # noqa: E402
from qa.settings import Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--llm", default=os.environ.get("QA_LLM"), help="chat model spec (default: QA_LLM)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "generative.json")
    args = ap.parse_args()
    if not args.llm:
        ap.error("give --llm SPEC or set QA_LLM")
    rows = load_eval_file(args.file)
    base = dataclasses.replace(Settings.from_env(), llm=None)
    qa = open_qa(base)
    results = {"extractive": evaluate(qa, rows)}
    qa.settings = dataclasses.replace(base, llm=args.llm)
    results["generative"] = evaluate(qa, rows)

    print(f"{'':<38} {'extractive':>11} {'generative':>11}")
    labels = {"answer": "answers with every required fact", "cited": "evidence inside a cited passage",
              "speaker": "speaker right", "abstained_unanswerable": "unanswerable abstained",
              "false_abstention": "false abstentions", "seconds_per_question": "seconds per answer"}
    for key, label in labels.items():
        vals = [results[m].metrics.get(key) for m in ("extractive", "generative")]
        print(f"{label:<38} " + " ".join(f"{'—' if v is None else f'{v:.2f}':>11}" for v in vals))
    gen = results["generative"].details
    removed = sum(len(d.get("unsupported") or []) for d in gen)
    fell_back = sum(1 for d in gen if d.get("fallback"))
    print(f"{'generated sentences removed':<38} {'':>11} {removed:>11}")
    print(f"{'answers that fell back to extractive':<38} {'':>11} {fell_back:>11}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({m: {"metrics": r.metrics, "details": r.details} for m, r in results.items()},
                                   ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
