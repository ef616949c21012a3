from qa.cleaning import clean_text
from qa.structure import analyse, party_label, topic_of


def _actor_of(structure, clean, phrase):
    pos = clean.text.index(phrase)
    return next(p for p in structure.paragraphs if p.start <= pos < p.end)


def _assert_actors(structure, clean, expect):
    """Each phrase's paragraph speaks as the label its expected actor begins."""
    for phrase, actor in expect.items():
        assert _actor_of(structure, clean, phrase).actor.startswith(actor), phrase


def test_case_document_voices(case_text):
    c = clean_text(case_text)
    s = analyse(c, case_text)
    assert s.title == "Utveckling av KSL inför mandatperioden 2015-2018"
    assert s.dnr == "002-879/2014"
    expect = {
        "Borgarrådsberedningen föreslår att kommunstyrelsen": "Borgarrådsberedningen",
        "Hur avgränsningar ska göras mot kommunernas egna": "Föredragande borgarrådet Karin Wanngård",
        "Borgarrådsberedningen tillstyrker": "Borgarrådsberedningen",
        "KSL:s resurser bör dock främst fokuseras på välfärdsutveckling":
            "Reservation av Moderaterna (M) och Folkpartiet (FP) i borgarrådsberedningen",
        "Dennis Wendin och Markus Nordström": "Reservation av Moderaterna (M) och Folkpartiet (FP) i kommunstyrelsen",
        "föreslås att KSL utvecklar en tydligare": "Kommunförbundet Stockholms Län (KSL), remissen i sammanfattning",
        "Medborgarna förväntar sig att": "Stadsledningskontoret",
        "Remisställaren gör det väl komplicerat": "Stadsledningskontoret",
    }
    _assert_actors(s, c, expect)
    # The föredragande reports the office's view in her Beredning section: labelled as reported.
    reported = _actor_of(s, c, "KSL ska vara en mötesplats för diskussion")
    assert reported.actor == "Stadsledningskontoret (enligt föredragande borgarrådet Karin Wanngård)"
    assert reported.section == "Beredning"
    assert _actor_of(s, c, "Hur avgränsningar ska göras mot kommunernas egna").section == "Mina synpunkter"
    assert _actor_of(s, c, "föreslås att KSL utvecklar").section == "Remissammanställning – Ärendet"


SYNTHETIC = """Miljö- och hälsoskyddsnämnden
Utlåtande 2023:12 (Dnr 123-456/2023)

Nytt reningsverk i Bromma

Kommunstyrelsen föreslår att kommunfullmäktige beslutar följande.
1. Reningsverket byggs.

Föredragande kommunalrådet Anna Svensson anför följande.

Ärendet

Staden behöver ett nytt reningsverk.

Mina synpunkter

Jag anser att bygget bör starta 2025.

Särskilt uttalande gjordes av Per Holm (V) enligt följande.

Vi vill att bygget utreds mer.

Reservation anfördes av Eva Lind och Bo Ek (båda SD) enligt följande.

Vi avstyrker förslaget.

Miljöförvaltningens tjänsteutlåtande daterat den 3 mars 2023 har i huvudsak följande lydelse.

Förvaltningen tillstyrker ett nytt reningsverk.
"""


def test_synthetic_document_of_the_genre():
    c = clean_text(SYNTHETIC)
    s = analyse(c, SYNTHETIC)
    assert s.dnr == "123-456/2023"
    assert _actor_of(s, c, "Reningsverket byggs").actor == "Kommunstyrelsen"
    assert _actor_of(s, c, "bygget bör starta").actor == "Föredragande kommunalrådet Anna Svensson"
    assert _actor_of(s, c, "utreds mer").actor.startswith("Särskilt uttalande av Vänsterpartiet (V)")
    assert _actor_of(s, c, "Vi avstyrker").actor.startswith("Reservation av Sverigedemokraterna (SD)")
    assert "Eva Lind och Bo Ek" in _actor_of(s, c, "Vi avstyrker").actor
    assert _actor_of(s, c, "Förvaltningen tillstyrker").actor == "Miljöförvaltningen"


REMISS_ANSWERS = """Cykelplan för Stockholms stad
Remiss från trafiknämnden

Föredragande borgarrådet Daniel Helldén anför följande.

Jag ser positivt på planen.

Remissammanställning

Ärendet

Trafikkontoret har tagit fram en cykelplan. Remissen har besvarats av stadsbyggnadsnämnden, Norrmalms
stadsdelsnämnd och Cykelfrämjandet.

Stadsbyggnadsnämnden

Stadsbyggnadsnämnden ställer sig positiv till planen men anser att parkeringsfrågan måste utredas.

Synpunkter

Nämnden vill se en tidplan för cykelbanorna.

Norrmalms stadsdelsnämnd

Stadsdelsnämnden tillstyrker förslaget men påpekar bristen på cykelparkering.

Cykelfrämjandet

Cykelfrämjandet anser att målen är för lågt satta.

Trafiknämnden

Trafikkontorets tjänsteutlåtande daterat den 10 januari 2015 har i huvudsak följande lydelse.

Kontoret föreslår att planen antas.
"""


def test_each_remissinstans_speaks_in_the_remiss_summary():
    """A remissammanställning gives each answer under the name of the one who answered: a nämnd, a district
    committee, or an organisation the summary lists among those who answered."""
    c = clean_text(REMISS_ANSWERS)
    s = analyse(c, REMISS_ANSWERS)
    assert _actor_of(s, c, "Trafikkontoret har tagit fram").actor == "Trafiknämnden, remissen i sammanfattning"
    for phrase, who in {"parkeringsfrågan måste utredas": "Stadsbyggnadsnämnden",
                        "bristen på cykelparkering": "Norrmalms stadsdelsnämnd",  # not "Stadsdelsnämnden" acting
                        "för lågt satta": "Cykelfrämjandet",
                        "tidplan för cykelbanorna": "Stadsbyggnadsnämnden"}.items():  # under its own sub-heading
        p = _actor_of(s, c, phrase)
        assert p.actor == f"{who}, remissvar i sammanfattning", phrase
        assert p.section == f"Remissammanställning – {who}"
    assert _actor_of(s, c, "planen antas").actor == "Trafikkontoret, Trafiknämnden"  # the nämnd's answer as its office wrote it


MOTION = """Fler cykelparkeringar i innerstaden
Motion (2014:45) av Ann-Margarethe Livh (V)

Borgarrådsberedningen föreslår att kommunfullmäktige beslutar följande.

Motionen avslås.

Remissammanställning

Ärendet

Ann-Margarethe Livh (V) föreslår i en motion att staden bygger fler cykelparkeringar.

Beredning

Motionen har remitterats till trafiknämnden.

Trafiknämnden

Nämnden anser att motionen är besvarad genom cykelplanen.
"""


def test_a_motions_summary_speaks_for_its_authors():
    from qa.speakers import mentioned_speakers, speaker_matches

    c = clean_text(MOTION)
    s = analyse(c, MOTION)
    motion = _actor_of(s, c, "bygger fler cykelparkeringar").actor
    assert motion == "Motion av Ann-Margarethe Livh (V), i sammanfattning"
    assert speaker_matches(mentioned_speakers("Vad vill Vänsterpartiet?"), motion)
    assert _actor_of(s, c, "besvarad genom cykelplanen").actor == "Trafiknämnden, remissvar i sammanfattning"


OFFICE_PAPER = """Trafikkontoret
Tjänsteutlåtande
Dnr T2019-01234
Sida 1 (4)
2019-05-02

Handläggare
Anna Svensson
Telefon 08-508 000 00

Till
Trafiknämnden
2019-05-23

Cykelparkering vid Odenplan

Förslag till beslut
1. Trafiknämnden godkänner att kontoret bygger 400 nya
cykelparkeringsplatser vid Odenplan till en kostnad av 6 miljoner kronor.
2. Trafiknämnden ger kontoret i uppdrag att upphandla arbetet.

Sammanfattning
Cykelparkeringen vid Odenplan är överbelagd under större delen av året och
cyklar parkeras på gångbanor och vid entréerna till tunnelbanan.

Kontorets synpunkter
Trafikkontoret anser att nya platser bör prioriteras framför fler
bilparkeringar i området.
"""

