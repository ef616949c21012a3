"""Swedish first, English too: tell the question's language, and give English questions the genre's Swedish words.

The documents are Swedish; the dense model is multilingual, but the lexical side needs Swedish words, so an English
question gets a small glossary of the decision-paper genre appended ("city executive office" ->
"stadsledningskontoret"). Example: detect_language("What did the opposition want?") -> "en".
"""

from __future__ import annotations

import re

_SV = frozenset([
    "och", "att", "det", "som", "är", "på", "för", "med", "inte", "har", "vad", "vem", "vilka", "vilken",
    "vilket", "hur", "varför", "när", "ska", "om", "av", "till", "de", "den", "en", "ett", "tycker", "anser",
    "säger", "föreslår", "enligt", "finns", "kan"
])
_EN = frozenset([
    "the", "and", "what", "who", "which", "how", "why", "when", "does", "do", "is", "are", "of", "to", "in", "on",
    "about", "think", "say", "says", "propose", "proposed", "according", "there", "can", "should", "did", "want",
    "wants"
])

GLOSSARY: dict[str, str] = {
    "city executive office": "stadsledningskontoret",
    # the officials' words are their office's tjänsteutlåtande (qa.speakers: the one office that speaks)
    "officials": "tjänsteutlåtande",
    "civil servants": "tjänsteutlåtande",
    "executive office": "stadsledningskontoret",
    "city office": "stadsledningskontoret",
    "city executive board": "kommunstyrelsen",
    "executive board": "kommunstyrelsen",
    "municipal executive board": "kommunstyrelsen",
    "city council": "kommunfullmäktige",
    "municipal council": "kommunfullmäktige",
    "mayor's council": "borgarrådsberedningen",
    "council of mayors": "borgarrådsberedningen",
    "commissioner": "borgarrådet",
    # the borgarråd who presents a case to the board: "föredragande borgarrådet"
    "rapporteur": "föredragande borgarrådet",
    "presenting commissioner": "föredragande borgarrådet",
    "mayor": "borgarrådet",
    "dissent": "reservation",
    "dissenting": "reservation",
    # the other dissents of the genre: a party's statement beside the decision, a note in the minutes
    "special statement": "särskilt yttrande särskilt uttalande",
    "separate statement": "särskilt yttrande särskilt uttalande",
    "protocol note": "protokollsanteckning",
    "minuted note": "protokollsanteckning",
    "objection": "reservation",
    "opposition": "reservation reservanterna",
    "moderates": "moderaterna",
    "liberals": "folkpartiet liberalerna",
    "social democrats": "socialdemokraterna",
    "referral": "remiss",
    "consultation": "remiss",
    "proposal": "förslag",
    # föreslå is a strong verb: no stem joins its forms ("the proposed steering groups": "föreslagna styrgrupper")
    "proposes": "föreslår",
    "propose": "föreslår",
    "proposed": "föreslog föreslår föreslagna",
    "statement": "tjänsteutlåtande yttrande",
    "opinion": "tjänsteutlåtande yttrande synpunkter",
    "report": "rapport rapporten",
    "example": "exempel exempelvis",
    "examples": "exempel exempelvis",
    "memo": "promemoria promemorian",
    "memorandum": "promemoria promemorian",
    "dated": "daterat",
    "signed": "undertecknat underskrift",
    "welfare": "välfärd välfärdsutveckling",
    "regional development": "regional utveckling",
    "housing": "bostäder bostadsförsörjning",
    "public transport": "kollektivtrafik",
    "organisation": "organisation",
    "organization": "organisation",
    "municipalities": "kommuner kommunerna",
    "municipality": "kommun",
    "county": "län länet",
    "citizens": "medborgarna",
    "challenges": "utmaningar",
    "future": "framtid",
    "analysis": "analys",
    "role": "roll",
    "cost": "kostnad kostar",
    "costs": "kostnad kostar",
    # a charge the public pays: "avgift" ("the proposed water protection levy": "avgift på 0,40 kronor")
    **{w: "avgift avgiften avgifter" for w in ("fee", "fees", "levy", "levies")},
    "fund": "fond fonden",
    "earlier": "tidigare",
    "decision": "beslut",
    "deadline": "remisstid",
    "response time": "remisstid",
    "reference number": "dnr diarienummer",
    "case number": "dnr diarienummer",
    "registration number": "dnr diarienummer",
    "date": "datum daterat den",
    "party": "parti",
    "upper secondary": "gymnasieregionen gymnasieutbildning gymnasieskola gymnasieskolan gymnasieskolor",
    # what costs the user nothing: "avgiftsfri lunch", "kostnadsfria skolmåltider"
    **{w: "avgiftsfri avgiftsfria kostnadsfri kostnadsfria" for w in ("free of charge", "free lunch", "free lunches",
                                                                      "free meals", "free school meals")},
    "elderly care": "äldreomsorg",
    "drinking water": "dricksvatten",
    "water supply": "vattenförsörjning",
    "water": "vatten",
    # the subjects of the genre's papers
    "refugees": "flyktingar flyktingmottagande asyl",
    "refugee": "flyktingar flyktingmottagande asyl",
    "asylum": "asyl",
    "newly arrived": "nyanlända",
    "immigrants": "nyanlända invandrare",
    "integration": "integration",
    "school": "skola gymnasieskola",
    "schools": "skolor gymnasieskola",
    "education": "utbildning gymnasieutbildning",
    "students": "studenter",
    "student housing": "studentbostäder",
    "environment": "miljö",
    "energy": "energi",
    "climate": "klimat",
    "growth": "tillväxt",
    "infrastructure": "infrastruktur",
    "labour market": "arbetsmarknad",
    "labor market": "arbetsmarknad",
    "health care": "sjukvård",
    "healthcare": "sjukvård",
    "social services": "socialtjänst",
    "structural funds": "strukturfonder strukturfondsprogram",
    "eu funds": "eu-fonder strukturfonder",
    "parts": "delar delarna",
    # what a paper leaves out: "saknas", "lyfts inte" ("Which parts of the county does the report ignore?")
    **{w: "saknas lyfts" for w in ("ignore", "ignores", "ignored", "overlook", "overlooks", "overlooked", "forget",
                                    "forgets", "forgotten", "leaves out", "left out", "missing", "lacks", "lacking")},
    "rural": "landsbygd",
    "countryside": "landsbygd",
    "archipelago": "skärgård",
    "digitalisation": "digitalisering",
    "digitalization": "digitalisering",
    "member municipalities": "medlemskommunerna",
    "membership fee": "medlemsavgift",
    "board": "styrelsen",
    "steering groups": "styrgrupper",
    "steering group": "styrgrupp",
    "convention": "konvent",
    "meeting place": "mötesplats",
    "consensus": "konsensus",
    "cooperation": "samverkan samarbete",
    "collaboration": "samverkan samarbete",
    "county council": "landstinget",
    "county administrative board": "länsstyrelsen",
    "county board": "länsstyrelsen",
    "criticism": "kritik",
    "doubt": "tveksam tveksamt",
    "doubts": "tveksam tveksamt",
    "doubtful": "tveksam tveksamt",
    "handle": "hantera",
    "election": "val valet",
    "term of office": "mandatperioden",
    "coming term": "kommande nästa mandatperioden",
    "next term": "kommande nästa mandatperioden",
    "highlight": "uppmärksammas särskilt",
    "highlighted": "uppmärksammas särskilt",
    "director": "direktör förbundsdirektör",
    "chair": "ordförande",
    "chairman": "ordförande",
    "chairs": "ordförande",
    "chaired": "ordförande",
    "investigator": "utredare utredaren",
    "special investigator": "särskild särskilda utredare utredaren",
    # a proposal's date of effect: "träder i kraft", "ikraftträdandet"
    **{w: "träda träder kraft ikraftträdande ikraftträdandet" for w in (
        "take effect", "takes effect", "come into force", "comes into force", "enter into force", "enters into force",
        "entry into force")},
    "annual": "årlig årligt årligen",
    "yearly": "årlig årligt årligen",
    "every year": "årlig årligt årligen",
    "each year": "årlig årligt årligen",
    "conference": "konferens konvent",
    "committees": "beredningar nämnder",
    "preparatory committees": "beredningar",
    "networks": "nätverk",
    "secretariat": "sekretariat sekretariatsfunktionen",
    "priority": "prioritera prioriteras",
    "prioritise": "prioritera prioriteras",
    "prioritize": "prioritera prioriteras",
    "resources": "resurser",
    "members": "medlemmar medlemmarna",
    "member": "medlem medlemmar",
    "representation": "representation medlemsrepresentation",
    # reform papers strengthen and could usefully do things: "förstärkt", "kan med fördel"
    **{w: "förstärkt förstärka stärka" for w in ("strengthen", "strengthened", "strengthening", "stronger")},
    "usefully": "med fördel",
    **{w: "ersätta ersättas ersätts" for w in ("replace", "replaced", "replacing", "replaces")},
    "could benefit": "med fördel",
    "decision-making": "beslutsfattande beslutskraft",
    # a voice's stance in the genre's verbs: a proposal is "tillstyrkt", a review "välkomnad", a view shared
    # ("instämmer", "i likhet med"), interests weighed ("avväga") "i varje enskilt fall"
    **{w: "tillstyrker tillstyrka stöder stödjer" for w in (
        "support", "supports", "supported", "endorse", "endorses", "endorsed", "backs", "backed")},  # "back": BACKS
    **{w: "huvudområden huvudområdet" for w in ("main area", "main areas", "focus area", "focus areas")},
    **{w: "fokus fokusera fokuseras" for w in ("focus", "focuses", "focused", "concentrate")},
    **{w: "välkomnar välkomnas" for w in ("welcome", "welcomes", "welcomed")},
    **{w: "instämmer likhet" for w in ("agree with", "agrees with", "agreed with", "share the view",
                                       "shares the view")},
    **{w: "avväga avvägning avvägas" for w in ("weigh", "weighed", "weighing", "weigh up", "balance", "balanced",
                                              "balancing")},
    **{w: "varje enskilt fall" for w in ("each case", "case by case", "each individual case", "every case")},
    "negotiate": "förhandla förhandlingar",
    "negotiations": "förhandlingar",
    "the state": "staten",
    # a protocol's words: members move ("yrkar"), matters are sent back ("återremitteras"), motions rejected
    "moved": "yrkar yrkande",
    "motion to": "yrkar yrkande",
    "send back": "återremitteras återremiss",
    "sent back": "återremitteras återremiss",
    "sending back": "återremitteras återremiss",
    "refer back": "återremitteras återremiss",
    "referred back": "återremitteras återremiss",
    "reject": "avslås avslag",
    "rejected": "avslås avslag",
    "approve": "bifall bifalls godkänner",
    "approved": "bifall bifalls godkänner",
    "minutes": "protokoll",
    # a municipality's committees and the state's inquiries, as an English question names them; an interpellation
    # is answered in a debate of turns ("anförande") and a matter decided by a vote ("omröstning")
    **{w: "socialnämnden" for w in ("social welfare committee", "social services committee",
                                    "social welfare board", "social services board")},
    **{w: "utbildningsnämnden" for w in ("education committee", "education board", "school board")},
    **{w: "kultur- och fritidsnämnden" for w in ("culture and leisure committee", "culture and leisure board",
                                                 "leisure committee")},
    **{w: "byggnadsnämnden stadsbyggnadsnämnden" for w in ("planning committee", "building committee",
                                                           "planning board", "building board")},
    **{w: "utredningen betänkandet" for w in ("inquiry", "inquiry's", "government inquiry",
                                              "commission of inquiry")},
    "ministry": "departementet",
    "interpellation": "interpellation interpellationen",
    **{w: "anförande anför debatt" for w in ("debate", "in the debate", "speech")},
    **{w: "omröstning röstade röster" for w in ("vote", "voted", "votes", "voting")},
    **{w: "avstår" for w in ("abstain", "abstained", "abstaining")},
    "preschool": "förskola förskolan",
    "preschools": "förskolor förskola",
    # a nämnd's protocol: who withdrew, who checks the minutes, what was decided under delegation
    **{w: "jäv" for w in ("conflict of interest", "conflicts of interest", "disqualified", "disqualification",
                          "recused", "recuse", "recusal", "bias")},
    **{w: "medborgarförslag medborgarförslaget" for w in ("citizen proposal", "citizen's proposal",
                                                           "citizens' proposal", "citizen initiative")},
    **{w: "justerare justera" for w in ("adjuster", "adjusters", "verify the minutes", "checked the minutes",
                                          "check the minutes")},
    **{w: "delegationsbeslut" for w in ("delegated decisions", "delegation decisions", "delegated decision")},
    **{w: "skolskjuts" for w in ("school transport", "school bus", "school buses", "school transportation")},
    **{w: "ajournering ajourneras" for w in ("adjourned", "adjournment", "recess")},
    "head of administration": "förvaltningschef förvaltningschefen",
    # an audit: the elected auditors' report, their recommendations and the answer to them
    **{w: "revisorerna revisorernas" for w in ("auditors", "the auditors", "auditors'", "municipal auditors")},
    "auditor": "revisor",
    **{w: "granskning granskningen" for w in ("audit", "the audit")},
    "audit report": "granskningsrapport granskningen",
    **{w: "rekommendationer rekommenderar" for w in ("recommendations", "recommendation", "recommend",
                                                      "recommended", "recommends")},
    "internal control": "intern kontroll internkontroll",
    **{w: "hemtjänst hemtjänsten" for w in ("home care", "home help", "home-help services")},
    **{w: "fakturerad fakturor fakturering" for w in ("invoiced", "invoices", "invoicing", "billed", "billing")},
    **{w: "protokollsanteckning anteckning" for w in ("note in the minutes", "minuted note", "noted in the minutes")},
}
# Words of the genre whose documents use another form: the people who made a reservation are "reservanterna"
# in questions but the text says "Reservation anfördes av …".
SWEDISH_SYNONYMS: dict[str, str] = {
    "reservanterna": "reservation",
    "reservanten": "reservation",
    "reservanter": "reservation",
    "oppositionen": "reservation",
    "borgarrådet": "föredragande borgarrådet",
    "tjänstemännen": "tjänsteutlåtande",  # the officials' words: the office's tjänsteutlåtande (qa.speakers)
    # the head of a decision paper abbreviates: "Dnr 002-879/2014", "Remisstid den 31 oktober 2014"
    "diarienummer": "dnr",
    "diarienumret": "dnr",
    "ärendenummer": "dnr",
    "svarstid": "remisstid",
    "svarstiden": "remisstid",
    # a paper is signed by its place, date and name ("Stockholm den 23 oktober 2014 KARIN WANNGÅRD"), never a verb;
    # the passage holding them is the section "Underskrift" (qa.structure), which retrieval sees
    **{f"underteckna{e}": "underskrift den" for e in ("", "d", "de", "t", "des", "ts", "s", "r", "ren")},
    **{f"signera{e}": "underskrift den" for e in ("", "d", "de", "t", "des", "ts", "s", "r")},
    # and "skriva under" is "underteckna": "Vem skrev under utlåtandet?"
    **{f"{verb} under": "underskrift den" for verb in ("skriva", "skriver", "skrev", "skrivit", "skrivs", "skrevs")},
    "underskriften": "underskrift den",
    # what comes first is "prioriteras" in the genre: "Vilken uppgift bör KSL ge förtur?"
    "förtur": "prioriteras prioritera",
    # the authors of a motion are "Motion av … (V)" in a paper on it: "Vad vill motionären?"
    "motionären": "motion",
    "motionärerna": "motion",
    "motionsställaren": "motion",
    "motionsställarna": "motion",
    # a matter sent back is "återremitteras" in a protocol: "Vem ville ha en återremiss?"
    "återremiss": "återremitteras",
    "återremittera": "återremitteras",
    "återremitterades": "återremitteras",
    # what a paper leaves out is "saknas" or "lyfts inte" in it: "Vilka delar av länet glömmer rapporten bort?"
    **{w: "saknas lyfts" for w in ("glömmer", "glömt", "glömde", "förbiser", "förbisett", "ignorerar", "ignorerat",
                                    "bortser")},
    # those who answered a remiss are whom the matter "har remitterats till": "Vilka remissinstanser har yttrat sig?"
    **{w: "remitterats" for w in ("remissinstanser", "remissinstanserna", "remissinstansen",
                                             "remissinstans")},
    # and those given the chance to answer: "Vilka nämnder fick yttra sig över planen?"
    **{f"{verb} yttra sig": "remitterats" for verb in ("fick", "får", "fått", "ombads", "ombeds", "ombetts")},
    # the verb of a reservation: "Vilka reserverade sig?"
    "reserverade": "reservation",
    "reserverat": "reservation",
    "reserverar": "reservation",
    "reservera": "reservation",
}
# a synonym's genitive too: "reservanternas"
_SYNONYM_RE = re.compile(r"\b(" + "|".join(SWEDISH_SYNONYMS) + r")s?\b", re.IGNORECASE)
_GLOSSARY_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(GLOSSARY, key=len, reverse=True)) + r")\b",
                          re.IGNORECASE)


