"""Swedish lexical search: Snowball stems, compound heads and tails, and BM25 over a sparse matrix (.npz, no pickle).

Swedish glues words together ("bostadsförsörjningen", "kollektivtrafiken"), so a question about "bostäder" would
miss them on stems alone; see ``Analyzer`` for how compounds are met.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"[^\W_]+(?:[-:][^\W_]+)*")
STOPWORDS = frozenset(
    [
        "och", "i", "att", "det", "som", "en", "på", "är", "av", "för", "med", "till", "den", "har", "de", "inte",
        "om", "ett", "han", "hon", "men", "var", "jag", "sig", "från", "vi", "så", "kan", "man", "när", "år",
        "säger", "hade", "sin", "under", "eller", "efter", "upp", "ut", "bara", "vid", "mot", "nu", "då", "vad",
        "ska", "skulle", "också", "även", "alla", "blir", "blev", "detta", "dessa", "denna", "vara", "vilka",
        "vilket", "vilken", "vem", "vilka", "hur", "varför", "där", "här", "sina", "sitt", "kommer", "finns",
        "får", "enligt", "ni", "du", "dem", "deras", "mig", "oss", "vår", "våra", "än", "sedan", "samt", "the",
        "of", "and", "to", "in", "is", "what", "who", "does", "do", "how", "why", "which", "are", "was", "were",
        "a", "an", "for", "on", "by", "with", "this", "that", "about", "tycker", "tycka", "anser", "ansåg",
        "menar", "säga", "sagt", "skrev", "skriver", "skrivit", "står", "stod", "sägs", "think", "thinks", "say",
        "says", "said", "write", "writes", "wrote", "according"
    ]
)
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


class Analyzer:
    """Text -> index terms: Snowball stems, their vowel-folded form, and for compounds their heads and tails.

    A passage word of 9+ letters also yields "^" + every prefix and "$" + every suffix (4+ letters) of its folded
    stem; a question word yields "^stem" and "$stem". So "bostäder" (stem bostäd -> bostad) meets
    "bostadsförsörjningen" through ^bostad, and "trafiken" meets "kollektivtrafiken" through $trafik. BM25's idf
    keeps the common short affixes cheap.
    """

    def __init__(self) -> None:
        import Stemmer  # PyStemmer: Snowball stemmers in C

        self._stem = Stemmer.Stemmer("swedish").stemWord
        self._cache: dict[tuple[str, bool], tuple[str, ...]] = {}

    @staticmethod
    def words(text: str) -> list[str]:
        text = unicodedata.normalize("NFC", text).lower()
        return [w for w in _TOKEN.findall(text) if w not in STOPWORDS]

    def terms(self, text: str, query: bool = False) -> list[str]:
        out: list[str] = []
        for w in self.words(text):
            key = (w, query)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._word_terms(w, query)
                if len(self._cache) < 500_000:
                    self._cache[key] = cached
            out.extend(cached)
        return out

    def _word_terms(self, w: str, query: bool) -> tuple[str, ...]:
        stem = self._stem(w)
        folded = stem.translate(_FOLD)
        terms = [stem, folded]
        if any(c.isdigit() for c in w) or len(folded) < 4:
            return tuple(dict.fromkeys(terms))
        if query:
            terms += ["^" + folded, "$" + folded]
        elif len(w) >= 9:
            terms += ["^" + folded[:i] for i in range(4, len(folded) - 3)]
            terms += ["$" + folded[-i:] for i in range(4, len(folded) - 3)]
            terms += ["^" + folded, "$" + folded]
        return tuple(dict.fromkeys(terms))


@dataclass
class BM25Index:
    """BM25 (k1, b) weights of every (passage, term), as a sparse matrix: scoring a query is one sparse product."""

    matrix: sparse.csc_matrix  # passages x terms, BM25-weighted; by column: a query reads its terms only
    terms: dict[str, int]  # term -> column
    k1: float = 1.2
    b: float = 0.75

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        analyzer = Analyzer()
        terms: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(texts), dtype=np.float32)
        for i, t in enumerate(texts):
            counts = Counter(analyzer.terms(t))
            lengths[i] = sum(counts.values())
            for term, n in counts.items():
                rows.append(i)
                cols.append(terms.setdefault(term, len(terms)))
                vals.append(n)
        tf = sparse.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(len(texts), max(len(terms), 1)))
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=tf.shape[1]).astype(np.float32)
        idf = np.log1p((len(texts) - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if len(texts) else 1.0
        norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        tf = tf.tocoo()
        weights = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        matrix = sparse.csc_matrix((weights.astype(np.float32), (tf.row, tf.col)), shape=tf.shape)
        return cls(matrix, terms, k1, b)

    def analyzer(self) -> Analyzer:
        if not hasattr(self, "_analyzer"):
            self._analyzer = Analyzer()
        return self._analyzer

    def idf(self, term: str) -> float:
        """Inverse document frequency of an index term (0 for a term the index does not know)."""
        col = self.terms.get(term)
        if col is None:
            return 0.0
        n = self.matrix.shape[0]
        df = self.matrix.indptr[col + 1] - self.matrix.indptr[col]
        return float(np.log1p((n - df + 0.5) / (df + 0.5)))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` (repeated query terms count once)."""
        cols = sorted({self.terms[t] for t in self.analyzer().terms(query, query=True) if t in self.terms})
        if not cols:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()

    def save(self, folder: Path) -> None:
        m = self.matrix
        np.savez(folder / "lexical.npz", data=m.data, indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape))
        (folder / "lexical.json").write_text(
            json.dumps({"k1": self.k1, "b": self.b, "terms": list(self.terms)},
                       ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        with np.load(folder / "lexical.npz", allow_pickle=False) as z:
            matrix = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        terms = {t: i for i, t in enumerate(meta["terms"])}
        return cls(matrix, terms, meta["k1"], meta["b"])
