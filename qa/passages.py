"""Passages: the units that are indexed, retrieved and cited.

A passage never crosses a change of speaker or section, and never ends inside a sentence: paragraphs are packed
up to ``target`` characters, a long paragraph is split between sentences, and only a single sentence longer than
MAX_PASSAGE_CHARS is cut (at a clause boundary if there is one). Each passage keeps a run-length map from its
characters to the original file's, so any quote inside it leads back to the exact place in the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from qa.cleaning import CleanText
from qa.sentences import sentence_spans
from qa.structure import Structure

MAX_PASSAGE_CHARS = 1200


@dataclass(frozen=True)
class Passage:
    chunk_id: str
    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    page: int | None
    section: str | None
    actor: str
    text: str
    start: int  # offsets in the original file's text: text[i] comes from original_offset(i)
    end: int
    dnr: str | None = None
    page_estimated: bool = False  # the page is estimated (the source prints no number there)
    ordinal: int = 0  # position of the passage in its document
    # (offset in text, offset in the original) at each point where the mapping jumps; see original_offset
    offset_runs: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    def original_offset(self, i: int) -> int:
        """Offset in the original file's text of character ``i`` of ``text``."""
        base_clean, base_orig = 0, self.start
        for c, o in self.offset_runs:
            if c > i:
                break
            base_clean, base_orig = c, o
        return base_orig + (i - base_clean)

    def original_span(self, a: int, b: int) -> tuple[int, int]:
        return self.original_offset(a), self.original_offset(b - 1) + 1 if b > a else self.original_offset(a)

    def index_text(self) -> str:
        """What retrieval sees: the passage with its speaker and section, so "what does X think" finds X's text."""
        head = " · ".join(x for x in (self.actor, self.section) if x)
        return f"{head}\n{self.text}" if head else self.text

    def to_json(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies every offset pair, which dominated re-indexing 40k passages
        d = {name: getattr(self, name) for name in self.__dataclass_fields__}
        d["offset_runs"] = [list(r) for r in self.offset_runs]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Passage:
        d = dict(d)
        d["offset_runs"] = tuple(tuple(r) for r in d.get("offset_runs", ()))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


def _runs(clean: CleanText, a: int, b: int) -> tuple[tuple[int, int], ...]:
    runs: list[tuple[int, int]] = []
    offs = clean.offsets
    for i in range(a + 1, b):
        if offs[i] != offs[i - 1] + 1:
            runs.append((i - a, offs[i]))
    return tuple(runs)


def _pieces(text: str, a: int, b: int, target: int) -> list[tuple[int, int]]:
    """Split text[a:b] (one paragraph) into sentence-aligned pieces of at most ``target`` characters."""
    if b - a <= target:
        return [(a, b)]
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in sentence_spans(text, a, b):
        for s2, e2 in _cut_long(text, s, e):
            if cur and e2 - cur[0] <= target:
                cur = (cur[0], e2)
            else:
                if cur:
                    out.append(cur)
                cur = (s2, e2)
    if cur:
        out.append(cur)
    return out


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A sentence longer than MAX_PASSAGE_CHARS is cut at clause boundaries (; or ,), else at a space."""
    out = []
    while b - a > MAX_PASSAGE_CHARS:
        window = text[a:a + MAX_PASSAGE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_PASSAGE_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = MAX_PASSAGE_CHARS - 1
        out.append((a, a + cut + 1))
        a += cut + 1
        while a < b and text[a] == " ":
            a += 1
    out.append((a, b))
    return out


# a paragraph that announces what follows: "… föreslår i en motion … följande.", "… med följande uppdrag:"
_LEADS_IN = re.compile(r"(?:\bföljande|\bnedanstående)[.:]\s*$|:\s*$")


def make_passages(
    source: str, clean: CleanText, structure: Structure, target: int = 900
) -> list[Passage]:
    """Pack the labelled paragraphs of one document into passages (see the module docstring)."""
    target = min(max(target, 200), MAX_PASSAGE_CHARS)
    text = clean.text
    groups: list[tuple[str | None, str, list[tuple[int, int]]]] = []
    for p in structure.paragraphs:
        if p.heading:
            continue
        if groups and groups[-1][0] == p.section and groups[-1][1] == p.actor:
            groups[-1][2].append((p.start, p.end))
        else:
            groups.append((p.section, p.actor, [(p.start, p.end)]))

    passages: list[Passage] = []
    for section, actor, paras in groups:
        spans: list[tuple[int, int]] = []
        last = 0  # where the last piece of the last span starts
        for a, b in paras:
            for s, e in _pieces(text, a, b, target):
                # pack with the previous piece when both fit: paragraphs of one speaker read well together; a lead-in
                # stays with what it announces ("… föreslår … följande." and the att-satser), in a passage up to the
                # longest allowed, or opens the next passage
                leads_in = bool(spans and _LEADS_IN.search(text, last, spans[-1][1]))
                if spans and (e - spans[-1][0] <= target or leads_in and e - spans[-1][0] <= MAX_PASSAGE_CHARS):
                    spans[-1] = (spans[-1][0], e)
                elif leads_in and last > spans[-1][0] and e - last <= MAX_PASSAGE_CHARS:
                    end = last
                    while end > spans[-1][0] and text[end - 1].isspace():
                        end -= 1
                    spans[-1] = (spans[-1][0], end)
                    spans.append((last, e))
                    last = s
                    continue
                else:
                    spans.append((s, e))
                last = s
        for a, b in spans:
            body = text[a:b]
            oa, ob = clean.original_span(a, b)
            digest = hashlib.sha1(f"{source}\0{oa}\0{body}".encode()).hexdigest()[:16]
            passages.append(
                Passage(
                    chunk_id=digest, source=source, title=structure.title, page=clean.page_at(a), section=section,
                    actor=actor, text=body, start=oa, end=ob, dnr=structure.dnr,
                    page_estimated=a < clean.estimated_before, ordinal=len(passages),
                    offset_runs=_runs(clean, a, b),
                )
            )
    return passages


def normalise_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