_REMISS = re.compile(r"\bremiss", re.IGNORECASE)
# by when to answer ("Hur länge har kommunerna på sig att svara?"), not who answered ("Svarade trafiknämnden …?")
_DEADLINE = re.compile(r"\b(senast|sista|deadline|due|svara|svarar|svaras|answer\w* by)\b", re.IGNORECASE)


# words for the paper itself, which a user may call by another genre name than its own ("Vem skrev under
# utlåtandet?" of a promemoria): they name what is asked about, not a subject the documents might lack
PAPER_WORDS = frozenset(f"{stem}{end}" for stem in ("utlåtande", "dokument", "handling", "promemoria")
                        for end in ("", "t", "ts", "n", "ns", "na", "arna", "en"))


def has_synonym(word: str) -> bool:
    """Whether the documents write ``word`` (or its genitive) otherwise: "reservanternas" -> "reservation"; or the
    word names the paper itself ("utlåtandet", ``PAPER_WORDS``)."""
    return bool(_SYNONYM_RE.fullmatch(word)) or word.lower() in PAPER_WORDS


_PLACE_NOUN = re.compile(r"\s+(?:municipality|municipal|county|region|kommun|kommuns|län)\b", re.IGNORECASE)


def is_swedish_name(name: str, question: str) -> bool:
    """Whether a capitalised word of an English question is a Swedish name, which the documents would hold if they
    spoke of it: Swedish letters ("Södertälje") or a place noun after it ("Nacka municipality"); not "Left" of
    "Left Party" or "City" of "City Council"."""
    if re.search(r"[åäöÅÄÖ]", name):
        return True
    return any(_PLACE_NOUN.match(question, m.end()) for m in re.finditer(rf"\b{re.escape(name)}\b", question))


