"""Speakers named in a question, matched against the speakers of the passages.

"Vad tycker Moderaterna …" names a party; "… enligt stadsledningskontoret" an office; "reservanterna" or "the
opposition" whoever made a reservation. An answer prefers that speaker's passages, and when the question names a
party or office that never appears in the documents, the answer says so instead of quoting someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.language import detect_language, in_swedish_terms
from qa.passages import Passage
from qa.questions import BODY_WORD, voice_asked
from qa.structure import ANSWERED, AUDITORS, DISSENT_LABEL, ISSUER, PARTIES, REPORTED_BY

_PARTY_ALIASES: dict[str, list[str]] = {
    "S": ["socialdemokraterna", "socialdemokrat", "sossarna", "social democrats"],
    "M": ["moderaterna", "moderat", "moderates", "moderate party"],
    "V": ["vänsterpartiet", "left party"],
    "MP": ["miljöpartiet", "green party", "greens"],
    "C": ["centerpartiet", "centre party", "center party"],
    "L": ["liberalerna", "liberal party"],
    "FP": ["folkpartiet", "liberal people's party"],
    "KD": ["kristdemokraterna", "christian democrats"],
    "SD": ["sverigedemokraterna", "sweden democrats"],
}
_CODES = "(?:" + "|".join(_PARTY_ALIASES) + ")"
_CODE_END = r"(?:[\s),.?/]|:s\b|$)"  # a party code ends there: "(FP)", "M/FP", "FP:s"
_AND = r"(?: och | and | & |/|, )"  # between listed parties: "M och FP", "M/FP"
# Folkpartiet liberalerna (FP) became Liberalerna (L) in 2015: papers of one period use one name, people either.
_RENAMED = {"L": "FP", "FP": "L"}
_DISSENT = re.compile(r"\b(reservant\w*|reservation\w*|reserver\w* sig|reserved|oppositionen|opposition|dissent\w*|"
                      r"särskil\w+ (?:uttalande|yttrande)\w*|ersättaryttrande\w*|protokollsanteckning\w*|"
                      r"(?:special|separate) statement|protocol note)\b", re.IGNORECASE)
_PRESENTER = re.compile(r"\b(borgarrådet|borgarrådets|föredragande\w*|kommunalrådet|commissioner|mayor)\b",
                        re.IGNORECASE)
# an official asked by role ("Vad svarade förvaltningschefen?"): the voice whose label opens with that role
# ("Förvaltningschef Helena Brodin", in a protocol)
_OFFICIAL_ROLE = re.compile(r"\b([a-zåäö]*chef|kommundirektör|stadsdirektör|trafikingenjör|skolskjutssamordnare|"
                            r"samordnare|utredare|rektor|nämndsekreterare|controller)(?:en|n)?\b", re.IGNORECASE)
# the auditors as a voice, not "en oberoende revisor" someone wants: "revisorerna", "revisorernas", "the auditors"
_AUDITORS_ASKED = re.compile(r"\b(?:revisorerna|revisorernas|kommunens revisorer|the auditors|auditors')(?![\w-])",
                             re.IGNORECASE)
_MOVER = re.compile(r"\b(motionär\w*|motionsställar\w*|the motion's authors?|mover)\b", re.IGNORECASE)
_INSTITUTION = re.compile(r"\b([a-zåäö]{3,}(?:kontoret|förvaltningen|nämnden|beredningen)s?|länsstyrelsens?)\b",
                          re.IGNORECASE)
# "kontoret" alone, as users call the one office that speaks in a paper ("Vad tycker kontoret …?"), or its staff:
# a tjänsteutlåtande is the officials' ("Vad tycker tjänstemännen …?", "What do the civil servants think?")
_BARE_OFFICE = re.compile(r"(?<![\w-])(?:kontoret|kontorets|förvaltningen|förvaltningens|the office|the office's|"
                          r"tjänstemännen|tjänstemännens|tjänstemän|tjänstemannen|(?:the )?officials'?|"
                          r"(?:the )?civil servants'?)(?![\w-])", re.IGNORECASE)
# what a voice says, with the verb before or after its name ("KSL vill …", "Vad vill KSL …?", "What is KSL proposing?")
# (Swedish puts the verb first in a question; in English a name after "want" is its object: "want KSL to …")
_SAYS_SV = (r"föreslår|föreslog|vill|ville|anser|ansåg|tycker|tyckte|menar|planerar|räknar|beskriver|beskrev|"
            r"skriver|skrev|säger")
# how a party stands on something, the party after the verb: "Hur ställer sig S till …?", "Hur ser V på …?"
_STANDS = r"ställer sig|ställde sig|ser|såg|står|stod|does|did|would"
_SAYS = _SAYS_SV + r"|propos\w*|wants?|thinks?|suggest\w*|plans?|describes?|writes?|says?"
# a ministry's remiss is its department's words: "Vad föreslår departementet …?", "What does the ministry propose?"
_REMISS = re.compile(rf"\b(enligt (?:remissen|departementet)|(?:remissen|departementet) (?:{_SAYS})|"
                     rf"(?:{_SAYS_SV}) departementet|(?:the )?ministry (?:{_SAYS})|according to the ministry|"
                     r"does the ministry)\b", re.IGNORECASE)
# a state inquiry whose proposals a paper sums up ("Utredningen (SOU 2025:52), i sammandrag"): "enligt utredningen",
# "Vad föreslår utredningen …?", "What does the inquiry propose?"; "utredningens förslag" only when no one else is
# asked about it ("Vad tycker kommunen om utredningens förslag?" asks the kommun)
_INQUIRY = re.compile(rf"\b(?:enligt utredningens?|utredningen (?:{_SAYS})|(?:{_SAYS_SV}) utredningen|"
                      rf"(?:the )?inquiry (?:{_SAYS})|according to the inquiry|does the inquiry)\b", re.IGNORECASE)
_INQUIRY_OBJECT = re.compile(r"\b(?:utredningens?|the inquiry(?:'s)?)\b", re.IGNORECASE)
_ITSELF_ASKED = re.compile(r"\b(?:kommunen|staden|regionen|the municipality|the city)\b", re.IGNORECASE)
# "i remissen" is the remiss's words only when no one else is asked about them ("Vad tycker M om förslaget i remissen?")
_REMISS_OBJECT = re.compile(r"\bi remissen\b", re.IGNORECASE)
# voices named in the speaker labels of the documents: an organisation with its abbreviation ("Kommunförbundet
# Stockholms Län (KSL), remissen i sammanfattning"), people ("… borgarrådet Karin Wanngård", "(Anna König Jerlmyr,
# Joakim Larsson och Lotta Edholm)")
_ORGANISATION = re.compile(r"((?:[A-ZÅÄÖ][\w-]+ )*[A-ZÅÄÖ][\w-]+) \(([A-ZÅÄÖ]{2,6})\)")
_PERSON = re.compile(r"(?<![\w-])[A-ZÅÄÖ][a-zåäöéü]+(?:[ -][A-ZÅÄÖ][a-zåäöéü]+){1,2}(?![\w-]| \(| [A-ZÅÄÖ])")


@dataclass(frozen=True)
class Speaker:
    label: str  # as a person would name it, for "nothing in the documents comes from …"
    patterns: tuple[str, ...]  # an actor label containing any of these (lower case) is this speaker
    party: bool = False
    body: bool = False  # a nämnd, office or beredning: its members' reservation in it is not its voice


BEST_PAPERS = 3  # the papers of this many best passages tell which paper's office a bare "förvaltningen" is


def mentioned_speakers(question: str, actors: Iterable[str] = (), near: Iterable[str] = ()) -> list[Speaker]:
    """The speakers a question names; ``actors`` are speaker labels of the documents (of the passages found), whose
    people and organisations a question may name too; ``near`` those of the documents the best passages come from,
    which tell a bare "förvaltningen" among several papers' offices."""
    q = question
    low = q.lower()
    found: list[Speaker] = []
    for code, aliases in _PARTY_ALIASES.items():
        hit = any(re.search(rf"\b{re.escape(a)}\w*", low) for a in aliases)
        hit = hit or bool(re.search(rf"(?:^|[\s(/]){code}{_CODE_END}", q))
        if code in ("S", "V", "C", "M", "L") and not any(re.search(rf"\b{re.escape(a)}", low) for a in aliases):
            # a lone letter is a party in brackets, as "M-partiet", listed with another party ("M och FP:s") or
            # after what it says or how it stands ("Vad tycker M?", "Hur ställer sig S till …?", "What does S think …?")
            hit = bool(re.search(rf"\({code}\)|\b{code}-?partiet\b|\bpartiet {code}\b", q)
                       or re.search(rf"(?<![\w-]){code}{_AND}{_CODES}{_CODE_END}", q)
                       or re.search(rf"(?:^|[\s(/]){_CODES}{_AND}{code}{_CODE_END}", q)
                       or re.search(rf"\b(?:{_SAYS_SV}|{_STANDS}) {code}(?:[\s),.?]|$)", q))
        if hit and not any(s.label.endswith(f"({_RENAMED.get(code)})") for s in found):
            patterns = (f"({code})", PARTIES[code].lower())
            if code in _RENAMED:  # either name finds the party's passages, from before or after 2015
                other = _RENAMED[code]
                patterns += (f"({other})", PARTIES[other].lower())
            found.append(Speaker(f"{PARTIES[code]} ({code})", patterns, party=True))
    if _DISSENT.search(q):
        found.append(Speaker("reservanterna", ("reservation", "särskilt uttalande", "särskilt yttrande",
                                               "ersättaryttrande", "protokollsanteckning")))
    if _PRESENTER.search(q):
        found.append(Speaker("föredragande borgarrådet", ("föredragande",)))
    if _AUDITORS_ASKED.search(q):  # the elected auditors, who write their own papers (qa.structure.AUDITORS)
        found.append(Speaker("revisorerna", (AUDITORS.lower(),)))
    if _MOVER.search(q):  # the authors of the motion a paper answers: its summary ("Motion av … (V), i …")
        found.append(Speaker("motionären", ("motion av",)))
    # an English question names a committee in English: "the social welfare committee" (socialnämnden)
    named_in = in_swedish_terms(q) if detect_language(q) == "en" else q
    for m in _INSTITUTION.finditer(named_in):
        name = m.group(1).lower()
        name = name[:-1] if name.endswith(("kontorets", "förvaltningens", "nämndens", "beredningens",
                                           "länsstyrelsens")) else name
        if name not in {s.label for s in found}:
            found.append(Speaker(name, (name,), body=True))
    actors = list(actors)
    bare = _BARE_OFFICE.search(q)
    # "kontoret" is an office, "förvaltningen" a förvaltning; "the office" either
    kind = "kontor" if bare and "kontor" in bare.group().lower() else \
        "förvaltning" if bare and "förvaltning" in bare.group().lower() else ""

    def offices_of(labels: Iterable[str]) -> set[str]:
        return {m.group(1).lower() for a in labels if (m := ISSUER.match(a)) and kind in m.group(1).lower()}

    offices = offices_of(actors)
    if len(offices) > 1:  # several papers, each its own office: the one of the papers that answer
        offices = offices & offices_of(near)
    if bare and len(offices) == 1 and not any(s.label in offices for s in found):
        office = offices.pop()
        found.append(Speaker(office, (office,), body=True))
    for m in _OFFICIAL_ROLE.finditer(named_in):
        role = m.group(1).lower()
        if any(a.lower().startswith(role + " ") for a in actors) and role not in {s.label for s in found}:
            found.append(Speaker(role, (role,)))
    for sp in [*_named_voices(q, actors, found), *_named_respondents(q, actors, found)]:
        if sp.label not in {s.label for s in found}:
            found.append(sp)
    if _INQUIRY.search(q) or (_INQUIRY_OBJECT.search(q) and not found and not _ITSELF_ASKED.search(q)):
        found.append(Speaker("utredningen", ("utredningen",)))
    if not any(s.label.startswith("remissen") for s in found) and \
            (_REMISS.search(q) or (_REMISS_OBJECT.search(q) and not found)):
        found.append(Speaker("remissen", ("remiss",)))
    return found


