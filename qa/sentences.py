"""Swedish-aware sentence splitting with character spans.

A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before white space and a capital,
digit, quote or dash, except after the abbreviations of the genre ("t.ex.", "dvs.", "bl.a.", "s.k.", "kap.", …).
Example: "KSL ska vara en mötesplats, dvs. en arena. Dock bör frågorna vara få." -> two sentences. A numbered
point keeps its number ("1. Motionen avslås."); each listed att-sats ("- att …") is a sentence.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    [
        "t.ex", "ex", "dvs", "d.v.s", "bl.a", "s.k", "m.m", "m.fl", "o.s.v", "osv", "resp", "ca", "kap", "nr",
        "jfr", "t.o.m", "fr.o.m", "p.g.a", "pga", "s", "sid", "st", "f.d", "a.a", "bl", "a", "prop", "dir", "mom",
        "mm", "etc", "e.g", "i.e", "vs", "no", "mr", "mrs", "dr", "prof", "kl", "tel"
    ]
)
# a sentence ends at its mark, at a paragraph break or a table's row, or before the dash of a listed att-sats
# ("… följande - att delvis godkänna promemorian - att därutöver anföra …"), each a proposal of its own
_BOUNDARY = re.compile(r"[.!?…]+[”\"')\]]*(?=\s+[\"”“'(\[A-ZÅÄÖÉ0-9–-])|\n\n|(?<=\S)\s+(?=[-–•]\s+att\b)|"
                       r"(?<=\S)\n(?=\S)")  # a row of a table (qa.cleaning)
_LIST_NUMBER = re.compile(r"\s*\d{1,2}")  # "1." of a numbered point opens its sentence: "1. Motionen avslås."


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (a, b) of the sentences in text[start:end], trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    a = start
    for m in _BOUNDARY.finditer(text, start, end):
        b = m.end()
        if m.group().startswith("."):
            word = re.search(r"([\w.]+)\.*$", text[a:m.start()] + ".")
            raw = (word.group(1) if word else "").rstrip(".")
            if raw.lower() in _ABBREVIATIONS or (len(raw) == 1 and raw.isupper()):  # "t.ex.", "A. Svensson"
                continue
            if _LIST_NUMBER.fullmatch(text, a, m.start()):
                continue
        if m.group()[:1] in ".!?…" and _in_row(text, m.start()):
            continue  # a table's row is one statement, its cells' sentences with it ("… utförare. | Socialchef | …")
        _push(text, spans, a, b)
        a = b
    _push(text, spans, a, end)
    return spans


PROSE_CELL = 300  # a table's cell this long is prose: its sentences are sentences (a consultation's answer)


def _in_row(text: str, pos: int) -> bool:
    """Whether ``pos`` stands on a line that is a table's row ("Anna Berg | M | Nej", qa.readers), in a cell of a
    few words or sentences; a long cell's sentences are cut apart as any ("1 | Länsstyrelsen | <a page of prose> |
    …"), though never across its cells."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = line_end if line_end >= 0 else len(text)
    if " | " not in text[line_start:line_end]:
        return False
    cell_start = text.rfind(" | ", line_start, pos)
    cell_end = text.find(" | ", pos, line_end)
    cell_start = line_start if cell_start < 0 else cell_start + 3
    cell_end = line_end if cell_end < 0 else cell_end
    return cell_end - cell_start < PROSE_CELL


def _push(text: str, spans: list[tuple[int, int]], a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
