"""Extractive answers: verbatim quotes of the sentences that answer the question, each attributed and cited.

No language model: the answer is built from sentences of the retrieved passages, scored against the question
(embedding similarity of the sentence, the question's words it contains weighted by rarity, and its passage's
retrieval score), grouped by speaker and framed by templates in the question's language. Nothing is asserted
that a quote does not carry: the framing only says who wrote the quoted words.

Abstention: when the question names a speaker (a party, an office) who never speaks in the documents, or when
the best evidence covers too little of the question (see ``qa.abstention``), the answer says plainly that the
documents do not answer, and lists the closest passages as related.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from typing import Any

import numpy as np

from qa.abstention import (
    Evidence,
    absent_terms,
    absent_words,
    known_names,
    missing_names,
    name_phrases,
    rare_known_names,
    should_abstain,
    words_checked,
    words_not_voiced,
)
from qa.conversation import prepare_turn
from qa.embedding import sentence_encoder
from qa.language import GLOSSARY, expand_query, glossary_words, in_swedish_terms, is_swedish_name
from qa.lexical import is_affix
from qa.passages import Passage
from qa.questions import (
    SUM_WORDS,
    announced_points,
    answer_type,
    asks_adoption,
    asks_decision,
    asks_decision_taken,
    asks_sum,
    asks_vote,
    asks_who_or_when,
    asks_why,
    context_sentence,
    gives_no_reason,
    is_comparison,
    is_point,
    lacks_party,
    lacks_person,
    lacks_quantity,
    lacks_time,
    lead_fact,
    refers_back,
    set_aside,
    topic_asked,
    wants_example,
    wants_reason,
    wants_view,
    without_reference,
)
from qa.readers import FIGURE_CELL
from qa.retrieval import Hit
from qa.sentences import sentence_spans
from qa.speakers import BEST_PAPERS, mentioned_speakers, silent_body, speaker_matches, unknown_speaker, voices
from qa.structure import DISSENT_LABEL, is_voice_marker, topic_of

MAX_QUOTES = 3
# a candidate sentence's score: its cosine to the question (min-max among the candidates), the share of the
# question's words it holds (weighted by rarity), its passage's retrieval score, whether its speaker is the one
# asked about, and whether it holds the kind of fact asked for (qa.questions.answer_type)
SENTENCE_WEIGHTS = {"dense": 0.2, "coverage": 0.35, "passage": 0.2, "speaker": 0.25, "answer_type": 0.3}
NEXT_QUOTE_SHARE = 0.85  # a further quote scores at least this share of the best one
MAX_QUOTE_CHARS = 420
CANDIDATE_PASSAGES = 6
SPEAKER_POOL = 30  # passages searched for the speakers a question names


@dataclass(frozen=True)
class Citation:
    n: int
    hit: Hit
    quote: str
    start: int  # offset of the quote in the passage text
    end: int

    def to_json(self) -> dict[str, Any]:
        p = self.hit.passage
        oa, ob = p.original_span(self.start, self.end)
        return {"n": self.n, "chunk_id": p.chunk_id, "source": p.source, "title": p.title, "page": p.page,
                "section": p.section, "actor": p.actor, "quote": self.quote, "page_estimated": p.page_estimated,
                "quote_start": self.start, "quote_end": self.end, "original_start": oa, "original_end": ob}


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    passages: list[Hit]
    related: list[Hit] = field(default_factory=list)
    language: str = "sv"
    rewritten: str | None = None
    unsupported: list[str] | None = None  # generative mode only
    fallback: str | None = None  # generative mode: why the extractive answer was given instead
    evidence: Evidence | None = None  # what the abstention decision saw

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "answer": self.text, "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "passages": [h.to_json() for h in self.passages],
            "language": self.language,
        }
        if self.rewritten and self.rewritten != self.question:
            d["rewritten_question"] = self.rewritten
        if self.abstained:
            d["related"] = [h.to_json() for h in self.related]
        if self.unsupported is not None:
            d["unsupported"] = self.unsupported
        if self.fallback is not None:
            d["fallback"] = self.fallback
        if self.evidence is not None:
            d["evidence"] = {k: round(v, 4) for k, v in asdict(self.evidence).items()}
        return d


@dataclass
class _Candidate:
    hit: Hit
    start: int
    end: int
    score: float = 0.0
    anchor: _Candidate | None = None  # the quote this neighbouring sentence completes: shown beside it

    @property
    def text(self) -> str:
        return self.hit.passage.text[self.start:self.end]


def _sentence_before(c: _Candidate) -> str:
    """The sentence before a candidate's in its passage ("" for the first)."""
    before = [(a, b) for a, b in sentence_spans(c.hit.passage.text) if b <= c.start]
    return c.hit.passage.text[before[-1][0]:before[-1][1]] if before else ""


def _idf_weights(qa: Any, terms: list[str], lang: str, rows: np.ndarray | None = None,
                 lacking: frozenset[str] = frozenset()) -> dict[str, float]:
    """Rarity of each question term among ``rows``: the passages of the documents the answer is sought in, where
    a case's own name ("KSL") is common, however rare it is among all documents. A Swedish term none of them
    contains weighs like the rarest known term of the question (the documents lack a word the question rests on);
    in an English question such a term is English and weighs nothing, unless it is the Swedish word of a genre
    term the documents lack in every wording (``lacking``: "klimat" for "climate")."""
    lex = qa.index.lexical
    known = {t: lex.idf(t, rows) for t in dict.fromkeys(terms)}
    n = lex.matrix.shape[0] if rows is None else len(rows)
    top = max(known.values(), default=0.0) or float(np.log1p((n + 0.5) / 0.5))
    return {t: (w or (top if lang == "sv" or t in lacking else 0.0)) for t, w in known.items()}