# a term quoted or in brackets, as English writers cite the documents' Swedish words
_QUOTED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|[\"”“][^\"”“]*[\"”“]|(?<!\w)'[^']*'(?!\w)|‘[^’]*’")


def detect_language(text: str) -> str:
    """"sv" or "en"; Swedish unless the words are clearly English. å, ä, ö in a lower-case word count for Swedish;
    in a name they do not ("Does Wanngård agree with the office?" is English), nor in a Swedish term quoted or
    put in brackets ("Who is the rapporteur (föredragande borgarråd)?" is English)."""
    own = _QUOTED.sub(" ", text)
    own = own if own.strip() else text
    words = re.findall(r"[a-zåäö']+", own.lower())
    en = sum(w in _EN for w in words)
    # a lower-case word with å, ä or ö weighs like two Swedish words: an English question may name a Swedish body
    # ("What does borgarrådsberedningen propose …?"), but a Swedish one holds few English words
    swedish_letters = sum(1 for w in re.findall(r"(?<![\w])[a-zåäö]*[åäö][\wåäö]*", own) if w not in _SV)
    sv = sum(w in _SV for w in words) + 2 * swedish_letters
    return "en" if en > sv else "sv"


# "back" supports where it is a verb ("Did the council back Wanngård's proposal?", "Which parties back it?"), not
# where an adverb or a preposition follows it ("What did the office write back in August?", "go back to")
BACKS = re.compile(r"\bback\b(?! (?:in|to|then|when|from|at|on|up|down|out|off|and|or|home|again|into)\b)(?!\s*[?.,;])",
                   re.IGNORECASE)


