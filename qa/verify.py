"""Check every generated sentence against the passage it cites; keep what is supported, with a verbatim quote.

A generated answer is split into sentences. A sentence ending in ``[n]`` (or ``[n, m]``) is checked against the
cited passages: its best-matching passage sentence (lexical overlap of Snowball stems, plus embedding cosine when
an embedder is given) must cover enough of its content words, every number in it must occur there, every name
(a capitalised word inside the sentence, or an acronym) must occur in the passage or its speaker label, and
negation (inte, ej, aldrig, …) must agree. A sentence that passes keeps one citation whose ``quote`` is that best
sentence, word for word. A sentence without a marker is unsupported, unless it is the plain statement that the
documents do not say.

Trade-off: lexical checks reject faithful paraphrases that use other words ("stöder" for "tillstyrker"); in this
product a removed true sentence costs less than a kept false one. ``benchmarks/verify_checker.py`` measures both.

Example: passage [1] "KSL ska vara en mötesplats för diskussion." —
"Stadsledningskontoret anser att KSL ska vara en mötesplats [1]." is kept (quote: the passage sentence);
"KSL ska inte vara en mötesplats [1]." is removed (negation differs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qa.lexical import Analyzer
from qa.sentences import sentence_spans

MIN_SENTENCE_COVER = 0.6  # share of the claim's content words found in the best passage sentence (or its label)
MIN_PASSAGE_COVER = 0.75  # … and in the whole cited passage
EMBED_WEIGHT = 0.3  # cosine's weight when picking the best sentence

NEGATIONS = frozenset(["inte", "ej", "icke", "aldrig", "inga", "ingen", "inget", "not", "no", "never", "none",
                       "nothing", "neither", "nor", "cannot", "can't", "don't", "doesn't", "isn't", "won't"])
_MARKS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_TRAILING_MARKS = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")
_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?")
_NAME = re.compile(r"\b(?:[A-ZÅÄÖÉ][\wåäöé]*[A-ZÅÄÖ][\wåäöé]*|[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖ]?[a-zåäöé]+)?)\b")
_NO_ANSWER = re.compile(
    r"\b(?:dokumenten|handlingarna|underlaget|texterna|avsnitten|källorna)\b.{0,60}\b(?:säger|besvarar|nämner|"
    r"anger|innehåller|tar|svarar|beskriver|uppger)\s+(?:inte|ingenting|inget)|\bframgår\s+inte\b|"
    r"\b(?:the\s+)?(?:documents|passages|sources)\b.{0,60}\b(?:do|does)\s*(?:not|n't)\s+(?:say|answer|mention|"
    r"state|contain|address|specify)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Source:
    """What a sentence may be checked against: a passage's text and the labels it is shown with."""

    text: str
    label: str = ""  # speaker and section: "Stadsledningskontoret · Mina synpunkter"


@dataclass(frozen=True)
class Checked:
    sentence: str  # the generated sentence, markers included
    claim: str  # without markers
    refs: tuple[int, ...]  # cited numbers (1-based)
    supported: bool
    reason: str  # why not, or "ok" / "no answer"
    n: int | None = None  # the cited number that supports it
    start: int = 0  # best sentence of that passage: text[start:end]
    end: int = 0
    cover: float = 0.0


def split_generated(text: str) -> list[str]:
    """Sentences of a generated answer, each keeping the markers that follow its full stop.

    Example: "A gäller. [1] B gäller [2]." -> ["A gäller [1].", "B gäller [2]."]
    """
    text = re.sub(r"\s+", " ", text).strip()
    text = _TRAILING_MARKS.sub(lambda m: m.group(2) + m.group(1), text)
    return [text[a:b] for a, b in sentence_spans(text)]


def refs_of(sentence: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(x) for m in _MARKS.finditer(sentence) for x in re.split(r"[,;]", m.group(1))))


def strip_marks(sentence: str) -> str:
    return re.sub(r"\s+([.!?,;:])", r"\1", _MARKS.sub("", sentence)).strip()


def says_no_answer(sentence: str) -> bool:
    return bool(_NO_ANSWER.search(sentence))


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[ \u00a0]", "", m.group()).replace(",", ".") for m in _NUMBER.finditer(text)}


def _negated(text: str) -> bool:
    return any(w in NEGATIONS for w in re.findall(r"[\w']+", text.lower()))