SCHOOL_PAPER = """SOLBACKA KOMMUN                    TJÄNSTESKRIVELSE
Barn- och utbildningsförvaltningen  2025-03-04
                                    Dnr BUN 2025/112
Karin Lund                          Sid 1 (3)

Barn- och utbildningsnämnden

Tjänsteskrivelse – Ny förskola i Norrby

Förslag till beslut
Barn- och utbildningsnämnden hemställer hos kommunfullmäktige om 12 miljoner kronor för en ny förskola i Norrby.

Förvaltningens bedömning
Förvaltningen bedömer att en ny förskola bör byggas på tomten vid Norrbyskolan.
"""


def test_a_tjansteutlatande_speaks_for_the_office_its_head_names():
    """The head of a tjänsteutlåtande or tjänsteskrivelse names the office that wrote it and, before the first
    heading, the title; the addressee ("Till Trafiknämnden"), Dnr, dates and the handläggare are neither."""
    for raw, office, title, dnr, phrase in (
            (OFFICE_PAPER, "Trafikkontoret", "Cykelparkering vid Odenplan", "T2019-01234", "bör prioriteras"),
            (SCHOOL_PAPER, "Barn- och utbildningsförvaltningen", "Ny förskola i Norrby", "BUN 2025/112",
             "bör byggas")):
        c = clean_text(raw)
        s = analyse(c, raw)
        assert (s.title, s.dnr) == (title, dnr)
        assert _actor_of(s, c, phrase).actor == office
        assert _actor_of(s, c, "hemställer" if raw is SCHOOL_PAPER else "godkänner").actor == office
    # a numbered proposal under its heading is a paragraph of its own, not part of the heading
    c = clean_text(OFFICE_PAPER)
    s = analyse(c, OFFICE_PAPER)
    p = _actor_of(s, c, "godkänner")
    assert p.section == "Förslag till beslut" and c.text[p.start:p.end].startswith("1. Trafiknämnden")


PROTOCOL = """SOLBACKA KOMMUN
SAMMANTRÄDESPROTOKOLL
Kommunstyrelsen
Sammanträdesdatum 2025-04-14

§ 52 Dnr KS 2025/87
Ny förskola i Norrby

Kommunstyrelsens beslut
Kommunstyrelsen föreslår kommunfullmäktige att bevilja 12 miljoner kronor för en ny förskola i Norrby.

Yrkanden
Anna Berg (S) yrkar bifall till barn- och utbildningsnämndens förslag.
Per Holm (M) yrkar att ärendet återremitteras för att utreda en lösning i befintliga lokaler.

Propositionsordning
Ordföranden ställer proposition på yrkandena och finner att kommunstyrelsen beslutar enligt Anna Bergs yrkande.

Reservation
Per Holm (M) och Lena Ek (KD) reserverar sig mot beslutet till förmån för eget yrkande.

§ 53 Dnr KS 2025/90
Motion om fler laddstolpar

Kommunstyrelsens beslut
Motionen avslås.

Yrkanden
Jonas Lind (MP) yrkar bifall till motionen.
"""


def test_a_protocol_gives_each_member_their_own_words():
    """In a protocol each § is a section; the decision is the body's, a member's motion ("yrkar") is that member's
    and a reservation is theirs in that body, even when the lines of several members run together."""
    c = clean_text(PROTOCOL)
    s = analyse(c, PROTOCOL)
    assert s.title == "Kommunstyrelsen, protokoll 2025-04-14"
    decision = _actor_of(s, c, "bevilja 12 miljoner")
    assert (decision.actor, decision.section) == ("Kommunstyrelsen", "§ 52 Ny förskola i Norrby – Kommunstyrelsens beslut")
    berg, holm = _actor_of(s, c, "yrkar bifall till barn"), _actor_of(s, c, "yrkar att ärendet")
    assert berg.actor == "Yrkande av Socialdemokraterna (S) i kommunstyrelsen (Anna Berg)"
    assert holm.actor == "Yrkande av Moderaterna (M) i kommunstyrelsen (Per Holm)"
    assert c.text[holm.start:holm.end].startswith("Per Holm (M) yrkar")
    assert _actor_of(s, c, "ställer proposition").actor == "Kommunstyrelsen"
    assert _actor_of(s, c, "reserverar sig").actor == \
        "Reservation av Moderaterna (M) och Kristdemokraterna (KD) i kommunstyrelsen (Per Holm och Lena Ek)"
    later = _actor_of(s, c, "Motionen avslås")
    assert (later.actor, later.section) == ("Kommunstyrelsen", "§ 53 Motion om fler laddstolpar – Kommunstyrelsens beslut")
    assert _actor_of(s, c, "bifall till motionen").actor == "Yrkande av Miljöpartiet (MP) i kommunstyrelsen (Jonas Lind)"


def test_document_without_markers_gets_its_title_as_speaker():
    raw = "Riktlinjer för parkering\n\nBilar ska parkeras på anvisade platser.\n\nCyklar får stå i ställ.\n"
    c = clean_text(raw)
    s = analyse(c, raw)
    assert s.title == "Riktlinjer för parkering"
    assert {p.actor for p in s.paragraphs} == {"Riktlinjer för parkering"}


def test_party_label():
    assert party_label("A och B (båda M) och C (FP)") == "Moderaterna (M) och Folkpartiet (FP)"
    assert party_label("D (S), E (V) och F (MP)") == "Socialdemokraterna (S), Vänsterpartiet (V) och Miljöpartiet (MP)"
    assert party_label("Ingen partibeteckning") == ""


def test_voice_markers_hand_over_the_word_and_say_nothing_else():
    from qa.structure import is_voice_marker

    assert is_voice_marker("Föredragande borgarrådet Karin Wanngård anför följande.")
    assert is_voice_marker("Reservation anfördes av borgarrådet Lotta Edholm (FP) enligt följande.")
    assert is_voice_marker("Stadsledningskontorets tjänsteutlåtande daterat den 13 augusti 2014 har i huvudsak "
                           "följande lydelse.")
    assert not is_voice_marker("Reservationen anför att KSL:s resurser bör fokuseras på välfärdsutveckling.")
    # a protocol's members given the word, and the att-sats that hands it to the text after it
    for marker in ("Ledamoten Amir Haddad (MP) lät anteckna följande till protokollet.",
                   "Ersättaren Bengt Öhrn (SD) anförde följande.", "– att därutöver anföra"):
        assert is_voice_marker(marker), marker
    assert not is_voice_marker("Ledamoten Amir Haddad (MP) lät anteckna följande: Miljöpartiet stöder beslutet.")


MOTION_ANSWERS = """Utlåtande 2021:148 RIII (Dnr KS 2020/1187)

Mat lagad på plats
 Motion (2020:94) av Eva Berg (V)

Borgarrådsberedningen föreslår att kommunfullmäktige beslutar följande.
1. Motionen anses besvarad.

Föredragande borgarrådet Olle Sten (KD) anför följande.

Beredning

Motionen har remitterats till äldrenämnden, Farsta stadsdelsnämnd och kommunstyrelsens pensionärsråd (KPR).

Äldrenämnden anser att motionen ska anses besvarad. Farsta stadsdelsnämnd ställer sig positiv till motionen. \
Kommunstyrelsens pensionärsråd tillstyrker motionen.

Mina synpunkter

Jag anser att maten ska lagas nära de boende.

Remissammanställning

Ärendet

Eva Berg (V) föreslår att all mat ska lagas på plats.

Beredning

Ärendet har remitterats till äldrenämnden, Farsta stadsdelsnämnd och kommunstyrelsens pensionärsråd (KPR).

Äldrenämnden

Äldrenämnden beslutade den 15 juni 2021 att godkänna förvaltningens tjänsteutlåtande.

Reservation anfördes av vice ordföranden Camilla Strand m.fl. (S) och Helena Öhman (V) med hänvisning till \
eget förslag.

Äldreförvaltningens tjänsteutlåtande daterat den 25 maj 2021 har i huvudsak följande lydelse.

Av stadens 41 boenden har 24 ett tillagningskök.

Ekonomiska konsekvenser

Ett kök kostar sex miljoner kronor.

Farsta stadsdelsnämnd

Farsta stadsdelsnämnd beslutade den 27 maj 2021 att godkänna förvaltningens tjänsteutlåtande.

Stadsdelsförvaltningens tjänsteutlåtande daterat den 6 maj 2021 har i huvudsak följande lydelse.

Försöket på Farstaängen minskade svinnet.

Kommunstyrelsens pensionärsråd (KPR)

KPR tillstyrker motionen och vill korta nattfastan.
"""