def _as_written(qa: Any, question: str, weights: dict[str, float], rows: np.ndarray | None) -> dict[str, float]:
    """An English question's own word whose term the Swedish stemmer made by bending it ("give" stems to giv, as
    "Givet" does; "roles" to rol) weighs nothing unless the word stands as written in a passage of ``rows``: a
    Swedish word in the question ("konventet") keeps its term, a false friend loses it. Words the stemmer leaves
    whole ("KSL", "regional", "Wanngård") and the glossary's Swedish words keep theirs."""
    lexical = qa.index.lexical
    analyzer = lexical.analyzer()
    swedish = set(analyzer.terms(" ".join(sv for _, sv in glossary_words(question))))
    out = dict(weights)
    for word in analyzer.words(question):
        folded = analyzer.fold(word)
        bent = [t for t in analyzer.terms(word) if t in weights and t not in swedish and t != folded] \
            if word.isalpha() else []  # "KSL:s", "2015-2018" are no English words
        # only a passage holding the stem can hold the word that stems to it
        held = dict.fromkeys(int(i) for t in bent for i in lexical.rows_with(t, rows))
        if bent and not any(folded in map(analyzer.fold, analyzer.words(qa.index.passages[i].text)) for i in held):
            out.update(dict.fromkeys(bent, 0.0))
    return out


def _coverage(analyzer: Any, text: str, weights: dict[str, float]) -> float:
    """Share of the question's (idf-weighted) terms found in ``text``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    have = set(analyzer.terms(text))
    return sum(w for t, w in weights.items() if t in have) / total


def _trim(text: str, a: int, b: int, analyzer: Any, weights: dict[str, float]) -> tuple[int, int]:
    """A sentence longer than MAX_QUOTE_CHARS is cut to its best window of clauses (still verbatim)."""
    if b - a <= MAX_QUOTE_CHARS:
        return a, b
    cuts = sorted({a, *(a + m.end() for m in re.finditer(r"[,;:] ", text[a:b]))})
    best, best_score = (a, min(b, a + MAX_QUOTE_CHARS)), -1.0
    for i, s in enumerate(cuts):
        for e in [*cuts[i + 1:], b]:
            if e - s > MAX_QUOTE_CHARS:
                break
            score = _coverage(analyzer, text[s:e], weights) + (e - s) / 10_000
            if score > best_score:
                best, best_score = (s, e), score
    s, e = best
    while e > s and text[e - 1] in " ,;:":
        e -= 1
    return s, e


def _header_row(text: str, a: int, b: int) -> bool:
    """A table's first row of single-word column labels ("Ledamot | Parti | Ja | Nej | Avstår"): it says nothing, and
    "What did the Left Party want?" must not be answered with it because it holds the word "Parti"."""
    cells = text[a:b].strip().split(" | ")
    opens_table = a == 0 or text[max(a - 2, 0):a] == "\n\n"
    return len(cells) >= 2 and opens_table and text[b:b + 1] == "\n" and \
        all(len(cell.split()) == 1 and not any(ch.isdigit() for ch in cell) for cell in cells)


def _table_header(text: str, a: int) -> tuple[int, int] | None:
    """Where the header of the table stands whose row of figures begins at ``a`` in a passage's text: the first line
    of the rows it stands among, when that line names columns ("Verksamhet | Budget 2025 | Prognos helår 2025"). A
    figure means nothing without its column. None for a row that is no table's, holds no figure (a vote list's "Anna
    Berg | M | Nej" speaks for itself) or opens the passage's part of its table."""
    line_end = text.find("\n", a)
    row = text[a:line_end if line_end >= 0 else len(text)].split(" | ")
    if len(row) < 2 or not any(FIGURE_CELL.fullmatch(cell) for cell in row[1:]):
        return None
    start = a
    while start > 1 and text[start - 1] == "\n" and \
            " | " in text[(prev := text.rfind("\n", 0, start - 1) + 1):start - 1]:
        start = prev
    if start == a:
        return None
    end = text.find("\n", start)
    cells = text[start:end].split(" | ")
    return None if all(FIGURE_CELL.fullmatch(cell) for cell in cells[1:]) else (start, end)


def _names_columns(text: str, b: int) -> bool:
    """Whether the line ending at ``b`` is the header of the figures below it: it names what they are, and says
    nothing itself."""
    header = _table_header(text, b + 1) if text[b:b + 1] == "\n" else None
    return header is not None and header[0] == text.rfind("\n", 0, b) + 1


def _cell_asked(header: str, row: str, terms: dict[str, float], analyzer: Any) -> str | None:
    """The figure a question asks for in a table's row: of the thing the row names, the cell under the column whose
    name holds most of the question's words ("Vad är prognosen för hemtjänsten?": "Prognos helår 2025: 151 400");
    None when the row's name or no column's name holds any of them, or the row's cells do not stand under the
    header's."""
    names, cells = header.split(" | "), row.split(" | ")
    if len(names) != len(cells) or not any(terms.get(t, 0.0) > 0 for t in analyzer.terms(cells[0])):
        return None
    held = [sum(terms.get(t, 0.0) for t in set(analyzer.terms(name))) for name in names[1:]]
    best = max(range(len(held)), key=lambda j: held[j], default=None)
    return f"{names[best + 1]}: {cells[best + 1]}" if best is not None and held[best] > 0 else None


_QUOTE_MARKS = "”“\"„«»'’"


