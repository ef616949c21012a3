"""Who is speaking where: the structure of a Swedish municipal decision paper, by rules for the genre.

An utlåtande is a chain of voices, each opened by a standard formula:

    "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande."   -> Borgarrådsberedningen
    "Föredragande borgarrådet Karin Wanngård anför följande."                -> the föredragande, by name
    "Reservation anfördes av … (M) och … (FP) enligt följande."             -> that reservation, in the body
                                                                              it was made in
    "Särskilt uttalande gjordes av …" / "Ersättaryttrande gjordes av …"     -> likewise
    "Remissammanställning" … "Ärendet"                                       -> the remiss sender, or the motion's
                                                                              authors, as summarised
    "Stadsledningskontorets tjänsteutlåtande daterat … har i huvudsak följande lydelse."
                                                                          -> Stadsledningskontoret, onwards
Inside the föredragande's "Beredning" section a paragraph that opens "Stadsledningskontoret anser att …" is that
office's position as reported by the föredragande, and is labelled so. Headings ("Ärendet", "Beredning", "Mina
synpunkter", …) become the section.

A tjänsteskrivelse or tjänsteutlåtande on its own speaks for the office that issued it, named in its head
("Barn- och utbildningsförvaltningen", "Trafikkontoret"); its title is the line before its first heading. In a
protocol each paragraph ("§ 52 …") is a section of its own; "Kommunstyrelsens beslut" is the body's voice, a
member's "Anna Berg (S) yrkar …" that member's, and "Per Holm (M) och Lena Ek (KD) reserverar sig …" a reservation
in that body. A document without any of these markers gets its title as speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.cleaning import KNOWN_HEADINGS, CleanText, is_numbered_title

PARTIES = {
    "S": "Socialdemokraterna", "M": "Moderaterna", "V": "Vänsterpartiet", "MP": "Miljöpartiet",
    "C": "Centerpartiet", "L": "Liberalerna", "FP": "Folkpartiet", "KD": "Kristdemokraterna",
    "SD": "Sverigedemokraterna", "FI": "Feministiskt initiativ", "F!": "Feministiskt initiativ",
}

# a body whose meeting a paper records: "Kommunstyrelsen", "Byggnadsnämnden", "Barn- och utbildningsnämnden"
_BODY = r"(?:Borgarrådsberedningen|Kommunstyrelsen|Kommunfullmäktige|Regionstyrelsen|Regionfullmäktige|" \
        r"[A-ZÅÄÖ][\wåäö-]*(?:nämnden|utskottet|styrelsen|beredningen)|" \
        r"[A-ZÅÄÖ][\wåäö]*-(?:, [a-zåäö]+-)* och [a-zåäö]+(?:nämnden|utskottet|styrelsen|beredningen)|" \
        r"[A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)? stadsdelsnämnd)"  # "Farsta stadsdelsnämnd"
_INSTITUTION = r"(?:[A-ZÅÄÖ][\wåäö]*-(?:, [a-zåäö]+-)* och [a-zåäö]+|[A-ZÅÄÖ][\wåäö-]*)" \
               r"(?:kontoret|förvaltningen|nämnden|styrelsen|myndigheten|förbundet|inspektionen)"
_BODY_ACTS = re.compile(rf"^(?P<body>{_BODY}) (?:föreslår|tillstyrker|avstyrker|beslutar|återremitterar|anser)\b")
# a body's act as a decision's formula: "… föreslår att kommunstyrelsen beslutar följande.", "… tillstyrker …"
_DECIDES = re.compile(rf"^{_BODY} (?:tillstyrker|avstyrker|beslutar|återremitterar|föreslår [^.]*\bbeslut)")
_PRESENTER = re.compile(
    r"^Föredragande (?P<role>borgarråd(?:et)?|kommunalråd(?:et)?|regionråd(?:et)?|ordförande(?:n)?)\s+"
    r"(?P<name>[A-ZÅÄÖ][\w\-åäöé]*(?:\s+[A-ZÅÄÖ][\w\-åäöé]*){0,3})(?:\s+(?P<party>\([A-ZÅÄÖ!]{1,3}\)))?\s+anför\b"
)
_DISSENT = re.compile(
    r"^(?P<kind>Reservation|Särskilt uttalande|Ersättaryttrande|Protokollsanteckning)\s+"
    r"(?:anfördes|gjordes|lämnades|antecknades|avgavs)\s+av\s+(?P<who>.+?)"
    r"(?:\s+enligt följande|\s+med hänvisning till (?P<ref>.+?))?[.:]?$",
    re.S,
)
_STATEMENT = re.compile(
    rf"^(?P<office>{_INSTITUTION}s)\s+(?:tjänsteutlåtande|yttrande|skrivelse)\b.*?\bföljande lydelse|"
    # "Utbildningsförvaltningen anför i sitt tjänsteutlåtande i huvudsak följande.", "Bolaget anför i sitt …"
    rf"^(?P<says>{_INSTITUTION}|Förvaltningen|Kontoret|Bolaget) anför i (?:sitt|sin) (?:tjänsteutlåtande|yttrande|"
    r"tjänsteskrivelse|skrivelse)\b[^.]*\bföljande\b", re.S
)
# a voice the föredragande reports in "Beredning": an office or nämnd ("Stadsledningskontoret", "Äldrenämnden"), a
# district committee or council ("Farsta stadsdelsnämnd", "Kommunstyrelsens pensionärsråd")
_COMPANY = r"[A-ZÅÄÖ][\wåäö-]*(?: (?:i |för |och )?[A-ZÅÄÖ][\wåäö-]*){0,3} AB"  # "Skolfastigheter i Stockholm AB"
_REPORTED_NAME = rf"(?:{_INSTITUTION}|[A-ZÅÄÖ][\wåäö-]*s? [a-zåäö]*(?:nämnd|förvaltning|råd)|[A-ZÅÄÖ][\wåäö-]*rådet|" \
                 rf"[A-ZÅÄÖ][a-zåäö]+a (?:nämnden|förvaltningen)|{_COMPANY}(?: \([A-ZÅÄÖ]{{2,8}}\))?)"  # "Tekniska …"
_REPORTED_VERB = r"(?:anser|konstaterar|föreslår|tillstyrker|avstyrker|välkomnar|framhåller|betonar|menar|" \
                 r"påpekar|bedömer|understryker|ser|ställer sig|delar|instämmer|stöder|avvisar|efterlyser|" \
                 r"ansåg|konstaterade|föreslog|välkomnade|framhöll|betonade|menade|påpekade|underströk|framförde|" \
                 r"har yttrat sig|har i (?:en |sin )?(?:tjänsteskrivelse|tjänsteutlåtande|yttrande)\b[^.]{0,40}? " \
                 r"yttrat sig)\b"
_REPORTED = re.compile(rf"^(?P<inst>{_REPORTED_NAME})\s+{_REPORTED_VERB}")
_LISTED_POINT = re.compile(r"^(?:[•●▪◦■–-]|\d{1,2}[.)])\s")  # a bulleted or numbered point
# where the next reported voice takes over inside one paragraph: "Äldrenämnden anser … . Farsta stadsdelsnämnd
# ställer sig positiv … . Bromma stadsdelsnämnd avstyrker motionen."
_REPORT_STARTS = re.compile(rf"(?<=[.!?])\s+(?={_REPORTED_NAME}\s+{_REPORTED_VERB})")
# an office or förvaltning as its head names it: "Trafikkontoret", "Barn- och utbildningsförvaltningen"
ISSUER = re.compile(r"(?<![\w-])((?:[A-ZÅÄÖ][a-zåäö]+- och [a-zåäö]+|[A-ZÅÄÖ][a-zåäö]{2,})(?:kontoret|förvaltningen)|"
                     # a Stockholm district's office, named by its place: "Farsta stadsdelsförvaltning"
                     r"[A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)? stadsdelsförvaltning)(?![\wåäö-])")
_OFFICIAL_PAPER = re.compile(r"\b(?:tjänsteskrivelse|tjänsteutlåtande)\b", re.IGNORECASE)
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+(?=[A-ZÅÄÖ])")  # "1. ", "4.2 " before a heading
_HEAD_PARAGRAPHS = 15  # a paper's head (issuer, Dnr, Handläggare, addressee, title) ends before this …
_HEAD_WITH_ADDRESS = 25  # … or, with the office's address block beside it, this
_PROTOCOL_HEAD = 40  # a protocol's head (members present, justering, …) ends before this
# an office's paper given whole within a protocol's §, under its byline
_OFFICE_BYLINE = re.compile(r"^(?:Tjänsteutlåtande|Tjänsteskrivelse) från (?P<office>(?:[a-zåäö]+- och )?[a-zåäö]+"
                            r"(?:förvaltningen|kontoret))\b", re.I)
# headings where a matter's handling resumes after an office's paper: "Beredning", "Ärendets behandling i
# regionfullmäktige", "Yrkanden", "Reservationer", …
_MATTER_PHASE = re.compile(r"(?i)^(?:beredning|ärendets behandling\b|yrkanden|propositionsordning|beslutsgång|"
                           r"omröstning|omröstningsresultat|reservation|reservationer|särskil|protokollsanteckning|"
                           r"beslutet skickas|överläggning|.*s förslag$|.*s behandling$)")
# a body's own part of the matter: "Arbetsutskottets förslag", "Regionstyrelsens behandling"
_BODY_PART = re.compile(rf"(?P<body>{_BODY})s (?P<part>förslag|behandling)")
_PARTICULARS = 3  # paragraphs after a web page's "§ 74 …" heading that may give the meeting's body and protocol
_ADDRESSEE = re.compile(r"^(?:Till\b|Sid[a]?\b|Telefon\b|Tfn\b|E-post\b)", re.IGNORECASE)
# a protocol's paragraph ("§ 52 Dnr KS 2025/87", "§ 12 Ny förskola i Norrby") opens a section of its own
_ITEM = re.compile(r"^§\s*(?P<n>\d+[a-z]?(?:/\d{4})?)(?![\w/])\s*(?P<rest>.*)$", re.S)
# an extract's head naming its body, the meeting and the § in one line: "Vård- och omsorgsnämnden, sammanträde
# 2025-09-24 § 58"
_ITEM_LINE = re.compile(rf"^(?P<body>{_BODY}),?(?: (?:sammanträde(?:t)?|sammanträdet den|möte) \d{{4}}-\d\d-\d\d,?| "
                        r"\d{4}-\d\d-\d\d,?)? §\s*(?P<n>\d+[a-z]?)$")
_DECISION = re.compile(r"^(?P<body>.+)s beslut$")
# a member's motion, reservation or note in a protocol: "Anna Berg (S) yrkar …", "Per Holm (M) och Lena Ek (KD)
# reserverar sig …"
_NAME = r"[A-ZÅÄÖ][\wåäöé-]+(?: [A-ZÅÄÖ][\wåäöé-]+){1,3}"
# one member with a party, or several with theirs: "Peter Ahlgren och Lina Öberg (båda M)"
_MEMBER = rf"{_NAME}(?:(?:, | och ){_NAME})* \((?:båda |alla |samtliga )?[A-ZÅÄÖ!]{{1,3}}\)"
_MEMBERS = rf"{_MEMBER}(?:(?:, | och | samt ){_MEMBER})*"
# a party's members named by their party alone: "Ledamöterna för Vänsterpartiet reserverar sig …"
_PARTY_NAME = "(?:" + "|".join(sorted(set(PARTIES.values()))) + ")"
_PARTY_MEMBERS = rf"(?:Ledamöterna|Ledamoten|Ledamot) för {_PARTY_NAME}(?:(?:, | och ){_PARTY_NAME})*"
_MOVES = re.compile(rf"(?P<who>{_MEMBERS}|{_PARTY_MEMBERS})(?:, [a-zåäö][^,.()]{{2,50}},)? (?P<act>yrkar|yrkade|frågar|"
                    r"föreslår(?! i (?:en|sin) motion)|instämmer|reserverar sig|reserverade sig|anmäler (?:en )?"
                    r"(?:skriftlig )?reservation|lämna(?:r|de) (?:en |ett |följande )?(?:skriftlig |skriftligt )?"
                    r"(?:reservation|protokollsanteckning|särskil(?:t|da) yttrande)|antecknar|deltar inte|"
                    r"får (?:för [^,.]{3,40} räkning )?(?:följande |en )?anteckning införd i protokollet|"
                    # a protocol's record of a debate: "Thomas Berg (S), kommunstyrelsens ordförande, anför att …"
                    r"(?:anför|framhåller|menar|påpekar|betonar|understryker) att)\b")
# members who join a motion: "Mats Höglund (M) yrkar, med instämmande av Fredrik Ohlsson (KD), att …"
_JOINED_BY = re.compile(rf"\bmed instämmande av (?P<who>{_MEMBERS})")
# an official who informs or answers in a protocol: "Förvaltningschef Helena Brodin informerar nämnden om följande.",
# "Förvaltningschef Helena Brodin svarar att …"
_ROLE_WORDS = r"(?:chef|direktör|ingenjör|samordnare|sekreterare|handläggare|utredare|rektor|strateg|controller)"
_OFFICIAL = rf"[A-ZÅÄÖ][a-zåäö]*(?:chefen|direktören|{_ROLE_WORDS}) {_NAME}"
_OFFICIAL_VERB = r" (?:informerar|svarar|redogör|föredrar|berättar|presenterar|besvarar)\b"
_OFFICIAL_WORDS = re.compile(rf"(?P<who>{_OFFICIAL}){_OFFICIAL_VERB}")
# … or answers a member's question, named by role: "På fråga från Hanna Lövgren (V) uppger socialchefen att …"
_ROLE_WORD = rf"[a-zåäö]*{_ROLE_WORDS}"
_ASKED_OFFICIAL = re.compile(rf"På fråga (?:från|av) {_MEMBERS},? (?:uppger|svarar|förklarar|berättar|meddelar|"
                             rf"redogör) (?P<role>{_ROLE_WORD})(?:en|n)\b")
_MOVE_STARTS = re.compile(rf"(?:^|(?<=[.!?:])\s+)(?={_MOVES.pattern}|{_OFFICIAL}{_OFFICIAL_VERB}|"
                          rf"{_ASKED_OFFICIAL.pattern})")
_ROLE = r"(?:(?:Kommunalrådet|Borgarrådet|Regionrådet|Ordföranden|Ordförande|Ersättaren|Ledamoten|Ledamöterna|" \
        r"Styrelseledamoten) )?"
_TURN = re.compile(rf"(?:(?:Replik|Anförande(?: \d+)?)\s+)?(?P<who>{_ROLE}{_NAME} \([A-ZÅÄÖ!]{{1,3}}\)):?")
# … and its dissent given in a protocol: "Ersättaren Bengt Öhrn (SD) anförde följande.", "Ledamoten Amir Haddad (MP)
# lät anteckna följande till protokollet.", "Ledamöterna för Socialdemokraterna och Vänsterpartiet, Tomas Ahlgren
# (S), … gjorde följande särskilda uttalande."
_GIVEN_WORD = re.compile(rf"^(?P<who>{_ROLE}{_MEMBERS}|{_PARTY_MEMBERS}(?:, {_MEMBERS})?),?"
                         r"(?:, [a-zåäö][^,.()]{2,50},)? (?:(?:anför|anförde|framför|framförde)(?: i huvudsak)? "
                         r"följande|(?:lät anteckna|antecknade|antecknar) följande|(?:gjorde|gör|lämnade) följande "
                         r"(?:särskilda?|skriftliga?) (?:uttalande|yttrande|reservation)|(?:har lämnat|lämnar) "
                         r"följande (?P<answer>(?:skriftliga )?svar))"
                         r"\b[^.:”]*[.:]")
# the dissent such a line names: "… lämnade följande särskilda yttrande."
_GIVEN_KIND = {"särskilda uttalande": "Särskilt uttalande", "särskilt uttalande": "Särskilt uttalande",
               "särskilda yttrande": "Särskilt yttrande", "särskilt yttrande": "Särskilt yttrande",
               "reservation": "Reservation", "anteckna": "Protokollsanteckning"}
# a member's motion as a protocol sums it up: "Jonas Öberg (MP) föreslår i en motion som kom in …"
_MOTION_SUMMARY = re.compile(rf"^(?P<who>{_MEMBERS}) (?:föreslår|yrkar|vill) i (?:en|sin) motion\b")
# a citizen's proposal as a protocol sums it up: "Linnea Bergkvist, Hästhagen, har i ett medborgarförslag …"
_CITIZEN_PROPOSAL = re.compile(rf"^(?P<who>{_NAME})(?:, [A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖ][\wåäö-]+)?)?,? (?:har )?"
                               r"(?:i (?:ett|sitt) medborgarförslag|lämnat ett medborgarförslag|föreslår i ett "
                               r"medborgarförslag)\b")
# a body's proposal as a protocol gives it, its heading run into it: "Kommunstyrelsens förslag till kommunfullmäktige
# Kommunstyrelsen föreslår att …"
_PROPOSAL_OF_BODY = re.compile(rf"^(?P<body>{_BODY})s förslag\b")
# a signature: a name line over a title line ("Peter Lindahl" / "Kommundirektör", "Kommunstyrelsens ordförande")
_TITLE_WORDS = "direktör|chef|ordförande|sekreterare|handläggare|strateg|utredare|jurist|controller"
_TITLE_LINE = re.compile(rf"(?:[A-ZÅÄÖ][\wåäö-]*s )?[\wåäö-]*(?:{_TITLE_WORDS})", re.I)
_PERSON_WORD = r"[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?"
_PERSON_LINE = re.compile(rf"{_PERSON_WORD}(?: {_PERSON_WORD}){{1,2}}")
# a title in a signature set side by side: "Vice ordförande", "Certifierad kommunal revisor, uppdragsledare"
_SIDE_TITLE = re.compile(rf"(?:[\wåäö:-]+ ){{0,3}}[\wåäö-]*(?:{_TITLE_WORDS}|revisor|justerare|ledare)"
                         r"(?:, [\wåäö -]+)?", re.I)


def _signature_run(texts: list[str], k: int) -> int:
    """How many paragraphs from ``k`` are a signature set side by side: n >= 2 names, then their n titles in the same
    order ("Lars-Erik Nordin / Agneta Kullberg / Ordförande / Vice ordförande"); 0 for none."""
    n = 0
    while k + n < len(texts) and _PERSON_LINE.fullmatch(texts[k + n]):
        n += 1
    if n < 2 or k + 2 * n > len(texts):
        return 0
    return 2 * n if all(_SIDE_TITLE.fullmatch(texts[k + n + i]) for i in range(n)) else 0
# a summary of what a state inquiry or a ministry's promemoria proposes: "Utredningens förslag i sammandrag",
# "Promemorians innehåll"; its voice is the inquiry's, as the paper sums it up
_PROPOSALS_OF = re.compile(r"(?i)(?P<who>utredningen|betänkandet|promemorian|departementspromemorian|"
                           r"lagrådsremissen)s (?:huvudsakliga )?(?:förslag|innehåll|bedömningar?)\b")
_INQUIRY = re.compile(r"\b(?:SOU|Ds) \d{4}:\d+")
_REMISS_CONTENT = re.compile(r"(?i)remissens (?:huvudsakliga )?(?:innehåll|förslag)|remissen i (?:sammandrag|korthet)")
# an attachment that is the municipality's own answer: "Bilaga 1 / Kommunstyrelsen / Yttrande 2025-11-05 / Till
# Socialdepartementet"
_TO = re.compile(r"^Till (?P<to>(?:[A-ZÅÄÖ][\wåäö-]+)(?: [A-ZÅÄÖ][\wåäö-]+)?)")
_MUNICIPALITY = re.compile(r"^(?P<name>[A-ZÅÄÖ][A-ZÅÄÖ-]+) (?P<kind>KOMMUN|STAD|REGION)\b", re.M)
_SIGNATURE = re.compile(r"^[A-ZÅÄÖ][a-zåäö]+ den \d{1,2} [a-zåäö]+ \d{4}$")
_REMISS_FROM = re.compile(r"\bRemiss från (?P<sender>[^\n]+?)\s*$", re.M)
# a paper on a motion: "Motion (2014:45) av Ann-Margarethe Livh (V)"; its summary speaks for the motion's authors
_MOTION_BY = re.compile(r"^[ \t]*Motion(?:\s*\([^)\n]*\))?\s+(?:av|från)\s+(?P<who>[^\n]+?\([A-ZÅÄÖ!, ]{1,12}\))", re.M)
_DNR = re.compile(r"\bDnr[.:]?\s*(?P<dnr>(?:[A-ZÅÄÖ]{2,6}\s)?[\w][\w\-/.:]*\d)")
_META_LINE = re.compile(
    r"^(?:PM|Dnr|Sida?|Datum|Utlåtande|Tjänsteutlåtande|Handläggare|Rotel|Bilaga \d|Diarienummer|Utfärdat|"
    r"För kännedom|Sammanträdesdatum|Besöksadress|Postadress|Växel|Org\.? ?nr|E-post|Webbplats)\b|^\d{4}-\d\d-\d\d|"
    r".*\b\d{3} \d{2} [A-ZÅÄÖ][a-zåäö]+\b|.*\bwww\.\w"  # an address: "Lindåsa kommun, 745 80 Lindåsa www.lindasa.se"
)
_SUMMARY_HEADING = re.compile(r"^Remissammanställning$", re.I)
# who answered the remiss, as the summary lists them: "Remissen har besvarats av stadsbyggnadsnämnden, Norrmalms
# stadsdelsnämnd och Cykelfrämjandet." / "Ärendet har remitterats till stadsledningskontoret."
_ANSWERED_BY = re.compile(r"\b(?:besvarats av|remitterats till|remitterades (?:den \d{1,2} [a-zåäö]+ \d{4} )?till|"
                          r"yttrande(?:n)? har (?:inkommit|lämnats) från|"
                          r"remissvar har (?:inkommit|lämnats) från)\s+(?P<names>[^.]+)", re.I)
# a remissinstans named in its own heading: a nämnd, office or authority ("Stadsbyggnadsnämnden", "Norrmalms
# stadsdelsnämnd", "Länsstyrelsen i Stockholms län"); the bodies that decide the matter are not among them
_RESPONDENT = re.compile(
    rf"(?:{_INSTITUTION}|[A-ZÅÄÖ][\wåäö-]*(?:nämnden|utskottet|beredningen)|[A-ZÅÄÖ][\wåäö-]*s? "
    r"(?:stadsdelsnämnd|stadsdelsförvaltning|kommun|stad)|[A-ZÅÄÖ][\wåäö-]*(?:verket|styrelsen|myndigheten)"
    r"(?: i [A-ZÅÄÖ][\wåäö]*(?: [A-ZÅÄÖ][\wåäö]*)?(?: [a-zåäö]+)?)?|(?:Kommunala |Kommunens |Stadens )?[A-ZÅÄÖ]?"
    r"[\wåäö-]*rådet|[A-ZÅÄÖ][\wåäö-]*(?:föreningen|förbundet|organisationen)(?: [A-ZÅÄÖ][\wåäö-]*){0,2}|"
    r"(?:Föreningen|Förbundet|Organisationen|Nätverket)(?: [A-ZÅÄÖ][\wåäö-]*){1,3}|"
    rf"{_COMPANY}|Region [A-ZÅÄÖ][\wåäö]+|"
    # a committee of a district or a compound name: "Stadsdelsnämnden Norra Hisingen", "Park- och naturnämnden"
    r"[A-ZÅÄÖ][\wåäö-]*(?:nämnden|förvaltningen) [A-ZÅÄÖ][\wåäö]+(?: [A-ZÅÄÖ][\wåäö]+)?|"
    r"[A-ZÅÄÖ][a-zåäö]+- och [a-zåäö]+(?:nämnden|förvaltningen|kontoret)|"
    r"[A-ZÅÄÖ][a-zåäö]+a (?:nämnden|förvaltningen))")  # "Tekniska nämnden", "Sociala nämnden"
# sections that give the remiss answers one by one under their senders' names ("Ärendets beredning" of a
# tjänsteskrivelse, "Remissinstansernas synpunkter"), as a remissammanställning does
_REMISS_SECTIONS = frozenset(("ärendets beredning", "beredning", "remissvar", "inkomna remissvar", "remissyttranden",
                              "remissinstansernas synpunkter", "remissinstanser", "remissbehandling"))
# … and any heading of that kind: "Yttranden under samrådet", "Inkomna yttranden", "Synpunkter från remissinstanserna"
_REMISS_HEADING = re.compile(r"(?i)^(?:inkomna |sammanfattning av )?(?:yttranden|remissvar|remissyttranden|"
                             r"samrådsyttranden)\b|remissinstans|synpunkter (?:från|under) (?:remiss|samråd)|"
                             r"^nämndernas (?:yttranden|synpunkter)$|^yttranden från nämnderna$")
# a heading over a dissent whose authors the next line names, and the kind of dissent it is
_DISSENT_HEADINGS = {"reservation": "Reservation", "reservationer": "Reservation", "särskilt uttalande":
                     "Särskilt uttalande", "ersättaryttrande": "Ersättaryttrande",
                     "protokollsanteckning": "Protokollsanteckning",
                     "särskilt yttrande": "Särskilt yttrande", "särskilda yttranden": "Särskilt yttrande"}
_ATTACHMENT = re.compile(r"Bilag(?:a|or)(?: \d{1,2})?:?")
# a paper within the paper: a tjänsteskrivelse attached to a protocol opens with its kind, then its issuer
_NUMBERED = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}[.)]?\s")
_PAPER_MARK = re.compile(r"(?i:tjänsteskrivelse|tjänsteutlåtande)")
_PAPER_MARK_LINE = re.compile(r"(?<!\S)(?:TJÄNSTESKRIVELSE|TJÄNSTEUTLÅTANDE)(?!\S)")
# … or another paper of the genre, its kind in capitals on a line of its own, its writer on the line above: "Revisorerna
# / MISSIV", "Socialnämnden / YTTRANDE 2025-05-20"
_PAPER_KIND = re.compile(r"(?:MISSIV|YTTRANDE|SKRIVELSE|REMISSVAR|GRANSKNINGSRAPPORT|REVISIONSRAPPORT)"
                         r"(?: \d{4}-\d\d-\d\d)?")
# a municipality's elected auditors, who write their own papers ("Revisorerna", "Lindåsa kommuns revisorer")
AUDITORS = "Revisorerna"
_AUDITORS = re.compile(r"Revisorerna|De förtroendevalda revisorerna|"
                       r"[A-ZÅÄÖ][\wåäö]+ (?:kommuns|stads|regions) revisorer")
# a written reservation's head names the parties alone: "Reservation / Moderaterna och Kristdemokraterna"
_PARTY_NAMES = {name.lower(): code for code, name in PARTIES.items() if code not in ("F!",)} | {
    "liberalerna": "L", "folkpartiet liberalerna": "FP"}
_PARTY_LINE = re.compile(r"(?i:{0})(?: \([A-ZÅÄÖ!]{{1,3}}\))?(?:(?:, | och | samt )(?i:{0})(?: \([A-ZÅÄÖ!]{{1,3}}\))?)*"
                         .format("|".join(sorted(_PARTY_NAMES, key=len, reverse=True))))
# the labels of what a remissinstans answered, as a summary gives it ("Farsta stadsdelsnämnd, remissvar i
# sammanfattning") or the föredragande reports it ("Äldrenämnden (enligt föredragande borgarrådet …)")
ANSWERED = ", remissvar i sammanfattning"
REPORTED_BY = " (enligt "
# headings inside one remissinstans's answer, which do not end it
_ANSWER_PARTS = frozenset(("synpunkter", "sammanfattning", "sammanfattande synpunkter", "bakgrund", "bedömning",
                           "kontorets synpunkter", "förvaltningens synpunkter", "nämndens synpunkter", "yttrande",
                           "motivering", "förslag till beslut"))
_DECIDING = re.compile(r"(?:Borgarrådsberedningen|Kommunstyrelsen|Kommunfullmäktige|Regionstyrelsen|"
                       r"Regionfullmäktige)$")



@dataclass(frozen=True)
class Paragraph:
    start: int  # offsets in the cleaned text
    end: int
    section: str | None
    actor: str
    heading: bool  # a heading: it names the section, passages do not repeat it as text


@dataclass(frozen=True)
class Structure:
    title: str
    dnr: str | None
    paragraphs: tuple[Paragraph, ...]


# the att-sats that hands the word to the text after it: "– att därutöver anföra", "3. att därutöver anföra följande"
_ANNOUNCING_POINT = re.compile(r"(?:[–-]\s*|\d{1,2}[.)]\s*)?att (?:(?:därutöver|härutöver|dessutom|vidare) )?"
                               r"anföra(?: följande)?[.:]?", re.I)


def is_voice_marker(sentence: str) -> bool:
    """A sentence that only hands the word to a voice: "Föredragande borgarrådet Karin Wanngård anför följande.",
    "Reservation anfördes av … enligt följande.", "– att därutöver anföra", "Ledamoten Amir Haddad (MP) lät anteckna
    följande till protokollet." — it says who speaks, not what they think."""
    text = sentence.strip()
    return bool(_PRESENTER.match(text) or _DISSENT.match(text) or _STATEMENT.match(text)
                or _ANNOUNCING_POINT.fullmatch(text) or (m := _GIVEN_WORD.match(text)) and m.end() >= len(text) - 1)


