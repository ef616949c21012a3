"""When do the documents not answer? Rules for names, and thresholds on measured evidence calibrated on data.

Rules first: a Swedish question naming something no passage contains ("… tunnelbanelinje till Nacka?") is not
answered by these documents (``missing_names``). Then the evidence of the retrieved passages: the cosine of the best
passage (``top_dense``) and the share of the question's words, weighted by rarity, that one of the top five passages
contains (``passage_coverage``); thin evidence abstains when a Swedish question also rests on a long word the
documents never use (``absent_words``). A question whose rare names do occur in the documents ("Vilket parti
tillhör Lotta Edholm?") is about them, whatever its other words. The thresholds come from
``benchmarks/calibrate_abstention.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.language import glossary_words, has_synonym
from qa.lexical import COMPOUND_LETTERS, definite_base, is_affix
from qa.speakers import is_party_name, without_party_names

# Calibrated by benchmarks/calibrate_abstention.py (README, "Abstention"): the pair with the most right decisions
# (unanswerable questions abstained on, less answerable ones refused) while abstaining on at most 2% of answerable
# SweQUAD-MC train questions and 5% of the answerable development questions about the case (asked of the case alone).
MIN_TOP_DENSE = 0.86
MIN_PASSAGE_COVERAGE = 0.70
RARE_SHARE = 0.05  # a name in at most this share of passages (or a handful, in a small corpus) is specific
RARE_COUNT = 3

# a capitalised word, not the question's first; hyphenated only with capitalised parts ("EU-kopplad" is no name)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÅÄÖ][\wåäöé]{2,}(?:-[A-ZÅÄÖ][\wåäöé]*)*)(?![\wåäöé-])")


@dataclass(frozen=True)
class Evidence:
    top_dense: float
    sentence_dense: float
    coverage: float
    passage_coverage: float
    rare_names: int = 0
    absent_words: int = 0


def should_abstain(e: Evidence, words_checked: bool = True, min_coverage: float | None = None,
                   min_top_dense: float | None = None) -> bool:
    """Thin evidence that also rests on a long word the documents never use ("medlemsavgift"), unless the question
    names something rare they contain — and does not rest on such a word: among 25,000 pages "Nacka" occurs
    somewhere, "tunnelbanelinje" nowhere.

    Thin evidence alone is not enough where the words were checked (Swedish questions): in a case's documents
    every passage is near every question about the case, so the cosine and coverage of answerable questions in
    users' own words overlap those of unanswerable ones (README, "Abstention"). An English question's words are
    checked through the Swedish words of its genre terms (``absent_terms``); one without such terms has nothing
    to check, and abstains on thin evidence alone. The thresholds default to the calibrated ones
    (``benchmarks/calibrate_abstention.py`` scans others)."""
    about_known = e.rare_names > 0 and e.absent_words == 0
    coverage = MIN_PASSAGE_COVERAGE if min_coverage is None else min_coverage
    top_dense = MIN_TOP_DENSE if min_top_dense is None else min_top_dense
    thin = e.passage_coverage < coverage and e.top_dense < top_dense
    return not about_known and thin and (e.absent_words > 0 or not words_checked)


def _names(question: str, lexical: Any, rows: np.ndarray | None = None) -> list[tuple[str, int | None]]:
    """(name, fewest passages containing one of its terms, None when none does) for the capitalised words that
    are not the first word of the question; counted among ``rows`` when given."""
    analyzer = lexical.analyzer()
    out = []
    for m in _NAME.finditer(question.strip()):
        if is_party_name(m.group(1)):
            continue  # a party is checked as a speaker, under any of its names ("Liberalerna" wrote as "FP")
        terms = [t for t in analyzer.terms(m.group(1)) if not is_affix(t)]
        if not terms:
            continue
        dfs = [df for t in terms if (df := lexical.df(t, rows))]
        out.append((m.group(1), min(dfs) if dfs else None))
    return out


def missing_names(question: str, lexical: Any, rows: np.ndarray | None = None) -> list[str]:
    """Proper names in a question that no passage contains ("Nacka"), or none of ``rows`` (one document's)."""
    return [name for name, df in _names(question, lexical, rows) if df is None]


def name_phrases(question: str, names: list[str]) -> list[str]:
    """The names as the question writes them, for telling the user: a word with the capitalised words after it
    ("Sveriges" -> "Sveriges Kommuner"; not over "och": "Nacka och Solna" may be two), each once."""
    out: list[str] = []
    for name in names:
        m = re.search(rf"(?<![\w-]){re.escape(name)}(?:\s+[A-ZÅÄÖ][\wåäöé-]*)*", question)
        phrase = m.group() if m else name
        if not any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", p) for p in out):
            out.append(phrase)
    return out


def known_names(question: str, lexical: Any) -> list[str]:
    """Proper names in a question that some passage contains: "Lotta Edholm", "KSL"."""
    return [name for name, df in _names(question, lexical) if df is not None]


def rare_known_names(question: str, lexical: Any) -> list[str]:
    """Names in a question that few passages contain: "Edholm" (specific), not "KSL" (everywhere)."""
    limit = max(RARE_SHARE * lexical.matrix.shape[0], RARE_COUNT)
    return [name for name, df in _names(question, lexical) if df is not None and df <= limit]


def words_checked(question: str, lang: str) -> bool:
    """Whether a question's own words can be checked against the documents: a Swedish one's (``lang`` "sv"), or
    an English one's genre terms through their Swedish words. One with none abstains on thin evidence alone."""
    return lang == "sv" or bool(glossary_words(question))


def absent_terms(question: str, lexical: Any, rows: np.ndarray | None = None) -> list[str]:
    """The genre terms of an English question none of whose Swedish words the documents use ("climate": klimat),
    not even inside a compound ("fund": the "socialfondsprogram"), or none of ``rows``. Its other words are
    English, which Swedish documents cannot be expected to hold."""
    analyzer = lexical.analyzer()
    return [english for english, swedish in glossary_words(without_party_names(question))
            if not any(lexical.df(t, rows) or not is_affix(t) and lexical.inside_compound(t, rows)
                       for t in analyzer.terms(swedish, query=True))]


def word_terms(word: str, analyzer: Any) -> list[str]:
    """The index terms any of which shows that the documents use ``word``: its own (a compound's head and tail
    among them); its indefinite form's where Snowball keeps a neuter "-et" ("avsnittet": avsnitt); a weak verb's
    present for its past ("fastställdes": fastställ); a verb's noun in
    -ing / -ning and such a noun's verb ("förhandla": förhandlingar, "styrning": styra), which Snowball keeps apart."""
    forms = [word, base] if (base := definite_base(word)) else [word]
    terms = [t for form in forms for t in analyzer.terms(form, query=True)]
    # a stem Snowball would shorten again inside a compound: "resultatet" is resultat, "Omröstningsresultat" ends
    # in result
    terms += analyzer.terms(terms[0], query=True) if terms else []
    derived: list[str] = []
    for t in [t for t in terms if not is_affix(t)]:
        if t.endswith("d") and len(t) >= 6:  # a verb's past in -de, -des: "fastställdes" is "fastställs"
            derived.append(t[:-1])
        if t.endswith("ing"):
            derived += [t[:-3], t[:-4]] if t.endswith("ning") else [t[:-3]]
        else:
            derived += [t + "ing", t + "ning"]
    return list(dict.fromkeys(terms + [t for t in derived if len(t) >= 3]))


def absent_words(question: str, lexical: Any, rows: np.ndarray | None = None) -> list[str]:
    """Long words of a Swedish question that no passage contains, not even inside a compound
    ("tunnelbanelinje"), nor as the longer compound the question shortens ("vattenplanen" of a paper on a
    "vattenförsörjningsplan"); with ``rows``, none of those passages (one document's)."""
    analyzer = lexical.analyzer()
    out = []
    for w in analyzer.words(question):
        if len(w) < COMPOUND_LETTERS or any(c.isdigit() for c in w) or has_synonym(w) or is_party_name(w):
            # a genre word the documents write otherwise ("diarienummer": "Dnr") is not absent, nor a party, which
            # the speaker rules check under all its names ("Vänsterpartiet" of a label "Motion av … (V)")
            continue
        terms = word_terms(w, analyzer)
        if not any(lexical.df(t, rows) for t in terms) and not (terms and lexical.longer_compound(terms[0], rows)):
            out.append(w)
    return out


SILENT_WORD_LETTERS = 6  # a subject word this long or longer can show that a voice never speaks of it


def words_not_voiced(topic: str, lang: str, lexical: Any, rows: np.ndarray, own: np.ndarray,
                     voice_terms: set[str]) -> list[str]:
    """Words of ``topic`` (what a named voice is asked about) that the document uses (``rows``) but never in the
    voice's own passages (``own``, their section headings included): "gymnasieregionen" asked of the reservation,
    when only the föredragande writes of it; "förskolan" asked of a party that moved only on another § of a
    protocol. The voice's own name (``voice_terms``) is no subject. An English topic is checked
    through its genre terms' Swedish words ("structural funds": strukturfonder). Empty when the voice uses every
    such word, or the topic has none."""
    analyzer = lexical.analyzer()
    if lang == "sv":
        groups = [(w, [w]) for w in analyzer.words(topic)]
    else:  # an English term is voiced when any of its Swedish words is
        groups = [(english, swedish.split()) for english, swedish in glossary_words(topic)]
    out: list[str] = []
    for shown, words in groups:
        terms = [word_terms(w, analyzer) for w in words if len(w) >= SILENT_WORD_LETTERS]
        if not terms or shown in out or any({t for t in ts if not is_affix(t)} & voice_terms for ts in terms):
            continue
        used = any(lexical.df(t, rows) for ts in terms for t in ts)
        if used and not any(lexical.df(t, own) for ts in terms for t in ts):
            out.append(shown)
    return out