_OPENERS = frozenset(["enligt", "dessutom", "vidare", "därför", "både", "bland", "slutligen", "sammanfattningsvis",
                      "i", "på", "med", "även", "men", "however", "also", "both", "in", "finally", "moreover",
                      "furthermore", "there", "it", "they", "he", "she", "according", "de", "den", "det", "detta",
                      "dessa", "han", "hon", "vi", "man", "inga", "ingen", "inget", "no", "not"])


def _names(claim: str) -> list[str]:
    """Capitalised words and acronyms: "KSL", "Lotta", "Edholm", and the opening word unless it is a common
    sentence opener ("Stadsledningskontoret anser …" names a speaker; "Enligt …" does not)."""
    out = []
    for m in _NAME.finditer(claim):
        w = m.group()
        first = not claim[:m.start()].strip(" ”\"'(")
        if not first or w.lower() not in _OPENERS:
            out.append(w)
    return out


class Checker:
    """Holds the analyzer (and optionally an embedder's ``encode_passages``) used to check sentences."""

    def __init__(self, analyzer: Analyzer | None = None,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> None:
        self.analyzer = analyzer or Analyzer()
        self.embed = embed

    def _word_terms(self, text: str, query: bool) -> list[set[str]]:
        return [set(self.analyzer.terms(w, query=query)) for w in self.analyzer.words(text)]

    def _terms(self, text: str) -> set[str]:
        return set(self.analyzer.terms(text))

    def _cover(self, claim_words: list[set[str]], have: set[str]) -> float:
        if not claim_words:
            return 1.0
        return sum(1 for w in claim_words if w & have) / len(claim_words)

    def _mentions(self, name: str, src: Source) -> bool:
        """The name's stem occurs in the passage or its label: "Moderaterna" in "Reservation av Moderaterna (M)"."""
        hay = f"{src.label} {src.text}".lower()
        return all(self.analyzer.terms(w)[0] in hay for w in self.analyzer.words(name) if self.analyzer.terms(w))

    def check(self, sentence: str, sources: Sequence[Source]) -> Checked:
        """Check one sentence against ``sources`` (index n-1 holds passage [n])."""
        refs = refs_of(sentence)
        claim = strip_marks(sentence)
        if not refs:
            if says_no_answer(claim):
                return Checked(sentence, claim, refs, True, "no answer")
            return Checked(sentence, claim, refs, False, "no citation")
        claim_words = self._word_terms(claim, query=True)
        numbers, negated = _numbers(claim), _negated(claim)
        names = _names(claim)
        best: Checked | None = None
        reasons = []
        for n in refs:
            if not 1 <= n <= len(sources):
                reasons.append(f"[{n}] cites no passage")
                continue
            src = sources[n - 1]
            spans = [(a, b) for a, b in sentence_spans(src.text)] or [(0, len(src.text))]
            label_terms = self._terms(src.label)
            sent_terms = [self._terms(src.text[a:b]) | label_terms for a, b in spans]
            covers = np.array([self._cover(claim_words, t) for t in sent_terms])
            pick = covers.copy()
            if self.embed is not None and len(spans) > 1:
                vecs = self.embed([claim] + [src.text[a:b] for a, b in spans])
                pick = pick + EMBED_WEIGHT * (vecs[1:] @ vecs[0])
            i = int(np.argmax(pick))
            a, b = spans[i]
            near = src.text[spans[max(i - 1, 0)][0]:spans[min(i + 1, len(spans) - 1)][1]]
            passage_terms = self._terms(src.text) | label_terms
            reason = "ok"
            if covers[i] < MIN_SENTENCE_COVER or self._cover(claim_words, passage_terms) < MIN_PASSAGE_COVER:
                reason = f"[{n}] does not say it (overlap {covers[i]:.2f})"
            elif not numbers <= _numbers(f"{src.label} {near}"):
                reason = f"[{n}] has other numbers"
            elif (missing := next((w for w in names if not self._mentions(w, src)), None)) is not None:
                reason = f"[{n}] does not mention {missing}"
            elif negated != _negated(src.text[a:b]):
                reason = f"[{n}] says the opposite (negation)"
            c = Checked(sentence, claim, refs, reason == "ok", reason, n, a, b, float(covers[i]))
            if best is None or (c.supported, c.cover) > (best.supported, best.cover):
                best = c
            reasons.append(reason)
        if best is None:
            return Checked(sentence, claim, refs, False, "; ".join(reasons))
        return best

    def check_answer(self, text: str, sources: Sequence[Source]) -> list[Checked]:
        return [self.check(s, sources) for s in split_generated(text)]