def test_remiss_answers_keep_their_senders_through_statements_and_reservations():
    """Each remissinstans speaks under its heading in the remissammanställning, also when its office's statement is
    quoted (a generic office is named with the instans, its inner headings do not end it) and after a reservation
    made in it by reference; the föredragande's Beredning reports each voice in its own sentences."""
    c = clean_text(MOTION_ANSWERS)
    s = analyse(c, MOTION_ANSWERS)
    presenter = "Föredragande borgarrådet Olle Sten (KD)"
    assert _actor_of(s, c, "lagas nära de boende").actor == presenter
    for phrase, who in {"ska anses besvarad": "Äldrenämnden", "ställer sig positiv": "Farsta stadsdelsnämnd",
                        "tillstyrker motionen.": "Kommunstyrelsens pensionärsråd"}.items():
        assert _actor_of(s, c, phrase).actor == f"{who} (enligt föredragande borgarrådet Olle Sten (KD))", phrase
    assert _actor_of(s, c, "all mat ska lagas").actor == "Motion av Eva Berg (V), i sammanfattning"
    assert _actor_of(s, c, "beslutade den 15 juni").actor == "Äldrenämnden, remissvar i sammanfattning"
    assert _actor_of(s, c, "med hänvisning till").actor == \
        "Reservation av Socialdemokraterna (S) och Vänsterpartiet (V) i äldrenämnden (Camilla Strand och Helena Öhman)"
    assert _actor_of(s, c, "41 boenden").actor == "Äldreförvaltningen, Äldrenämnden"
    assert _actor_of(s, c, "sex miljoner").actor == "Äldreförvaltningen, Äldrenämnden"  # under the office's own heading
    assert _actor_of(s, c, "beslutade den 27 maj").actor == "Farsta stadsdelsnämnd, remissvar i sammanfattning"
    assert _actor_of(s, c, "minskade svinnet").actor == "Stadsdelsförvaltningen, Farsta stadsdelsnämnd"
    assert _actor_of(s, c, "korta nattfastan").actor == "Kommunstyrelsens pensionärsråd (KPR), remissvar i sammanfattning"


PROTOCOL_WITH_PAPERS = """SJÖVIKS KOMMUN SAMMANTRÄDESPROTOKOLL

Kommunstyrelsen 2024-05-13

§ 87 Dnr KS 2023/0642

Bostadsprogram för Sjöviks kommun

Kommunstyrelsens beslut

Programmet antas.

Yrkanden

Mats Höglund (M) yrkar, med instämmande av Fredrik Ohlsson (KD), att ärendet återremitteras.

Protokollsanteckning

Johanna Lind (MP) lämnar följande protokollsanteckning. Miljöpartiet vill bygga i trä.

TJÄNSTESKRIVELSE

Kommunledningsförvaltningen 2024-04-08 Dnr KS 2023/0642

Förslag till beslut

Kommunstyrelsen föreslår att kommunfullmäktige beslutar att anta programmet.

Sammanfattning

Kommunen behöver 400 nya bostäder per år.

Ärendets beredning

Förslaget har remitterats till samtliga nämnder, Hyresgästföreningen Sjövik och kommunala pensionärsrådet.

Socialnämnden

Socialnämnden tillstyrker förslaget med ändringar.

Sjöviksbostäder AB

Bolaget kan bygga 120 lägenheter per år.

Hyresgästföreningen Sjövik

Hyresgästföreningen anser att målet är för lågt.

Förvaltningens bedömning

Förvaltningen föreslår att målet behålls.

Bilaga 1

Reservation

Moderaterna och Kristdemokraterna

Vi vill att detaljplaner tar högst 18 månader.
"""


def test_a_protocol_with_its_tjansteskrivelse_and_written_reservations():
    """A tjänsteskrivelse attached to a protocol speaks for its issuer, each remiss answer in its "Ärendets
    beredning" for its sender, a proposal it quotes only under "Förslag till beslut"; a written reservation in an
    attachment for the parties its head names; members who join a motion or leave a note are theirs."""
    c = clean_text(PROTOCOL_WITH_PAPERS)
    s = analyse(c, PROTOCOL_WITH_PAPERS)
    assert _actor_of(s, c, "yrkar, med instämmande").actor == \
        "Yrkande av Moderaterna (M) och Kristdemokraterna (KD) i kommunstyrelsen (Mats Höglund och Fredrik Ohlsson)"
    assert _actor_of(s, c, "bygga i trä").actor == \
        "Protokollsanteckning av Miljöpartiet (MP) i kommunstyrelsen (Johanna Lind)"
    office = "Kommunledningsförvaltningen"
    assert _actor_of(s, c, "anta programmet").actor == "Kommunstyrelsen"
    assert _actor_of(s, c, "400 nya bostäder").actor == office
    for phrase, who in {"med ändringar": "Socialnämnden", "120 lägenheter": "Sjöviksbostäder AB",
                        "för lågt": "Hyresgästföreningen Sjövik"}.items():
        p = _actor_of(s, c, phrase)
        assert (p.actor, p.section) == (f"{who}, remissvar i sammanfattning", f"Ärendets beredning – {who}"), phrase
    assert _actor_of(s, c, "målet behålls").actor == office
    assert _actor_of(s, c, "högst 18 månader").actor == \
        "Reservation av Moderaterna (M) och Kristdemokraterna (KD) i kommunstyrelsen"


PLAN_PAPER = """Stadsbyggnadsförvaltningen
Tjänsteutlåtande
Diarienummer 0831/16
Till Byggnadsnämnden

Detaljplan för bostäder vid Ekvägen

Förslag till beslut
1. Detaljplanen sänds ut för granskning.

Yttranden under samrådet

Stadsdelsnämnden Norra Hisingen

Stadsdelsnämnden tillstyrker planen om förskolan byggs först.

Park- och naturnämnden

Park- och naturnämnden avstyrker planen i dess nuvarande form.

Länsstyrelsen i Västra Götalands län

Länsstyrelsen framhåller att allén har biotopskydd.

Föreningen Bevara Ekbacken

Föreningen motsätter sig att ekskogen bebyggs.

Förvaltningens bedömning

Förvaltningen bedömer att planen är lämplig.

Byggnadsnämnden
Protokollsutdrag
Sammanträdesdatum: 2019-05-21

§ 114 0831/16

Yrkanden

Peter Ahlgren (M) yrkar att ärendet återremitteras.

Reservation

Peter Ahlgren och Lina Öberg (båda M) samt Jonas Qvarnström (KD) reserverar sig mot beslutet.

Särskilt yttrande

Elin Sandvik (V) lämnar följande särskilda yttrande. Vänsterpartiet vill ha fler hyresrätter.
"""


def test_a_planning_paper_with_its_consultation_answers_and_the_committees_protocol_extract():
    """Answers under "Yttranden under samrådet" speak for their senders ("Stadsdelsnämnden Norra Hisingen",
    "Park- och naturnämnden", "Länsstyrelsen i Västra Götalands län", "Föreningen Bevara Ekbacken"); a protocol
    extract attached after the paper speaks for its nämnd and its members, several under one party ("båda M"),
    and a särskilt yttrande is its author's."""
    c = clean_text(PLAN_PAPER)
    s = analyse(c, PLAN_PAPER)
    for phrase, who in {"förskolan byggs först": "Stadsdelsnämnden Norra Hisingen",
                        "nuvarande form": "Park- och naturnämnden",
                        "biotopskydd": "Länsstyrelsen i Västra Götalands län",
                        "ekskogen bebyggs": "Föreningen Bevara Ekbacken"}.items():
        assert _actor_of(s, c, phrase).actor == f"{who}, remissvar i sammanfattning", phrase
    assert _actor_of(s, c, "planen är lämplig").actor == "Stadsbyggnadsförvaltningen"
    assert _actor_of(s, c, "yrkar att ärendet").actor == "Yrkande av Moderaterna (M) i byggnadsnämnden (Peter Ahlgren)"
    assert _actor_of(s, c, "reserverar sig mot beslutet").actor == ("Reservation av Moderaterna (M) och "
                                                                    "Kristdemokraterna (KD) i byggnadsnämnden (Peter "
                                                                    "Ahlgren, Lina Öberg och Jonas Qvarnström)")
    assert _actor_of(s, c, "fler hyresrätter").actor == \
        "Särskilt yttrande av Vänsterpartiet (V) i byggnadsnämnden (Elin Sandvik)"


