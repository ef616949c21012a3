"""What a question asks for, and which sentences hold it: a date, a party, a count or a sum, the diarienummer, a
reason, an example, an objection or support. The answer step (``qa.answer``) scores candidate sentences with
``answer_type``, puts ``lead_fact`` first, adds the neighbouring sentence ``context_sentence`` names, and abstains
when ``lacks_quantity``. Rules for the genre and for the way people ask, in Swedish first and English too.

Example: answer_type("När undertecknades förslaget?", ["Stockholm den 23 oktober 2014", "Vi föreslår …"]) -> [1, 0].
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from qa.language import BACKS, GLOSSARY, in_swedish_terms
from qa.structure import PARTIES

_MONTH_NAMES = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_MONTHS = rf"(?:{_MONTH_NAMES})"
_DATE = re.compile(rf"\b\d{{1,2}} {_MONTHS} \d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
# "när" and "when" ask for a time as the question's first word ("När …?", "Var och när …?") or with a verb after them
# ("…, alltså när är det daterat?", "… and when was it signed?"); otherwise they join a clause ("Vem reserverade
# sig när nämnden svarade?", "… när det gäller upphandlingen?") and ask for no date
_ASKS_DATE = re.compile(r"^\s*(?:\w+ (?:och|and) |by |until |since |sedan |till |fram till |senast )?(?:när|when)\b|"
                        r"\bnär (?:är|var|ska|skall|skulle|kommer|kom|blir|blev|har|hade|kan|fick|\w+(?:des|tes|"
                        r"ogs|ags))\b|\bwhen (?:is|was|were|are|did|does|do|will|would|should|can|could|has|had)\b|"
                        r"\b(vilket datum|vilken dag|datum|daterad\w*|dated|svarstid\w*|remisstid\w*|what date|"
                        r"which date|deadline)\b", re.IGNORECASE)
# who signed a paper, or when: its signature line ("Stockholm den 23 oktober 2014"), not another dated sentence
_ASKS_SIGNED = re.compile(r"\b(underteckn\w*|signer\w*|skr[ie]v\w* under|underskrift\w*|"
                          r"sign(?:ed|s|ing|ature\w*)?)\b", re.IGNORECASE)
# a place and a date ("Stockholm den 23 oktober 2014"), not a deadline ("Remisstid den 31 oktober 2014")
_SIGNATURE_LINE = re.compile(rf"\b[A-ZÅÄÖ][a-zåäö]+(?<!tid)(?<!datum) den \d{{1,2}} {_MONTHS} \d{{4}}\b|"
                             # or a name over its title: "Peter Lindahl / Kommundirektör"
                             r"^[A-ZÅÄÖ][a-zåäöé-]+(?: [A-ZÅÄÖ][a-zåäöé-]+){1,2}\s*\n\s*(?:[A-ZÅÄÖ][\wåäö-]*s )?"
                             r"[\wåäö-]*(?i:direktör|chef|ordförande|sekreterare|handläggare|strateg)\b", re.MULTILINE)
_ASKS_WHO_OR_WHEN = re.compile(r"\s*(vem|vilka|vilken|vilket|när|who|which|when)\b", re.IGNORECASE)
_ASKS_ROLE = re.compile(r"\b(roll|rollen|role|capacity)\b", re.IGNORECASE)
_ASKS_DNR = re.compile(r"\b(diarienumme?r\w*|dnr|ärendenumme?r\w*|reference number|case number|registration number)\b",
                       re.IGNORECASE)
_DNR = re.compile(r"\bDnr:?\s*([\w./-]*\d[\w./-]*)", re.IGNORECASE)
_ASKS_PARTY = re.compile(r"\b(vilket parti|vilka partier|partitillhörighet|which party|what party|parties)\b",
                         re.IGNORECASE)
_ASKS_COUNT = re.compile(r"\b(hur många|hur mycket|antal|how many|how much)\b", re.IGNORECASE)
# the answer is a sum of money, or a count, whatever else the sentence says: "vad kostar", "hur många kommuner";
# a sum is also asked for by what it is, not by "hur mycket": "Vilken budget …?", "What fee …?"
_ASKS_MONEY = re.compile(
    r"\b((?:vilken|vilket|vilka|what|which) (?:\w+ )?(?:budget|avgift|medlemsavgift|kostnad|belopp|summa|pris|fee|"
    r"cost|price|sum)\b|vad kostar|vad kostade|vad (?:kommer|ska|skulle|beräknas) .* kosta|"
    r"what (?:does|did|will|would) (?:[\w'’-]+ ){1,6}cost\b|"
    r"(?:hur mycket|hur stora?|hur stort|hur höga?|vilket belopp|how much|"
    r"how large|how big|how high)\b.*\b(?:kost|betal|pengar|kronor|avgift|budget|belopp|summa|bidrag|cost|pay|"
    r"money|fee|budget)\w*)", re.IGNORECASE)
# how someone voted: answered by a vote list's row ("Mattias Rehn | SD | Nej") or a sentence giving the votes
_ASKS_VOTE = re.compile(r"\b(?:hur röstade|röstade \w+ (?:ja|nej)|how did .+ vote|did .+ vote|"
                        r"voted?\b.*\b(?:for|against))\b", re.IGNORECASE)
_VOTED = re.compile(r"\b(?:ja|nej|avstår|avstod|röstade|ja-röster|nej-röster|röster)\b", re.IGNORECASE)
# the result of a vote: its counts ("Med 6 ja-röster mot 4 nej-röster …")
_ASKS_VOTE_RESULT = re.compile(r"\b(?:(?:resultat\w*|utfall\w*) (?:av|i|från) (?:omröstning|votering)\w*|"
                               r"(?:omröstnings|voterings)resultat\w*|hur (?:slutade|gick) (?:omröstningen|voteringen)|"
                               r"result of the vote|how did the vote (?:go|end))", re.IGNORECASE)
_VOTE_COUNT = re.compile(r"\b\d+ (?:ja|nej)(?:-röster)?\b|\b(?:ja|nej)-röster\b|\b\d+ röster\b", re.IGNORECASE)
_ASKS_HOW_MANY = re.compile(r"\b(hur många|how many)\b", re.IGNORECASE)
# a share of something ("Hur stor andel …?", "What share of the budget …?") is answered by a percentage or a fraction;
# "What part does KSL play?" asks for no share
_ASKS_SHARE = re.compile(r"\b(?:hur stor (?:del|andel)|vilken andel|hur många procent|what (?:share|percentage|"
                         r"proportion)|how (?:large|big) a (?:share|proportion)|how many per ?cent)\b", re.IGNORECASE)
_SHARE = re.compile(r"\d\s*(?:procent|%|per ?cent)|\b(?:hälften|halva|tredjedel\w*|fjärdedel\w*|femtedel\w*|"
                    r"tiondel\w*|majoriteten)\b", re.IGNORECASE)
# "När …?" / "Var och när …?" / "When …?" / "vilket datum" asks for a point in time; "när det gäller …" does not
_ASKS_TIME = re.compile(r"^\s*(?:\w+ (?:och|and) )?(?:när|when)\b|"
                        r"\b(?:vilket datum|vilken dag|what date|which date|what day)\b", re.IGNORECASE)
# when a thing was adopted: "När antogs planen?", "… adopt the final plan?"; its date stands beside the act
# ("Kommunfullmäktige antog planen den …"), not beside the remiss of a proposal
_ADOPTION = r"antag(?:en|et|na|it|its|ande\w*)?|antas|fastställ\w*"
_ASKS_ADOPTED = re.compile(rf"\b(?:{_ADOPTION}|antog\w*|adopt\w*)\b", re.IGNORECASE)
_SAYS_ADOPTED = re.compile(rf"\b(?:{_ADOPTION}|antogs?|anta|godkän\w*)\b", re.IGNORECASE)
# a year asked for: "Vilket årtal ville S …?", "By what year …?"; answered by a year ("till år 2030")
_ASKS_YEAR = re.compile(r"\b(?:vilket år(?:tal)?|vilka år|(?:what|which) year)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d:/.–-])\b(?:19|20)\d\d\b(?![:/–-]\d)")
_TIME = re.compile(rf"\b(?:{_MONTH_NAMES}|(?:19|20)\d\d|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|vår\w*|"
                   r"höst\w*|sommar\w*|vinter\w*|mandatperiod\w*|årsskift\w*|kvartal\w*|halvår\w*|idag|i dag|"
                   r"vecka\w*|månad\w*|omedelbart|genast)\b", re.IGNORECASE)
# "Vem är förbundsdirektör?" asks for a person in a role: a sentence naming the role without a name does not answer
# ("Who chairs …?" too); the holder is named where the role is, and a vice chair is not the chair asked for
_ASKS_PERSON = re.compile(
    r"^\s*(?:(?:vem|who)\s+(?:är|var|blir|blev|is|was|will be)\s+(?:the\s+)?(?:\S+s\s+)?(?P<vice>vice[\s-]+)?"
    r"(?:särskild[ae]?\s+|special\s+)?"
    r"(?P<role>\w*(?:direktör\w*|ordförande\w*|chef\w*|råd|rådet|ledamot\w*|sekreterare\w*|handläggare\w*|"
    r"utredare\w*|director|chair\w*|head|mayor|commissioner|secretary|investigator))|"
    r"who\s+(?:chairs?|chaired))\b", re.IGNORECASE)
_VICE = re.compile(r"\bvice[\s-]+$", re.IGNORECASE)
# a capitalised pair that is a body or a place, not a person: "Kommunförbundet Stockholms Län"
BODY_WORD = re.compile(r"\w*(?:förbund|kontor|nämnd|län|stad|kommun|region|landsting|styrelse|beredning|departement|"
                       r"myndighet|verk|institut|universitet|fullmäktige|parti|kansli|råd)\w*$", re.IGNORECASE)
_PERSON = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?\s+(?:[A-ZÅÄÖ][a-zåäöéü]+\s+)?"
                     r"[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?\b|\b[A-ZÅÄÖ]{2,}\s+[A-ZÅÄÖ]{3,}\b")
# "850 miljoner kronor", "2,4 miljoner för ordningsvakter"; not "1,4 miljoner invånare", a count
_MONEY = re.compile(r"\d[\d  ]*(?:[.,]\d+)?\s*(?:kr\b|kronor|mnkr|mkr|tkr|euro|procent|%|(?:miljon|miljard)\w*"
                    r"(?=\s*(?:[.,;:)]|$|\s(?:kronor|kr|euro|för|till|i|per|och|under|av|på|om|från|mer|mindre|"
                    r"årligen|år|varav|respektive|extra)\b)))|\b\w*kronor\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\b\d[\d  ]*(?:[.,]\d+)?\b|\b(?:två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo\w*|"
                     r"trettio\w*|hundra\w*|tusen\w*|miljon\w*|miljard\w*|hälften|dubbelt)\b", re.IGNORECASE)
# a count may be a judgement, not a figure: "dessa frågor bör vara i begränsat antal" — of what is counted only
# ("ett fåtal … frågor" tells nothing of how many employees)
_VAGUE_COUNT = re.compile(r"\b(?:(?:begränsat|stort|större|mindre|litet|ringa) antal|fåtal|flertal|handfull)\b",
                          re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# not an amount: years, periods, dates, document numbers ("2014", "2015-2018", "PM 2014:134", "4.5")
_NOT_AMOUNT = re.compile(r"\d+(?:[:./–-]\d+)+|\b(?:19|20)\d\d\b")


# Argument runs across sentences: the reason for a claim often stands in the sentence before ("… känns därför inte
# nödvändigt") or after it ("Givet KSL:s karaktär …"), and the example after the claim it illustrates.
_ASKS_WHY = re.compile(r"\b(varför|av vilken anledning|av vilka skäl|hur kommer det sig|motiver\w*|why|"
                       r"for what reason|(?:vilket|vilka) skäl|vilken anledning|(?:skälet|skälen|anledningen|"
                       r"orsaken|bakgrunden|motivet) (?:till|för|bakom)|what (?:is the )?reasons?|which reasons?|"
                       r"the reasons? (?:for|behind|given)|reasons? (?:is|are) given|rationale|justification)\b",
                       re.IGNORECASE)
_ASKS_YES_NO = re.compile(r"\s*(är|ska|skall|kan|bör|behöver|finns|har|vill|blir|får|måste|stödjer|tycker|anser|"
                          r"is|are|does|do|did|should|will|can|has|have|was|were)\b", re.IGNORECASE)
# what follows from something ("Vad kan hända om det saknas beslutskraft?"): answered by the claim and the sentence
# that goes on from it ("… saknas beslutskraft. Det riskerar att hämma tillväxten."), as a reason is
_ASKS_CONSEQUENCE = re.compile(r"\b(vad (?:kan|skulle|kommer att) (?:hända|ske|bli följden)|vad händer|vad sker|"
                               r"följd\w*|konsekvens\w*|effekte[rn]\w*|leda till|leder till|riskera\w*|"
                               r"what (?:can|could|would|will) happen|what happens|consequences?|lead to|result in|"
                               r"(?:vad är|vilken är) (?:faran|risken)|(?:the|what) (?:danger|risk)s?)\b",
                               re.IGNORECASE)
_ASKS_EXAMPLE = re.compile(r"\b(exempel\w*|example\w*|for instance)\b", re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(därför|således|alltså|därmed|av den anledningen|av det skälet)\b", re.IGNORECASE)
# a sentence opening with what the one before said ("Det riskerar att …", "Detta innebär …") is read with it
_OPENS_WITH_ANAPHOR = re.compile(r"^\s*(?:detta|denna|dessa|det (?:riskerar|innebär|leder|medför|gör|skulle|kan "
                                 r"(?:leda|innebära|medföra)))\b", re.IGNORECASE)
# a sentence spelling out what the one before names ("… rymmer frågor, där kommungränsen är av mindre betydelse.
# Det handlar om frågor om bostadsförsörjning, infrastruktur …") is read with it, whatever is asked
_ELABORATES = re.compile(r"^\s*(?:det (?:handlar|rör sig) om|det (?:gäller|avser|rör)|hit hör|här ingår|"
                         r"i (?:detta|det) ingår|dessa är|det är fråga om)\b", re.IGNORECASE)
_GIVES_REASON = re.compile(r"^(givet|eftersom|skälet|anledningen|orsaken|bakgrunden|detta beror|det beror|med tanke på|"
                           r"på grund av|mot bakgrund av)\b|\b(eftersom|på grund av|beror på|med tanke på|givet)\b",
                           re.IGNORECASE)
# who dissented ("Vem reserverade sig …?", "Vilka partier reserverade sig?", "Who dissented?"): the line recording
# the dissent names them ("Reservation anfördes av …", "… (M) reserverar sig mot beslutet")
_ASKS_DISSENTERS = re.compile(r"^\s*(?:vem|vilka|vilket parti|vilka partier|who|which part(?:y|ies))\b.*\b"
                              r"(?:reserver\w*|reservation\w*|dissent\w*|särskilt yttrande|särskilt uttalande)",
                              re.IGNORECASE)
_RECORDS_DISSENT = re.compile(r"\b(?:reservation|särskilt uttalande|ersättaryttrande|protokollsanteckning) "
                              r"(?:anfördes|gjordes|lämnades|antecknades|avgavs) av\b|\breserver(?:ar|ade) sig\b",
                              re.IGNORECASE)
# Users ask for positions: an objection is worded with reservations and negations, support with approval.
_ASKS_CRITICISM = re.compile(r"\b(invänd\w*|kritik\w*|kritisk\w*|risk\w*|orolig\w*|oro|farhåg\w*|problem\w*|klag\w*|"
                             r"negativ\w*|nackdel\w*|tveksam\w*|skeptisk\w*|emot|object\w*|critic\w*|concern\w*|"
                             r"worr\w*|doubt\w*|against|disagree\w*|complain\w*)\b", re.IGNORECASE)
_CRITICAL = re.compile(r"\b(men|dock|tyvärr|tveksam\w*|farhåg\w*|risk\w*|oro|saknas|brist\w*|alltför|svårt|problem\w*|"
                       r"otydlig\w*|oklar\w*|inte|ej|anmärkningsvärt|ifrågasätt\w*|kritisk\w*)\b", re.IGNORECASE)
_ASKS_SUPPORT = re.compile(r"\b(positiv\w*|välkomna\w*|instämm\w*|gillar|stödjer|stöder|tillstyrk\w*|agree\w*|"
                           r"support\w*|endorse\w*|backs|backed|welcome\w*|positive|favou?r\w*)\b", re.IGNORECASE)
_SUPPORTIVE = re.compile(r"\b(välkomna\w*|positiv\w*|bra|viktig\w*|instämm\w*|stöd\w*|tillstyrk\w*|utmärkt\w*|"
                         r"naturligt|rimlig\w*)\b", re.IGNORECASE)
# a sentence giving the reason for the one before ("Bakgrunden är att allt fler KSL-projekt …") says nothing alone
_REASON_OF_PREVIOUS = re.compile(r"^\s*(?:bakgrunden|skälet|skälen|anledningen|orsaken|motivet)(?: till detta)? "
                                 r"(?:är|var)\b", re.IGNORECASE)
# a voice's stance ("Stadsledningskontoret välkomnar att KSL ser över …") is justified by the next sentence when that
# one says what matters or what for ("Det är viktigt att … för att ge mesta möjliga mervärde …"): why it holds the view
_JUSTIFIES = re.compile(r"^\s*det är (?:viktigt|nödvändigt|angeläget|avgörande|centralt|väsentligt|"
                        r"önskvärt|rimligt|naturligt)\b", re.IGNORECASE)
# a sentence relaying what the paper under review says ("Rapporten lägger stor vikt på att …", "Länsstyrelsen föreslår
# en länsgemensam vattenskyddsfond …") is read with the next one when that one judges it ("Givet KSL:s karaktär … är
# det svårt att se ett sådant behov."): the voice's own view
_RELAYS = re.compile(r"^\s*(?:i )?(?:rapporten|remissen|utredningen|förslaget|promemorian|betänkandet|"
                     r"remisställaren|länsstyrelsen|regeringen|departementet)\b", re.IGNORECASE)
# what follows is the content: "… beslutar följande.", "… med följande uppdrag:", "Vi föreslår följande" (and the
# att-satser)
_ANNOUNCES = re.compile(r"\b(följande|nedanstående)(?:\s+\w+)?\s*[.:]?\s*$|:\s*$|"
                        # a decision's lead-in line, its points below: "Kommunstyrelsen beslutar" / "1. att anta …"
                        r"\b(?:beslutar|beslutade|beslöt|föreslås besluta)$", re.IGNORECASE)
_LISTED = re.compile(r"\s*(?:\d{1,2}[.)]|[-–•])\s")  # a numbered or dashed point: "1. …", "- att …"
LISTED_POINTS = 6  # at most this many points of a list are quoted with the sentence announcing them
# a negated stance and what the voice wants instead: "Vi anser dock inte att satsningen ska finansieras genom höjd
# skatt. Medlen bör i stället tas från …"
_NEGATED = re.compile(r"\b(?:inte|ej|icke|aldrig)\b", re.IGNORECASE)
_INSTEAD = re.compile(r"\b(?:i stället|istället)\b", re.IGNORECASE)
# what a voice misses (in its own words, not a finding: "Motionen saknar finansiering."), and the next sentence saying
# what it wants done: "Vi saknar ett avsnitt om skydd mot sabotage … Säkerhetsskyddet bör ges en egen åtgärd."
_MISSES = re.compile(r"^\s*(?:vi|jag)\s+(?:\w+\s+)?(?:saknar|saknade)\b", re.IGNORECASE)
_REMEDY = re.compile(r"\b(?:bör|måste|behöver)\b", re.IGNORECASE)
# a voice's own judgement, opening its sentence: "Stadsledningskontoret bedömer att …", "Vi anser därför att …"
_JUDGEMENT = re.compile(r"^\s*(?:[\w-]+\s+){1,3}?(?:anser|bedömer|menar|konstaterar|föreslår)\s+(?:\w+\s+)?att\b",
                        re.IGNORECASE)
_ASKS_VIEW = re.compile(r"\b(?:anser|ansåg|tycker|tyckte|menar|bedömer|bedömde|inställning|ståndpunkt|syn på|"
                        r"think|thinks|view|position|stance|opinion)\b", re.IGNORECASE)
_GIVES_EXAMPLE = re.compile(r"\b(exempel\w*|t\.\s?ex\.|bland annat|såsom)\b", re.IGNORECASE)
_COMPARISON = re.compile(r"\b(skiljer|skillnad|jämför|jämfört|olika|(?:överens|eniga) om|"
                         r"samma (?:uppfattning|syn|linje)|compare|differ|difference|versus|vs|agree (?:on|about)|"
                         r"disagree|and\b[^?]{1,80}\bagree\b(?! with))\b",
                         re.IGNORECASE)


def _amount(text: str, noun: str | None = None) -> tuple[int, int] | None:
    """Where the first number that can be an amount or a count stands: "26", "två", "8 190" — not a year, a period,
    a date or a document number. With ``noun`` (the word after "hur många"), only a number that counts it: for
    "kommuner", "alla 26 kommuner" and not "två begrepp"."""
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group())

    masked = _NOT_AMOUNT.sub(blank, _DATE.sub(blank, text))
    stem = _stem(noun) if noun else None
    for m in _AMOUNT.finditer(masked):
        after = text[m.end():m.end() + 60].lower().split()
        # "52 av de 78 eleverna": the first number counts them
        window = after[:5] if after[:1] == ["av"] else after[:3]
        if stem is None or any(w.startswith(stem) for w in window):
            return m.start(), m.start() + len(m.group().rstrip())
    return None


def _stem(noun: str) -> str:
    """What every form of a counted noun begins with: "kommuner" -> "kommu", "frågor" -> "fråg"."""
    return noun.lower()[:max(4, len(noun) - 3)]


def _counted(question: str) -> str | None:
    """The noun a "hur många" question counts: "Hur många kommuner …" -> "kommuner"; in English its Swedish word
    from the glossary ("How many municipalities …" -> "kommuner"), else the English noun, which no Swedish number
    counts ("How many employees …": the "två" of another sentence is no answer)."""
    m = re.search(r"\bhur många (?:andra |olika |fler )?([a-zåäöé]{3,})", question, re.IGNORECASE)
    if m:
        return m.group(1)
    m = re.search(r"\bhow many (?:other |different |more )?([a-z]{3,})", question, re.IGNORECASE)
    return GLOSSARY.get(m.group(1).lower(), m.group(1)).split()[0] if m else None


DATE_CONTEXT = 60  # characters before a date that say what it is the date of ("träder i kraft den …")


def _nearest_asked(question: str, quote: str, found: list[re.Match[str]]) -> re.Match[str]:
    """Of several dates in a quote, the one whose words before it the question shares most: "När vill nämnden att
    lagändringarna ska träda i kraft?" of "Nämnden beslutade den 21 augusti 2025 … att lagändringarna träder i kraft
    den 1 augusti 2028" is the second. The first on a tie."""
    asked = {w[:4] for w in re.findall(r"[^\W\d_]{4,}", f"{question} {in_swedish_terms(question)}".lower())}

    def shared(m: re.Match[str]) -> int:
        before = quote[max(0, m.start() - DATE_CONTEXT):m.start()].lower()
        return len(asked & {w[:4] for w in re.findall(r"[^\W\d_]{4,}", before)})

    return max(found, key=shared)