def _unquoted(text: str, a: int, b: int) -> tuple[int, int]:
    """The span without the quotation marks the paper sets around a written statement: the answer sets its own
    (”Liberalerna står bakom valfriheten i hemtjänsten.”, not ””Liberalerna …”)."""
    while b - a > 1 and text[a] in _QUOTE_MARKS:
        a += 1
    while b - a > 1 and text[b - 1] in _QUOTE_MARKS:
        b -= 1
    return a, b


def short_actor(actor: str) -> str:
    """The speaker as the answer text names it: a reservation without its list of names (the citation has it).

    "Reservation av Moderaterna (M) … i kommunstyrelsen (Anna König Jerlmyr, …)" -> "Reservation av Moderaterna
    (M) … i kommunstyrelsen"; "Anförande av Centerpartiet (C) i kommunfullmäktige (Birgitta Holm)" as it is
    """
    if DISSENT_LABEL.match(actor):  # a list of names goes; one person stays ("… i kommunfullmäktige (Birgitta Holm)")
        return re.sub(r" \([^()]*(?:,| och )[^()]*\)$", "", actor)
    return actor


def _frame(actor: str, quotes: list[tuple[str, int]], lang: str) -> str:
    """Who wrote the quoted words, and nothing more: the framing asserts no content of its own.

    Example: ("Stadsledningskontoret", [("A.", 1), ("B.", 2)], "sv") -> 'Stadsledningskontoret skriver: ”A.” [1]
    och ”B.” [2]'
    """
    if lang == "en":
        marks = [f"“{q}” [{n}]" for q, n in quotes]
        verb, conj = "writes", "and"
    else:
        marks = [f"”{q}” [{n}]" for q, n in quotes]
        verb, conj = "skriver", "och"
    joined = marks[0] if len(marks) == 1 else ", ".join(marks[:-1]) + f" {conj} " + marks[-1]
    return f"{actor} {verb}: {joined}"


QUANTITY_SENTENCES = 5  # a money or count question needs its kind of number among this many best sentences
# a "när" question its date, year or period among this many (date sentences rank first for it: qa.questions.answer_type)
TIME_SENTENCES = 3


def _with_context(chosen: list[_Candidate], reason: bool, example: bool, view: bool) -> list[_Candidate]:
    """Each quote followed by the neighbouring sentence of its passage that completes it
    (``qa.questions.context_sentence``), or by the points it announces (``qa.questions.announced_points``). At most
    MAX_QUOTES + 1 quotes, and the further points of announced lists."""
    out: list[_Candidate] = []
    listed = 0  # points of announced lists beyond the one neighbour each quote may bring
    announcer: dict[int, _Candidate] = {}  # a quote that is itself a point announced by an earlier quote
    for k, c in enumerate(chosen):
        out.append(replace(c, anchor=announcer[id(c)]) if id(c) in announcer else c)
        text = c.hit.passage.text
        spans = [sp for sp in sentence_spans(text) if sp[1] - sp[0] >= 20]
        i = next((k for k, sp in enumerate(spans) if sp[0] <= c.start < sp[1]), None)
        if i is None:
            continue
        before = spans[i - 1] if i > 0 else None
        after = spans[i + 1] if i + 1 < len(spans) else None
        side = context_sentence(text[c.start:c.end], text[before[0]:before[1]] if before else None,
                                text[after[0]:after[1]] if after else None, reason, example, view)
        extra = before if side == "before" else after if side == "after" else None
        # an announced list is quoted whole: "… beslutar följande." and each "1. …", "2. …"
        points = announced_points(text[c.start:c.end], [text[a:b] for a, b in spans[i + 1:]])
        extras = spans[i + 1:i + 1 + points] if points else [extra] if extra else []
        listed += max(len(extras) - 1, 0)
        for a, b in extras:
            quoted = [x for x in chosen + out
                      if x.hit.passage.chunk_id == c.hit.passage.chunk_id and x.start < b and a < x.end]
            if not quoted:
                out.append(_Candidate(c.hit, a, b, c.score, anchor=c))
            elif points:  # a point quoted for itself still stands in its list's order, after what announces it
                later = {id(y) for y in chosen[k + 1:]}
                announcer.update((id(x), c) for x in quoted if id(x) in later)
    return out[:MAX_QUOTES + 1 + listed]


# a person named in a question: a first name and a surname ("Oskar Lindgren", "Per-Olof Nyström")
_PERSON = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)? [A-ZÅÄÖ][a-zåäöé]+\b")
# the part of a paper that records or proposes a decision, not the procedure or the papers it rests on
# where a decision is recorded; not how it was reached, on what papers, or to whom it is sent ("Beslutet skickas till")
_DECISION_PART = re.compile(r"beslut(?!sgång|sunderlag|et skickas|et expedieras|et sänds)", re.IGNORECASE)


# the parts of a voice's text that relay the matter, and what others said of it, before judging it
_RELAYING_PART = re.compile(r"(?:\d+\.\s*)?(?:ärendet|ärendets bakgrund|bakgrund(?:en)?|beredning|ärendets beredning|"
                            r"ärendebeskrivning|beskrivning av ärendet)", re.IGNORECASE)


# the line recording a reservation: "… reserverar sig mot beslutet …", "Vi reserverar oss …"
_RESERVES = re.compile(r"\breserver\w* (?:sig|oss)\b", re.IGNORECASE)


def _matter(passage: Passage) -> str:
    """The matter a passage stands in: "§ 103 Utökad investeringsram …" of "§ 103 … – Reservation (M)"."""
    return (passage.section or "").split(" – ")[0]


def _item_of(c: _Candidate) -> str:
    return _matter(c.hit.passage)