def _is_topic(paras: list[str], k: int) -> bool:
    """Whether paragraph ``k`` is a numbered topic heading within the part it stands in ("3. Målgrupp och
    åldersgräns"): a short numbered title with prose before and after it, not more numbered lines (a list's items:
    "1. Samrådsredogörelse daterad …", "2. Plankarta och planbeskrivning")."""
    return is_numbered_title(paras[k]) and k + 1 < len(paras) and \
        not (_NUMBERED.match(paras[k + 1]) and not _below(paras[k], paras[k + 1])) and \
        not (k and _NUMBERED.match(paras[k - 1]) and not _below(paras[k - 1], paras[k])) and \
        not _known_heading(paras[k])


def _level(title: str) -> int | None:
    """How deep a numbered title stands: "4. Ekonomisk analys" 0, "4.2 Hemtjänst" 1; None when unnumbered."""
    m = _SECTION_NUMBER.match(title)
    return m.group().strip().rstrip(".").count(".") if m else None


def _below(parent: str, child: str) -> bool:
    """Whether ``child`` is numbered as a part of ``parent``: "4.1 Resultat per verksamhet" of "4. Ekonomisk
    analys" (a heading over its first part, not a list's items "1. …", "2. …")."""
    m, n = _SECTION_NUMBER.match(parent), _SECTION_NUMBER.match(child)
    return bool(m and n) and n.group().strip().startswith(m.group().strip().rstrip(".") + ".")


