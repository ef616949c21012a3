"""Hybrid retrieval: dense (FAISS over E5 vectors) and lexical (Swedish BM25), fused.

Each side proposes its top ``candidates``; on their union both scores are min-max normalised per question and
mixed, ``alpha`` for dense (0.5: the best R@1 on SweQUAD-MC train, see benchmarks/retrieval.py). Questions get
the documents' words for genre terms added on the lexical side (``qa.language.expand_query``: "reservanterna" ->
"reservation"; English -> Swedish), and passages of a speaker the question names are lifted.

``SearchBackend`` is the seam between retrieval and wherever the passages live: the local index folder
(``qa.store.IndexData``: FAISS + BM25 in memory) implements it, and so could a search server (see the README,
"Beyond one machine"). Retrieval asks it for its size, a passage, dense neighbours, dense scores of given
passages, lexical matches and the passages of a document — each by passage number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from qa.embedding import Embedder
from qa.language import expand_query
from qa.passages import Passage
from qa.speakers import BEST_PAPERS, mentioned_speakers, speaker_matches, voices

DEFAULT_ALPHA = 0.5
SPEAKER_BOOST = 0.2  # added to the fused score of passages by a speaker the question names


class SearchBackend(Protocol):
    """What retrieval needs from an index. Passages are numbered 0..size-1; scores are floats, higher is better."""

    @property
    def size(self) -> int: ...

    def passage(self, i: int) -> Passage: ...

    def dense_search(self, qvecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each query vector: (cosines, passage numbers) of its k nearest passages, -1 where there are fewer."""
        ...

    def dense_scores(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Cosine of one query vector with the given passages."""
        ...

    def lexical_search(self, query: str, k: int, also: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(passage numbers, BM25 scores) of the k best lexical matches (score > 0) and of the passages ``also``."""
        ...

    def rows_of(self, source: str) -> np.ndarray:
        """The passage numbers of one document (its corpus-relative path), sorted; empty when it is not indexed."""
        ...


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
    def __init__(self, index: SearchBackend, embedder: Embedder, alpha: float = DEFAULT_ALPHA,
                 candidates: int = 100, sources: Sequence[str] | None = None):
        self.index, self.embedder, self.alpha, self.candidates = index, embedder, alpha, candidates
        self.sources = tuple(sources) if sources is not None else None  # only these documents, when given

    def only(self, sources: Sequence[str]) -> Retriever:
        """The same retrieval over some documents of the index only (corpus-relative paths, as in ``source``)."""
        return Retriever(self.index, self.embedder, self.alpha, self.candidates, sources)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.search_many([query], k)[0]

    def search_many(self, queries: Sequence[str], k: int = 5) -> list[list[Hit]]:
        n = self.index.size
        allowed = None if self.sources is None else \
            np.unique(np.concatenate([self.index.rows_of(s) for s in self.sources] or [np.zeros(0, np.int64)]))
        if n == 0 or not queries or (allowed is not None and allowed.size == 0):
            return [[] for _ in queries]
        qvecs = np.ascontiguousarray(self.embedder.encode_queries(list(queries)), dtype=np.float32)
        depth = min(max(self.candidates, k), n)
        if allowed is None:
            _, dense_ids = self.index.dense_search(qvecs, depth)
        out = []
        for qi, query in enumerate(queries):
            expanded = expand_query(query)
            if allowed is None:
                cand, lex = self.index.lexical_search(expanded, depth, also=dense_ids[qi][dense_ids[qi] >= 0])
            else:  # one or a few documents: every passage of theirs is a candidate, scored exactly
                cand, lex = self.index.lexical_search(expanded, depth, also=allowed)
                keep = np.isin(cand, allowed)
                cand, lex = cand[keep], lex[keep]
            cos = self.index.dense_scores(qvecs[qi], cand)
            fused = self.alpha * _minmax(cos) + (1 - self.alpha) * _minmax(lex)
            found = [self.index.passage(int(i)) for i in cand]
            best_papers = {found[j].source for j in np.argsort(-fused, kind="stable")[:BEST_PAPERS]}
            speakers = mentioned_speakers(expanded, voices(found), voices(p for p in found if p.source in best_papers))
            if speakers:  # "vad tycker reservanterna …": that speaker's passages first
                match = np.array([speaker_matches(speakers, self.index.passage(int(i)).actor) for i in cand])
                fused = (fused + SPEAKER_BOOST * match) / (1 + SPEAKER_BOOST)
            order = np.argsort(-fused, kind="stable")[:k]
            out.append([Hit(self.index.passage(int(cand[j])), float(fused[j]), float(cos[j]), float(lex[j]))
                        for j in order])
        return out