def glossary_words(question: str) -> list[tuple[str, str]]:
    """The genre terms of an English question with the Swedish words the documents would use for them:
    "Does KSL say anything about refugees?" -> [("refugees", "flyktingar flyktingmottagande asyl")]."""
    if detect_language(question) != "en":
        return []
    found = [(m.group(1).lower(), GLOSSARY[m.group(1).lower()]) for m in _GLOSSARY_RE.finditer(question)]
    return found + ([("back", GLOSSARY["backs"])] if BACKS.search(question) else [])


def in_swedish_terms(text: str) -> str:
    """English text with its genre terms in the documents' Swedish words: "Stockholm County Council" ->
    "Stockholm landstinget" (for a phrase of an English question; ``glossary_words`` tells the language)."""
    return _GLOSSARY_RE.sub(lambda m: GLOSSARY[m.group(1).lower()], text)


def expand_query(question: str) -> str:
    """The question, plus the document's words for the genre terms in it (Swedish synonyms; for an English
    question, the Swedish terms of the glossary)."""
    extra = [SWEDISH_SYNONYMS[m.group(1).lower()] for m in _SYNONYM_RE.finditer(question)]
    if _REMISS.search(question) and _DEADLINE.search(question):  # "senast svara på remissen": "Remisstid den …"
        extra.append("remisstid")
    extra += [swedish for _, swedish in glossary_words(question)]
    return question + (" " + " ".join(extra) if extra else "")