def _column_names(paras: list[str], k: int) -> bool:
    """Whether paragraph ``k`` names a column of the table right below it, as a PDF gives a header set over
    several lines ("Verksamhet / Budget 2025 / … / Avvikelse prognos april2" above "Hemtjänst | 142 600 | …"): one of
    three or more short lines, no more than the table's first row has cells, up to that row."""
    def cell(t: str) -> bool:
        return len(t.split()) <= 5 and " | " not in t and not re.search(r"[.;:]$", t)

    start, end = k, k
    while start > 0 and k - start < 8 and cell(paras[start - 1]):
        start -= 1
    while end < len(paras) and end - k < 8 and cell(paras[end]):
        end += 1
    if k == end or end == len(paras):
        return False
    cells = paras[end].split("\n", 1)[0].count(" | ") + 1
    return cells >= 3 and 3 <= end - start <= cells + 1


# a consultation report, and the columns of its table of answers: who sent it, what they said, the office's reply
_CONSULTATION_PAPER = re.compile(r"(?i)\b(?:samrådsredogörelse|granskningsutlåtande|remissammanställning)\b")
_SENDER_COLUMN = re.compile(r"(?i)^(?:avsändare|remissinstans|inkommen från|från|instans|yttrande från)\b")
_VIEW_COLUMN = re.compile(r"(?i)\b(?:synpunkt\w*|yttrande\w*|sammanfattning)\b")
_REPLY_COLUMN = re.compile(r"(?i)\b(?:kommentar\w*|bemötande|svar|ställningstagande)\b")
# the section of the office's comment on a sender's answer: "… – Kommentar till Trafikverket"
_REPLY_TO = "Kommentar till "
_RECEIVED = re.compile(r"\s+(?:Inkom|Inkommen|Inkommit|Daterad)\b.*$", re.S)