COUNCIL = """ÅSBY KOMMUN SAMMANTRÄDESPROTOKOLL
Kommunfullmäktige
Sammanträdesdatum 2025-03-17

§ 12 Dnr KS 2025/0031

Svar på interpellation om skolskjutsar på landsbygden

Interpellationen

Eva Lind (C) anför i huvudsak följande.

”Skolskjutsen från Norrby tar i dag 70 minuter. Avser kommunalrådet att korta restiden?”

Kommunalrådets svar

Kommunalrådet Per Ek (S) har lämnat följande skriftliga svar. ”Ja, till hösten 2026 ska restiden vara högst 45 minuter.”

Debatt

Anförande 1

Eva Lind (C):

Ordförande! 45 minuter är för långt, jag vill se 30 minuter redan i år.

Replik Per Ek (S):

Ordförande! Det kostar 4 miljoner kronor om året att nå 30 minuter.

Kommunfullmäktiges beslut

Interpellationsdebatten förklaras avslutad.

§ 13 Dnr KS 2024/0412

Svar på motion från Olle Berg (MP) om cykelbanor

Ärendebeskrivning

Olle Berg (MP) föreslår i en motion att kommunen bygger tio kilometer cykelbana om året. Motionären uppskattar kostnaden till 30 miljoner kronor. Tekniska förvaltningen har yttrat sig över motionen. Förvaltningen bedömer att kostnaden blir 45 miljoner kronor.

Kommunstyrelsens förslag till kommunfullmäktige
Kommunstyrelsen föreslår att kommunfullmäktige beslutar att motionen avslås.

Överläggning

Under överläggningen yttrar sig Olle Berg (MP) och Anna Sjö (S).

Olle Berg (MP) framhåller att cykelbanorna sparar 2 miljoner kronor i vård. Anna Sjö (S), kommunstyrelsens ordförande, anför att fem kilometer om året är vad budgeten tillåter.

Reservation – § 13

Olle Berg och Lisa Ås (båda MP) anför följande.

Vi vill ha tio kilometer cykelbana om året.
"""


def test_a_council_debate_gives_each_speaker_their_turn():
    """A council protocol: the matter's title follows its bare § line; the interpellation and its written answer are
    their authors'; each turn of the debate is its speaker's, whatever its heading ("Anförande 1 / Eva Lind (C):",
    "Replik Per Ek (S):"); the debate as the protocol records it ("X (MP) framhåller att …") is cut where the next
    speaker begins; a motion summed up is the motion's; a written reservation is its authors'."""
    c = clean_text(COUNCIL)
    s = analyse(c, COUNCIL)
    asked = _actor_of(s, c, "Skolskjutsen från Norrby")
    assert asked.actor == "Interpellation av Centerpartiet (C) i kommunfullmäktige (Eva Lind)"
    assert asked.section == "§ 12 Svar på interpellation om skolskjutsar på landsbygden – Interpellationen"
    assert _actor_of(s, c, "högst 45 minuter").actor == \
        "Interpellationssvar av Socialdemokraterna (S) i kommunfullmäktige (Kommunalrådet Per Ek)"
    assert _actor_of(s, c, "30 minuter redan").actor == "Anförande av Centerpartiet (C) i kommunfullmäktige (Eva Lind)"
    assert _actor_of(s, c, "4 miljoner").actor == "Anförande av Socialdemokraterna (S) i kommunfullmäktige (Per Ek)"
    assert _actor_of(s, c, "förklaras avslutad").actor == "Kommunfullmäktige"
    assert _actor_of(s, c, "tio kilometer cykelbana om året.").actor == \
        "Motion av Olle Berg (MP), i sammanfattning"
    assert _actor_of(s, c, "30 miljoner").actor == "Motion av Olle Berg (MP), i sammanfattning"
    assert _actor_of(s, c, "45 miljoner").actor == "Tekniska förvaltningen"  # the office that answered it
    assert _actor_of(s, c, "motionen avslås").actor == "Kommunstyrelsen"
    assert _actor_of(s, c, "sparar 2 miljoner").actor == \
        "Anförande av Miljöpartiet (MP) i kommunfullmäktige (Olle Berg)"
    assert _actor_of(s, c, "fem kilometer").actor == "Anförande av Socialdemokraterna (S) i kommunfullmäktige (Anna Sjö)"
    assert _actor_of(s, c, "Vi vill ha tio").actor == \
        "Reservation av Miljöpartiet (MP) i kommunfullmäktige (Olle Berg och Lisa Ås)"


STATEMENT = """ÅSBY KOMMUN
Kommunledningskontoret
Tjänsteskrivelse
Handläggare Datum Diarienummer
Kommunstyrelsen

Yttrande över betänkandet SOU 2026:14 Bättre kollektivtrafik

Ärendet

Åsby kommun har fått betänkandet på remiss.

Utredningens förslag i sammandrag

Utredningen föreslår att lagen ska gälla från den 1 juli 2028.

2. Taxor

Enligt utredningen ska taxan höjas med 5 procent.

Kommunens synpunkter i sammandrag

Kommunen vill att lagen ska gälla tidigast 2030.

Nämndernas yttranden

Tekniska nämnden

Nämnden anser att taxan inte ska höjas.

Kommunledningskontoret

Karin Ström

Kommundirektör

ÅSBY KOMMUN PROTOKOLLSUTDRAG
Kommunstyrelsen Sammanträdesdatum 2026-05-04

§ 88

Yttrande över betänkandet SOU 2026:14 Bättre kollektivtrafik

Beslut

Kommunstyrelsen beslutar att anta yttrandet.

Särskilt yttrande

Vänsterpartiet (V)

Vi vill att taxan sänks.

Bilaga 1

Kommunstyrelsen

Yttrande 2026-05-04

Till Infrastrukturdepartementet

Åsby kommun avstyrker att taxan höjs.
"""


def test_a_municipalitys_answer_to_a_state_inquiry():
    """A tjänsteskrivelse on a state inquiry: its summary of the inquiry's proposals is the inquiry's (numbered
    points included), the office speaks again after it; the nämnder's answers are theirs; a signature is no heading;
    in the protocol a written särskilt yttrande under a party's line is that party's; the attached yttrande is the
    municipality's own answer."""
    c = clean_text(STATEMENT)
    s = analyse(c, STATEMENT)
    assert _actor_of(s, c, "1 juli 2028").actor == "Utredningen (SOU 2026:14), i sammandrag"
    assert _actor_of(s, c, "höjas med 5 procent").actor == "Utredningen (SOU 2026:14), i sammandrag"
    assert _actor_of(s, c, "tidigast 2030").actor == "Kommunledningskontoret"
    assert _actor_of(s, c, "inte ska höjas").actor == "Tekniska nämnden, remissvar i sammanfattning"
    signed = _actor_of(s, c, "Kommundirektör")
    assert not signed.heading and (signed.actor, signed.section) == ("Kommunledningskontoret", "Underskrift")
    assert _actor_of(s, c, "Vi vill att taxan sänks").actor == \
        "Särskilt yttrande av Vänsterpartiet (V) i kommunstyrelsen"
    own = _actor_of(s, c, "avstyrker att taxan höjs")
    assert own.actor == "Åsby kommun (kommunstyrelsens yttrande till Infrastrukturdepartementet)"


TOPICS = """Yttrande över betänkandet SOU 2026:14 Bättre kollektivtrafik

Utredningens förslag i sammandrag

1. En ny lag om kollektivtrafik för barn och unga i länet
Utredningen föreslår en ny lag om kollektivtrafik.

2. Åldersgräns
Enligt utredningen ska lagen omfatta barn upp till 20 år.

Kommunens synpunkter

Kommunen anser att lagen bör gälla från 2030.

Bilagor

1. Samrådsredogörelse

2. Plankarta och planbeskrivning

Kommunen har fått handlingarna.
"""


