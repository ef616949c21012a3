"""Positions: for a topic, each speaker's closest words in the documents, or that the speaker does not address it.

Pure logic over the loaded index (passages, their vectors, the lexical index) and the embedder; the web app's
positions tab renders what ``speaker_positions`` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.embedding import sentence_encoder
from qa.passages import Passage
from qa.sentences import sentence_spans

# When does a speaker address a topic? Calibrated on the case document (PM 2014:134: 32 passages, 8 speakers) with
# docs/calibrate_positions.py, which prints each speaker's best cosine for the five suggested topics and for 12
# topics the document never discusses (football, school lunches, snow clearing, …); docs/webapp.md has the table.
# With multilingual-e5-small cosines are compressed into 0.76-0.90: every off-topic best lay at or below 0.824,
# but so did most on-topic ones (KSL's own passage on its organisation scores 0.788 for "organisation"), so no
# cosine threshold alone separates them. Hence two kinds of evidence, either of which suffices:
#   - words: one of the speaker's passages contains every word of the topic (compound-aware, as lexical search
#     matches them: "välfärd" finds "välfärdsutveckling"); on the case document this marks exactly the speakers
#     that discuss each suggested topic, and none for the off-topic ones;
#   - meaning: the closest passage's cosine reaches the model's threshold, set above every off-topic best
#     (0.824 + margin -> 0.85), so paraphrases that share no word still count when they are close.
POSITION_THRESHOLDS: dict[str, float] = {"intfloat/multilingual-e5-small": 0.85}
# Topics the case document does not discuss: used to calibrate a model without a known threshold (see below).
OFF_TOPIC_PROBES = ["fotboll", "skolmat i förskolan", "snöröjning", "väderprognos för helgen", "kärnkraft",
                    "hundar och katter", "semesterresor till Spanien", "recept på kanelbullar"]
LEXICAL_WEIGHT = 0.1  # ranking a speaker's passages: cosine + 0.1 x share of topic words (a tie-breaker in E5 scale)


@dataclass(frozen=True)
class SpeakerPosition:
    actor: str
    score: float  # cosine of the speaker's closest passage to the topic
    addresses: bool
    passages: tuple[tuple[Passage, float], ...]  # (passage, cosine), closest first
    quote: str = ""  # best sentence of the closest passage (verbatim substring of its text); "" if not addressed
    quote_start: int = 0
    quote_end: int = 0
    words_found: bool = False  # the closest passage contains every word of the topic


def speakers(passages: Sequence[Passage]) -> list[str]:
    """Distinct speakers in document order. The heading passage of a document, whose "speaker" is the document's
    own title, is no speaker and is left out."""
    titles = {p.title for p in passages}
    return [a for a in dict.fromkeys(p.actor for p in passages) if a and a not in titles]


def _topic_word_terms(topic: str, analyzer: Any) -> list[set[str]]:
    """The query terms of each word of the topic; "KSL:s" also as "KSL" (the possessive is glued on)."""
    out = []
    for w in analyzer.words(topic):
        variants = {w, w[:-2]} if w.endswith(":s") and len(w) > 2 else {w}
        out.append({term for v in variants for term in analyzer.terms(v, query=True)})
    return out


def topic_coverage(topic: str, lexical: Any) -> np.ndarray:
    """Per passage, the share of the topic's words it contains, read off the BM25 index (``qa.lexical``).

    Example: topic "regional utveckling" -> 1.0 for a passage on "Regional utveckling", 0.5 for one with only
    "utvecklingen", 0.0 elsewhere.
    """
    n = lexical.matrix.shape[0]
    words = _topic_word_terms(topic, lexical.analyzer())
    found = np.zeros(n, dtype=np.float32)
    if not words:
        return found
    m = lexical.matrix  # csc: column j's rows are m.indices[m.indptr[j]:m.indptr[j+1]]
    for terms in words:
        rows: set[int] = set()
        for term in terms:
            col = lexical.terms.get(term)
            if col is not None:
                rows.update(int(r) for r in m.indices[m.indptr[col]:m.indptr[col + 1]])
        found[list(rows)] += 1.0
    return found / len(words)


def _sentence_coverage(text: str, words: list[set[str]], analyzer: Any) -> float:
    if not words:
        return 0.0
    have = set(analyzer.terms(text))
    return sum(1 for terms in words if terms & have) / len(words)


def speaker_positions(topic: str, passages: Sequence[Passage], vectors: np.ndarray, embedder: Any,
                      threshold: float, per_speaker: int = 3, lexical: Any = None) -> list[SpeakerPosition]:
    """One row per speaker: the speaker's passages closest to ``topic`` and the best sentence of the closest one.

    ``vectors[i]`` is the unit vector of ``passages[i]`` (as in the index); the topic is encoded as a query, each
    candidate sentence as a passage. With ``lexical`` (the index's BM25Index) a passage containing every word of
    the topic also counts as addressing it and ranks first (see POSITION_THRESHOLDS). A speaker addresses the
    topic when their closest passage has cosine >= ``threshold`` or all the topic's words; otherwise the row says
    so and carries no quote.
    """
    topic = topic.strip()
    if not topic or not len(passages):
        return []
    q = np.asarray(embedder.encode_queries([topic])[0], dtype=np.float32)
    sims = np.asarray(vectors, dtype=np.float32) @ q
    cover = topic_coverage(topic, lexical) if lexical is not None else np.zeros(len(passages), np.float32)
    rank = sims + LEXICAL_WEIGHT * cover
    rows: list[tuple[str, list[int], bool]] = []
    for actor in speakers(passages):
        idx = sorted((i for i, p in enumerate(passages) if p.actor == actor), key=lambda i: -float(rank[i]))
        best = idx[0]
        rows.append((actor, idx[:per_speaker], bool(sims[best] >= threshold or cover[best] >= 0.999)))
    # The best sentence of each addressing speaker's closest passage; one encoder call for all of them.
    words = _topic_word_terms(topic, lexical.analyzer()) if lexical is not None else []
    spans: list[tuple[int, int, int, float]] = []  # (row, start, end, share of topic words)
    for r, (_, idx, addresses) in enumerate(rows):
        if not addresses:
            continue
        text = passages[idx[0]].text
        found = [(a, b) for a, b in sentence_spans(text) if b - a >= 15] or sentence_spans(text) or [(0, len(text))]
        spans.extend((r, a, b, _sentence_coverage(text[a:b], words, lexical.analyzer()) if words else 0.0)
                     for a, b in found)
    quotes: dict[int, tuple[float, int, int]] = {}
    if spans:
        texts = [passages[rows[r][1][0]].text[a:b] for r, a, b, _ in spans]
        scores = np.asarray(sentence_encoder(embedder)(texts), dtype=np.float32) @ q
        for (r, a, b, c), s in zip(spans, scores, strict=True):
            score = float(s) + LEXICAL_WEIGHT * c
            if r not in quotes or score > quotes[r][0]:
                quotes[r] = (score, a, b)
    out = []
    for r, (actor, idx, addresses) in enumerate(rows):
        closest = tuple((passages[i], float(sims[i])) for i in idx)
        words_found = bool(cover[idx[0]] >= 0.999)
        if addresses:
            _, a, b = quotes[r]
            out.append(SpeakerPosition(actor, float(sims[idx[0]]), True, closest, passages[idx[0]].text[a:b], a, b,
                                       words_found))
        else:
            out.append(SpeakerPosition(actor, float(sims[idx[0]]), False, closest, words_found=words_found))
    return out


def calibrate_threshold(passages: Sequence[Passage], vectors: np.ndarray, embedder: Any,
                        probes: Sequence[str] = OFF_TOPIC_PROBES, margin: float = 0.02) -> float:
    """A cosine threshold for a model without a calibrated one: just above the best cosine any passage reaches for
    topics the documents never discuss (``probes``), as was done by hand for E5. One encoder call."""
    if not len(passages):
        return 1.0
    q = np.asarray(embedder.encode_queries(list(probes)), dtype=np.float32)
    sims = np.asarray(vectors, dtype=np.float32) @ q.T  # [passages, probes]
    return float(sims.max()) + margin


def threshold_for(model_id: str) -> float | None:
    for prefix, value in POSITION_THRESHOLDS.items():
        if model_id.startswith(prefix):
            return value
    return None