def _office_named(raw: str) -> str | None:
    """The office a paper names first, as its nominative: "redovisar Samhällsbyggnadsförvaltningens kommentarer"
    -> "Samhällsbyggnadsförvaltningen"; a signature's capitals too ("SAMHÄLLSBYGGNADSFÖRVALTNINGEN")."""
    m = re.search(r"(?<![\w-])([A-ZÅÄÖ][a-zåäö]+(?:kontoret|förvaltningen))s?(?![\wåäö-])", raw) or \
        re.search(r"(?<![\w-])([A-ZÅÄÖ]+(?:KONTORET|FÖRVALTNINGEN))(?![\wÅÄÖ-])", raw)
    return m.group(1).capitalize() if m else None


def _consultation_columns(text: str) -> tuple[int, int, int, int] | None:
    """(cells, sender, view, reply) of a consultation table's header row ("Nr | Avsändare | Inkommen synpunkt
    (sammanfattning) | Förvaltningens kommentar"), else None."""
    if " | " not in text:
        return None
    cells = text.split(" | ")
    sender = next((i for i, c in enumerate(cells) if _SENDER_COLUMN.match(c)), None)
    reply = next((i for i, c in enumerate(cells) if _REPLY_COLUMN.search(c)), None)
    view = next((i for i, c in enumerate(cells) if _VIEW_COLUMN.search(c) and i not in (sender, reply)), None)
    if sender is None or view is None or reply is None or not sender < view < reply:
        return None
    return len(cells), sender, view, reply


def _consultation_rows(text: str, columns: tuple[int, int, int, int],
                       office: str) -> list[tuple[int, int, str, str]]:
    """A consultation table's rows cut into their voices: up to the end of what the sender said, the sender's ("1 |
    Länsstyrelsen i Västerhavs län Inkom 2025-04-03 | Länsstyrelsen har tagit del …" — Länsstyrelsen i Västerhavs
    län, remissvar i sammanfattning); the reply, the office's; each with the name of its part (the sender's,
    "Kommentar till" the sender). [] when a line of it is no such row."""
    n, sender, view, reply = columns
    parts: list[tuple[int, int, str, str]] = []
    pos = 0
    for line in text.split("\n"):
        cells = line.split(" | ")
        if len(cells) != n:
            return []
        starts = [pos]
        for cell in cells[:-1]:
            starts.append(starts[-1] + len(cell) + 3)
        who = _RECEIVED.sub("", cells[sender]).strip()
        if not who:
            return []
        parts.append((pos, starts[view] + len(cells[view]), f"{who}{ANSWERED}", who))
        parts.append((starts[reply], pos + len(line), office, f"{_REPLY_TO}{who}"))
        pos += len(line) + 1
    return parts


def _known_heading(text: str) -> bool:
    """A heading of the genre, numbered or not: "Ärendet", "1. Ärendet", "3. Bakgrund" (a paper's part, not a topic
    within one)."""
    return _SECTION_NUMBER.sub("", text).lower().rstrip(":") in KNOWN_HEADINGS


def topic_of(section: str | None) -> str | None:
    """The numbered topic a section ends in, without its number: "Utredningens förslag i sammandrag – 3. Målgrupp
    och åldersgräns (avsnitt 7.4)" -> "Målgrupp och åldersgräns"; a consultation's comment, whom it answers:
    "Inkomna yttranden – Kommentar till Trafikverket" -> "Kommentar till Trafikverket"; None for a section that names
    no such topic."""
    last = (section or "").rsplit(" – ", 1)[-1]
    if last.startswith(_REPLY_TO):  # the office's comment on a consultation's answer is about that answer's sender
        return last
    if not is_numbered_title(last):
        return None
    return re.sub(r"\s*\([^()]*\)\s*$", "", _NUMBERED.sub("", last, count=1)).strip() or None