def test_a_numbered_topic_heading_is_a_section_within_its_part():
    """"2. Åldersgräns" over the inquiry's text is a heading within "Utredningens förslag i sammandrag", on a line
    of its own however long, and the inquiry's voice goes on under it; a list of numbered items is text."""
    c = clean_text(TOPICS)
    s = analyse(c, TOPICS)
    age = _actor_of(s, c, "upp till 20 år")
    assert (age.section, age.actor) == ("Utredningens förslag i sammandrag – 2. Åldersgräns",
                                        "Utredningen (SOU 2026:14), i sammandrag")
    law = _actor_of(s, c, "en ny lag om kollektivtrafik.")
    assert law.section == "Utredningens förslag i sammandrag – 1. En ny lag om kollektivtrafik för barn och unga " \
        "i länet"
    assert _actor_of(s, c, "bör gälla från 2030").section == "Kommunens synpunkter"
    listed = _actor_of(s, c, "Plankarta och planbeskrivning")
    assert not listed.heading and listed.section == "Bilagor"


NAMND = """TALLÅSA KOMMUN\tPROTOKOLL\tSida 1 (3)

Barn- och utbildningsnämnden\tSammanträdesdatum 2025-03-18

Plats och tid

Kommunhuset, tisdagen den 18 mars 2025 kl. 18.00–21.40.

Utses att justera

Maria Lindblad (S)

Sekreterare ……………………………… Malin Örtegren

§ 13 Förvaltningschefens information

Förvaltningschef Helena Brodin informerar nämnden om följande.

Elevantal. Antalet elever var 2 946 den 15 oktober 2024.

Beslut

Barn- och utbildningsnämnden beslutar att lägga informationen till handlingarna.

§ 14 Svar på medborgarförslag om skolskjuts

Ärendebeskrivning

Linnea Bergkvist, Hästhagen, har i ett medborgarförslag föreslagit att alla elever ska erbjudas skolskjuts.

Barn- och utbildningsförvaltningen har i tjänsteskrivelse den 19 februari 2025 yttrat sig över förslaget. \
Förvaltningen har mätt vägen.

Förvaltningen föreslår därför skolskjuts för årskurs 1–3.

§ 16 Anmälan av delegationsbeslut

Överläggning

Mattias Rehn (SD) frågar om skälen till de fyra avslagen. Förvaltningschef Helena Brodin svarar att tre gäller skolval.

TALLÅSA KOMMUN\tTJÄNSTESKRIVELSE\tSida 1 (3)

Barn- och utbildningsförvaltningen\t2025-02-24\tDnr BUN 2024/0318

Bilaga 1 – Framtida skolorganisation

Sammanfattning

Förvaltningen föreslår att skolan avvecklas.
"""


def test_a_namnds_protocol_with_a_citizens_proposal_officials_and_an_attached_tjansteskrivelse():
    """A nämnd named "X- och Ynämnden" keeps its protocol; a citizen's proposal as the protocol sums it up is the
    citizen's; an office that "har i tjänsteskrivelse … yttrat sig" speaks on; an official informs and answers, a
    member asks; the office's tjänsteskrivelse after its page header ("… TJÄNSTESKRIVELSE …") is the office's."""
    c = clean_text(NAMND)
    s = analyse(c, NAMND)
    decided = _actor_of(s, c, "lägga informationen till handlingarna")
    assert decided.actor == "Barn- och utbildningsnämnden" and decided.section.startswith("§ 13")
    assert _actor_of(s, c, "Elevantal.").actor == "Förvaltningschef Helena Brodin"
    assert _actor_of(s, c, "alla elever ska erbjudas").actor == "Medborgarförslag av Linnea Bergkvist, i sammanfattning"
    assert _actor_of(s, c, "mätt vägen").actor == "Barn- och utbildningsförvaltningen"
    assert _actor_of(s, c, "årskurs 1–3").actor == "Barn- och utbildningsförvaltningen"
    assert _actor_of(s, c, "frågar om skälen").actor == \
        "Fråga av Sverigedemokraterna (SD) i barn- och utbildningsnämnden (Mattias Rehn)"
    assert _actor_of(s, c, "tre gäller skolval").actor == "Förvaltningschef Helena Brodin"
    assert _actor_of(s, c, "skolan avvecklas").actor == "Barn- och utbildningsförvaltningen"
    signature = _actor_of(s, c, "Malin Örtegren")
    assert not signature.heading


AUDIT = """LINDÅSA KOMMUN
Revisorerna
MISSIV
Diarienummer REV 2025/7
2025-03-20
Lindåsa kommun, 745 80 Lindåsa www.lindasa.se
Till socialnämnden
För kännedom: kommunfullmäktige

Granskning av socialnämndens styrning och kontroll av hemtjänsten

4. Revisionell bedömning

Revisorerna har tagit del av de sakkunnigas rapport och ställer sig bakom iakttagelserna.

Mot bakgrund av granskningen rekommenderar revisorerna socialnämnden att följa upp alla biståndsbeslut.

Socialförvaltningen
TJÄNSTESKRIVELSE
Diarienummer SN 2025/0112
Handläggare: Petter Halvarsson, kvalitetsstrateg
Socialnämnden

Förvaltningens synpunkter

Förvaltningen välkomnar granskningen och delar revisorernas bild av uppföljningen.

Socialnämnden
YTTRANDE 2025-05-20
Till Lindåsa kommuns revisorer

Socialnämnden har tagit del av revisorernas granskningsrapport och tackar för en värdefull granskning.

Socialnämnden
PROTOKOLLSUTDRAG
Sammanträdesdatum 2025-05-20

§ 45

Svar på revisorernas granskning av hemtjänsten

Särskilt yttrande

Roger Fält (SD) lämnar följande särskilda yttrande.

”Sverigedemokraterna ställer sig bakom yttrandet till revisorerna.”

Tove Almgren (L) får följande anteckning införd i protokollet.

”Liberalerna står bakom valfriheten i hemtjänsten.”

Vid protokollet

Lena Hjort

Birgitta Ståhlberg

Kenneth Åström

Sekreterare

Ordförande

Justerare
"""


def test_an_audit_matter_the_auditors_the_office_and_the_namnd_each_in_their_own_paper():
    """Papers that follow each other in one file, each under its kind in capitals with its writer on the line above
    ("Revisorerna / MISSIV", "Socialförvaltningen / TJÄNSTESKRIVELSE", "Socialnämnden / YTTRANDE"): each speaks as
    its writer — not as the nämnd a tjänsteskrivelse is addressed to below its kind; a member's note in the minutes
    after a special statement is the member's own."""
    c = clean_text(AUDIT)
    s = analyse(c, AUDIT)
    expect = {
        "Revisorerna har tagit del av de sakkunnigas rapport": "Revisorerna",
        "rekommenderar revisorerna socialnämnden": "Revisorerna",
        "Förvaltningen välkomnar granskningen": "Socialförvaltningen",
        "Socialnämnden har tagit del av revisorernas": "Socialnämnden",
        "Sverigedemokraterna ställer sig bakom": "Särskilt yttrande av Sverigedemokraterna (SD)",
        "Liberalerna står bakom valfriheten": "Protokollsanteckning av Liberalerna (L)",
    }
    _assert_actors(s, c, expect)
    # the addressee and the address are no headings: the auditors' numbered part stands in their paper
    assert _actor_of(s, c, "Revisorerna har tagit del").section == "Missiv – 4. Revisionell bedömning"
    # names set side by side over their titles are one signature: no name is a heading, none paired with the
    # title beside it
    signed = [_actor_of(s, c, line) for line in ("Lena Hjort", "Birgitta Ståhlberg", "Kenneth Åström", "Sekreterare",
                                                 "Ordförande", "Justerare")]
    assert all(p.section == "Underskrift" and not p.heading for p in signed)