def lead_fact(question: str, quote: str, lang: str) -> str | None:
    """The fact a date, party, number or diarienummer question asks for, word for word from the quote, to put first.

    Example: ("När undertecknades förslaget?", "Stockholm den 23 oktober 2014", "sv") -> "23 oktober 2014".
    """
    if _ASKS_DNR.search(question) and (m := _DNR.search(quote)):
        return m.group(1)
    if _ASKS_DATE.search(question) and (dates := list(_DATE.finditer(quote))):
        return _nearest_asked(question, quote, dates).group()
    if _ASKS_PARTY.search(question):
        # the first party code after a name from the question: "A, B och C (alla M)" gives M for A too
        for m in re.finditer(r"[A-ZÅÄÖ][\wåäö]+(?: [A-ZÅÄÖ][\wåäö]+)*", quote):
            if not any(len(part) > 2 and part in question for part in m.group().split()):
                continue
            code = re.match(r"[^()]*?\((?:båda |alla |samtliga )?([A-ZÅÄÖ]{1,2})\)", quote[m.end():])
            if code:
                p = code.group(1)
                return f"{m.group()}: {p} ({PARTIES[p]})" if p in PARTIES else f"{m.group()}: {p}"
    if _ASKS_YEAR.search(question) and (years := list(_YEAR.finditer(quote))):
        return _nearest_asked(question, quote, years).group()
    if asks_sum(question):  # "131 mnkr", not the count of schools before it, nor "1,4 miljoner invånare"
        # a rate asked ("… each year") is a sum of that rate, not a price per another unit ("0,40 kronor per
        # kubikmeter"): another quote may hold it
        rate = _rate(question, lang)
        m = _MONEY.search(quote)
        return m.group().strip() if m and (rate is None or rate.search(quote)) else None
    if _ASKS_COUNT.search(question) and (span := _amount(quote, _counted(question))):
        return quote[span[0]:span[1]]
    return None