def _named_voices(question: str, actors: Iterable[str], named: list[Speaker]) -> list[Speaker]:
    """Voices of the documents the question names: a person anywhere in it ("Varför är Wanngård orolig …?"), an
    organisation as the one who speaks ("Vad vill KSL …?", "enligt KSL", "KSL:s förslag" when no one else is named;
    not "Vad bör KSL prioritera …?", which asks what others think KSL should do, nor "Tycker kontoret att KSL
    föreslår …?", which asks the office)."""
    out: list[Speaker] = []
    for actor in dict.fromkeys(actors):
        for m in _ORGANISATION.finditer(actor):
            name, abbr = m.group(1), m.group(2)
            if abbr in _PARTY_ALIASES:
                continue
            head = name.split()[0]  # "Kommunförbundet" for "Kommunförbundet Stockholms Län"
            names = [abbr, name] + ([head] if " " in name and head.endswith(("et", "en")) else [])
            who = "(?:" + "|".join(re.escape(n) for n in names) + ")"
            speaks = rf"(?<![\w-]){who} (?:{_SAYS})\b|\b(?:{_SAYS_SV}|enligt|according to) {who}(?![\w-])"
            if named:  # "Tycker kontoret att KSL föreslår …?" asks the office about what KSL proposes
                speaks = rf"(?<!\batt )(?<!\bthat )(?<!\bsom )(?<!\bdet )(?<!\bwhat )(?<![\w-]){who} (?:{_SAYS})\b|" \
                         rf"\b(?:{_SAYS_SV}|enligt|according to) {who}(?![\w-])"
            if re.search(speaks, question, re.IGNORECASE) or \
                    (not named and re.search(rf"(?<![\w-]){who}(?::s|'s) (?:förslag|proposal)", question)):
                remiss = "remiss" in actor.lower()
                out.append(Speaker(f"remissen ({abbr})" if remiss else f"{name} ({abbr})",
                                   (f"({abbr})", name.lower())))
        for m in _PERSON.finditer(actor):
            person = m.group(0)
            if is_party_name(person.split()[0]):
                continue
            surname = person.split()[-1]
            if re.search(rf"(?<![\w-]){re.escape(surname)}(?:s|'s)?(?![\w-])", question):
                out.append(Speaker(person, (person.lower(),)))
    return out