def _records_decision(passage: Passage) -> bool:
    """A passage of the part that records a decision or proposes one: "Kommunstyrelsens beslut", "Förslag till
    beslut", "§ 53 … – Beslut"; not "… – Beslutsgång" (how it was reached) or "Beslutsunderlag"."""
    return bool(_DECISION_PART.search((passage.section or "").split(" – ")[-1]))


# a decision taken, as a paper records one: "Kommunfullmäktige beslutade 28 april 2003 att …", "har beslutat"
_DECISION_TAKEN = re.compile(r"\b(?:beslutade|beslöt|(?:har|hade) beslutat|(?:fattade|har fattat|hade fattat) "
                             r"beslut)\b", re.IGNORECASE)


def _decision_taken(passage: Passage) -> bool:
    """A passage that records a decision taken, not one proposed: the part "Kommunstyrelsens beslut" or "§ 53 … –
    Beslut" of a protocol, or a sentence saying a body decided; "Förslag till beslut" and "föreslår att
    kommunstyrelsen beslutar" only propose one."""
    proposed = (passage.section or "").lower().startswith("förslag till beslut")
    return (_records_decision(passage) and not proposed) or bool(_DECISION_TAKEN.search(passage.text))


def _nothing_from(lang: str, who: str) -> str:
    return f"Inget i dem kommer från {who}." if lang == "sv" else f"Nothing in them comes from {who}."


def _no_answer_text(lang: str, reason: str | None) -> str:
    if lang == "en":
        base = "The documents do not answer this question."
        return f"{base} {reason}" if reason else base + " The closest passages are listed below."
    base = "Dokumenten besvarar inte den här frågan."
    return f"{base} {reason}" if reason else base + " De närmaste avsnitten visas nedan."


def answer_question(qa: Any, question: str, history: list[dict[str, str]] | None = None,
                    k: int | None = None) -> Answer:
    """The answer to ``question``: generated and verified when ``QA_LLM`` is set, else extractive."""
    if qa.settings.llm:
        from qa.generate import generate_answer  # imports langchain chat models only in generative mode

        return generate_answer(qa, question, history, k=k)
    return extractive_answer(qa, question, history, k)