def answer_type(question: str, texts: list[str]) -> np.ndarray:
    """1 for sentences holding the kind of fact asked for (a date for "när", the signature line for "vem
    undertecknade", a party code for "vilket parti", a reason for "varför", words of objection for "vilken
    kritik" …), else 0."""
    if _ASKS_ADOPTED.search(question) and (_ASKS_TIME.search(question) or _ASKS_YEAR.search(question)):
        # when a thing was or will be adopted: a time beside the act ("… och antagande till första kvartalet 2020")
        return np.array([1.0 if _SAYS_ADOPTED.search(t) and _TIME.search(t) else 0.0 for t in texts])
    if _ASKS_WHY.search(question):  # a sentence that gives or draws on a reason
        return np.array([1.0 if _REFERS_BACK.search(t) or _GIVES_REASON.search(t) else 0.0 for t in texts])
    if _ASKS_DNR.search(question):
        pattern = _DNR
    elif _ASKS_DISSENTERS.search(question):
        pattern = _RECORDS_DISSENT
    elif _ASKS_SIGNED.search(question):
        pattern = _SIGNATURE_LINE
    elif _ASKS_DATE.search(question):
        pattern = _DATE
    elif _ASKS_YEAR.search(question):
        pattern = _YEAR
    elif _ASKS_PARTY.search(question):
        pattern = re.compile(r"\((?:båda |alla |samtliga )?[A-ZÅÄÖ]{1,2}\)")
    elif _ASKS_MONEY.search(question):  # a sum: "Vad kostar skolskjutsen per år?"
        pattern = _MONEY
    elif _ASKS_VOTE_RESULT.search(question):
        pattern = _VOTE_COUNT
    elif _ASKS_VOTE.search(question):
        pattern = _VOTED
    elif _ASKS_COUNT.search(question):
        noun = _counted(question)
        return np.array([1.0 if _amount(t, noun) else 0.0 for t in texts])
    elif _COMPARISON.search(question):  # "Do X and Y agree on …?": each side on the subject, not any approval
        return np.zeros(len(texts))
    elif _ASKS_CRITICISM.search(question):
        pattern = _CRITICAL
    elif _ASKS_SUPPORT.search(question) or BACKS.search(question):
        pattern = _SUPPORTIVE
    else:
        return np.zeros(len(texts))
    return np.array([1.0 if pattern.search(t) else 0.0 for t in texts])


