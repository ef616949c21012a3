"""Hybrid retrieval: dense (FAISS over E5 vectors) and lexical (Swedish BM25), fused.

Each side proposes its top ``candidates``; on their union both scores are min-max normalised per question and
mixed, ``alpha`` for dense (0.5: the best R@1 on SweQUAD-MC train, see benchmarks/retrieval.py). Questions get
the documents' words for genre terms added on the lexical side (``qa.language.expand_query``: "reservanterna" ->
"reservation"; English -> Swedish), and passages of a speaker the question names are lifted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.embedding import Embedder
from qa.language import expand_query
from qa.passages import Passage
from qa.speakers import mentioned_speakers, speaker_matches
from qa.store import IndexData

DEFAULT_ALPHA = 0.5
SPEAKER_BOOST = 0.2  # added to the fused score of passages by a speaker the question names


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused, 0..1 within this question's candidates
    dense: float  # cosine similarity of question and passage
    lexical: float  # BM25 score

    def to_json(self) -> dict[str, object]:
        p = self.passage
        return {"chunk_id": p.chunk_id, "source": p.source, "title": p.title, "page": p.page,
                "section": p.section, "actor": p.actor, "text": p.text, "score": round(self.score, 4),
                "dense": round(self.dense, 4), "lexical": round(self.lexical, 4), "dnr": p.dnr,
                "page_estimated": p.page_estimated, "start": p.start, "end": p.end}


def _minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x) * (1.0 if hi > 0 else 0.0)


class Retriever:
    def __init__(self, index: IndexData, embedder: Embedder, alpha: float = DEFAULT_ALPHA, candidates: int = 100):
        self.index, self.embedder, self.alpha, self.candidates = index, embedder, alpha, candidates

    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.search_many([query], k)[0]

    def search_many(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        n = len(self.index.passages)
        if n == 0 or not queries:
            return [[] for _ in queries]
        qvecs = self.embedder.encode_queries(list(queries))
        depth = min(max(self.candidates, k), n)
        dense_scores, dense_ids = self.index.dense.search(np.ascontiguousarray(qvecs, dtype=np.float32), depth)
        out = []
        for qi, query in enumerate(queries):
            lex = self.index.lexical.scores(expand_query(query))
            lex_top = np.argpartition(-lex, depth - 1)[:depth] if depth < n else np.arange(n)
            lex_top = lex_top[lex[lex_top] > 0]
            cand = np.unique(np.concatenate([dense_ids[qi][dense_ids[qi] >= 0], lex_top]))
            cos = self.index.vectors[cand] @ qvecs[qi]
            fused = self.alpha * _minmax(cos) + (1 - self.alpha) * _minmax(lex[cand])
            speakers = mentioned_speakers(expand_query(query))
            if speakers:  # "vad tycker reservanterna …": that speaker's passages first
                match = np.array([speaker_matches(speakers, self.index.passages[int(i)].actor) for i in cand])
                fused = (fused + SPEAKER_BOOST * match) / (1 + SPEAKER_BOOST)
            order = np.argsort(-fused, kind="stable")[:k]
            out.append([Hit(self.index.passages[int(cand[j])], float(fused[j]), float(cos[j]), float(lex[cand[j]]))
                        for j in order])
        return out