# a remissinstans's answer as a paper gives it: "Farsta stadsdelsnämnd, remissvar i sammanfattning", "Äldrenämnden
# (enligt föredragande borgarrådet …)"
_ANSWERING = re.compile(rf"^(?P<name>[^,]+?)(?:{re.escape(ANSWERED)}|{re.escape(REPORTED_BY)}.*\))$")
# words of such names that name no one in particular
_GENERIC_NAME_WORDS = frozenset(("kommunstyrelsens", "kommunala", "kommunens", "stadens", "stockholm", "stockholms",
                                 "läns", "län", "region", "kommun", "stad", "stadsdelsnämnd", "stadsdelsförvaltning"))


# a word of a name in a question inflected ("pensionärsrådets", "avfallet"), not a compound it opens ("vatten" is no
# name of "vattenförsörjningsplanen") unless that is a name too ("Farstaängen", a home in Farsta)
_INFLECTION = 4


def _named_respondents(question: str, actors: Iterable[str], named: list[Speaker]) -> list[Speaker]:
    """Remissinstanser whose answers the documents give, named in the question by a word of their name that no
    other of them has: "När vill Farsta stadsdelsnämnd …?" (not Bromma's), "Vad föreslår pensionärsrådet …?" for
    "Kommunstyrelsens pensionärsråd (KPR)", "Hyresgästföreningen" for "Hyresgästföreningen Sjövik". Asking about
    one is asking for its answer."""
    names = {m.group("name").strip() for a in actors if (m := _ANSWERING.match(a))}
    names = {n for n in names if not any(_holds(n, p) for s in named for p in s.patterns)}
    keys = {n: {w for w in re.findall(r"[^\W\d_]{4,}", n.lower()) if w not in _GENERIC_NAME_WORDS} for n in names}
    words = re.findall(r"[^\W\d_]+", question)
    out = []
    for n, own in keys.items():
        distinctive = {k for k in own if not any(k in other for m, other in keys.items() if m != n)}
        abbreviations = re.findall(r"\(([A-ZÅÄÖ]{2,6})\)", n)  # "KPR" for "Kommunstyrelsens pensionärsråd (KPR)"
        if any(w.lower().startswith(k) and (len(w) - len(k) <= _INFLECTION or w[:1].isupper())
               for k in distinctive for w in words) or \
                any(re.search(rf"(?<![\w-]){a}(?![\w-])", question) for a in abbreviations):
            out.append(Speaker(n, (n.lower(),), body=True))
    return out


