"""When do the documents not answer? A decision on measured evidence, with thresholds calibrated on data.

Evidence for one question: the cosine of the best passage (``top_dense``), the cosine of the best sentence
(``sentence_dense``), and how much of the question's rare words the best sentence and the top passages contain
(``coverage``, ``passage_coverage``, idf-weighted). A question is answered when the passages are close enough in
meaning or carry enough of its words; the thresholds come from ``benchmarks/calibrate_abstention.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Calibrated by benchmarks/calibrate_abstention.py (see README, "Abstention").
MIN_TOP_DENSE = 0.86
MIN_PASSAGE_COVERAGE = 0.60


@dataclass(frozen=True)
class Evidence:
    top_dense: float
    sentence_dense: float
    coverage: float
    passage_coverage: float


def should_abstain(e: Evidence) -> bool:
    return e.passage_coverage < MIN_PASSAGE_COVERAGE and e.top_dense < MIN_TOP_DENSE
