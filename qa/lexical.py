"""Swedish lexical search: Snowball stems, compound heads and tails, and BM25 over a sparse matrix (.npz, no pickle).

Swedish glues words together ("bostadsförsörjningen", "kollektivtrafiken"), so a question about "bostäder" would
miss them on stems alone; see ``Analyzer`` for how compounds are met.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
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
# A passage word this long (mostly a Swedish compound) also yields its heads and tails as affix terms.
COMPOUND_LETTERS = 9
# Snowball's Swedish step 1 removes a final -s after these letters, once: so "gräns", "plats", "kurs" stem to grän,
# plat, kur, and "gränsen", "platser", "kursen" to gräns, plats, kurs
_S_ENDING = re.compile(r"[bcdfghjklmnoprtvy]s$")
# nouns that end in -an undeclined, unlike "frågan" (fråga): "detaljplan" is "detaljplanen" less its -en
_AN_NOUNS = ("plan", "organ")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


class Analyzer:
    """Text -> index terms: the vowel-folded Snowball stem, and for long words their compound heads and tails.

    An -a noun's definite form stems like the noun ("promemorian" -> promemori, as "promemoria"), which Snowball's
    Swedish rules leave whole (not a "-plan": "detaljplan" is "detaljplanen"), and an -ad noun's inflected forms
    stem like the noun ("kostnaden", "kostnader" -> kostn, as "kostnad"; "bostäder" -> bost, as "bostad"). A
    hyphenated word yields its parts' terms besides its own ("KSL-remissen": ksl, remiss), and an abbreviation's
    ending after a colon is dropped ("KSL:s": ksl); words with digits ("2014:134", "2015-2018") stay whole.
    A passage word of 9+ letters also yields "^" + every prefix and "$" + every suffix (4+ letters) of its folded
    stem; a question word yields "^stem" and "$stem". So "bostäder" (stem bostäd -> bost) meets
    "bostadsförsörjningen" through ^bost, and "trafiken" meets "kollektivtrafiken" through $trafik. These affix
    terms weigh AFFIX_WEIGHT of a whole word in BM25 (see there), so they find compounds without drowning
    exact words.
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

    @staticmethod
    def fold(word: str) -> str:
        """A word with å ä ö é ü as a a o e u, as its terms are written ("Givet" -> "givet" as ``words`` gives it)."""
        return word.translate(_FOLD)

    def _word_terms(self, w: str, query: bool) -> tuple[str, ...]:
        digits = any(c.isdigit() for c in w)
        if not digits:
            if ":" in w:  # an abbreviation's ending: "KSL:s" is KSL's
                return self._word_terms(w.split(":", 1)[0], query)
            if "-" in w:  # a hyphenated compound: "KSL-remissen" meets "KSL" and "remissen", and itself
                parts = [t for part in w.split("-") if len(part) > 1 for t in self._word_terms(part, query)]
                return tuple(dict.fromkeys([self._stem(w).translate(_FOLD), *parts]))
        stem = self._stem(w)
        if stem == w and len(w) >= 6 and w.endswith("an") and not w.endswith(_AN_NOUNS):
            stem = self._stem(w[:-1])  # Snowball keeps an -a noun's definite form whole: "frågan" is "fråga"
        if len(stem) >= 4 and _S_ENDING.search(stem):
            stem = stem[:-1]  # Snowball strips the -s of "gräns" but not of "gränsen" (gräns): both are grän
        folded = stem.translate(_FOLD)
        if folded.endswith("ad") and not digits and self._stem(folded) == folded[:-2]:
            folded = folded[:-2]  # Snowball strips the -ad of "kostnad", "bostad" but not of "kostnaden", "bostäder"
        if digits or len(folded) < 4:
            return (folded,)
        terms = [folded]
        if query:
            terms += ["^" + folded, "$" + folded]
        elif len(w) >= COMPOUND_LETTERS:
            terms += ["^" + folded[:i] for i in range(4, len(folded) - 3)]
            terms += ["$" + folded[-i:] for i in range(4, len(folded) - 3)]
            terms += ["^" + folded, "$" + folded]
        return tuple(dict.fromkeys(terms))


_CLUSTER_ET = re.compile(r"(?<=[^\Waeiouyåäöé0-9_]{2})ets?$")


def definite_base(word: str) -> str | None:
    """A neuter noun's indefinite form where Snowball keeps the definite "-et" whole: it strips "-et" after one
    consonant ("beslutet" -> beslut) but not after two ("avsnittet", "ärendet", "landstinget"). For telling whether
    the documents use a word ("avsnitt" answers to "avsnittet"); the index's terms stay Snowball's, since the rule
    in the analyzer cost SweQUAD-MC train and SweFAQ a few questions (README, "Retrieval benchmarks")."""
    base = _CLUSTER_ET.sub("", word)
    return base if base != word and len(base) >= 3 else None