def voices(passages: Iterable[Passage]) -> list[str]:
    """The speaker labels of passages that have one: a passage no marker hands to a voice carries its document's
    title ("Sahlgrenska Life", "Västra Götaland"), a topic rather than someone a question could ask about."""
    return list(dict.fromkeys(p.actor for p in passages if p.actor and p.actor != p.title))


def without_party_names(question: str) -> str:
    """The question without the parties' names of more than one word ("the Left Party", "Sweden Democrats"): their
    words ("party") are a name, not a subject the documents must hold."""
    for aliases in _PARTY_ALIASES.values():
        for alias in aliases:
            if " " in alias:
                question = re.sub(rf"(?i)\b{re.escape(alias)}\b", " ", question)
    return question


def is_party_name(word: str) -> bool:
    """"Liberalerna", "Moderaternas", "FP": a party, which the speaker rules check (with its other names), not the
    rules for names a document must contain."""
    low = word.lower()
    return word in _PARTY_ALIASES or any(low.startswith(a) for aliases in _PARTY_ALIASES.values()
                                         for a in aliases if " " not in a)


def speaker_matches(speakers: Iterable[Speaker], actor: str) -> bool:
    """Whether ``actor`` (a passage's speaker label) is one of ``speakers``. A body's name in a reservation's label
    says where its members dissented: "Vad föreslår borgarrådsberedningen?" is not answered by them."""
    dissent = bool(DISSENT_LABEL.match(actor))
    return any(_holds(actor, p) for s in speakers if not (s.body and dissent) for p in s.patterns)