# a table's or a figure's caption names it, not a part of the text: "Tabell 1. Driftredovisning per verksamhet, tkr"
_CAPTION = re.compile(r"(?:Tabell|Figur|Diagram|Bild|Table|Figure)\s+\d+[.:]?\s")


# a sentence announcing the points below it is no heading: "Pensionärsrådet framförde följande synpunkter:"
_LEAD_IN = re.compile(r"\bföljande(?: \w+)?:$")


def _is_heading(text: str) -> bool:
    if _known_heading(text):
        return True
    if _META_LINE.match(text) or " - " in text or text.split()[0].lower() in {"samt", "och", "eller", "att"} or \
            " | " in text or re.search(r"…{2}|\.{4}", text) or _CAPTION.match(text) or _LEAD_IN.search(text):
        return False  # nor a table's row ("Summa | 6 | 4 | 1") or a line for a signature ("Justerande ………… Namn")
    return (
        len(text) <= 60 and text[:1].isupper() and not re.search(r"[.,;]$", text) and len(text.split()) <= 6
        and not _SIGNATURE.match(text) and not text.isupper()
    )


def _nominative(genitive: str) -> str:
    """"Stadsledningskontorets" -> "Stadsledningskontoret"."""
    return genitive[:-1] if genitive.endswith("s") else genitive


def party_label(who: str) -> str:
    """Parties of a list of names: "A och B (båda M) och C (FP)" -> "Moderaterna (M) och Folkpartiet (FP)"."""
    codes: list[str] = []
    for group in re.findall(r"\(([^)]*)\)", who):
        for code in re.split(r"[,\s]+|\boch\b", group):
            code = code.strip().upper()
            if code in PARTIES and code not in codes:
                codes.append(code)
    names = [f"{PARTIES[c]} ({c})" for c in codes]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " och " + names[-1]
    return names[0] if names else ""


def _person_names(who: str) -> str:
    names = re.sub(r"\((?:båda|alla|samtliga)?\s*[^)]*\)", "", who)
    names = re.sub(r"(?i)\b(?:(?:\d:e |förste |andre )?vice )?(?:borgarråden|borgarrådet|(?:styrelse)?ledamöterna|"
                   r"(?:styrelse)?ledamoten|ersättarna|ersättaren|ordföranden|ordförande)\b|\bm\.fl\.?", "", names)
    parts = [p.strip() for p in re.split(r",|\boch\b|\bsamt\b", re.sub(r"\s+", " ", names)) if p.strip()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1] if parts else ""


# the labels _dissent_actor makes, members' own words within a body: "Reservation av Moderaterna (M) … i
# borgarrådsberedningen (…)", "Yrkande av Socialdemokraterna (S) i kommunstyrelsen (Anna Berg)"
DISSENT_LABEL = re.compile(r"(?:Reservation|Särskilt uttalande|Särskilt yttrande|Ersättaryttrande|Protokollsanteckning|"
                           r"Yrkande|Anförande|Interpellation|Interpellationssvar|Fråga) av\b")


_COMMON_BODY = re.compile(r"[\wåäö]*(?:-|nämnden|styrelsen|beredningen|utskottet|fullmäktige|förvaltningen|kontoret|"
                          r"rådet)(?:\s|$)")


def _as_named(body: str) -> str:
    """A body as a sentence names it: "kommunstyrelsen", "miljö- och hälsoskyddsnämnden"; a name stays one:
    "Bromma stadsdelsnämnd", "Farsta stadsdelsförvaltning"."""
    return body[0].lower() + body[1:] if _COMMON_BODY.match(body) else body


def _dissent_actor(kind: str, who: str, body: str | None) -> str:
    parties = party_label(who)
    label = f"{kind} av {parties}" if parties else f"{kind} av {_person_names(who)}"
    if body:
        label += f" i {_as_named(body)}"
    if parties and (names := _person_names(who)):
        label += f" ({names})"
    return label


def _reported_voices(text: str) -> list[tuple[int, int, str | None]]:
    """A paragraph cut where a reported voice takes over ("… . Farsta stadsdelsnämnd ställer sig positiv …"):
    (start, end, the voice its piece opens with, else None) per piece."""
    cuts = [0] + [c.end() for c in _REPORT_STARTS.finditer(text)] + [len(text)]
    pieces = []
    for s0, s1 in zip(cuts, cuts[1:], strict=False):
        piece = text[s0:s1].rstrip()
        who = _REPORTED.match(piece)
        pieces.append((s0, s0 + len(piece), who.group("inst") if who else None))
    return pieces


# the parties a dissent's heading names after its kind: "Reservation (M)", "Särskilt yttrande (S, V)"
_HEADING_PARTIES = re.compile(r"\s*\((?P<codes>[A-ZÅÄÖ!]{1,3}(?:(?:, | och | & )[A-ZÅÄÖ!]{1,3})*)\)$")


def _dissent_kind(section: str | None) -> str | None:
    """The kind of dissent a section heading announces: "Reservation", "§ 48 – Särskilt yttrande – § 48",
    "Reservation (M)" -> its kind; None for other sections."""
    last = re.sub(r"\s*[–-]\s*§\s*\d+\w*$", "", section or "").split(" – ")[-1]
    return _DISSENT_HEADINGS.get(_HEADING_PARTIES.sub("", last.strip()).lower())


def _party_codes(line: str) -> str:
    """"Moderaterna och Kristdemokraterna", "Moderaterna (M)" -> "(M) och (KD)", "(M)"."""
    names = (re.sub(r"\s*\([^)]*\)$", "", n).lower() for n in re.split(r", | och | samt ", line))
    return " och ".join(f"({_PARTY_NAMES[n]})" for n in names)


def _attached_statement(paras: list[str], raw: str) -> str | None:
    """The voice of an attachment that is the municipality's own answer to a remiss, from its head ("Kommunstyrelsen",
    "Yttrande 2025-11-05", "Till Socialdepartementet"): "Norrbacka kommun (kommunstyrelsens yttrande till
    Socialdepartementet)"; None for another attachment."""
    if not any(t.startswith("Yttrande") for t in paras):
        return None
    to = next((m.group("to") for t in paras if (m := _TO.match(t))), None)
    body = next((t for t in paras if re.fullmatch(_BODY, t)), None)
    if to is None or body is None:
        return None
    said = f"{body[0].lower()}{body[1:]}s yttrande till {to}"
    m = _MUNICIPALITY.search(raw[:600])
    return f"{m.group('name').title()} {m.group('kind').lower()} ({said})" if m else f"{body}, yttrande till {to}"


def _title_and_dnr(clean: CleanText, raw: str, given_title: str | None, fallback: str) -> tuple[str, str | None]:
    head = clean.text[:2000]
    m = _DNR.search(head)
    dnr = m.group("dnr") if m else None
    if given_title and given_title.strip():
        return given_title.strip(), dnr
    for a, b in clean.paragraphs[:8]:
        text = clean.text[a:b]
        if _META_LINE.match(text) or len(text) < 4:
            continue
        oa, ob = clean.original_span(a, b)
        first_line = next((ln.strip() for ln in raw[oa:ob].split("\n") if ln.strip()), text)
        return re.sub(r"\s+", " ", first_line)[:200], dnr
    return fallback, dnr


def _member_moves(text: str, body: str | None) -> list[tuple[int, int, str | None, bool]]:
    """A protocol paragraph cut where members speak: (start, end, speaker, the speaker goes on after it) per part,
    speaker None for a part before the first. [] when no member speaks in it.

    "Anna Berg (S) yrkar bifall. Per Holm (M) yrkar avslag." -> two parts, "Yrkande av Socialdemokraterna (S) i
    kommunstyrelsen (Anna Berg)" and "Yrkande av Moderaterna (M) …"; "Per Holm (M) och Lena Ek (KD) reserverar
    sig …" -> "Reservation av Moderaterna (M) och Kristdemokraterna (KD) i kommunstyrelsen (Per Holm och Lena Ek)",
    whose voice goes on (a written reservation follows).
    """
    starts = [m.start() if m.start() == 0 else m.end() for m in _MOVE_STARTS.finditer(text)]
    if not starts:
        return []
    bounds = ([0] if starts[0] > 0 else []) + starts + [len(text)]
    parts = []
    for s, e in zip(bounds, bounds[1:], strict=False):
        m = _MOVES.match(text, s)
        if m is None and (asked := _ASKED_OFFICIAL.match(text, s)):
            # the official the answer names by role, by name where the paragraph named them ("Socialchef Annika
            # Berglöf och kvalitetsstrateg … föredrar ärendet.")
            role = asked.group("role")
            named = re.search(rf"(?i:{re.escape(role)}) {_NAME}", text[:s])
            parts.append((s, e, named.group() if named else f"{role[:1].upper()}{role[1:]}", False))
            continue
        if m is None:
            official = _OFFICIAL_WORDS.match(text, s)  # what the official says goes on ("… om följande.")
            parts.append((s, e, official.group("who") if official else None, bool(official)))
            continue
        act, who = m.group("act"), m.group("who")
        if who.startswith("Ledam"):  # "Ledamöterna för Socialdemokraterna och Vänsterpartiet": "(S) och (V)"
            named = re.findall(_PARTY_NAME, who)
            who = " och ".join(f"({_PARTY_NAMES[name.lower()]})" for name in named)
        kind = "Reservation" if "reserv" in act else "Protokollsanteckning" if "anteck" in act else \
            "Särskilt yttrande" if "yttrande" in act else "Anförande" if act.endswith(" att") else \
            "Fråga" if act == "frågar" else "Yrkande"
        if joined := _JOINED_BY.search(text, m.end(), e):
            who += " och " + joined.group("who")
        parts.append((s, e, _dissent_actor(kind, who, body), kind not in ("Yrkande", "Fråga")))
    return [(s, s + len(text[s:e].rstrip()), who, sticky) for s, e, who, sticky in parts]