WEB_MATTER = """§ 74 Sammanslagning av vårdcentraler

Organ | Regionfullmäktige
Protokollet justerat | 2025-06-24

Regionfullmäktiges beslut

Regionfullmäktige beslutar följande.

Förvaltningens förslag

Tjänsteutlåtande från hälso- och sjukvårdsförvaltningen, daterat 2025-04-10. Handläggare: Tomas Lindgärde.

Bakgrund

Vårdcentralen Ekeby har sedan hösten 2022 haft svårt att rekrytera läkare.

Remissvar

Förstudien remitterades den 15 januari 2025 till Regionala pensionärsrådet och Lövsta kommun.

Regionala pensionärsrådet

Rådet avstyrker förslaget att stänga vårdcentralen i Ekeby.

Beredning

Regionstyrelsens behandling

Regionstyrelsen behandlade ärendet den 27 maj 2025. Mikael Strand (S) yrkade återremiss.

Ledamöterna för Socialdemokraterna och Vänsterpartiet reserverade sig mot beslutet till förmån för egna yrkanden.

Yrkanden

Per-Olof Sandell (M) yrkar bifall till regionstyrelsens förslag.

Överläggning

Socialchef Anna Berg och controller Per Ek föredrar ärendet. På fråga från Sara Lindkvist (V) uppger socialchefen att
läkarna stannar.

Reservationer

Mikael Strand (S) reserverar sig mot beslutet och lämnar följande skriftliga reservation.

Vi socialdemokrater reserverar oss mot nedläggningen.

Mikael Strand (S)

Ledamöterna för Vänsterpartiet reserverar sig mot beslutet till förmån för eget yrkande.

Anneli Frost (C) får för Centerpartiets räkning följande anteckning införd i protokollet:
"""


def test_a_web_pages_matter_gives_each_voice_its_part():
    """A region's matter on one web page under its § heading, the meeting's particulars below it: the council's
    decision is the council's; the office's paper within it (under its byline) the office's, its remiss answers
    their senders'; another body's part ("Regionstyrelsens behandling", past tense) that body's and its members';
    a written reservation's signature is no turn in a debate; "Ledamöterna för Vänsterpartiet" are V; an official
    answers a member's question in their own name."""
    c = clean_text(WEB_MATTER)
    s = analyse(c, WEB_MATTER)
    expect = {
        "Regionfullmäktige beslutar följande": "Regionfullmäktige",
        "haft svårt att rekrytera": "Hälso- och sjukvårdsförvaltningen",
        "Förstudien remitterades": "Hälso- och sjukvårdsförvaltningen",
        "Rådet avstyrker": "Regionala pensionärsrådet, remissvar",
        "Regionstyrelsen behandlade": "Regionstyrelsen",
        "yrkade återremiss": "Yrkande av Socialdemokraterna (S) i regionstyrelsen",
        "reserverade sig mot beslutet": "Reservation av Socialdemokraterna (S) och Vänsterpartiet (V) i regionstyrelsen",
        "yrkar bifall till regionstyrelsens": "Yrkande av Moderaterna (M) i regionfullmäktige",
        "uppger socialchefen": "Socialchef Anna Berg",
        "Vi socialdemokrater reserverar": "Reservation av Socialdemokraterna (S) i regionfullmäktige",
        "Ledamöterna för Vänsterpartiet": "Reservation av Vänsterpartiet (V) i regionfullmäktige",
        "får för Centerpartiets räkning": "Protokollsanteckning av Centerpartiet (C) i regionfullmäktige",
    }
    _assert_actors(s, c, expect)
    signed = next(p for p in s.paragraphs if c.text[p.start:p.end] == "Mikael Strand (S)")
    assert signed.actor.startswith("Reservation av Socialdemokraterna (S)") and not signed.heading



MEETING = """Storvika kommun
Kommunstyrelsen
PROTOKOLL
Sammanträdesdatum 2025-09-15

§ 103
Utökad investeringsram för ombyggnad av Storvikabadet

Kommunstyrelsens förslag till kommunfullmäktige
Investeringsramen för projektet Ombyggnad av Storvikabadet utökas med 25,5 miljoner kronor.

Yrkanden
Anna Berg (M) yrkar avslag till förslaget.

Reservation (M)
Vi reserverar oss mot beslutet till förmån för eget yrkande om avslag eftersom kostnadsökningen inte kan godtas.

Anna Berg (M), Gunilla Ryd (M)

Beslutet skickas till
– Kommunfullmäktige

§ 104
Antagande av klimat- och energipolicy

Särskilt yttrande (MP)
Miljöpartiet hade gärna sett en mer ambitiös policy med ett mål om att halvera utsläppen redan till 2028.

Lina Åkesson (MP)

Protokollsanteckning (S, V)
Vi ställer oss bakom beslutet men vill att handlingsplanen följs upp varje år.
"""


def test_a_dissent_headed_with_its_parties_is_theirs_until_the_next_heading():
    """"Reservation (M)", "Särskilt yttrande (MP)": the written dissent of the party in brackets, signed by its members
    (no turn in a debate), until the next heading ("Beslutet skickas till" is the body's again)."""
    c = clean_text(MEETING)
    s = analyse(c, MEETING)
    assert _actor_of(s, c, "Vi reserverar oss").actor == "Reservation av Moderaterna (M) i kommunstyrelsen"
    signed = _actor_of(s, c, "Anna Berg (M), Gunilla Ryd (M)")
    assert signed.actor == "Reservation av Moderaterna (M) i kommunstyrelsen" and not signed.heading
    sent = _actor_of(s, c, "– Kommunfullmäktige")
    assert sent.actor == "Kommunstyrelsen" and sent.section.endswith("– Beslutet skickas till")
    assert _actor_of(s, c, "Miljöpartiet hade gärna").actor == "Särskilt yttrande av Miljöpartiet (MP) i kommunstyrelsen"
    assert _actor_of(s, c, "Lina Åkesson (MP)").actor == "Särskilt yttrande av Miljöpartiet (MP) i kommunstyrelsen"
    assert _actor_of(s, c, "handlingsplanen följs upp").actor == \
        "Protokollsanteckning av Socialdemokraterna (S) och Vänsterpartiet (V) i kommunstyrelsen"


FOLLOW_UP = """HJORTVIKA KOMMUN
Omsorgsnämnden
Tjänsteskrivelse
2025-09-10
Dnr ON 2025/12
Omsorgsförvaltningen
Till
Handläggare: Lisa Ek, controller
Omsorgsnämnden

Uppföljning per augusti 2025

1. Ärendet
Omsorgsförvaltningen har upprättat en uppföljning per den 31 augusti 2025.

2. Förslag till beslut
Omsorgsnämnden beslutar
1.
att godkänna uppföljningen.

3. Bakgrund
Kommunfullmäktige fastställde budgeten den 25 november 2024.

4. Ekonomisk analys
4.1 Resultat per verksamhet
Tabell 1 visar budget och prognos per verksamhet.

Tabell 1. Resultat per verksamhet, tkr

Verksamhet
Budget 2025
Prognos helår 2025
Avvikelse helår
Hemtjänst | 142 600 | 151 400 | −8 800
Särskilt boende | 231 500 | 233 700 | −2 200

4.2 Hemtjänst
Hemtjänsten prognostiserar ett underskott på 8,8 miljoner kronor.

PROTOKOLLSUTDRAG

Omsorgsnämnden, sammanträde 2025-09-24 § 58

Uppföljning per augusti 2025

Yrkanden
Eva Lund (S) yrkar bifall till förvaltningens förslag.
Per Holm (M) yrkar att nämnden ska spara ytterligare 8 miljoner kronor.
"""


