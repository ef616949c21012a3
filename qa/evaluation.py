"""``python -m qa eval FILE``: retrieval and answer quality on an eval file (format in CONTRACT.md).

Matching folds case and collapses white space. Metrics:
R@1/R@3/R@5 (evidence in the top passages), answer (every ``answer_all`` group present in the answer text),
cited (evidence inside a cited passage), speaker (top passage's / first citation's speaker matches ``actor_any``),
abstention on ``unanswerable`` rows, and false abstentions on answerable ones.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import InputError


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_eval_file(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"No eval file at {path}.")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise InputError(f"{path}:{n} is not valid JSON ({e}).") from None
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise InputError(f"{path}:{n} needs a \"question\" string.")
        rows.append(row)
    return rows


@dataclass
class EvalResult:
    metrics: dict[str, Any]
    details: list[dict[str, Any]] = field(default_factory=list)


def _has(texts: list[str], needles: list[str]) -> bool:
    folded = [fold(t) for t in texts]
    return any(fold(n) in t for n in needles for t in folded)


def _rank(passages: list[dict[str, Any]], row: dict[str, Any]) -> int | None:
    any_ = row.get("evidence_any") or []
    all_ = row.get("evidence_all") or []
    for i, p in enumerate(passages, 1):
        text = fold(p["text"])
        if (not any_ or any(fold(e) in text for e in any_)) and all(fold(e) in text for e in all_) \
                and (any_ or all_):
            return i
    return None


def evaluate(qa: Any, rows: list[dict[str, Any]]) -> EvalResult:
    from qa.answer import answer_question

    counts: dict[str, list[float]] = {k: [] for k in (
        "R@1", "R@3", "R@5", "answer", "cited", "speaker", "abstained_unanswerable", "false_abstention")}
    details = []
    seconds = []
    for row in rows:
        t0 = time.monotonic()
        ans = answer_question(qa, row["question"], row.get("history") or []).to_json()
        seconds.append(time.monotonic() - t0)
        passages = ans["passages"]
        d: dict[str, Any] = {"id": row.get("id"), "question": row["question"], "abstained": ans["abstained"]}
        if row.get("unanswerable"):
            counts["abstained_unanswerable"].append(float(ans["abstained"]))
        else:
            counts["false_abstention"].append(float(ans["abstained"]))
            if row.get("evidence_any") or row.get("evidence_all"):
                r = _rank(passages, row)
                d["rank"] = r
                for k in (1, 3, 5):
                    counts[f"R@{k}"].append(float(r is not None and r <= k))
                cited = [c["chunk_id"] for c in ans["citations"]]
                cited_passages = [p for p in passages if p["chunk_id"] in cited]
                counts["cited"].append(float(_rank(cited_passages, row) is not None))
            if row.get("answer_all"):
                text = fold(ans["answer"])
                ok = all(any(fold(alt) in text for alt in group) for group in row["answer_all"])
                counts["answer"].append(float(ok))
                d["answer_ok"] = ok
            if row.get("actor_any"):
                actor = ans["citations"][0]["actor"] if ans["citations"] else (passages[0]["actor"] if passages else "")
                ok = any(fold(a) in fold(actor or "") for a in row["actor_any"])
                counts["speaker"].append(float(ok))
                d["speaker"], d["speaker_ok"] = actor, ok
        d["answer"] = ans["answer"]
        if "unsupported" in ans:  # generative mode: sentences the checker removed, and why it fell back
            d["unsupported"] = ans["unsupported"]
            d["fallback"] = ans.get("fallback")
        details.append(d)
    metrics: dict[str, Any] = {k: (round(sum(v) / len(v), 3) if v else None) for k, v in counts.items()}
    metrics["n"] = {k: len(v) for k, v in counts.items()}
    metrics["seconds_per_question"] = round(sum(seconds) / max(len(seconds), 1), 3)
    return EvalResult(metrics, details)


def format_table(result: EvalResult, details: bool = False) -> str:
    m = result.metrics
    names = {"R@1": "evidence at rank 1", "R@3": "evidence in top 3", "R@5": "evidence in top 5",
             "answer": "answers with every required fact", "cited": "evidence inside a cited passage",
             "speaker": "speaker right", "abstained_unanswerable": "unanswerable questions abstained",
             "false_abstention": "false abstentions (lower is better)"}
    lines = [f"{'metric':<40} {'value':>6} {'n':>4}", "-" * 52]
    for key, label in names.items():
        value = m.get(key)
        lines.append(f"{label:<40} {'—' if value is None else f'{value:.2f}':>6} {m['n'][key]:>4}")
    lines.append(f"{'seconds per question':<40} {m['seconds_per_question']:>6.2f}")
    if details:
        lines.append("")
        for d in result.details:
            flags = " ".join(f"{k}={d[k]}" for k in ("rank", "answer_ok", "speaker_ok", "abstained") if k in d)
            lines.append(f"{d['id']}: {flags} | {d['answer'][:160]!r}")
    return "\n".join(lines)