def _protocol_head(clean: CleanText) -> tuple[str | None, str | None]:
    """(body, title) of a protocol, whose head names the body and the meeting's date ("Kommunstyrelsen",
    "Sammanträdesdatum 2025-04-14"): ("Kommunstyrelsen", "Kommunstyrelsen, protokoll 2025-04-14"); else (None, None)."""
    paras = [clean.text[a:b] for a, b in clean.paragraphs[:_PROTOCOL_HEAD]]
    first = next((i for i, t in enumerate(paras) if _ITEM.match(t)), None)
    if first is None:  # no "§ 52 …" opens a matter: no protocol (a page may quote "protokoll" in its head)
        return None, None
    head = paras[:first]
    if not (any(re.search(r"(?i)protokoll\b", t) for t in head) and
            any(re.search(rf"(?<![\w-]){_BODY}(?![\w-])", t) for t in head)):
        # a web page opens with its § as its heading, the meeting's particulars below it ("Organ |
        # Regionfullmäktige", "Protokollet justerat | 2025-06-24")
        head = head + paras[first + 1:first + 1 + _PARTICULARS]
    if not any(re.search(r"(?i)protokoll(?:et)?\b", t) for t in head):
        return None, None
    body = next((m.group() for t in head if (m := re.search(rf"(?<![\w-]){_BODY}(?![\w-])", t))), None)
    if body is None:
        return None, None
    date = next((m.group() for t in head if (m := re.search(r"\b\d{4}-\d\d-\d\d\b", t))), None)
    return body, f"{body}, protokoll" + (f" {date}" if date else "")


def _protocol_extract(before: list[str]) -> str | None:
    """The body of a protocol (extract) whose head stands in ``before``, the paragraphs before a "§ 114" line:
    "Byggnadsnämnden", "Protokollsutdrag", "Sammanträdesdatum: 2019-05-21" -> "Byggnadsnämnden"; else None."""
    if not any(re.search(r"(?i)protokoll", t) for t in before):
        return None
    return next((m.group() for t in reversed(before) if (m := re.search(rf"(?<![\w-]){_BODY}(?![\w-])", t))), None)


def _official_head(clean: CleanText) -> tuple[str | None, str | None]:
    """(issuer, title) of a tjänsteskrivelse or tjänsteutlåtande: the office its head names before the title, and
    the title, the last line of the head before the first heading (not the addressee, a date, Dnr, a name in
    capitals). (None, None) for other papers.

    Example head: "Trafikkontoret / Tjänsteutlåtande / Dnr T2019-01234 / Handläggare / Anna Svensson / Till /
    Trafiknämnden / Cykelparkering vid Odenplan / Förslag till beslut" -> ("Trafikkontoret", "Cykelparkering vid
    Odenplan").
    """
    paras = [clean.text[a:b] for a, b in clean.paragraphs[:_HEAD_WITH_ADDRESS]]
    # the first heading of the text; a body's name on a line of its own in the head is whom the paper is addressed to
    first = next((i for i, t in enumerate(paras) if _known_heading(t) and not re.fullmatch(_BODY, t.strip())), None)
    if first is None or not _OFFICIAL_PAPER.search(" ".join(paras[:min(first, _HEAD_PARAGRAPHS)])):
        return None, None
    title = None
    for i in range(first - 1, -1, -1):
        text = paras[i].strip()
        if len(text.split()) >= 2 and not (_META_LINE.match(text) or _ADDRESSEE.match(text) or text.isupper()
                                           or re.fullmatch(_BODY, text) or ISSUER.fullmatch(text)):
            title, first = re.sub(r"^(?:Tjänsteskrivelse|Tjänsteutlåtande)\s*[-–:]?\s*", "", text) or text, i
            break
    m = ISSUER.search(" ".join(paras[:first]))
    return (m.group(1) if m else None), title


def _answers_remiss(name: str, respondents: set[str]) -> bool:
    """A heading naming a remissinstans (not a body deciding the matter): one of its kind ("Stadsbyggnadsnämnden",
    "Lövsta kommun") or one the paper lists as having answered."""
    return not _DECIDING.match(name) and bool(re.fullmatch(_RESPONDENT, name) or name.lower() in respondents)


def _gives_remiss_answers(name: str) -> bool:
    """A heading under which the remiss answers follow, each under its sender's name ("Remissvar", "Ärendets
    beredning", "Yttranden under samrådet")."""
    return name.lower() in _REMISS_SECTIONS or bool(_REMISS_HEADING.search(name))


def _paper_writer(texts: list[str], k: int) -> str | None:
    """Who writes the paper whose kind stands in paragraph ``k`` ("TJÄNSTESKRIVELSE", "YTTRANDE", "MISSIV"): an
    office in the three paragraphs after it, else an office, a body or the auditors in the paragraph before it (a
    body after it is more likely whom the paper is addressed to: "Handläggare: … / Socialnämnden")."""
    found = next((m.group(1) for t in texts[k + 1:k + 4] if (m := ISSUER.match(t))), None)
    before = texts[k - 1].strip() if k else ""
    if found is None and before:
        if m := ISSUER.fullmatch(before):
            found = m.group(1)
        elif re.fullmatch(_BODY, before):
            found = before
        elif _AUDITORS.fullmatch(before):
            found = AUDITORS
    return found