def test_a_follow_up_with_numbered_parts_and_the_nämnds_extract():
    """A tjänsteskrivelse whose genre headings are numbered ("1. Ärendet") is the office's paper under them: its head
    names the office, "3. Bakgrund" ends the proposal quoted under "2. Förslag till beslut", "4.2 Hemtjänst" stands in
    "4. Ekonomisk analys", and a table's caption and its column names on lines of their own are no headings. An
    extract headed "Omsorgsnämnden, sammanträde 2025-09-24 § 58" is the nämnd's protocol, where each member's yrkande
    is theirs."""
    c = clean_text(FOLLOW_UP)
    s = analyse(c, FOLLOW_UP)
    _assert_actors(s, c, {
        "har upprättat en uppföljning": "Omsorgsförvaltningen",
        "att godkänna uppföljningen": "Omsorgsnämnden",
        "fastställde budgeten": "Omsorgsförvaltningen",
        "prognostiserar ett underskott": "Omsorgsförvaltningen",
        "yrkar bifall till förvaltningens förslag": "Yrkande av Socialdemokraterna (S) i omsorgsnämnden (Eva Lund)",
        "spara ytterligare 8 miljoner": "Yrkande av Moderaterna (M) i omsorgsnämnden (Per Holm)",
    })
    assert _actor_of(s, c, "har upprättat en uppföljning").section == "1. Ärendet"
    assert _actor_of(s, c, "fastställde budgeten").section == "3. Bakgrund"
    assert _actor_of(s, c, "prognostiserar ett underskott").section == "4. Ekonomisk analys – 4.2 Hemtjänst"
    assert _actor_of(s, c, "Hemtjänst | 142 600").section == "4. Ekonomisk analys – 4.1 Resultat per verksamhet"
    assert not _actor_of(s, c, "Avvikelse helår").heading
    assert _actor_of(s, c, "Per Holm (M) yrkar").section == "§ 58 Uppföljning per augusti 2025 – Yrkanden"


CONSULTATION = """Ljungvik kommun SAMRÅDSREDOGÖRELSE

Samrådsredogörelse

Detaljplan för Norra kajen

Inledning

Denna samrådsredogörelse redovisar Stadsbyggnadsförvaltningens kommentarer till de synpunkter som kommit in.

Inkomna yttranden

Nr | Avsändare | Inkommen synpunkt (sammanfattning) | Förvaltningens kommentar
1 | Trafikverket Inkom 2025-04-07 | Trafikverket förutsätter att kommunen bekostar åtgärderna i korsningen. | Förvaltningen instämmer och tecknar ett avtal.
2 | Boende på Hamngatan 12 Inkom 2025-04-03 | Vi motsätter oss sex våningar mot Hamngatan. | Huset sänks till fem våningar.

Fortsatt arbete

Planen ställs ut för granskning i september.
"""


def test_a_consultation_tables_rows_are_the_senders_and_the_offices_words():
    """A samrådsredogörelse gives each answer as a row: what the sender said is the sender's (under its name, as a
    remiss answer), the office's comment in the same row the office's — the office the paper names, not the paper's
    header. The text around the table is the office's."""
    c = clean_text(CONSULTATION)
    s = analyse(c, CONSULTATION)
    _assert_actors(s, c, {
        "Trafikverket förutsätter": "Trafikverket, remissvar i sammanfattning",
        "Förvaltningen instämmer": "Stadsbyggnadsförvaltningen",
        "Vi motsätter oss": "Boende på Hamngatan 12, remissvar i sammanfattning",
        "Huset sänks": "Stadsbyggnadsförvaltningen",
        "Denna samrådsredogörelse": "Stadsbyggnadsförvaltningen",
        "ställs ut för granskning": "Stadsbyggnadsförvaltningen",
    })
    assert _actor_of(s, c, "Trafikverket förutsätter").section == "Inkomna yttranden – Trafikverket"
    assert _actor_of(s, c, "Förvaltningen instämmer").section == "Inkomna yttranden – Kommentar till Trafikverket"
    assert topic_of("Inkomna yttranden – Kommentar till Trafikverket") == "Kommentar till Trafikverket"


def _analysed_pdf(pages: list[str]):
    """Pages as a PDF's text layer gives them, one line after another with no blank line anywhere, cleaned with
    their pages known and analysed."""
    offset, starts = 0, []
    for n, page in enumerate(pages, start=1):
        starts.append((offset, n))
        offset += len(page) + 1
    raw = "\n".join(pages)
    c = clean_text(raw, page_starts=starts)
    return c, analyse(c, raw)


# an utlåtande as a PDF's text layer gives it: no blank line between paragraphs, ragged lines, a running header
# with the page counted ("Sida 2 (3)"), headings and the genre's formulas on lines of their own with nothing around
PDF_UTLATANDE = [
    """Utlåtande 2025:12 RIII
Sida 1 (3)
Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.
1. Remissen besvaras med hänvisning till vad som sägs i detta utlåtande.
Föredragande borgarrådet Anna Ek anför följande.
Beredning
Ärendet har remitterats till utbildningsnämnden och Skolhus i Stockholm AB.
Skolhus i Stockholm AB tillstyrker förslaget om nya skolkök men anser att bidraget är för litet
för att täcka kostnaderna för ventilation.
Mina synpunkter
Jag delar bedömningen att skolköken behöver byggas om och föreslår att staden prioriterar de
skolor där flest elever äter mat som levereras från andra kök.
Stockholm den 3 mars 2025
ANNA EK
Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag i ärendet.
Reservation anfördes av borgarrådet Per Holm (M) enligt följande.
Vi anser att skolköken ska byggas om redan under nästa år och att staden själv ska stå för""",
    """Utlåtande 2025:12 RIII
Sida 2 (3)
hela kostnaden, eftersom eleverna inte kan vänta på ett statsbidrag som kanske aldrig kommer.
Särskilt uttalande gjordes av borgarrådet Lena Berg (V) enligt följande.
Skolmaten ska vara avgiftsfri även i gymnasieskolan och lagas av kockar på plats i varje skola.
Remissammanställning
Beredning
Ärendet har remitterats till utbildningsnämnden och Skolhus i Stockholm AB (SKH).
Utbildningsnämnden
Utbildningsnämnden beslutade den 21 januari 2025 att godkänna förvaltningens förslag till svar.
Reservation anfördes av Karin Ros (M) och Olle Dahl (KD) enligt följande.
 – att tillstyrka förslaget om en minsta måltidstid
– att därutöver anföra
Vi delar inte förvaltningens bedömning att en minsta måltidstid är ett alltför detaljerat krav.
Utbildningsförvaltningen anför i sitt tjänsteutlåtande i huvudsak följande.
Förvaltningen beräknar merkostnaden för lunchen i gymnasieskolan till 131 mnkr per år och
avstyrker förslaget om en lagstadgad minsta måltidstid om 20 minuter.""",
    """Utlåtande 2025:12 RIII
Sida 3 (3)
Skolhus i Stockholm AB
Styrelsen för Skolhus i Stockholm AB beslutade den 4 februari 2025 att godkänna bolagets svar.
Särskilt uttalande gjordes av styrelseledamoten Emma Lind (MP) enligt följande.
Vid ombyggnad av skolkök bör bolaget ställa krav på fossilfri och energieffektiv köksutrustning.
Bolaget anför i sitt tjänsteutlåtande i huvudsak följande.
Av de grundskolor som bolaget förvaltar har 61 i dag mottagningskök som kan byggas om till
tillagningskök, till en genomsnittlig kostnad om 14 mnkr per kök.""",
]


def test_an_utlatande_from_a_pdf_without_blank_lines_keeps_its_voices_apart():
    """The genre's formulas open their voices' paragraphs and "… enligt följande." ends them, though nothing sets
    them apart; a heading between paragraphs ("Utbildningsnämnden") is one; "Sida 2 (3)" under the running header is
    the page's number; an office's tjänsteutlåtande quoted as "Utbildningsförvaltningen anför i sitt tjänsteutlåtande
    …" ends the nämnd's reservation; a company is a remissinstans, reported and answering under its own heading."""
    c, s = _analysed_pdf(PDF_UTLATANDE)
    assert "Sida 2" not in c.text and "ANNA EK" in c.text
    _assert_actors(s, c, {
        "tillstyrker föredragande borgarrådets förslag": "Borgarrådsberedningen",
        "Skolhus i Stockholm AB tillstyrker": "Skolhus i Stockholm AB (enligt föredragande borgarrådet Anna Ek)",
        "byggas om redan under nästa år": "Reservation av Moderaterna (M) i borgarrådsberedningen (Per Holm)",
        "hela kostnaden, eftersom": "Reservation av Moderaterna (M) i borgarrådsberedningen (Per Holm)",
        "Skolmaten ska vara avgiftsfri": "Särskilt uttalande av Vänsterpartiet (V) i borgarrådsberedningen (Lena Berg)",
        "beslutade den 21 januari": "Utbildningsnämnden",
        "alltför detaljerat krav": "Reservation av Moderaterna (M) och Kristdemokraterna (KD) i utbildningsnämnden "
                                   "(Karin Ros och Olle Dahl)",
        "beräknar merkostnaden": "Utbildningsförvaltningen",
        "fossilfri och energieffektiv": "Särskilt uttalande av Miljöpartiet (MP) i Skolhus i Stockholm AB (Emma Lind)",
        "61 i dag mottagningskök": "Bolaget, Skolhus i Stockholm AB",
    })
    assert _actor_of(s, c, "beslutade den 21 januari").section.endswith("Utbildningsnämnden")
    assert c.page_at(c.text.index("hela kostnaden, eftersom")) == 2