def _holds(text: str, pattern: str) -> bool:
    """A party code as written ("(V)" in "Motion av … (V)", not "(v)" of "år(v)"); a name in any case."""
    return pattern in text if pattern.startswith("(") else pattern.lower() in text.lower()


# the city or municipality itself speaks through its paper: "Vad tycker staden?" asks for the paper's position
_ITSELF = re.compile(r"stad|staden|stadens|kommun|kommunen|kommunens", re.IGNORECASE)


def silent_body(question: str, actors: Iterable[str]) -> str | None:
    """A body the question asks for its position that is no voice of the documents (``actors``, their speaker
    labels): "Vad tycker Stockholms läns landsting om KSL:s förslag?", "What did Stockholm County Council say in its
    response?" of a case that mentions landstinget but never gives it the word. Its name as the question writes it,
    else None — also for a person, a party (``unknown_speaker``) or a voice under another name ("tjänstemännen")."""
    who = voice_asked(question)
    if not who:
        return None
    # "Stockholm County Council" -> "Stockholm landstinget"
    swedish = in_swedish_terms(who) if detect_language(question) == "en" else who
    bodies = [w for w in re.findall(r"[^\W\d_]+", swedish) if BODY_WORD.match(w) and not _ITSELF.fullmatch(w)]
    actors = list(actors)
    # a voice under another name ("tjänstemännen": the office) speaks; a nämnd the documents only mention does not; a
    # party is checked as a speaker, in the document the answer would come from (``unknown_speaker``)
    named = mentioned_speakers(f"Vad tycker {swedish}?", actors)
    if not bodies or any(sp.party for sp in named) or any(speaker_matches(named, a) for a in actors):
        return None
    # the head of the name, without its definite, plural or genitive ending: "landstinget" is a label's "landsting",
    # "stadsdelsnämnderna" its "stadsdelsnämnd"
    head = re.sub(r"(?:[aeo]rnas?|ets|et|ens|en|s)$", "", bodies[-1].lower())
    return None if any(head in a.lower() for a in actors) else who


def unknown_speaker(speakers: list[Speaker], passages: list[Passage]) -> str | None:
    """The label of a named party or office that appears nowhere in the documents, else None."""
    for s in speakers:
        if not (s.party or s.patterns[0].endswith(("kontoret", "förvaltningen", "nämnden"))):
            continue
        if any(speaker_matches([s], p.actor) for p in passages):
            continue
        if any(_holds(p.text, pat) for p in passages for pat in s.patterns):
            continue
        return s.label
    return None