def extractive_answer(qa: Any, question: str, history: list[dict[str, str]] | None = None,
                      k: int | None = None) -> Answer:
    turn = prepare_turn(question, history, qa.settings.max_question_chars)
    question, history, lang, rewritten = turn.question, turn.history, turn.language, turn.rewritten
    k = k or qa.settings.k
    pool = qa.retriever.search(rewritten, max(k, SPEAKER_POOL))
    hits = pool[:max(k, CANDIDATE_PASSAGES)]
    shown = hits[:k]

    def refuse(reason: str | None, evidence: Evidence | None = None) -> Answer:
        """The documents do not answer: why, when a rule knows, and the closest passages."""
        return Answer(question, _no_answer_text(lang, reason), True, [], shown, related=shown[:3], language=lang,
                      rewritten=rewritten, evidence=evidence)

    pool_voices = voices(h.passage for h in pool)
    best_papers = {h.passage.source for h in hits[:BEST_PAPERS]}
    near = voices(h.passage for h in pool if h.passage.source in best_papers)
    speakers = mentioned_speakers(expand_query(rewritten), pool_voices, near)
    # the voice measured against another is the one asked: "Delar oppositionen stadsledningskontorets syn …?"
    measured = {s.label for s in mentioned_speakers(expand_query(without_reference(rewritten)), pool_voices, near)}
    asked = [sp for sp in speakers if sp.label in measured] or speakers
    for sp in speakers:  # the named speakers' own best passages join the candidates, even when ranked lower
        hits += [h for h in pool if speaker_matches([sp], h.passage.actor) and h not in hits][:2]
    people = _PERSON.findall(rewritten)
    for person in people:  # and the best passages naming a person asked about (a vote list)
        hits += [h for h in pool if person in h.passage.text and h not in hits][:2]
    # a body asked about that never speaks in them is spoken of: "Svarade trafiknämnden på remissen?" is answered
    # where its name stands ("Trafiknämnden har avstått från att yttra sig."), not by another's answer to the remiss
    # — the body the question is about, named among its first words (not "Vilka organisationer utöver landstinget
    # och länsstyrelsen …?", which sets it aside)
    opening = " ".join(rewritten.lower().split()[:4])
    spoken_of = [sp for sp in asked if sp.body and any(p in opening for p in sp.patterns)
                 and not any(speaker_matches([sp], h.passage.actor) for h in pool)]
    # how a party voted: its members' rows in a vote list ("Tobias Sandberg | SD | Nej", "Göran Fält KD Ja") …
    voted = asks_vote(rewritten)
    codes = [p[1:-1] for sp in speakers if sp.party for p in sp.patterns if p.startswith("(")] if voted else []
    either = "|".join(codes)
    party_row = re.compile(rf"(?:^|\| )(?:{either})(?: \||$)|\b(?:{either})\s+(?:Ja|Nej|Avstår|Frånvarande)\b") \
        if codes else None
    # … of the matter asked about: in a protocol of several §§, the § of the passage closest to the question ("Hur
    # röstade SD om klimatpolicyn?" is not answered by the vote on another §, where SD also voted)
    asked_in = _matter(hits[0].passage) if hits else ""

    def in_matter(passage: Passage) -> bool:
        return not asked_in.startswith("§") or _matter(passage) == asked_in

    rows_found = [h for h in pool if party_row.search(h.passage.text) and in_matter(h.passage)] \
        if party_row is not None else []
    if rows_found:  # and, for how a party voted, every passage of the vote list holding its members' rows
        best_rows = rows_found[0]
        held = {h.passage.chunk_id for h in hits}
        for i in qa.index.rows_of(best_rows.passage.source):
            p = qa.index.passages[int(i)]
            if p.chunk_id not in held and party_row.search(p.text) and in_matter(p):
                hits.append(Hit(p, best_rows.score, best_rows.dense, best_rows.lexical))
    decision = asks_decision(rewritten)
    if decision:  # and, for a decision, the best passages recording one
        hits += [h for h in pool if _records_decision(h.passage) and h not in hits][:2]
    # a party whose members only vote in the documents is in them: its rows in the vote list
    voting = bool(rows_found)
    missing = unknown_speaker([sp for sp in speakers if not (voting and sp.party)], qa.index.passages)
    if missing:
        return refuse(_nothing_from(lang, missing))

    analyzer = qa.index.lexical.analyzer()
    q_terms = [t for t in analyzer.terms(expand_query(rewritten)) if not is_affix(t)]
    searched = [qa.index.rows_of(s) for s in dict.fromkeys(h.passage.source for h in hits)]
    hit_rows = np.unique(np.concatenate(searched)) if searched else None
    # a body asked for its position that never has the word in the documents searched ("Vad tycker Stockholms läns
    # landsting om …?" of a case that only mentions landstinget): quoting what others say of it is no answer
    silent = silent_body(rewritten, voices(qa.index.passages[int(i)] for i in hit_rows)) \
        if hit_rows is not None else None
    if silent:
        return refuse(_nothing_from(lang, silent))
    # an English genre term the documents lack in every Swedish wording counts as a word they do not use
    absent = set(absent_terms(rewritten, qa.index.lexical, hit_rows))
    lacking = frozenset(t for english, swedish in glossary_words(rewritten) if english in absent
                        for t in analyzer.terms(swedish))
    weights = _idf_weights(qa, q_terms, lang, hit_rows, lacking)
    if lang == "en":
        weights = _as_written(qa, rewritten, weights, hit_rows)
    # words that earn a sentence nothing: what the question sets aside ("Apart from welfare, …"), and in a comparison
    # the sides' own names (each side is quoted on the subject: naming the other side is no answer)
    aside = set_aside(rewritten)
    unearned = set(analyzer.terms(in_swedish_terms(aside) if lang == "en" else aside)) if aside else set()
    comparison = is_comparison(rewritten)
    if comparison and len(speakers) >= 2:
        unearned |= set(analyzer.terms(" ".join(p for sp in speakers for p in sp.patterns)))
    weights = {t: 0.0 if t in unearned else w for t, w in weights.items()}
    unused = missing_names(rewritten, qa.index.lexical)
    if lang == "en":  # an English question's capitalised words ("Left Party") are mostly no Swedish names
        unused = [n for n in unused if is_swedish_name(n, rewritten)]
    if unused:
        listed = ", ".join(name_phrases(rewritten, unused))
        reason = f"De nämner inte {listed}." if lang == "sv" else f"They do not mention {listed}."
        return refuse(reason)

    cands: list[_Candidate] = []
    # the sentence handing the word to a voice answers who spoke and when, not what anyone thinks
    markers_answer = asks_who_or_when(rewritten)
    for h in hits:
        spans = sentence_spans(h.passage.text)
        if h.passage.section == "Underskrift" and len(h.passage.text) <= 300 and len(spans) > 1:
            # a signature's lines are one statement: "Maria Holmqvist / Kommunstyrelsens ordförande / Peter Lindahl /
            # Kommundirektör"
            cands.append(_Candidate(h, spans[0][0], spans[-1][1]))
        for i, (a, b) in enumerate(spans):
            text = h.passage.text[a:b]
            # a Markdown heading ("# En ny beteckning för …") names a part; it says nothing; a decision may be short
            # ("Motionen avslås." under "Kommunstyrelsens beslut"), or a line its points follow ("Kommunstyrelsen
            # beslutar" / "1. att anta …"), quoted with them
            short_decision = _records_decision(h.passage) and len(text.split()) >= 2 and (
                text.rstrip().endswith(".") or announced_points(text, [h.passage.text[a2:b2] for a2, b2 in
                                                                        spans[i + 1:i + 2]]) > 0)
            # so may a point of a list: "1. att bifalla motionen", and a line naming the person asked about (a vote
            # list's row "Oskar Lindgren C Nej" for "Hur röstade Oskar Lindgren?")
            short_point = is_point(text) and len(text.split()) >= 4 or \
                len(text.split()) >= 3 and (any(person in text for person in people) or party_row is not None
                                            and bool(party_row.search(text)) and in_matter(h.passage))
            if (b - a >= 20 and len(text.split()) >= 5 or short_decision or short_point) and not text.startswith("#") \
                    and (markers_answer or not is_voice_marker(text)) and not _header_row(h.passage.text, a, b) \
                    and not _names_columns(h.passage.text, b):
                cands.append(_Candidate(h, a, b))
    if not cands:
        return refuse(None)
    party_rows = party_row is not None and any(party_row.search(c.text) and in_matter(c.hit.passage) for c in cands)
    if party_rows:
        # how the party voted is what its members' rows record, each of them, after the party's own words on the
        # matter: its reservation against the decision where it made one, else what it moved
        cands = [c for c in cands if party_row.search(c.text) and in_matter(c.hit.passage)
                 or speaker_matches(speakers, c.hit.passage.actor)]
    # A sentence is scored with its speaker in front: "KSL ska vara en mötesplats" answers "vad ska KSL vara
    # enligt stadsledningskontoret?" because the office says it, though the sentence does not name it.
    # and with the numbered topic it stands under: "Enligt utredningen ska lagen omfatta barn och unga upp till 20 år"
    # answers "Vad föreslår utredningen om åldersgränsen?" under "3. Målgrupp och åldersgräns"
    # and a table's row with its columns' names: "Hemtjänst | 142 600 | 151 400" is the prognos only under its header
    headers = [_table_header(c.hit.passage.text, c.start) for c in cands]
    texts = [f"{c.hit.passage.actor}" + (f" ({topic})" if (topic := topic_of(c.hit.passage.section)) else "")
             + (f": {c.hit.passage.text[h[0]:h[1]]} / " if h else ": ") + c.text
             for c, h in zip(cands, headers, strict=True)]
    qvec = qa.embedder.encode_queries([rewritten])[0]
    svecs = sentence_encoder(qa.embedder)(texts)
    dense = svecs @ qvec
    cover = np.array([_coverage(analyzer, t, weights) for t in texts])
    prior = np.array([c.hit.score for c in cands])
    # how someone voted is recorded by the body (its vote list), not in the voter's own words
    voices_count = bool(speakers) and not voted
    match = np.array([1.0 if voices_count and speaker_matches(asked, c.hit.passage.actor) else 0.0 for c in cands])
    if voices_count and spoken_of and not match.any():
        match = np.array([1.0 if any(p in c.text.lower() for sp in spoken_of for p in sp.patterns) else 0.0
                          for c in cands])
    # a voice's view is its judgement, not the part of its text that relays the matter ("Ärendet", "Beredning"):
    # "Vad tycker borgarrådet om vattenskyddsfonden?" is answered from her "Mina synpunkter" — where the voice has
    # such a part of its own; a remiss summed up under "Ärendet" is the sender's words
    relayed = np.zeros(len(cands))
    if speakers and wants_view(rewritten):
        relaying = [bool(_RELAYING_PART.fullmatch((c.hit.passage.section or "").split(" – ")[-1])) for c in cands]
        judging = {c.hit.passage.actor for c, r in zip(cands, relaying, strict=True) if not r}
        relayed = np.array([1.0 if r and c.hit.passage.actor in judging else 0.0
                            for c, r in zip(cands, relaying, strict=True)])
    dn = (dense - dense.min()) / (dense.max() - dense.min()) if dense.max() > dense.min() else np.ones_like(dense)
    w = SENTENCE_WEIGHTS
    # a question for a decision is answered from the part that records it ("Kommunstyrelsens beslut", "Förslag till
    # beslut"), whatever else mentions the matter
    decided = np.array([1.0 if _records_decision(c.hit.passage) else 0.0 for c in cands]) if decision \
        else np.zeros(len(cands))
    # a table's row of figures whose header names a column asked about ("prognos", "budget") holds the figure asked
    cells = [_cell_asked(c.hit.passage.text[h[0]:h[1]], c.text, weights, analyzer) if h else None
             for c, h in zip(cands, headers, strict=True)]
    typed = np.maximum(np.maximum(answer_type(rewritten, texts), decided), [1.0 if cell else 0.0 for cell in cells])
    scores = (w["dense"] * dn + w["coverage"] * cover + w["passage"] * prior + w["speaker"] * match
              + w["answer_type"] * (typed - relayed))
    for c, s in zip(cands, scores, strict=True):
        c.score = float(s)
    order = np.argsort(-scores, kind="stable")
    # whether the documents give the number asked is judged on the sentences closest to the question, not on those
    # that hold a number of the kind asked wherever it stands
    relevant = np.argsort(-(scores - w["answer_type"] * typed), kind="stable")

    # Among many documents every word stands somewhere; what counts is the documents the answer would quote: those
    # that contain every name and party the question uses ("Lotta Edholm", "KSL", "Liberalerna" as FP; in an English
    # question only names the documents use: "Liberals" is no name) — the parts of one case in several files do —
    # or, for a question that names nothing, the first in retrieval order alone. A comparison may quote any.
    parties = [sp for sp in speakers if sp.party and not voting]
    names = [n for n in known_names(rewritten, qa.index.lexical) if lang == "sv" or n.lower() not in GLOSSARY]

    def names_missing_in(source: str) -> list[str]:
        rows = qa.index.rows_of(source)
        missing = [n for n in missing_names(rewritten, qa.index.lexical, rows) if n in names]
        party = unknown_speaker(parties, [qa.index.passages[int(i)] for i in rows]) if parties else None
        return missing + ([party] if party else [])

    missing_in = {src: names_missing_in(src) for src in dict.fromkeys(c.hit.passage.source for c in cands)}
    holding = [src for src, missing in missing_in.items() if not missing]
    answering = set(holding) if holding and (names or parties) else {holding[0] if holding else hits[0].passage.source}
    if not comparison:
        own = np.array([c.hit.passage.source in answering for c in cands])
        order = order[own[order]] if own.any() else order
        relevant = relevant[own[relevant]] if own.any() else relevant
    best = cands[int(order[0])]
    # the words of the question are looked up where the answer is drawn from: the answering documents together
    rows = np.unique(np.concatenate([qa.index.rows_of(src) for src in answering | {best.hit.passage.source}]))
    elsewhere = missing_in[best.hit.passage.source]
    if elsewhere:
        listed = ", ".join(name_phrases(rewritten, elsewhere))
        reason = (f"Dokumentet som ligger närmast frågan nämner inte {listed}." if lang == "sv"
                  else f"The document closest to the question does not mention {listed}.")
        return refuse(reason)
    # a voice asked about a subject its document speaks of, but never in that voice's words: nothing to quote
    # ("Vad tycker Lotta Edholm om gymnasieregionen?" when only the föredragande writes of it)
    # — in every document searched, as the files of one case may hold the voice and the subject apart
    topic = None if comparison or not speakers else topic_asked(rewritten)
    topic_rows = rows if topic is None or hit_rows is None else np.union1d(rows, hit_rows)
    own_rows = np.array([i for i in topic_rows if speaker_matches(speakers, qa.index.passages[int(i)].actor)],
                        dtype=int) if topic else np.array([], dtype=int)
    if len(own_rows):
        labels = list(dict.fromkeys(short_actor(qa.index.passages[int(i)].actor) for i in own_rows))
        voice_terms = set(analyzer.terms(" ".join(labels + [p for sp in speakers for p in sp.patterns])))
        unvoiced = words_not_voiced(topic or "", lang, qa.index.lexical, topic_rows, own_rows, voice_terms)
        if unvoiced:
            words = [m.group() if (m := re.search(rf"\b{re.escape(w)}\w*", rewritten, re.IGNORECASE)) else w
                     for w in unvoiced]
            reason = (f"Inget av det som {' och '.join(labels)} skriver nämner {' eller '.join(words)}." if lang == "sv"
                      else f"Nothing {' and '.join(labels)} writes mentions {' or '.join(words)}.")
            return refuse(reason)
    # why a voice moved or dissented, when its every word in the documents only records the act ("Roger Falk (SD)
    # yrkar avslag på förvaltningens förslag."): it gives no reason, and another's would be put in its mouth
    if asked and not comparison and asks_why(rewritten):
        theirs = [qa.index.passages[int(i)] for i in rows if speaker_matches(asked, qa.index.passages[int(i)].actor)]
        if gives_no_reason([p.text[a:b] for p in theirs for a, b in sentence_spans(p.text)]):
            who = " och ".join(sp.label for sp in asked)
            reason = f"{who} anger inga skäl i dem." if lang == "sv" else f"{who} gives no reasons in them."
            return refuse(reason)
    evidence = Evidence(top_dense=float(hits[0].dense), sentence_dense=float(dense[order[0]]),
                        coverage=float(cover[order[0]]),
                        passage_coverage=max(_coverage(analyzer, h.passage.index_text(), weights)
                                             for h in hits[:5]),
                        # a voice the question names and the documents hold ("the Sweden Democrats") is about them
                        rare_names=len(rare_known_names(rewritten, qa.index.lexical)) + bool(speakers),
                        absent_words=len(absent_words(rewritten, qa.index.lexical, rows) if lang == "sv"
                                         else absent_terms(rewritten, qa.index.lexical, rows)))
    if should_abstain(evidence, words_checked=words_checked(rewritten, lang)):
        return refuse(None, evidence)

    quantity = [int(j) for j in relevant[:QUANTITY_SENTENCES]]
    if asks_sum(rewritten):
        # a sum is of something: one in a sentence that names nothing the question asks the sum of is another
        # thing's ("Hur mycket kostar det att bygga en ny fritidsgård?" is not answered by "en samordnare för rådet
        # kostar 0,9 miljoner kronor"); the question's names say where, not what ("… i Norrbacka")
        where = " ".join(known_names(rewritten, qa.index.lexical))
        unasked = set(analyzer.terms(f"{SUM_WORDS} {where}"))
        subject = {t for t, w in weights.items() if w > 0 and t not in unasked}
        if subject:  # a sentence going on from the one before names its thing there: "… avgiftsfri lunch i
            # gymnasieskolan … Merkostnaden beräknas därmed till 131 mnkr per år."; inside a compound too ("vatten"
            # of "vattenskyddsfond"), but not by an amount the question gives ("How much of the 12 million …?").
            # The best sentences that name it are judged, however many others score above them
            # ("Investeringen beräknas till cirka 850 miljoner kronor" after the pipeline it goes on from)
            subject = {t.lstrip("^$") for t in subject if not t[-1:].isdigit()} - {t.lstrip("^$") for t in unasked}
            named = (int(j) for j in relevant if subject & {t.lstrip("^$") for t in analyzer.terms(
                f"{_sentence_before(cands[int(j)])} {cands[int(j)].text}" if refers_back(cands[int(j)].text)
                else cands[int(j)].text)})
            quantity = list(islice(named, QUANTITY_SENTENCES))  # read down only as far as needed
    if lacks_quantity(rewritten, [texts[j] for j in quantity], lang) and not any(cells[j] for j in quantity):
        reason = "De anger inget sådant antal eller belopp." if lang == "sv" else "They give no such number or amount."
        return refuse(reason, evidence)
    # a date in a sentence that shares none of the question's words dates something else ("Remisstid den …")
    # when a thing was adopted, among every sentence that says so ("… antagande till första kvartalet 2020" for an
    # English question whose words it does not share)
    adoption = asks_adoption(rewritten)
    timed = order if adoption else order[:TIME_SENTENCES]
    if lacks_time(rewritten, [cands[int(j)].text for j in timed if cover[int(j)] > 0 or adoption]):
        reason = "De anger ingen sådan tidpunkt." if lang == "sv" else "They give no such date or time."
        return refuse(reason, evidence)
    # "Vad beslutade kommunfullmäktige till slut …?" of a paper that proposes a decision: the later outcome is not in it
    if asks_decision_taken(rewritten) and not any(_decision_taken(qa.index.passages[int(i)]) for i in rows):
        reason = ("De återger förslag till beslut, inget fattat beslut." if lang == "sv"
                  else "They record proposals for a decision, not a decision taken.")
        return refuse(reason, evidence)
    if lacks_person(rewritten, [cands[int(j)].text for j in order[:QUANTITY_SENTENCES]],
                    tuple(cands[int(j)].hit.passage.actor for j in order[:QUANTITY_SENTENCES])):
        reason = "De nämner ingen person i den rollen." if lang == "sv" else "They name no one in that role."
        return refuse(reason, evidence)
    if lacks_party(rewritten, (t for i in rows for t in (qa.index.passages[int(i)].text,
                                                         qa.index.passages[int(i)].actor or ""))):
        reason = "De anger inte vilket parti personen tillhör." if lang == "sv" else \
            "They do not say which party that person belongs to."
        return refuse(reason, evidence)

    chosen = [best]
    if comparison and len(speakers) >= 2:  # each side in its own words: the best sentence of each named speaker
        chosen = []
        for sp in speakers:
            own = next((cands[int(j)] for j in order if speaker_matches([sp], cands[int(j)].hit.passage.actor)), None)
            if own is not None and own not in chosen:
                chosen.append(own)
        chosen = chosen or [best]
        order = order[:0]
    elif party_rows:
        ranked = [cands[int(j)] for j in order]
        rows = [c for c in ranked if party_row.search(c.text) and in_matter(c.hit.passage)]
        # the party's words on the matter voted on (the § of its rows): a reservation's line recording it ("…
        # reserverar sig mot beslutet …") before any other
        voted_on = {_item_of(r) for r in rows}
        theirs = sorted((c for c in ranked if c not in rows and _item_of(c) in voted_on),
                        key=lambda c: (not _RESERVES.search(c.text), not c.hit.passage.actor.startswith("Reservation")))
        chosen, order = theirs[:1] + rows, order[:0]
    # a figure asked for and found in a table's row is the answer: other rows are other things' figures
    one_cell = not comparison and cells[cands.index(best)] is not None
    for j in order[1:]:
        c = cands[int(j)]
        if len(chosen) >= MAX_QUOTES or one_cell:
            break
        if any(c.hit.passage.chunk_id == x.hit.passage.chunk_id and not (c.end <= x.start or c.start >= x.end)
               for x in chosen):
            continue
        if _matter(best.hit.passage).startswith("§") and _item_of(c).startswith("§") and \
                _item_of(c) != _matter(best.hit.passage):
            continue  # a protocol's other § is another matter: a party's words there are not on this one
        if comparison:
            if all(c.hit.passage.actor != x.hit.passage.actor for x in chosen) and c.score >= 0.6 * best.score:
                chosen.append(c)
        elif c.score >= NEXT_QUOTE_SHARE * best.score and (not speakers or match[int(j)] or not match[int(order[0])]):
            chosen.append(c)

    if not party_rows:  # a party's rows are quoted every one, and need no context
        chosen = _with_context(chosen, wants_reason(rewritten), wants_example(rewritten), wants_view(rewritten))
        # a row of figures is quoted under its table's header, which names what each figure is
        for c in list(chosen):
            if (h := _table_header(c.hit.passage.text, c.start)) and not any(
                    x.hit.passage.chunk_id == c.hit.passage.chunk_id and x.start == h[0] for x in chosen):
                chosen.append(_Candidate(c.hit, h[0], h[1], c.score, anchor=c))

    # Present quotes grouped by speaker: the best quote first, then document order within a speaker.
    actor_rank = {a: i for i, a in reversed(list(enumerate(c.hit.passage.actor for c in chosen)))}
    # A completing sentence stands beside its quote, in the document's order ("… finns redan …" before "… därför …").
    chosen.sort(key=lambda c: (actor_rank[c.hit.passage.actor], (c.anchor or c) is not best,
                               (c.anchor or c).hit.passage.ordinal, (c.anchor or c).start, c.start))
    citations: list[Citation] = []
    groups: dict[str, list[tuple[str, int]]] = {}
    for c in chosen:
        s, e = _trim(c.hit.passage.text, c.start, c.end, analyzer, weights)
        s, e = _unquoted(c.hit.passage.text, s, e)
        quote = c.hit.passage.text[s:e]
        if any(x.quote == quote for x in citations):
            continue  # the same words in two passages (a summary repeated): cite them once
        n = len(citations) + 1
        citations.append(Citation(n, c.hit, quote, s, e))
        # lines quoted together (a signature's) shown as a quotation shows them: "Maria Holmqvist / Kommundirektör"
        groups.setdefault(short_actor(c.hit.passage.actor), []).append((re.sub(r"\s*\n\s*", " / ", quote), n))
    text = " ".join(_frame(actor, quotes, lang) + "." for actor, quotes in groups.items())
    # the fact asked for is put first, from the best quote, else from the first other quote that holds it (the
    # signature line "Stockholm den 23 oktober 2014" beside the sentence that names the promemoria)
    lead = next((c for c in citations if c.hit is best.hit and c.start >= best.start), citations[0])
    lead, fact = next(((c, f) for c in [lead, *(c for c in citations if c is not lead)]
                       if (f := lead_fact(rewritten, c.quote, lang))), (lead, None))
    if h := _table_header(lead.hit.passage.text, lead.start):
        # the figure under the column asked about, with the column's name; a row's first figure is no answer
        # when no column's name says which one is asked ("2 200" of budget, outcome, forecast …)
        fact = _cell_asked(lead.hit.passage.text[h[0]:h[1]], lead.quote, weights, analyzer)
    if fact:
        text = f"{fact} [{lead.n}]. {text}"
    # Passages listed: the cited ones first, then the rest of the top k.
    cited_ids = {c.hit.passage.chunk_id for c in citations}
    listed = [c.hit for c in citations if c.hit in hits]
    listed = list(dict.fromkeys(listed)) + [h for h in shown if h.passage.chunk_id not in cited_ids]
    return Answer(question, text, False, citations, listed[:max(k, len(cited_ids))], language=lang,
                  rewritten=rewritten, evidence=evidence)