def asks_vote(question: str) -> bool:
    """"Hur röstade Mattias Rehn?", "How did the Left Party vote?": the vote list or the result answers, whoever's
    own words name the person."""
    return bool(_ASKS_VOTE.search(question))


def asks_sum(question: str) -> bool:
    """A question for a sum of money ("Vad kostar …?", "Hur mycket pengar …?", "What will … cost?"), not a share."""
    return bool(_ASKS_MONEY.search(question)) and not _ASKS_SHARE.search(question)


# the words that ask for a sum, or per what ("per år", "varje månad"), not what it is the sum of
SUM_WORDS = ("kosta kostar kostade kostnad kostnaden kostnader belopp mycket pengar kronor budget avgift pris summa "
             "per varje årligen beräknas beräknad beräknat beräknade uppskattas uppskattad uppskattar uppskattade "
             # who proposed it says whose, not what: "the proposed levy" (föreslagna) is the levy
             "föreslog föreslår föreslagna föreslagen föreslaget föreslås")


def lacks_quantity(question: str, best_sentences: list[str], lang: str = "sv") -> bool:
    """A question about a sum ("vad kostar", "hur stor avgift", "vilken budget"), a share ("hur stor andel", "what
    share") or a count ("hur många") whose best sentences hold no such number — per the unit asked, when a rate is
    asked ("per månad", "per barn"): the documents do not give it, whatever else they say."""
    rate = _rate(question, lang)
    best = [t for t in best_sentences if rate is None or rate.search(t)]
    if _ASKS_SHARE.search(question):
        return not any(_SHARE.search(t) for t in best)
    if asks_sum(question):  # a sum the question names itself ("How much of the 12 million …?") is no answer
        given = set(_NUMBER.findall(question))
        return not any(not given or (n := _NUMBER.match(m.group())) and n.group() not in given
                       for t in best for m in _MONEY.finditer(t))
    if _ASKS_HOW_MANY.search(question):
        noun = _counted(question)
        stem = _stem(noun) if noun else None
        return not any(_amount(t) or (stem and _VAGUE_COUNT.search(t) and stem in t.lower()) for t in best)
    return False