# a stadsdelsnämnd's answer to a remiss as a PDF gives it: the office's tjänsteutlåtande with an address block in its
# head, the råd it consulted, what the remiss proposes; then the nämnd's protocol extract with its members' dissents
PDF_DISTRICT = [
    """Farsta stadsdelsförvaltning
Avdelningen för stadsmiljö
Tjänsteutlåtande
Dnr SDN-2025/417
Sida 1 (2)
2025-09-18
Handläggare
Linnéa Åberg
Telefon 08-508 18 273
Till
Farsta stadsdelsnämnd
Farsta stadsdelsförvaltning
Besöksadress Farstaplan 4
Postadress Box 7181, 123 07 Farsta
Växel 08-508 18 000
Svar på remiss av Program för trygghet från kommunstyrelsen
Remiss från kommunstyrelsen, Dnr KS 2025/1362
Förvaltningens förslag till beslut
1. Stadsdelsnämnden godkänner förvaltningens tjänsteutlåtande som svar på remissen.
Sammanfattning
Stadsledningskontoret har på uppdrag av kommunstyrelsen tagit fram ett förslag till program för trygghet
i offentlig miljö. Programmet ska ersätta stadens tidigare handlingsplan för trygga offentliga miljöer och
anger mål, åtgärder och ansvarsfördelning för stadens arbete med trygghet i gatu-, park- och torgmiljöer.
Förvaltningen välkomnar programmet och delar dess inriktning att trygghetsarbetet ska bygga på lokal
kunskap, samverkan med polisen och långsiktiga förebyggande insatser i hela stadsdelsområdet.
Ärendets beredning
Ärendet har behandlats i pensionärsrådet den 8 september.
Pensionärsrådet framförde följande synpunkter:
• Längs gångstråket behövs sittbänkar med högst 150 meters mellanrum.
• Minst en trygghetsvandring per år bör genomföras dagtid.
Remissens innehåll
Programmet föreslår att kamerabevakning ska införas på ytterligare 25 platser i staden.
Förvaltningens synpunkter
Förvaltningen avstyrker förslaget att stadsdelsnämnderna ska finansiera ordningsvakter.""",
    """Protokollsutdrag
Sida 1 (3)
Farsta stadsdelsnämnd
Protokoll nr 9/2025 från sammanträde 2025-10-16
§ 14 Svar på remiss av Program för trygghet
Beslut
1. Stadsdelsnämnden godkänner förvaltningens tjänsteutlåtande som svar på remissen.
Särskilt uttalande
Ledamöterna för Socialdemokraterna och Vänsterpartiet, Tomas Ahlgren (S) och Sofia Carlén (V), gjorde
följande särskilda uttalande.
Farsta behöver åtta fältassistenter, inte sex, och rekryteringen bör påbörjas under hösten 2026.
Reservation
Reservation anfördes av Ulrika Sörman (M) och Peter Almqvist (KD) enligt följande.
 – att delvis godkänna förvaltningens tjänsteutlåtande som svar på remissen""",
    """Farsta stadsdelsnämnd
Protokoll nr 9/2025, sammanträde 2025-10-16
 Sida 2 (3)
– att avsätta 2,4 miljoner kronor för ordningsvakter i Farsta centrum
Ersättaryttrande
Ersättaren Bengt Öhrn (SD) anförde följande.
Ordningsvakter bör finnas i samtliga centrumanläggningar redan från den 1 januari 2026.""",
    """Farsta stadsdelsnämnd
Protokoll nr 9/2025, sammanträde 2025-10-16
 Sida 3 (3)
Protokollsanteckning
Ledamoten Amir Haddad (MP) lät anteckna följande till protokollet.
Ny belysning bör vara riktad nedåt och dimras efter klockan 23.""",
]


def test_a_district_offices_answer_and_its_nämnds_protocol_extract():
    """"Farsta stadsdelsförvaltning" heads its tjänsteutlåtande though an address block stands between its head and
    its first heading; the råd it consulted speaks as reported, with the points it made ("… följande synpunkter:" is
    no heading); "Remissens innehåll" is the remiss's sender's, as the answer sums it up. The protocol extract
    ("Protokollsutdrag / Farsta stadsdelsnämnd / … / § 14 …") is the nämnd's, its members' dissents theirs, and its
    second page's running header, which interrupts the reservation's points, is removed."""
    c, s = _analysed_pdf(PDF_DISTRICT)
    _assert_actors(s, c, {
        "godkänner förvaltningens tjänsteutlåtande": "Farsta stadsdelsförvaltning",
        "behandlats i pensionärsrådet": "Farsta stadsdelsförvaltning",
        "framförde följande synpunkter": "Pensionärsrådet (enligt Farsta stadsdelsförvaltning)",
        "150 meters mellanrum": "Pensionärsrådet (enligt Farsta stadsdelsförvaltning)",
        "trygghetsvandring per år": "Pensionärsrådet (enligt Farsta stadsdelsförvaltning)",
        "ytterligare 25 platser": "Kommunstyrelsen, remissen i sammanfattning",
        "avstyrker förslaget att stadsdelsnämnderna": "Farsta stadsdelsförvaltning",
        "åtta fältassistenter": "Särskilt uttalande av Socialdemokraterna (S) och Vänsterpartiet (V) i Farsta "
                                "stadsdelsnämnd (Tomas Ahlgren och Sofia Carlén)",
        "avsätta 2,4 miljoner": "Reservation av Moderaterna (M) och Kristdemokraterna (KD) i Farsta stadsdelsnämnd",
        "samtliga centrumanläggningar": "Ersättaryttrande av Sverigedemokraterna (SD) i Farsta stadsdelsnämnd "
                                        "(Bengt Öhrn)",
        "dimras efter klockan 23": "Protokollsanteckning av Miljöpartiet (MP) i Farsta stadsdelsnämnd (Amir Haddad)",
    })
    assert _actor_of(s, c, "godkänner förvaltningens tjänsteutlåtande som svar på remissen.").section \
        == "Förvaltningens förslag till beslut"
    assert not any(p.section == "Pensionärsrådet framförde följande synpunkter" for p in s.paragraphs)
    assert "Protokoll nr 9/2025, sammanträde" not in c.text


REPORTED_PROPOSAL = """Föredragande borgarrådet Lena Ask anför följande.

Mina synpunkter

4. Finansiering

Regionstyrelsen föreslår en gemensam fond för cykelvägar som ska finansieras med en avgift per invånare. Jag delar
inte förslaget i den form det presenteras.

Jag föreslår att borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.

1. Remissen besvaras med hänvisning till vad som sägs i promemorian.

Stockholm den 4 maj 2023

LENA ASK

Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.
"""


def test_a_body_the_foredragande_reports_proposing_something_is_her_report():
    """In a föredragande's text "Regionstyrelsen föreslår en gemensam fond …" is what she reports, in her words
    until her signature; only a decision's formula ("… tillstyrker …") opens a body's own words."""
    c = clean_text(REPORTED_PROPOSAL)
    s = analyse(c, REPORTED_PROPOSAL)
    _assert_actors(s, c, {"Regionstyrelsen föreslår en gemensam fond": "Föredragande borgarrådet Lena Ask",
                          "Remissen besvaras": "Föredragande borgarrådet Lena Ask",
                          "Borgarrådsberedningen tillstyrker": "Borgarrådsberedningen"})
    assert _actor_of(s, c, "Regionstyrelsen föreslår").section == "Mina synpunkter – 4. Finansiering"
    assert _actor_of(s, c, "Stockholm den 4 maj 2023").section == "Underskrift"