def is_affix(term: str) -> bool:
    return term[:1] in ("^", "$")


# Chosen on SweQUAD-MC train (exploratory sweeps over this class, not kept as a script; README "Retrieval
# benchmarks" lists the levers and numbers): Lucene's k1 1.2 / b 0.75 with stems, folded
# stems and full-weight affixes gave R@1 0.626; folded stems alone with k1 0.9 / b 0.4, 0.701; affixes at 0.1 keep
# compounds findable for 0.4 points of fused R@1 (0.717 vs 0.721).
K1, B, AFFIX_WEIGHT = 0.9, 0.4, 0.1
ANALYZER_VERSION = 6  # what Analyzer emits; stored counts from another version must be re-analysed


def _idf(n: int, df: np.ndarray | int) -> np.ndarray | float:
    """BM25's inverse document frequency of terms in ``df`` of ``n`` passages (never negative)."""
    return np.log1p((n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class Rows:
    """Rows of an existing index, taken over by ``BM25Index.assemble`` without analysing their text again."""

    index: BM25Index
    rows: Sequence[int]


class BM25Index:
    """Term counts of every (passage, term) and the BM25 weights computed from them.

    What is stored are the counts, so an update re-analyses only new passages (``assemble``) and the BM25
    constants can change without re-indexing. Scoring a query is one sparse product over its columns. Whole words
    and compound affixes are normalised by their own lengths, and affixes weigh ``AFFIX_WEIGHT``.
    """

    def __init__(self, counts: sparse.csr_matrix, terms: dict[str, int]) -> None:
        self.counts = counts  # passages x terms, term frequencies, float32
        self.terms = terms  # term -> column

    @cached_property
    def matrix(self) -> sparse.csc_matrix:
        """The BM25 weights (csc: a query reads its columns only), computed when first searched: an update that only
        copies a loaded index's counts never needs them (about a second per 40,000 passages)."""
        return self._weigh(self.counts, self.terms)

    @staticmethod
    def _weigh(counts: sparse.csr_matrix, terms: dict[str, int]) -> sparse.csc_matrix:
        n, width = counts.shape
        affix = np.zeros(width, dtype=bool)
        for term, col in terms.items():
            affix[col] = is_affix(term)
        coo = counts.tocoo()
        is_aff = affix[coo.col]
        lengths = np.stack([np.bincount(coo.row[~is_aff], weights=coo.data[~is_aff], minlength=n),  # whole words
                            np.bincount(coo.row[is_aff], weights=coo.data[is_aff], minlength=n)])  # affixes
        avg = np.maximum(lengths.mean(axis=1, keepdims=True), 1e-9) if n else np.ones((2, 1))
        norm = K1 * (1 - B + B * lengths / avg)
        df = np.bincount(coo.col, minlength=width).astype(np.float64)
        idf = _idf(n, df)
        tf = coo.data.astype(np.float64)
        weights = tf * (K1 + 1) / (tf + norm[is_aff.astype(np.int64), coo.row]) * idf[coo.col]
        weights[is_aff] *= AFFIX_WEIGHT
        return sparse.csc_matrix((weights.astype(np.float32), (coo.row, coo.col)), shape=counts.shape)

    @classmethod
    def build(cls, texts: Sequence[str]) -> BM25Index:
        return cls.assemble([texts])

    @classmethod
    def assemble(cls, parts: Sequence[Sequence[str] | Rows]) -> BM25Index:
        """An index whose rows are, in order, each part's: texts are analysed, ``Rows`` are copied over. Terms no
        row uses any more are dropped."""
        bases = {id(p.index): p.index for p in parts if isinstance(p, Rows)}
        if len(bases) > 1:
            raise ValueError("Rows from more than one index")
        base = next(iter(bases.values()), None)
        terms: dict[str, int] = dict(base.terms) if base else {}
        analyzer = base.analyzer() if base else Analyzer()
        # (rows of base, None) or (None, term counts of new texts); neighbouring Rows become one slice
        plan: list[tuple[list[int] | None, tuple[list[int], list[int], list[float], int] | None]] = []
        for part in parts:
            if isinstance(part, Rows):
                if plan and plan[-1][0] is not None:
                    plan[-1][0].extend(part.rows)
                else:
                    plan.append((list(part.rows), None))
                continue
            rows, cols, vals = [], [], []
            for i, text in enumerate(part):
                for term, count in Counter(analyzer.terms(text)).items():
                    rows.append(i)
                    cols.append(terms.setdefault(term, len(terms)))
                    vals.append(count)
            plan.append((None, (rows, cols, vals, len(part))))
        width = max(len(terms), 1)
        blocks = []
        for kept, new in plan:
            if kept is not None:
                assert base is not None
                block = base.counts[np.asarray(kept, dtype=np.int64)].tocsr()
                block.resize((block.shape[0], width))
            else:
                assert new is not None
                rows, cols, vals, n = new
                block = sparse.csr_matrix((np.asarray(vals, np.float32), (rows, cols)), shape=(n, width))
            blocks.append(block)
        counts = sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((0, width), dtype=np.float32)
        counts = counts.astype(np.float32)
        used = np.bincount(counts.indices, minlength=width) > 0
        if terms and not used[: len(terms)].all():
            new_col = np.cumsum(used) - 1
            counts = sparse.csr_matrix((counts.data, new_col[counts.indices], counts.indptr),
                                       shape=(counts.shape[0], int(used.sum()) or 1))
            terms = {t: int(new_col[c]) for t, c in terms.items() if used[c]}
        index = cls(counts, terms)
        index._analyzer = analyzer
        return index

    def analyzer(self) -> Analyzer:
        if not hasattr(self, "_analyzer"):
            self._analyzer = Analyzer()
        return self._analyzer

    def rows_with(self, term: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The passages containing an index term: among all, or among ``rows`` (sorted passage numbers)."""
        col = self.terms.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int64)
        held = self.matrix.indices[self.matrix.indptr[col]:self.matrix.indptr[col + 1]]
        return held if rows is None else held[np.isin(held, rows, assume_unique=True)]

    def df(self, term: str, rows: np.ndarray | None = None) -> int:
        """Passages containing an index term: among all, or among ``rows`` (sorted passage numbers)."""
        return len(self.rows_with(term, rows))

    @cached_property
    def _whole_terms(self) -> list[str]:
        return [t for t in self.terms if not is_affix(t)]

    def longer_compound(self, term: str, rows: np.ndarray | None = None) -> str | None:
        """A longer word the passages (or ``rows``) use that begins as ``term`` begins and ends as it ends, each
        part of 4+ letters: the paper's "vattenförsörjningsplan" for a question's "vattenplan", which users shorten
        it to. None when there is none."""
        splits = [(term[:i], term[i:]) for i in range(4, len(term) - 3)]
        if not splits:
            return None
        return next((t for t in self._whole_terms  # one pass over the vocabulary, its first letters first
                     if len(t) > len(term) and t.startswith(term[:4])
                     and any(t.startswith(head) and t.endswith(tail) for head, tail in splits) and self.df(t, rows)),
                    None)

    def inside_compound(self, term: str, rows: np.ndarray | None = None) -> str | None:
        """A longer word the passages (or ``rows``) use with ``term`` (4+ letters) inside it: "socialfondsprogram"
        for "fond". None when there is none."""
        if len(term) < 4:
            return None
        return next((t for t in self._whole_terms if term in t and t != term and self.df(t, rows)), None)

    def idf(self, term: str, rows: np.ndarray | None = None) -> float:
        """Inverse document frequency of an index term among all passages or ``rows`` (0 for a term none of them
        contains)."""
        df = self.df(term, rows)
        return float(_idf(self.matrix.shape[0] if rows is None else len(rows), df)) if df else 0.0

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for ``query`` (repeated query terms count once)."""
        cols = sorted({self.terms[t] for t in self.analyzer().terms(query, query=True) if t in self.terms})
        if not cols:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()

    def save(self, folder: Path) -> None:
        m = self.counts
        np.savez(folder / "lexical.npz", data=m.data, indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape))
        (folder / "lexical.json").write_text(
            json.dumps({"analyzer": ANALYZER_VERSION, "terms": list(self.terms)}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path, any_analyzer: bool = False) -> BM25Index:
        """``any_analyzer``: also counts made by another analyzer version (to be re-analysed, never searched)."""
        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        if meta.get("analyzer") != ANALYZER_VERSION and not any_analyzer:
            raise ValueError(f"lexical index of analyzer version {meta.get('analyzer')}, not {ANALYZER_VERSION}")
        with np.load(folder / "lexical.npz", allow_pickle=False) as z:
            counts = sparse.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        terms = {t: i for i, t in enumerate(meta["terms"])}
        return cls(counts, terms)
