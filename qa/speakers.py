"""Speakers named in a question, matched against the speakers of the passages.

"Vad tycker Moderaterna …" names a party; "… enligt stadsledningskontoret" an office; "reservanterna" or "the
opposition" whoever made a reservation. An answer prefers that speaker's passages, and when the question names a
party or office that never appears in the documents, the answer says so instead of quoting someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.passages import Passage
from qa.structure import PARTIES

_PARTY_ALIASES: dict[str, list[str]] = {
    "S": ["socialdemokraterna", "socialdemokrat", "sossarna", "social democrats"],
    "M": ["moderaterna", "moderat", "moderates", "moderate party"],
    "V": ["vänsterpartiet", "left party"],
    "MP": ["miljöpartiet", "green party", "greens"],
    "C": ["centerpartiet", "centre party", "center party"],
    "L": ["liberalerna"],
    "FP": ["folkpartiet", "liberal people's party"],
    "KD": ["kristdemokraterna", "christian democrats"],
    "SD": ["sverigedemokraterna", "sweden democrats"],
}
# Folkpartiet liberalerna (FP) became Liberalerna (L) in 2015: papers of one period use one name, people either.
_RENAMED = {"L": "FP", "FP": "L"}
_DISSENT = re.compile(r"\b(reservant\w*|reservation\w*|oppositionen|opposition|dissent\w*|särskil\w+ uttalande\w*|"
                      r"ersättaryttrande\w*)\b", re.IGNORECASE)
_PRESENTER = re.compile(r"\b(borgarrådet|borgarrådets|föredragande\w*|kommunalrådet|commissioner|mayor)\b",
                        re.IGNORECASE)
_INSTITUTION = re.compile(r"\b([a-zåäö]{3,}(?:kontoret|förvaltningen|nämnden|beredningen)s?)\b", re.IGNORECASE)
# the remiss speaks as its sender, named before or after the verb ("KSL vill …", "Vad vill KSL …?"); "KSL:s förslag"
# and "i remissen" are its words only when no one else is asked about them ("Vad tycker M om KSL:s förslag?")
_REMISS = re.compile(r"\b(enligt (?:KSL|remissen|kommunförbundet)|KSL (?:föreslår|vill|anser|tycker|planerar|räknar)|"
                     r"(?:föreslår|vill|anser|tycker|planerar|räknar) KSL|remissen föreslår)\b", re.IGNORECASE)
_REMISS_OBJECT = re.compile(r"\b(KSL:s förslag|i remissen)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Speaker:
    label: str  # as a person would name it, for "nothing in the documents comes from …"
    patterns: tuple[str, ...]  # an actor label containing any of these (lower case) is this speaker
    party: bool = False


def mentioned_speakers(question: str) -> list[Speaker]:
    q = question
    low = q.lower()
    found: list[Speaker] = []
    for code, aliases in _PARTY_ALIASES.items():
        hit = any(re.search(rf"\b{re.escape(a)}\w*", low) for a in aliases)
        hit = hit or bool(re.search(rf"(?<![\w-])\(?{code}\)?(?![\w-])", q) and len(code) >= 1
                          and re.search(rf"(?:^|[\s(]){code}(?:[\s),.?]|$)", q))
        if code in ("S", "V", "C", "M", "L") and not any(re.search(rf"\b{re.escape(a)}", low) for a in aliases):
            hit = bool(re.search(rf"\({code}\)|\b{code}-?partiet\b|\bpartiet {code}\b", q))
        if hit and not any(s.label.endswith(f"({_RENAMED.get(code)})") for s in found):
            patterns = (f"({code})", PARTIES[code].lower())
            if code in _RENAMED:  # either name finds the party's passages, from before or after 2015
                other = _RENAMED[code]
                patterns += (f"({other})", PARTIES[other].lower())
            found.append(Speaker(f"{PARTIES[code]} ({code})", patterns, party=True))
    if _DISSENT.search(q):
        found.append(Speaker("reservanterna", ("reservation", "särskilt uttalande", "ersättaryttrande")))
    if _PRESENTER.search(q):
        found.append(Speaker("föredragande borgarrådet", ("föredragande",)))
    for m in _INSTITUTION.finditer(q):
        name = m.group(1).lower()
        name = name[:-1] if name.endswith(("kontorets", "förvaltningens", "nämndens", "beredningens")) else name
        found.append(Speaker(name, (name,)))
    if _REMISS.search(q) or (_REMISS_OBJECT.search(q) and not found):
        found.append(Speaker("remissen (KSL)", ("remiss",)))
    return found


def is_party_name(word: str) -> bool:
    """"Liberalerna", "Moderaternas", "FP": a party, which the speaker rules check (with its other names), not the
    rules for names a document must contain."""
    low = word.lower()
    return word in _PARTY_ALIASES or any(low.startswith(a) for aliases in _PARTY_ALIASES.values()
                                         for a in aliases if " " not in a)


def speaker_matches(speakers: Iterable[Speaker], actor: str) -> bool:
    low = actor.lower()
    return any(p in low for s in speakers for p in s.patterns)


def unknown_speaker(speakers: list[Speaker], passages: list[Passage]) -> str | None:
    """The label of a named party or office that appears nowhere in the documents, else None."""
    for s in speakers:
        if not (s.party or s.patterns[0].endswith(("kontoret", "förvaltningen", "nämnden"))):
            continue
        if any(speaker_matches([s], p.actor) for p in passages):
            continue
        if any(pat in p.text.lower() for p in passages for pat in s.patterns):
            continue
        return s.label
    return None