def analyse(clean: CleanText, raw: str, given_title: str | None = None, fallback_title: str = "") -> Structure:
    """Label every paragraph of ``clean`` with its section and speaker (see the module docstring)."""
    title, dnr = _title_and_dnr(clean, raw, given_title, fallback_title)
    opens_with_item = bool(clean.paragraphs) and bool(_ITEM.match(clean.text[slice(*clean.paragraphs[0])]))
    # a page that opens with its "§ 74 …" is a protocol's, whatever office's paper it gives below
    issuer, head_title = (None, None) if opens_with_item else _official_head(clean)
    protocol = False
    if issuer is None and head_title is None:
        # no tjänsteutlåtande: perhaps a protocol, which speaks for its body outside its members' words
        issuer, head_title = _protocol_head(clean)
        protocol = issuer is not None
    if head_title and not (given_title and given_title.strip()):
        title = head_title
    m = _REMISS_FROM.search(raw[:3000])
    sender = re.split(r",?\s+Dnr\b", m.group("sender"))[0].strip() if m else None  # "… kommunstyrelsen, Dnr KS …"
    sender = sender[:1].upper() + sender[1:] if sender else None  # "Remiss från trafiknämnden": a label starts upper
    motion = None if sender else _MOTION_BY.search(raw[:3000])
    authors = " ".join(motion.group("who").split()) if motion else None
    summary_voice = f"{sender}, remissen i sammanfattning" if sender else \
        f"Motion av {authors}, i sammanfattning" if authors else "Remissen i sammanfattning"

    if issuer is None and not protocol and _CONSULTATION_PAPER.search(raw[:1500]):
        issuer = _office_named(raw)  # a samrådsredogörelse is its office's, named in its text or signature
    file_voice = doc_voice = issuer or title  # doc_voice: of the paper we are in (an attached one has its own)
    actor = doc_voice
    section: str | None = None
    item: str | None = None  # the protocol paragraph ("§ 52 Ny förskola i Norrby") we are in
    item_titled = False
    part: str | None = None  # a top-level part such as "Remissammanställning"
    body: str | None = issuer if protocol else None  # the body whose meeting we are in (for reservations)
    meeting = body  # the body whose protocol this is, to return to after another body's part ("Regionstyrelsens
    # behandling") of a matter
    presenter: str | None = None  # the föredragande, while their text runs
    respondents: set[str] = set()  # who answered the remiss, as its summary lists them
    respondent: str | None = None  # the remissinstans whose answer the summary gives, while it runs
    remiss_section: str | None = None  # a section that gives remiss answers under their senders' names
    proposal = False  # the actor is a body whose proposal a paper quotes ("Kommunstyrelsen föreslår …")
    summarised: str | None = None  # an inquiry whose proposals the paper sums up, while the summary runs
    reporting: str | None = None  # a voice an office reports ("Pensionärsrådet framförde följande synpunkter:")
    office_voice: str | None = None  # an office's paper given whole within a § (a web page's matter), while it runs
    title_next = False  # the paragraph after a bare "§ 47" line may be its matter's title
    quoted = False  # the remissinstans's answer is quoted as its office wrote it, headings and all
    topic_base: str | None = None  # the section a run of numbered topics stands in, and the latest topic's
    topic_section: str | None = None
    out: list[Paragraph] = []
    paragraphs = clean.paragraphs
    texts = [clean.text[a:b] for a, b in paragraphs]
    signature_left = 0  # paragraphs still to come of a signature set side by side
    consultation: tuple[int, int, int, int] | None = None  # a consultation table's columns, while its rows run

    for k, (a, b) in enumerate(paragraphs):
        text = texts[k]
        heading = False
        titled, title_next = title_next, False
        if titled and len(text) <= 160 and not re.search(r"[.:;,]$", text) and text[:1].isupper() and \
                text.lower() not in KNOWN_HEADINGS and not _META_LINE.match(text) and not _DNR.match(text):
            # "§ 47 Dnr KS 2024/0187" / "Svar på interpellation om delade turer": the matter's title
            item = section = f"{item} {text}"
            item_titled = True
            out.append(Paragraph(a, b, section, actor, True))
            continue
        first_line = text.split("\n", 1)[0]
        if columns := _consultation_columns(first_line):
            # "Nr | Avsändare | Inkommen synpunkt | Förvaltningens kommentar": each row below is two voices
            consultation = columns
            out.append(Paragraph(a, a + len(first_line), section, actor, False))
            if len(first_line) == len(text):
                continue
            a, text = a + len(first_line) + 1, text[len(first_line) + 1:]
        if consultation and (rows := _consultation_rows(text, consultation, doc_voice)):
            # under the sender's name: "Inkomna yttranden – Trafikverket", "… – Kommentar till Trafikverket"
            for s0, s1, who, part_name in rows:
                out.append(Paragraph(a + s0, a + s1, f"{section} – {part_name}" if section else part_name, who,
                                     False))
            continue
        if consultation and _is_heading(text):
            consultation = None  # the table has ended
        if _column_names(texts, k):  # a table's header, a line per column: no heading of the text
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if _is_topic(texts, k):
            # a numbered topic within the part it stands in; the voice goes on ("Utredningens förslag i sammandrag –
            # 3. Målgrupp och åldersgräns")
            base = topic_base if section is not None and section == topic_section else section
            if (depth := _level(text)) is not None:
                # a numbered part ends the parts as deep or deeper before it: "4. Ekonomisk analys" follows
                # "3. Bakgrund", "4.2 Hemtjänst" stands in "4. Ekonomisk analys" after "4.1 Resultat per verksamhet"
                base = section
                while base and (last := _level(base.rsplit(" – ", 1)[-1])) is not None and last >= depth:
                    base = base.rsplit(" – ", 1)[0] if " – " in base else None
            section = topic_section = f"{base} – {text}" if base else text
            topic_base = base
            out.append(Paragraph(a, b, section, actor, True))
            continue
        if signature_left or (side_by_side := _signature_run(texts, k)):
            # names set side by side over their titles, as a PDF gives them: all names, then all titles ("Lena Hjort /
            # Birgitta Ståhlberg / Kenneth Åström / Sekreterare / Ordförande / Justerare"); one signature, not a name
            # over the title beside it
            signature_left = signature_left - 1 if signature_left else side_by_side - 1
            out.append(Paragraph(a, b, "Underskrift", actor, False))
            continue
        if _TITLE_LINE.fullmatch(text) and k and _PERSON_LINE.fullmatch(texts[k - 1]) or \
                _PERSON_LINE.fullmatch(text) and k + 1 < len(texts) and _TITLE_LINE.fullmatch(texts[k + 1]):
            out.append(Paragraph(a, b, "Underskrift", actor, False))  # a signature, "Peter Lindahl / Kommundirektör"
            continue
        if not protocol and out and (m := _ITEM_LINE.match(text)) and \
                any(re.search(r"(?i)protokoll", t) for t in texts[max(0, k - 5):k]):
            # "PROTOKOLLSUTDRAG / Vård- och omsorgsnämnden, sammanträde 2025-09-24 § 58": the nämnd's protocol,
            # attached; the matter's title follows
            protocol = True
            body = doc_voice = actor = meeting = m.group("body")
            part, presenter, respondent, remiss_section, proposal, quoted = None, None, None, None, False, False
            item = section = f"§ {m.group('n')}"
            item_titled, title_next = False, True
            out.append(Paragraph(a, b, section, actor, True))
            continue
        if (out or issuer is None) and (
                mark := _PAPER_MARK.fullmatch(text) or len(text) <= 80 and _PAPER_MARK_LINE.search(text)
                or _PAPER_KIND.fullmatch(text)) and (found := _paper_writer(texts, k)) and found != doc_voice:
            # "TJÄNSTESKRIVELSE / Kommunledningsförvaltningen 2024-04-08 …" after a protocol: the office's paper (a
            # Word file's page header: "TALLÅSA KOMMUN ⇥ TJÄNSTESKRIVELSE ⇥ Sida 1"); "Socialförvaltningen /
            # TJÄNSTESKRIVELSE", "Socialnämnden / YTTRANDE", "Revisorerna / MISSIV" as a PDF's page header sets them
            doc_voice = actor = found
            protocol, item, presenter, part, respondent, remiss_section, proposal, quoted = \
                False, None, None, None, None, None, False, False
            section = mark.group().split()[0].capitalize() if _PAPER_KIND.fullmatch(text) else \
                mark.group().strip().capitalize()
            out.append(Paragraph(a, b, section, actor, True))
            continue
        if not protocol and out and (m := _ITEM.match(text)) and (
                found := _protocol_extract(texts[max(0, k - 5):k])):
            # "Byggnadsnämnden / Protokollsutdrag / Sammanträdesdatum … / § 114": the nämnd's protocol, attached
            protocol, body, doc_voice, actor, meeting = True, found, found, found, found
            part, presenter, respondent, remiss_section, proposal, quoted = None, None, None, None, False, False
        if protocol and (m := _ITEM.match(text)):
            rest = _DNR.sub("", m.group("rest")).strip(" ,-–")
            item, item_titled = f"§ {m.group('n')}" + (f" {rest}" if rest else ""), bool(rest)
            actor, section, presenter, part, respondent = doc_voice, item, None, None, None
            title_next = not rest
            out.append(Paragraph(a, b, section, actor, True))
            continue
        if item and (m := _OFFICE_BYLINE.match(text)) and text.endswith(".") and \
                re.search(r"\b(?:daterad|daterat|Handläggare)\b", text):
            # "Tjänsteutlåtande från hälso- och sjukvårdsförvaltningen, daterat 2025-04-10.": the office's paper, given
            # whole within the §, speaks for the office under its own headings until the matter's handling resumes
            office_voice = actor = m.group("office")[:1].upper() + m.group("office")[1:]
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if item and _dissent_kind(section) and re.fullmatch(_MEMBERS, text):
            # "Mikael Strand (S)", "Anna Berg (M), Per Holm (KD)" under a written reservation: its signature, not a
            # turn in a debate
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if item and (m := _TURN.fullmatch(text)):
            # a turn in the debate, under its speaker's name: "Anförande 3 / Jonas Öberg (MP):"
            actor = _dissent_actor("Anförande", m.group("who"), body)
            section = f"{item} – {text.rstrip(':')}"
            out.append(Paragraph(a, b, section, actor, True))
            continue
        if (item or _dissent_kind(section)) and (m := _GIVEN_WORD.match(text)):
            # "Lina Forsberg (V) anför i huvudsak följande.", "Jonas Öberg och Sara Holmberg (båda MP) anför följande."
            asked = re.search(r" – [^–]*interpellation", section or "", re.I)  # under "Interpellationen"
            named = next((k for w, k in _GIVEN_KIND.items() if w in m.group().lower()), None)  # "… yttrande."
            kind = _dissent_kind(section) or named or ("Interpellationssvar" if m.group("answer") else
                                                       "Interpellation" if asked else "Anförande")
            who = m.group("who")
            if lead := re.match(_PARTY_MEMBERS, who):  # the parties named, then their members: the members' parties
                who = who[lead.end():].lstrip(", ") or " och ".join(
                    f"({_PARTY_NAMES[n.lower()]})" for n in re.findall(_PARTY_NAME, lead.group()))
            actor = _dissent_actor(kind, who, body)
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if item and (m := _MOTION_SUMMARY.match(text)):
            # the motion as the protocol sums it up, then the office that answered it: "… Motionären uppskattar …
            # Samhällsbyggnadsförvaltningen har yttrat sig över motionen. Förvaltningen bedömer …"
            actor = f"Motion av {m.group('who')}, i sammanfattning"
            for s0, s1, inst in _reported_voices(text):
                if s0 and inst:
                    actor = inst
                out.append(Paragraph(a + s0, a + s1, section, actor, False))
            continue
        if item and (m := _CITIZEN_PROPOSAL.match(text)):
            # the citizen's proposal, this paragraph; an office answering it next speaks under its own name
            out.append(Paragraph(a, b, section, f"Medborgarförslag av {m.group('who')}, i sammanfattning", False))
            continue
        if item and _REPORTED.match(text):
            # "Barn- och utbildningsförvaltningen har i tjänsteskrivelse den 19 februari 2025 yttrat sig över
            # förslaget. Förvaltningen …": the office, until the next heading
            for s0, s1, inst in _reported_voices(text):
                if inst:
                    actor = inst
                out.append(Paragraph(a + s0, a + s1, section, actor, False))
            continue
        if item and (m := _PROPOSAL_OF_BODY.match(text)) and not _is_heading(text):
            actor = m.group("body")  # its proposal; the meeting's body, whose members speak next, stays
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if item and (moves := _member_moves(text, body)):
            for start, end, who, sticky in moves:
                if sticky:
                    actor = who
                out.append(Paragraph(a + start, a + end, section, who or actor, False))
            continue
        if part is None and (kind := _dissent_kind(section)) and _PARTY_LINE.fullmatch(text):
            # a written reservation's head: "Reservation" then "Moderaterna och Kristdemokraterna"
            actor = _dissent_actor(kind, _party_codes(text), body)
            out.append(Paragraph(a, b, section, actor, False))
            continue
        if reporting and _LISTED_POINT.match(text):
            out.append(Paragraph(a, b, section, reporting, False))  # the points the reported voice made, listed
            continue
        reporting = None
        if remiss_section and presenter is None and not item and not respondent and doc_voice == issuer and \
                issuer and (m := _REPORTED.match(text)):
            # an office's paper reports the råd it consulted: "Pensionärsrådet framförde följande synpunkter:" and
            # its points, "Funktionsnedsättningsrådet betonade att …"
            label = f"{m.group('inst')}{REPORTED_BY}{_as_named(issuer)})"
            reporting = label if text.endswith(":") else None
            out.append(Paragraph(a, b, section, label, False))
            continue
        if presenter and remiss_section and (_REPORTED.match(text) or _REPORT_STARTS.search(text)):
            # the föredragande reports what the remiss answers say: each voice's sentences under its name
            for s0, s1, inst in _reported_voices(text):
                label = f"{inst}{REPORTED_BY}{presenter[0].lower()}{presenter[1:]})" if inst else presenter
                out.append(Paragraph(a + s0, a + s1, section, label, False))
            continue
        if m := _PRESENTER.match(text):
            presenter = f"Föredragande {m.group('role')} {m.group('name')}" + \
                (f" {m.group('party')}" if m.group("party") else "")
            actor, section, part = presenter, None, None
        elif m := _DISSENT.match(text):
            # made in the body whose answer this is, if a remissinstans's ("Äldrenämnden … Reservation anfördes …")
            label = _dissent_actor(m.group("kind"), m.group("who"), respondent or body)
            if m.group("ref"):  # "… med hänvisning till …": it says no more; the voice before it goes on
                out.append(Paragraph(a, b, m.group("kind") if respondent is None else section, label, False))
                continue
            actor = label
            section, presenter = m.group("kind"), None
        elif m := _STATEMENT.match(text):
            office = _nominative(m.group("office")) if m.group("office") else m.group("says")
            presenter = None
            section = "Tjänsteutlåtande"
            if respondent:  # the answer of the remissinstans its heading names, as its office wrote it: the
                # nämnd's words too ("Miljöförvaltningen, Miljö- och hälsoskyddsnämnden")
                actor = office if office.lower() == respondent.lower() else f"{office}, {respondent}"
                quoted = True
            else:
                actor = part = office
        elif (m := _BODY_ACTS.match(text)) and not respondent and (presenter is None or _DECIDES.match(text)):
            # "Nämnden tillstyrker" in its own answer; in a föredragande's text only the formula of a decision
            # opens a body's words: "Länsstyrelsen föreslår en länsgemensam vattenskyddsfond …" is what she reports
            body = m.group("body")
            if presenter is None or not text.startswith("Jag"):
                actor, presenter, proposal = body, None, True
                if not item:
                    section = "Förslag till beslut" if " föreslår " in text[:80] else body
        elif _SIGNATURE.match(text) and presenter:
            section = "Underskrift"  # the signature closes the föredragande's text; the name line follows
        elif text.isupper() and presenter and section == "Underskrift" and len(text) < 60:
            actor, presenter = presenter, None
            out.append(Paragraph(a, b, "Underskrift", actor, False))
            actor = doc_voice
            continue
        elif _ATTACHMENT.fullmatch(text) or _is_heading(text) and text.lower().startswith("bilaga"):
            # "Bilaga 1": the file's paper again, not one attached before it
            statement = _attached_statement([clean.text[a2:b2] for a2, b2 in paragraphs[k + 1:k + 8]], raw)
            heading, doc_voice, respondent, remiss_section, quoted = True, statement or file_voice, None, None, False
            part, section, presenter, actor = None, text.rstrip(":"), None, doc_voice
            protocol, item, item_titled, summarised = False, None, False, None
        elif respondent and _is_heading(text) and (text.rstrip(":").lower() in _ANSWER_PARTS or quoted and not (
                re.fullmatch(_RESPONDENT, text.rstrip(":")) or text.rstrip(":").lower() in respondents)):
            heading = True  # a part of the remissinstans's own answer ("Synpunkter"): its voice goes on
        elif item and _is_heading(text):
            heading = True
            name = text.rstrip(":")
            decision = _DECISION.match(name)
            if not item_titled and name.lower() not in KNOWN_HEADINGS and not decision:
                item, item_titled = f"{item} {name}", True  # "§ 52" and its matter, "Ny förskola i Norrby"
                section = item
            elif office_voice and remiss_section and _answers_remiss(name, respondents):
                # a remiss answer the office's paper gives under its sender's heading
                respondent, section, actor = name, f"{item} – {name}", f"{name}{ANSWERED}"
            else:
                section = f"{item} – {name}"
                phase = _MATTER_PHASE.search(name)
                if phase or decision:  # the matter's handling resumes: the office's paper has ended
                    office_voice = remiss_section = respondent = None
                    body = meeting or body
                if decision and re.fullmatch(_BODY, decision.group("body")):
                    body = actor = decision.group("body")  # "Kommunstyrelsens beslut": the body's own words
                elif m := _BODY_PART.fullmatch(name):
                    # "Arbetsutskottets förslag", "Regionstyrelsens behandling": that body's part of the matter
                    actor = _nominative(m.group("body"))
                    body = actor if m.group("part") == "behandling" else body
                elif (kind := _dissent_kind(name)) and (codes := _HEADING_PARTIES.search(name)):
                    # "Reservation (M)": the party's written dissent, until the next heading
                    who = " och ".join(f"({c})" for c in re.split(r", | och | & ", codes.group("codes")))
                    actor = _dissent_actor(kind, who, body)
                elif office_voice:  # the office's paper goes on under its own headings ("Bakgrund", "Remissvar")
                    actor, respondent = office_voice, None
                    if _gives_remiss_answers(name):
                        remiss_section = name
                else:  # members' words end with their paragraph or at the next heading
                    actor = body or doc_voice
        elif _is_heading(text):
            heading = True
            name = text.rstrip(":")
            summary = part == "Remissammanställning"
            if respondent:  # the answer ends: the summary's, the föredragande's or the paper's own voice again
                actor = "Remissammanställningen" if summary else presenter or doc_voice
            elif proposal and presenter is None and not item:
                actor = doc_voice  # a proposal quoted under "Förslag till beslut" ends with its section
            respondent, proposal, quoted = None, False, False
            if summarised:  # the summary of the inquiry's proposals ends
                actor, summarised = doc_voice, None
            if _REMISS_CONTENT.fullmatch(name) and not item and presenter is None:
                # "Remissens innehåll" in an answer to a remiss: what its sender proposes, as the answer sums it up
                summarised = actor = summary_voice
                section = name
                out.append(Paragraph(a, b, section, actor, True))
                continue
            if (m := _PROPOSALS_OF.match(name)) and not item:
                ref = _INQUIRY.search(f"{title} {raw[:3000]}")
                summarised = actor = f"{m.group('who').capitalize()}" + (f" ({ref.group()})" if ref else "") + \
                    ", i sammandrag"
                section = name
                out.append(Paragraph(a, b, section, actor, True))
                continue
            if (summary or remiss_section) and name != doc_voice and _answers_remiss(name, respondents):
                respondent = name
                section = f"{part if summary else remiss_section} – {name}"
                if summary:
                    presenter = None
                actor = f"{name}{ANSWERED}"
                out.append(Paragraph(a, b, section, actor, heading))
                continue
            remiss_section = name if _gives_remiss_answers(name) else None
            if _SUMMARY_HEADING.match(name):
                part, presenter, section = "Remissammanställning", None, None
                actor = summary_voice
            elif re.fullmatch(_BODY, name):
                body, section = name, name
                if presenter is None:
                    actor = doc_voice
            elif re.fullmatch(_INSTITUTION, name):
                section = name
            else:
                section = f"{part} – {name}" if part and part != actor else name
                if part == "Remissammanställning":
                    on_matter = name.lower() == "ärendet"
                    actor = summary_voice if on_matter else "Remissammanställningen"
        if m := _ANSWERED_BY.search(text):
            respondents |= {n.strip().lower() for n in re.split(r",|\boch\b|\bsamt\b", m.group("names")) if n.strip()}
        out.append(Paragraph(a, b, section, actor, heading))
    return Structure(title=title, dnr=dnr, paragraphs=tuple(out))