# a rate asked for: "per månad", "varje år", "om året", "i månaden", "årligen"; "a month", "each year", "annually" —
# not "i år" or "i dag" (this year, today), nor "det årliga konventet" (an annual thing, asked its cost)
_UNITS = {"år": "år|året|year", "månad": "månad|månaden|month", "vecka": "vecka|veckan|week", "dag": "dag|dagen|day"}
_ASKS_RATE = re.compile(r"\b(?:per|varje|each|every|a|an)\s+(?P<unit>[a-zåäöé]+)|"
                        r"\b(?:om|i)\s+(?P<definite>året|månaden|veckan|dagen)\b|"
                        r"\b(?P<adverb>årligen|annually|yearly|monthly|weekly|daily)\b", re.IGNORECASE)
_ADVERB_UNIT = {"årligen": "år", "annually": "år", "yearly": "år", "monthly": "månad", "weekly": "vecka",
                "daily": "dag"}


def _rate(question: str, lang: str) -> re.Pattern[str] | None:
    """What a sentence must say for its number to be the rate a question asks for: "Vad kostar en plats per
    månad?" is not answered by "72 miljoner kronor" (the whole cost) nor by a sum a year; "per barn" by "per barn".
    None when the question asks for no rate, or for one per something English the glossary does not know."""
    for m in _ASKS_RATE.finditer(question):
        word = (m.group("unit") or m.group("definite") or m.group("adverb")).lower()
        unit = _ADVERB_UNIT.get(word) or next((u for u, forms in _UNITS.items() if re.fullmatch(forms, word)), None)
        if unit is not None:
            forms = _UNITS[unit].split("|")[:2]
            return re.compile(rf"(?:\b(?:per|varje|om|i|a|each|every)\s+|/\s*)(?:{'|'.join(forms)})\b|"
                              rf"\b{unit}s?(?:lig\w*|avgift\w*|kostnad\w*|hyra\w*|lön\w*)", re.IGNORECASE)
        if not m.group(0).lower().startswith("per ") or len(word) < 3:
            continue
        swedish = GLOSSARY.get(word) if lang != "sv" else word
        if swedish:  # "per barn", "per meal" -> "per måltid"
            stem = swedish.split()[0]
            return re.compile(rf"\bper\s+{re.escape(stem[:max(3, len(stem) - 2)])}", re.IGNORECASE)
    return None


def asks_adoption(question: str) -> bool:
    """"När antogs planen?", "When is the plan expected to be adopted?": its time stands beside the act."""
    return bool(_ASKS_ADOPTED.search(question))


def lacks_time(question: str, best_sentences: list[str]) -> bool:
    """A "när" question ("When did KSL's new organisation take effect?") whose best sentences name no date, year,
    month or period: they may speak of the thing, not of when. The caller passes the sentences that share a word
    with the question; a question for the signature is exempt, since the signature line ("Stockholm den 23 oktober
    2014") names none of its words. A year asked for ("Vilket årtal …?") needs a year; when a thing was adopted
    ("När antogs planen?"), a time in a sentence saying it was ("antogs den …", "innan den kan fastställas" has
    none)."""
    if _ASKS_SIGNED.search(question):
        return False
    if _ASKS_ADOPTED.search(question):
        best_sentences = [t for t in best_sentences if _SAYS_ADOPTED.search(t)]
    if _ASKS_YEAR.search(question):
        return not any(_YEAR.search(t) for t in best_sentences)
    return bool(_ASKS_TIME.search(question)) and not any(_TIME.search(t) for t in best_sentences)


def lacks_person(question: str, best_sentences: list[str], speakers: tuple[str, ...] = ()) -> bool:
    """A question for the person in a role ("Vem är förbundsdirektör för KSL?") whose best sentences name no one:
    they may mention the role ("… stödet till förbundsdirektören"), but not who holds it. A speaker of them in
    that role names the person too: "Föredragande borgarrådet Karin Wanngård" for "Who is the commissioner …?"."""
    m = _ASKS_PERSON.match(question)
    if not m:
        return False
    role = re.sub(r"(?:en|et|n)$", "", in_swedish_terms(m.group("role") or "chair").split()[-1].lower())

    def holds(text: str) -> bool:  # the role named as such (not "vice ordföranden" for the chair) beside a person
        low = text.lower()
        return any(m.group("vice") or not _VICE.search(low[:r.start()]) for r in re.finditer(re.escape(role), low)) \
            and any(not any(BODY_WORD.match(w) for w in p.group(0).split()) for p in _PERSON.finditer(text))

    return not any(holds(t) for t in [*best_sentences, *speakers])


_PARTY_CODE = r"[^().\n]{0,200}?\((?:båda |alla |samtliga )?[A-ZÅÄÖ!]{1,3}\)"


def lacks_party(question: str, texts: Iterable[str]) -> bool:
    """A question for the party of a person it names ("Vilket parti tillhör borgarrådet Cecilia Hamrén Öst?") whose
    documents (``texts``, read only for such a question: their passages and speakers) never write a party code
    after the person's name: the genre gives a member's party in brackets ("borgarrådet Lotta Edholm (FP)"), and a
    föredragande's is often not given at all."""
    if not _ASKS_PARTY.search(question):
        return False
    surnames = {p.group().split()[-1] for p in _PERSON.finditer(question)
                if not any(BODY_WORD.match(w) for w in p.group().split())}
    return bool(surnames) and not any(re.search(rf"\b{re.escape(name)}\b{_PARTY_CODE}", t)
                                      for name in surnames for t in texts)


# a sum named by its kind alone, of the thing the sentence before names: "Kostnaden beräknas till 650 000 kronor."
_SUM_OF_BEFORE = re.compile(r"^\s*(?:den |det |de )?(?:\w+ )?(?:\w*kostnad(?:en|erna)|beloppet|summan|avgiften|"
                            r"priset|utgiften|utgifterna|investeringen|investeringarna|intäkten|intäkterna)\b",
                            re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    """A sentence going on from the one before: "Merkostnaden beräknas därmed till …", "Detta innebär …",
    "Kostnaden beräknas till …"."""
    return bool(_REFERS_BACK.search(sentence) or _OPENS_WITH_ANAPHOR.match(sentence)
                or _SUM_OF_BEFORE.match(sentence))


def asks_why(question: str) -> bool:
    """A question for a reason: "Varför yrkade SD avslag?", "Why did the Moderates reserve themselves?"."""
    return bool(_ASKS_WHY.search(question))


# a sentence that only records a motion or a dissent ("Roger Falk (SD) yrkar avslag på förvaltningens förslag.",
# "De lämnar en skriftlig reservation."), and words by which a sentence gives a reason
_BARE_ACT = re.compile(r"\b(?:yrkar|yrkade|reserverar|reserverade|instämmer|instämde|avstår|avstod|lämnar|lämnade)\b",
                       re.IGNORECASE)
_REASON = re.compile(r"\b(?:eftersom|därför|för att|med hänvisning|på grund av|mot bakgrund|då det|anser|ansåg|menar|"
                     r"bedömer|vill|skulle)\b", re.IGNORECASE)
REASON_WORDS = 5  # a line shorter than this (a signature: "Roger Falk (SD)") says nothing either way


def gives_no_reason(sentences: list[str]) -> bool:
    """Whether a voice's every sentence only records its motion or dissent: asked why it moved, it gives nothing to
    quote. False for a voice with no sentences (other rules judge those)."""
    said = [t for t in sentences if len(t.split()) >= REASON_WORDS]
    return bool(said) and all(_BARE_ACT.search(t) and not _REASON.search(t) for t in said)


def wants_reason(question: str) -> bool:
    """A why question, a yes/no one (answered by the stance and its reason) or one about consequences."""
    return asks_why(question) or bool(_ASKS_YES_NO.match(question) or _ASKS_CONSEQUENCE.search(question))


# what a named voice says about a subject: "Vad tycker Lotta Edholm om gymnasieregionen?", "Does the reservation
# say anything about the structural funds?" (not "Vad kan hända om …", where "om" is "if")
_ABOUT = re.compile(r"\b(?:tycker|tyckte|anser|ansåg|säger|sade|sa|skriver|skrev|menar|think|thinks|say|says|said|"
                    r"write|writes|wrote|mention|mentions)\b(?:\s+\S+){0,6}?\s+(?:om|about)\s+(?P<topic>.+?)[?.!\s]*$|"
                    # "What does V think of the fund?", "… view on …", "Hur ställer sig S till …?", "syn på"
                    r"\b(?:think|thinks|thought)\s+of\s+(?P<of>.+?)[?.!\s]*$|"
                    r"\b(?:view|views|position|stance|opinion|syn|inställning|hållning)\s+(?:on|of|to|till|på)\s+"
                    r"(?P<on>.+?)[?.!\s]*$|\bställ(?:er|de) sig\s+(?:\S+\s+){0,3}?till\s+(?P<to>.+?)[?.!\s]*$",
                    re.IGNORECASE)


# who is asked to speak: "Vad tycker Stockholms läns landsting om …?", "Hur ställer sig fastighetsnämnden till …?",
# "What did Stockholm County Council say …?"
_VOICE_SV = re.compile(r"^\s*(?:vad|hur|varför|vilk(?:en|et|a) \w+)\s+(?:tycker|tyckte|säger|sa|sade|anser|ansåg|vill|"
                       r"ville|föreslår|föreslog|skriver|skrev|svarar|svarade|menar|framför|framförde|ställer sig|"
                       r"ställde sig)\s+"
                       r"(?P<who>[^?]+?)(?=\s+(?:om|till|i|på|angående|kring|att|när|för|med|inför|gällande|"
                       r"egentligen|själv|själva|nu)\b|\s*[?.!]|$)", re.IGNORECASE)
_VOICE_EN = re.compile(r"^\s*(?:what|how|why)\s+(?:does|did|do|would|will|has|have)\s+(?P<who>[^?]+?)\s+(?:say|said|"
                       r"think|propose|want|write|answer|respond|reply|suggest|argue|mean|feel|state)\b", re.IGNORECASE)


def voice_asked(question: str) -> str | None:
    """Whom a question asks for a position: "Vad tycker Stockholms läns landsting om KSL:s förslag?" ->
    "Stockholms läns landsting"; "What did Stockholm County Council say …?" -> "Stockholm County Council"."""
    m = _VOICE_SV.match(question) or _VOICE_EN.match(question)
    return m.group("who").strip() if m else None


def topic_asked(question: str) -> str | None:
    """The subject a voice is asked about: "Vad säger borgarrådet om Stockholmsregionens Europaförening?" ->
    "Stockholmsregionens Europaförening"; None when the question has no such slot."""
    m = _ABOUT.search(question)
    return next((t for t in m.group("topic", "of", "on", "to") if t), None) if m else None


# what a question sets aside ("Apart from welfare, what …?", "Vad vill kontoret prioritera förutom välfärden?"): the
# answer is something else, so the words for it earn a sentence nothing (a sentence may list it beside the answer)
_ASIDE = r"(?:apart from|aside from|besides|other than|except(?: for)?|förutom|utöver|bortsett från)"
# fronted and closed by a comma, or closing the question in a few words ("Vad vill kontoret prioritera förutom
# välfärden?"); in mid-question the phrase has no clear end ("utöver landstinget arbetar med …")
_SET_ASIDE = re.compile(rf"^\s*{_ASIDE}\s+(?P<front>[^,?;]+),|\b{_ASIDE}\s+(?P<end>(?:[\w:'’-]+\s+){{0,3}}[\w:'’-]+)"
                        r"\s*\?\s*$", re.IGNORECASE)


def set_aside(question: str) -> str | None:
    """"Apart from the county council and the county administrative board, which organisations …?" -> "the county
    council and the county administrative board"; None when the question sets nothing aside."""
    m = _SET_ASIDE.search(question)
    return (m.group("front") or m.group("end")).strip() if m else None


# the voice a question measures another against: "Delar oppositionen stadsledningskontorets syn på …?", "Håller M
# med kontoret om …?", "Does the opposition agree with the city executive office …?" ask the first voice, not the
# second
_VIEW_NOUN = (r"(?:syn|uppfattning|bedömning|analys|åsikt|kritik|hållning|linje|ståndpunkt|"
              r"view|position|analysis|stance)")
_REFERENCE = re.compile(
    rf"\b(?:delar|delade)\s+(?:[\w:/-]+\s+){{1,5}}?(?P<sv>(?:[\w:-]+s\s+(?:och\s+)?)+{_VIEW_NOUN})\b|"
    r"\b(?:håller|höll)\s+(?:[\w:/-]+\s+){1,5}?med\s+(?P<med>[^?,]+?)(?=\s+om\b|\s+i\b|\s*[?,]|$)|"
    r"\bi likhet med\s+(?P<like>[\w:-]+(?:\s+[\w:-]+)?)|"
    r"\b(?:agrees?|agreed|disagrees?|side[sd]?)\s+with\s+(?P<with>[^?,]+?)(?=\s+(?:on|about|that|in|over)\b|\s*[?,]|$)|"
    rf"\b(?:shares?|shared)\s+(?P<share>(?:the\s+)?[\w/-]+(?:\s+[\w/-]+){{0,3}}?(?:'s|’s)\s+{_VIEW_NOUN})\b|"
    # the office's reply to a sender asks the office: "Hur svarade förvaltningen Trafikverket?", "How did the office
    # respond to the county board?"
    r"\b(?:svarar|svarade|bemöter|bemötte|kommenterar|kommenterade)\s+(?:förvaltningen|kontoret|kommunen|nämnden)\s+"
    r"(?:på\s+)?(?P<reply>[^?,]+?)(?=\s*[?,]|$)|"
    r"\b(?:respond|responds|responded|reply|replies|replied|answer|answers|answered)\s+to\s+(?P<to>[^?,]+?)(?=\s*[?,]|$)",
    re.IGNORECASE)


def without_reference(question: str) -> str:
    """The question without the voice it measures the asked one against: "Delar oppositionen stadsledningskontorets
    syn på KSL?" -> "Delar oppositionen på KSL?"; unchanged when it names none."""
    m = _REFERENCE.search(question)
    if not m:
        return question
    group = next(g for g in ("sv", "med", "like", "with", "share", "reply", "to") if m.group(g))
    return (question[:m.start(group)] + question[m.end(group):]).strip()


# what a body decided: its decision ("Kommunstyrelsens beslut") or, in a paper before the decision, what it is
# proposed to decide ("Förslag till beslut")
_BODIES = r"(?:kommunfullmäktige|fullmäktige|kommunstyrelsen|nämnden|styrelsen|\w+styrelse|\w+nämnden)"
_BODIES_EN = r"(?:council|board|assembly|committee)"
# how a body voted is its decision, and so is whether it adopted something ("Antog styrelsen …?", "Did the board
# adopt …?"); how a party voted ("Hur röstade M?") is its reservation, which the paper records
_ADOPTED = "antog|godkände|fastställde|biföll|avslog"  # what a body did with a matter, in the past
_ADOPT_EN = "adopt|approve|accept|reject|pass"  # after "did"
_BODY_VOTED = (rf"\bhur röstade (?:\w+ )?{_BODIES}\b|\bhow did (?:\w+ ){{0,3}}{_BODIES_EN} (?:\w+ )?vote\b|"
               rf"^\s*(?:{_ADOPTED}) (?:\w+ )?{_BODIES}\b|"
               rf"^\s*did (?:[\w'’]+ ){{0,3}}{_BODIES_EN} (?:\w+ )?(?:{_ADOPT_EN})\b")
# when a body decided is asked for its decision too: "On what date did the board decide this?", "När beslutade
# kommunstyrelsen i ärendet?", "Vilket datum beslutade kommunfullmäktige …?" — a paper that only proposes one does
# not date it (how a party voted is the party's own: its reservation, its members' rows in a vote list)
_DECIDED_WHEN = (rf"\b(?:when|(?:on )?(?:what|which) (?:date|day)) did (?:[\w'’]+ ){{0,4}}{_BODIES_EN} (?:\w+ )?"
                 rf"(?:decide|vote|{_ADOPT_EN})\b|"
                 rf"\b(?:när|vilket datum|vilken dag) (?:beslutade|beslöt|röstade|{_ADOPTED}) "
                 rf"(?:[\w:'’]+ )?{_BODIES}\b")
_ASKS_DECISION = re.compile(r"\b(?:vad|vilket beslut|hur) (?:\w+ ){0,4}(?:beslutade|beslöt|besluta[dt]e?|"
                            r"blev beslutet|gick omröstningen)\b|\bwhat (?:[\w'’]+ ){0,5}(?:decided?|decision)\b|"
                            r"\bhow did (?:[\w'’]+ ){0,4}decide\b|" + _BODY_VOTED + "|" + _DECIDED_WHEN, re.IGNORECASE)


def asks_decision(question: str) -> bool:
    """"Vad beslutade kommunstyrelsen om motionen?", "What did the board decide?" """
    return bool(_ASKS_DECISION.search(question))


# a decision taken, asked in the past: not "What should the board decide?", "What decision does the memo propose?",
# "Vad har beredningen beslutat att föreslå?"
_DECISION_PAST = re.compile(r"\b(?:beslutade|beslöt|beslutat|beslutades|blev beslutet|röstade|gick omröstningen|"
                            rf"{_ADOPTED}|decided|did (?:[\w'’]+ ){{0,5}}(?:decide|vote|{_ADOPT_EN})|"
                            r"decision (?:was|were) (?:taken|made))\b"
                            r"(?! (?:att|to) (?:föreslå|propose))", re.IGNORECASE)


def asks_decision_taken(question: str) -> bool:
    """A question for a decision already taken: "Vad beslutade kommunfullmäktige till slut …?", "What did the city
    council decide?"; a paper that only proposes one does not answer it."""
    return asks_decision(question) and bool(_DECISION_PAST.search(question))


def wants_example(question: str) -> bool:
    return bool(_ASKS_EXAMPLE.search(question))


def asks_who_or_when(question: str) -> bool:
    """Who spoke, in what role, or when: the line that hands a voice the word ("Reservation anfördes av …",
    "Föredragande borgarrådet Karin Wanngård anför följande.") can answer it."""
    return bool(_ASKS_WHO_OR_WHEN.match(question) or _ASKS_DATE.search(question) or _ASKS_ROLE.search(question))


def is_comparison(question: str) -> bool:
    return bool(_COMPARISON.search(question))


def announced_points(own: str, following: list[str]) -> int:
    """How many of the ``following`` sentences are the points that ``own`` announces ("Borgarrådsberedningen
    föreslår att kommunfullmäktige beslutar följande." then "1. …", "2. …"): the numbered or dashed ones right
    after it, at most LISTED_POINTS."""
    if not _ANNOUNCES.search(own):
        return 0
    n = 0
    while n < min(len(following), LISTED_POINTS) and _LISTED.match(following[n]):
        n += 1
    return n


def is_point(sentence: str) -> bool:
    """A numbered or dashed point of a list ("1. att bifalla motionen", "- att delvis godkänna promemorian"): short,
    and a proposal of its own."""
    return bool(_LISTED.match(sentence))


def wants_view(question: str) -> bool:
    """What a voice thinks of something: "Vad anser stadsledningskontoret om …?", "What is the office's view …?"."""
    return bool(_ASKS_VIEW.search(question))


# a listed item's title, its text the sentence after it: "– Statsbidrag för skolfrukost." ⏎ "Ett riktat statsbidrag …"
_ITEM_TITLE = re.compile(r"[–•-]\s*[A-ZÅÄÖ][^\s.!?]*(?:\s[^\s.!?]+){0,5}\.")


def context_sentence(own: str, before: str | None, after: str | None, reason: bool, example: bool,
                     view: bool = False) -> str | None:
    """Which neighbour of a quoted sentence completes it, "before" or "after" (or None): what the sentence
    announces ("… beslutar följande." and the decision), a listed item's title its text ("– Kökslyftet." and "Ett
    statsbidrag om …"), or a next sentence spells out ("Det handlar om …"); the
    judgement after a sentence that relays the paper under review ("Rapporten lägger stor vikt på …"); the claim
    before a sentence giving its reason ("Bakgrunden är att …"); the reason (the sentence before one that concludes
    "därför …" or opens with what it says, "Det riskerar …"; or a next sentence that gives reasons, goes on from
    it, "… saknas beslutskraft. Det riskerar att hämma tillväxten.", or justifies it, "… välkomnar att KSL ser över
    … Det är viktigt att …") when ``reason`` is wanted; the example after a claim when ``example`` is; what a voice
    wants instead of what it rejects ("… inte … genom höjd skatt. Medlen bör i stället …") or misses ("Vi saknar
    ett avsnitt om … Säkerhetsskyddet bör ges en egen åtgärd."); the voice's judgement
    after a finding ("… saknar finansiering. Stadsledningskontoret bedömer att …") when its ``view`` is asked."""
    if after is not None and (_ANNOUNCES.search(own) or _ELABORATES.match(after) or _ITEM_TITLE.fullmatch(own)
                              or _NEGATED.search(own) and _INSTEAD.search(after)
                              or _MISSES.search(own) and _REMEDY.search(after) and not _MISSES.search(after)
                              or view and _JUDGEMENT.match(after) and not _JUDGEMENT.match(own)):
        return "after"
    if after is not None and _RELAYS.match(own) and not _RELAYS.match(after) and \
            (_CRITICAL.search(after) or _SUPPORTIVE.search(after) or _GIVES_REASON.search(after)):
        return "after"
    if before is not None and _REASON_OF_PREVIOUS.match(own):
        return "before"
    if reason and before is not None and (_REFERS_BACK.search(own) or _OPENS_WITH_ANAPHOR.match(own)) \
            and not _GIVES_REASON.search(own):
        return "before"
    if after is not None and (reason and (_GIVES_REASON.search(after) or _OPENS_WITH_ANAPHOR.match(after)
                                          or _JUSTIFIES.match(after)) or
                              example and _GIVES_EXAMPLE.search(after) and not _GIVES_EXAMPLE.search(own)):
        return "after"
    return None
