from qa.answer import _frame, short_actor
from qa.language import expand_query
from qa.questions import announced_points, answer_type, context_sentence, lead_fact
from qa.sentences import split_sentences
from qa.speakers import mentioned_speakers, speaker_matches
from qa.structure import _person_names


def test_lead_fact_takes_the_asked_fact_word_for_word():
    assert lead_fact("När undertecknades förslaget?", "Stockholm den 23 oktober 2014", "sv") == "23 oktober 2014"
    quote = ("Reservation anfördes av Anna König Jerlmyr, Joakim Larsson, Regina Kevius, Dennis Wendin och Markus "
             "Nordström (alla M) och Lotta Edholm (FP) med hänvisning till reservationen.")
    assert lead_fact("Vilket parti tillhör Anna König Jerlmyr?", quote, "sv") == "Anna König Jerlmyr: M (Moderaterna)"
    assert lead_fact("Vilket parti tillhör Lotta Edholm?", quote, "sv") == "Lotta Edholm: FP (Folkpartiet)"
    assert lead_fact("Vilket parti tillhör Per Persson?", quote, "sv") is None
    assert lead_fact("Vad tycker kontoret?", "Stockholm den 23 oktober 2014", "sv") is None
    # a count is not a year, a period or a document number
    quote = "I remissen för mandatperioden 2015-2018 (PM 2014:134) föreslås två huvudområden för KSL."
    assert lead_fact("Hur många huvudområden föreslås?", quote, "sv") == "två"
    assert lead_fact("Hur många kommuner ingår?", "Styrkan i KSL är när alla 26 kommuner deltar.", "sv") == "26"
    assert lead_fact("Vilket diarienummer har ärendet?", "PM 2014:134 RI (Dnr 002-879/2014)", "sv") == "002-879/2014"


def test_framing_names_the_speaker_and_adds_nothing_else():
    assert _frame("Stadsledningskontoret", [("A.", 1), ("B.", 2), ("C.", 3)], "sv") == \
        "Stadsledningskontoret skriver: ”A.” [1], ”B.” [2] och ”C.” [3]"
    assert _frame("Borgarrådsberedningen", [("A.", 1)], "en") == "Borgarrådsberedningen writes: “A.” [1]"


def test_short_actor_drops_the_list_of_names_only_for_reservations():
    assert short_actor("Reservation av Moderaterna (M) i kommunstyrelsen (Anna König Jerlmyr och Joakim Larsson)") \
        == "Reservation av Moderaterna (M) i kommunstyrelsen"
    assert short_actor("Stadsledningskontoret (enligt föredragande borgarrådet Karin Wanngård)") == \
        "Stadsledningskontoret (enligt föredragande borgarrådet Karin Wanngård)"
    # one speaker in a debate is named: a user asks what Birgitta Holm said, not only her party
    assert short_actor("Anförande av Centerpartiet (C) i kommunfullmäktige (Birgitta Holm)") == \
        "Anförande av Centerpartiet (C) i kommunfullmäktige (Birgitta Holm)"


def test_sentences_end_after_a_preposition_but_not_after_abbreviations():
    assert split_sentences("Vi instämmer i. KSL:s resurser bör dock fokuseras, t.ex. på välfärd. Se s. 18.") == [
        "Vi instämmer i.", "KSL:s resurser bör dock fokuseras, t.ex. på välfärd.", "Se s. 18."]


def test_person_names_listed_naturally():
    assert _person_names("borgarråden Anna König Jerlmyr och Joakim Larsson (båda M) och borgarrådet Lotta Edholm (FP)") \
        == "Anna König Jerlmyr, Joakim Larsson och Lotta Edholm"


def test_a_rare_name_does_not_rescue_a_question_resting_on_a_word_the_documents_never_use():
    """Among thousands of pages a place name turns up somewhere (a list of remissinstanser); the question's topic
    word does not: the documents do not answer."""
    from qa.abstention import Evidence, absent_words, rare_known_names, should_abstain
    from qa.lexical import BM25Index

    q = "Vad kostar det att bygga en ny tunnelbanelinje till Nacka?"
    lex = BM25Index.build(["Remissinstanser: Nacka kommun, Mörbylånga kommun och Naturvårdsverket.",
                           "Totalt beräknas den nya verksamheten kosta 86,4 miljoner kronor.",
                           "Regeringen ger Trafikverket i uppdrag att bygga ny järnväg."])
    assert absent_words(q, lex) == ["tunnelbanelinje"] and rare_known_names(q, lex) == ["Nacka"]
    thin = {"top_dense": 0.80, "sentence_dense": 0.80, "coverage": 0.2, "passage_coverage": 0.4}
    assert should_abstain(Evidence(**thin, rare_names=1, absent_words=1))
    assert not should_abstain(Evidence(**thin, rare_names=1, absent_words=0))  # "Vilket parti tillhör Lotta Edholm?"
    # a word used inside the documents' own inflection or compound is not absent
    assert absent_words(q, BM25Index.build(["De nya tunnelbanelinjerna till Nacka."])) == []


def test_thin_evidence_abstains_only_with_a_word_the_documents_never_use():
    """In one case's documents every passage is near every question about the case, so thin evidence alone does
    not mean the documents are silent; a Swedish question must also rest on a word they never use. English
    questions cannot be checked word by word and abstain on thin evidence alone."""
    from qa.abstention import Evidence, absent_words, should_abstain
    from qa.lexical import BM25Index

    thin = {"top_dense": 0.80, "sentence_dense": 0.80, "coverage": 0.2, "passage_coverage": 0.4}
    assert not should_abstain(Evidence(**thin, absent_words=0))
    assert should_abstain(Evidence(**thin, absent_words=1))
    assert should_abstain(Evidence(**thin, absent_words=0), words_checked=False)
    assert not should_abstain(Evidence(**dict(thin, top_dense=0.9), absent_words=1))  # strong evidence answers
    lex = BM25Index.build(["PM 2014:134 RI (Dnr 002-879/2014)", "Ärendet har remitterats till kontoret."])
    assert absent_words("Vilket diarienummer har ärendet?", lex) == []  # the genre writes it "Dnr"
    assert absent_words("Hur stor är medlemsavgiften?", lex) == ["medlemsavgiften"]
    # a neuter noun's definite form is the noun, also where Snowball keeps its "-et" after two consonants
    lex = BM25Index.build(["Europaföreningen saknas i stycke 4.5, liksom ett avsnitt om landsbygden."])
    assert absent_words("Vad saknas i avsnittet om Europaföreningen?", lex) == []
    assert absent_words("Vad sägs i avsnittets inledning?", lex) == ["inledning"]
    # a verb and its noun in -ing / -ning are one word to a reader, not to Snowball ("prioriter", "prioritering")
    lex = BM25Index.build(["En ytterligare prioritering behöver göras.", "Stockholm vill förhandla själv."])
    assert absent_words("Behöver frågorna prioriteras?", lex) == []
    assert absent_words("Vem sköter förhandlingarna?", lex) == []
    # nor a weak verb's past and its present ("fastställdes", "fastställs")
    lex = BM25Index.build(["Planen behöver bli tydligare innan den fastställs."])
    assert absent_words("När fastställdes planen?", lex) == []
    # a compound users shorten is the paper's longer one ("vattenplanen": the vattenförsörjningsplan); a word with
    # only one of its parts there is absent
    lex = BM25Index.build(["Länsstyrelsen remitterade sitt förslag till regional vattenförsörjningsplan.",
                           "Kostnaderna för åtgärderna beräknas till 1,2 miljarder kronor."])
    assert absent_words("Vilka fick yttra sig över vattenplanen?", lex) == []
    assert absent_words("Vad kostar vattenledningen?", lex) == ["vattenledningen"]


def test_names_are_capitalised_words_not_compounds_with_an_abbreviation():
    from qa.abstention import missing_names
    from qa.lexical import BM25Index

    lex = BM25Index.build(["KSL:s sekretariat för strukturfondspartnerskapet.", "Kommunförbundet Stockholms Län."])
    assert missing_names("Vilken EU-kopplad uppgift ska KSL prioritera?", lex) == []
    assert missing_names("Vad tycker Nacka om KSL:s förslag?", lex) == ["Nacka"]


def test_folkpartiet_and_liberalerna_are_one_party():
    """Folkpartiet (FP) became Liberalerna (L) in 2015; a question may use either name for a paper of either
    period, and "Liberals" must not be refused as a party that never speaks in a paper signed by FP."""
    from qa.speakers import mentioned_speakers, speaker_matches, unknown_speaker

    fp_actor = "Reservation av Moderaterna (M) och Folkpartiet (FP) i borgarrådsberedningen"
    for q in ("Vad tycker Liberalerna om förslaget?", "Why do the Liberals object?", "Vad tycker FP?"):
        found = [s for s in mentioned_speakers(expand_query(q)) if s.party]
        assert len(found) == 1 and speaker_matches(found, fp_actor)
        assert speaker_matches(found, "Reservation av Liberalerna (L)")
    assert not speaker_matches(mentioned_speakers("Vad tycker Liberalerna?"), "Reservation av Moderaterna (M)")

    class P:
        actor, text = fp_actor, "Vi anser att …"

    assert unknown_speaker(mentioned_speakers("Vad tycker Liberalerna?"), [P()]) is None
    assert unknown_speaker(mentioned_speakers("Vad tycker Centerpartiet?"), [P()]) == "Centerpartiet (C)"


def test_a_state_inquiry_and_a_committee_named_in_english_are_voices():
    """A municipality's answer to a state inquiry sums up the inquiry's proposals under its own label; a question
    asks for them "enligt utredningen" or "the inquiry proposes", not when it asks the municipality about them. An
    English question names a committee in English."""
    inquiry = "Utredningen (SOU 2025:52), i sammandrag"
    for q in ("Hur ofta ska rådet sammanträda enligt utredningens förslag?", "Vad föreslår utredningen om avgifter?",
              "When does the inquiry propose that the law apply?"):
        assert speaker_matches(mentioned_speakers(q), inquiry), q
    assert not mentioned_speakers("Vad tycker kommunen om utredningens förslag?")
    assert [s.label for s in mentioned_speakers("Vad tycker Moderaterna om utredningens förslag?")] == \
        ["Moderaterna (M)"]
    found = mentioned_speakers("What did the social welfare committee say about the time limit?")
    assert speaker_matches(found, "Socialnämnden, remissvar i sammanfattning")
    assert not speaker_matches(found, "Utbildningsnämnden, remissvar i sammanfattning")


def test_the_remiss_speaks_as_its_sender_in_either_word_order():
    """The sender of a remiss is read off the documents' speaker labels, not written into the rules: KSL here,
    any other organisation in another paper."""
    from qa.speakers import mentioned_speakers

    actors = ["Kommunförbundet Stockholms Län (KSL), remissen i sammanfattning", "Stadsledningskontoret"]
    for q in ("Vad vill KSL lyfta inom regional utveckling?", "KSL vill lyfta vad?", "Vad planerar KSL?",
              "What annual event is KSL proposing?", "Vad anser Kommunförbundet om beredningarna?"):
        assert [s.label for s in mentioned_speakers(q, actors)] == ["remissen (KSL)"], q
    assert mentioned_speakers("Vad tycker stadsledningskontoret om KSL?", actors)[0].label == "stadsledningskontoret"
    assert all(s.label != "remissen (KSL)" for s in mentioned_speakers("Vad tycker stadsledningskontoret om KSL?",
                                                                       actors))
    # what others think KSL should do is not KSL's word
    assert mentioned_speakers("Vad bör KSL prioritera enligt förslaget?", actors) == []
    assert mentioned_speakers("Does Stockholm want KSL to negotiate for it?", actors) == []
    # "KSL:s förslag" is what the remiss says, unless someone else is asked about it
    assert [s.label for s in mentioned_speakers("Vad står i KSL:s förslag?", actors)] == ["remissen (KSL)"]
    assert [s.label for s in mentioned_speakers("Vad tycker Liberalerna om KSL:s förslag?", actors)] == \
        ["Liberalerna (L)"]
    office = mentioned_speakers(expand_query("What does the city executive office think of KSL's proposal?"), actors)
    assert [s.label for s in office] == ["stadsledningskontoret"]
    assert [s.label for s in mentioned_speakers("What is in KSL's proposal?", actors)] == ["remissen (KSL)"]
    # another paper, another sender
    other = ["Sveriges Kommuner och Regioner (SKR), remissen i sammanfattning"]
    sp = mentioned_speakers("Vad föreslår SKR?", other)
    assert [s.label for s in sp] == ["remissen (SKR)"] and speaker_matches(sp, other[0])
    assert mentioned_speakers("Vad föreslår SKR?", actors) == []


def test_people_and_listed_parties_are_speakers():
    from qa.speakers import mentioned_speakers

    actors = ["Föredragande borgarrådet Karin Wanngård",
              "Reservation av Moderaterna (M) och Folkpartiet (FP) i borgarrådsberedningen (Anna König Jerlmyr, "
              "Joakim Larsson och Lotta Edholm)",
              "Kommunförbundet Stockholms Län (KSL), remissen i sammanfattning"]
    sp = mentioned_speakers("Varför är Wanngård orolig för tillväxten?", actors)
    assert [s.label for s in sp] == ["Karin Wanngård"] and speaker_matches(sp, actors[0])
    assert not speaker_matches(sp, actors[1])
    assert speaker_matches(mentioned_speakers("Vad anser Lotta Edholm?", actors), actors[1])
    # "Kommunförbundet Stockholms" is no person
    assert mentioned_speakers("Hur ser det ut i Stockholms län?", actors) == []
    labels = [s.label for s in mentioned_speakers("Hur skiljer sig M och FP:s hållning från Wanngårds förslag?",
                                                  actors)]
    assert labels == ["Moderaterna (M)", "Folkpartiet (FP)", "Karin Wanngård"]
    assert [s.label for s in mentioned_speakers("Vad tycker M?")] == ["Moderaterna (M)"]
    assert mentioned_speakers("Vad är en C-uppsats?") == []
    # a body's members dissenting in it are not the body: the reservation "i borgarrådsberedningen" is theirs
    body = mentioned_speakers("Vad föreslår borgarrådsberedningen?", actors)
    assert speaker_matches(body, "Borgarrådsberedningen") and not speaker_matches(body, actors[1])
    assert speaker_matches(mentioned_speakers("Vad föreslår reservanterna i borgarrådsberedningen?", actors),
                           actors[1])


def test_a_reason_reads_on_into_the_sentence_that_goes_on_from_it():
    from qa.questions import context_sentence

    own = "Det finns idag ingen regional beslutskraft i Stockholms län."
    after = "Det riskerar att på sikt tydligt hämma den regionala tillväxten."
    assert context_sentence(own, None, after, reason=True, example=False) == "after"
    assert context_sentence(own, None, after, reason=False, example=False) is None


def test_a_relayed_claim_reads_on_into_its_judgement_and_a_reason_back_to_its_claim():
    from qa.questions import context_sentence

    relayed = "Rapporten lägger t.ex. stor vikt på att KSL måste bli snabbare på att fatta beslut."
    judged = "Givet KSL:s karaktär som konsensusbaserad samarbetsorganisation är det svårt att se ett sådant behov."
    assert context_sentence(relayed, None, judged, reason=False, example=False) == "after"
    assert context_sentence(relayed, None, "Rapporten föreslår också ett konvent.", reason=False,
                            example=False) is None
    reason = "Bakgrunden är att allt fler KSL-projekt leder fram till konkreta åtaganden för kommunerna."
    claim = "Därutöver föreslås en förstärkt medlemsrepresentation."
    assert context_sentence(reason, claim, None, reason=False, example=False) == "before"
    # a remiss sender's proposal relayed reads on into the voice's judgement of it
    proposed = "Länsstyrelsen föreslår en länsgemensam vattenskyddsfond med en avgift per kubikmeter."
    assert context_sentence(proposed, None, "Tyvärr saknas en rättslig analys av avgiften.", reason=False,
                            example=False) == "after"


def test_what_a_voice_misses_reads_on_into_what_it_wants_done():
    from qa.questions import context_sentence

    misses = "Vi saknar också ett tydligt avsnitt om skydd mot sabotage på vattenverk och ledningsnät."
    assert context_sentence(misses, None, "Säkerhetsskyddet bör ges en egen åtgärd i planen.", reason=False,
                            example=False) == "after"
    assert context_sentence(misses, None, "Planen saknar även en karta.", reason=False, example=False) is None
    assert context_sentence("Vi stöder planen.", None, "Den bör antas snart.", reason=False, example=False) is None


def test_a_share_is_answered_by_a_percentage_or_a_fraction():
    from qa.questions import lacks_quantity

    q = "Hur stor andel av budgeten går till regional utveckling?"
    assert lacks_quantity(q, ["KSL:s resurser bör främst fokuseras på välfärdsutveckling."])
    assert not lacks_quantity(q, ["Omkring 40 procent av budgeten går till regional utveckling."])
    assert not lacks_quantity("What share goes to welfare?", ["Hälften går till välfärd."])


def test_a_rate_is_answered_only_by_a_number_per_that_unit():
    from qa.questions import lacks_quantity

    q = "Vad kostar en förskoleplats per månad för föräldrarna?"
    assert lacks_quantity(q, ["En förskola med åtta avdelningar beräknas kosta cirka 72 miljoner kronor."])
    assert not lacks_quantity(q, ["Avgiften är högst 1 688 kronor per månad."])
    assert not lacks_quantity(q, ["Månadsavgiften är 1 688 kronor."])
    en = "How much do residents pay per month for their food?"
    assert lacks_quantity(en, ["Ombyggnaden kostar 3 miljoner kronor per boende."], "en")
    assert not lacks_quantity(en, ["De boende betalar 4 200 kronor i månaden för maten."], "en")
    assert not lacks_quantity("Hur stor friyta per barn blir det?", ["Friytan blir 25 kvadratmeter per barn."])
    # an annual thing asked its cost asks for no rate; "i dag" is today
    assert not lacks_quantity("Vad kostar det årliga konventet?", ["Konventet kostar 200 000 kronor."])
    assert not lacks_quantity("Hur många kockar arbetar i centralköket i dag?", ["Där arbetar 12 kockar."])


def test_swedish_names_in_english_questions():
    from qa.language import is_swedish_name

    assert is_swedish_name("Nacka", "What did Nacka municipality say?")
    assert is_swedish_name("Södertälje", "What did Södertälje think?")
    assert not is_swedish_name("City", "What did the City Council decide?")
    assert not is_swedish_name("Left", "What did the Left Party say?")


def test_a_missing_name_is_told_as_the_question_writes_it():
    from qa.abstention import name_phrases

    assert name_phrases("Hur ska KSL samarbeta med Sveriges Kommuner och Landsting?", ["Sveriges"]) == \
        ["Sveriges Kommuner"]
    assert name_phrases("Vad sa Anna Svensson om KSL?", ["Anna", "Svensson"]) == ["Anna Svensson"]
    assert name_phrases("Vad tycker Nacka och Solna?", ["Nacka"]) == ["Nacka"]


def test_a_documents_title_is_no_voice():
    """A passage no marker hands to a speaker carries its document's title as its label: "Vad är Sahlgrenska Life?"
    asks about a topic, and must not lift that document's passages as if a person were named."""
    from qa.speakers import mentioned_speakers, voices

    class P:
        def __init__(self, actor: str, title: str):
            self.actor, self.title = actor, title

    untitled = [P("Sahlgrenska Life", "Sahlgrenska Life"), P("Föredragande borgarrådet Karin Wanngård", "Utveckling")]
    assert voices(untitled) == ["Föredragande borgarrådet Karin Wanngård"]
    assert mentioned_speakers("Vad är Sahlgrenska Life?", voices(untitled)) == []
    assert [s.label for s in mentioned_speakers("Vad vill Wanngård?", voices(untitled))] == ["Karin Wanngård"]


def test_a_swedish_term_quoted_in_an_english_question_keeps_it_english():
    from qa.language import detect_language

    assert detect_language("Who is the rapporteur (föredragande borgarråd) in this case?") == "en"
    assert detect_language('What does "välfärdsutveckling" mean?') == "en"
    assert detect_language("What's the 'styrgrupp' KSL wants?") == "en"
    # Swedish outside the brackets is Swedish
    assert detect_language("Vad säger M (moderaterna) om KSL:s roll?") == "sv"
    assert detect_language('Vad är "välfärdsutveckling"?') == "sv"


def test_a_sentence_spelling_out_the_one_before_is_read_with_it():
    from qa.questions import context_sentence

    own = "Huvudområdet Regional utveckling rymmer frågor, där kommungränsen är av mindre betydelse."
    after = "Det handlar om frågor om bostadsförsörjning, infrastruktur och kommunikation."
    assert context_sentence(own, None, after, reason=False, example=False) == "after"
    assert context_sentence(own, None, "Det finns också andra frågor.", reason=False, example=False) is None


def test_signing_is_answered_by_the_signature_line_not_another_date():
    from qa.language import expand_query
    from qa.questions import answer_type

    lines = ["Stadsledningskontorets tjänsteutlåtande daterat den 13 augusti 2014 har i huvudsak följande lydelse.",
             "Stockholm den 23 oktober 2014", "Remisstid den 31 oktober 2014"]
    for q in ("Vem skrev under utlåtandet och vilket datum?", "När undertecknades promemorian?",
              "Who signed the memo?"):
        assert list(answer_type(q, lines)) == [0, 1, 0], q
    assert list(answer_type("Vilket datum har tjänsteutlåtandet?", lines)) == [1, 1, 1]
    # the passage of the signature is the section "Underskrift", which retrieval sees
    assert "underskrift" in expand_query("Vem skrev under utlåtandet?")


def test_a_when_question_needs_a_point_in_time():
    from qa.questions import lacks_time

    said = ["Angående KSL:s organisation kan kontoret konstatera att beredningarna tas bort."]
    assert lacks_time("When did KSL's new organisation take effect?", said)
    assert lacks_time("När träder den nya organisationen i kraft?", said)
    assert not lacks_time("När träder den nya organisationen i kraft?", said + ["Den gäller från 1 januari 2015."])
    assert not lacks_time("När ska det ske?", ["Under nästa mandatperiod föreslås styrgrupper."])
    assert lacks_time("Var och när ska konventet hållas?", said)  # "när" after "Var och" asks for a time too
    # "när det gäller" is no question about time
    assert not lacks_time("Vad tycker kontoret när det gäller styrgrupperna?", said)


def test_the_office_alone_is_the_one_office_that_speaks():
    from qa.speakers import mentioned_speakers

    actors = ["Kommunförbundet Stockholms Län (KSL), remissen i sammanfattning", "Stadsledningskontoret",
              "Föredragande borgarrådet Karin Wanngård"]
    for q in ("Vad tycker kontoret om styrgrupperna?", "What does the office say about the steering groups?"):
        assert [s.label for s in mentioned_speakers(q, actors)] == ["stadsledningskontoret"], q
    # what KSL proposes, asked of the office, is the office's view
    assert [s.label for s in mentioned_speakers("Tycker kontoret att KSL föreslår för många grupper?", actors)] \
        == ["stadsledningskontoret"]
    assert [s.label for s in mentioned_speakers("Vad föreslår KSL?", actors)] == ["remissen (KSL)"]
    # the officials are the office whose tjänsteutlåtande the paper holds, whichever office it is
    traffic = ["Trafikkontoret", "Föredragande borgarrådet Daniel Helldén"]
    for q in ("Vad tycker tjänstemännen om cykelbanorna?", "What do the civil servants think about the cycle lanes?",
              "Vad anser tjänstemännen?"):
        assert [s.label for s in mentioned_speakers(q, traffic)] == ["trafikkontoret"], q
    # with two offices speaking, "kontoret" names neither, unless one is the office of the papers that answer
    two = actors + ["Stadsbyggnadskontoret"]
    assert mentioned_speakers("Vad tycker kontoret om styrgrupperna?", two) == []
    assert [s.label for s in mentioned_speakers("Vad tycker kontoret om styrgrupperna?", two, actors)] \
        == ["stadsledningskontoret"]
    assert mentioned_speakers("Vad tycker kontoret om styrgrupperna?", two, two) == []


def test_a_body_asked_for_its_view_must_be_a_voice_of_the_documents():
    from qa.speakers import silent_body

    actors = ["Föredragande borgarrådet Karin Wanngård", "Stadsledningskontoret",
              "Kommunförbundet Stockholms Län (KSL), remissen i sammanfattning",
              "Reservation av Moderaterna (M) och Folkpartiet (FP) i kommunstyrelsen (Anna König Jerlmyr)"]
    assert silent_body("Vad tycker länsstyrelsen om KSL?", actors) == "länsstyrelsen"
    assert silent_body("Vad säger stadsdelsnämnderna?", actors) == "stadsdelsnämnderna"
    assert silent_body("What does the county administrative board think?", actors) == \
        "the county administrative board"
    # voices, under their own names or others: a body whose members reserved themselves in it, the office, KSL
    # under its board, the city itself (its paper), a person, the staff of the office
    for q in ("Vad tycker kommunstyrelsen om remissen?", "Vad tycker stadsledningskontoret?",
              "Vad föreslår KSL:s styrelse?", "Vad tycker staden om KSL?", "Vad tycker Wanngård om landstinget?",
              "Vad anser tjänstemännen om styrgrupperna?", "Vad kan hända om landstinget tar över?"):
        assert silent_body(q, actors) is None, q
    # the plural of a body that speaks is that body
    assert silent_body("Vad tycker stadsdelsnämnderna?", actors + ["Stadsdelsnämnden i Skärholmen"]) is None


def test_the_subject_a_voice_is_asked_about():
    from qa.questions import topic_asked

    assert topic_asked("Vad tycker Lotta Edholm om gymnasieregionen?") == "gymnasieregionen"
    assert topic_asked("Does the reservation say anything about the structural funds?") == "the structural funds"
    assert topic_asked("Vad säger föredragande borgarrådet om Stockholmsregionens Europaförening?") == \
        "Stockholmsregionens Europaförening"
    assert topic_asked("Vad kan hända om det saknas regional beslutskraft?") is None  # "om" is "if"
    assert topic_asked("What worries the office about the steering groups?") is None  # not what it says


def test_a_numbered_point_keeps_its_number_and_each_listed_att_sats_is_a_sentence():
    assert split_sentences("Borgarrådsberedningen föreslår följande. 1. Motionen avslås. 2. Paragrafen justeras.") == [
        "Borgarrådsberedningen föreslår följande.", "1. Motionen avslås.", "2. Paragrafen justeras."]
    assert split_sentences("Vi föreslår följande - att delvis godkänna promemorian - att därutöver anföra. Det är 12. "
                           "Bra.") == ["Vi föreslår följande", "- att delvis godkänna promemorian",
                                       "- att därutöver anföra.", "Det är 12.", "Bra."]


def test_an_announcing_sentence_brings_the_points_right_after_it():
    points = ["1. att bifalla motionen", "2. att därutöver anföra", "Maten är en del av omsorgen."]
    assert announced_points("Jag föreslår att kommunstyrelsen beslutar följande.", points) == 2
    assert announced_points("Vi yrkade på återremiss med följande uppdrag:", ["- att bygga mer", "Slut."]) == 1
    assert announced_points("Maten är en del av omsorgen.", points) == 0


def test_när_asks_for_a_date_only_as_the_question_word():
    dated = ["Äldrenämnden beslutade den 15 juni 2021 att godkänna tjänsteutlåtandet."]
    for question in ("När beslutade äldrenämnden?", "Hur gammalt är utlåtandet, alltså när är det daterat?",
                     "And when was it decided?"):
        assert answer_type(question, dated)[0] == 1, question
    for question in ("Vad föreslår pensionärsrådet när det gäller upphandlingen?",
                     "What did the office say when the board met?"):
        assert answer_type(question, dated)[0] == 0, question


def test_a_question_for_who_dissented_wants_the_line_recording_the_dissent():
    texts = ["Äldrenämnden beslutade den 15 juni 2021 att godkänna tjänsteutlåtandet.",
             "Reservation anfördes av Camilla Strand (S) och Helena Öhman (V) med hänvisning till eget förslag.",
             "Per Holm (M) reserverar sig mot beslutet."]
    assert list(answer_type("Vem reserverade sig när äldrenämnden svarade?", texts)) == [0, 1, 1]


def test_a_remissinstans_is_named_by_the_word_of_its_name_no_other_has():
    actors = ["Farsta stadsdelsnämnd, remissvar i sammanfattning", "Bromma stadsdelsnämnd, remissvar i sammanfattning",
              "Kommunstyrelsens pensionärsråd (KPR), remissvar i sammanfattning", "Stadsledningskontoret",
              "Stadsdelsförvaltningen, Farsta stadsdelsnämnd"]
    labels = lambda q: [s.label for s in mentioned_speakers(q, actors)]  # noqa: E731
    assert labels("När vill Farsta stadsdelsnämnd ha kök?") == ["Farsta stadsdelsnämnd"]
    assert labels("Vad föreslår pensionärsrådet?") == labels("Vad tycker KPR?") == \
        ["Kommunstyrelsens pensionärsråd (KPR)"]
    assert labels("Vad tycker stadsdelsnämnderna?") == []  # both have the word: it names neither
    farsta = mentioned_speakers("Vad tycker Farsta?", actors)
    assert speaker_matches(farsta, "Stadsdelsförvaltningen, Farsta stadsdelsnämnd")
    assert not speaker_matches(farsta, "Bromma stadsdelsnämnd, remissvar i sammanfattning")


def test_a_rejection_reads_on_into_what_is_wanted_instead_and_a_finding_into_the_voices_judgement():
    rejected, instead = ("Vi anser dock inte att satsningen ska finansieras genom höjd skatt.",
                         "Medlen bör i stället tas från stadens kostnader för tolkar.")
    assert context_sentence(rejected, None, instead, reason=False, example=False) == "after"
    assert context_sentence("Vi vill satsa på maten.", None, instead, reason=False, example=False) is None
    finding, judgement = ("Motionens förslag om 45 miljoner kronor årligen saknar finansiering.",
                          "Stadsledningskontoret bedömer att resurserna bör prövas i budgetprocessen.")
    assert context_sentence(finding, None, judgement, reason=False, example=False, view=True) == "after"
    assert context_sentence(finding, None, judgement, reason=False, example=False, view=False) is None


def test_the_genres_other_dissents_in_english_and_a_partys_name_is_no_subject():
    from qa.language import glossary_words
    from qa.speakers import without_party_names

    assert ("special statement", "särskilt yttrande särskilt uttalande") in \
        glossary_words("What did the Left Party say in its special statement?")
    assert ("protocol note", "protokollsanteckning") in glossary_words("Who made a protocol note?")
    assert "party" not in without_party_names("What did the Left Party say in its special statement?").lower()
    assert "party" in without_party_names("Which party does Lotta Edholm belong to?").lower()
    actors = ["Särskilt yttrande av Vänsterpartiet (V) i byggnadsnämnden (Elin Sandvik)"]
    dissenters = mentioned_speakers("Vad står i det särskilda yttrandet?", actors)
    assert any(speaker_matches([s], actors[0]) for s in dissenters)


def test_an_official_asked_by_role_is_the_voice_so_labelled():
    from qa.speakers import mentioned_speakers, speaker_matches

    actors = ["Barn- och utbildningsnämnden", "Förvaltningschef Helena Brodin"]
    found = mentioned_speakers("Vad svarade förvaltningschefen om förskolan?", actors)
    assert speaker_matches(found, "Förvaltningschef Helena Brodin")
    assert not speaker_matches(found, "Barn- och utbildningsnämnden")


def test_a_word_is_used_where_a_compound_ends_in_its_shorter_stem():
    """"resultatet" stems to resultat, "Omröstningsresultat" to …result: the documents do use the word."""
    from qa.abstention import word_terms
    from qa.lexical import Analyzer

    a = Analyzer()
    assert set(word_terms("resultatet", a)) & set(a.terms("Omröstningsresultat"))


def test_a_count_of_a_part_is_the_first_number():
    from qa.questions import lead_fact

    q = "Hur många elever får rätt till skolskjuts?"
    assert lead_fact(q, "Förvaltningen beräknar att 52 av de 78 eleverna kommer att ha rätt till skolskjuts.",
                     "sv") == "52"


def test_a_sum_asked_for_ranks_the_sentences_holding_one():
    from qa.questions import answer_type

    q = "Vad kostar skolskjutsen för Kvarnbacken per år?"
    texts = ["Skolskjutsen ska planeras så att ingen elev reser längre än 45 minuter.",
             "De ökade kostnaderna för skolskjuts beräknas till 650 000 kronor per år."]
    assert list(answer_type(q, texts)) == [0.0, 1.0]


def test_protocol_words_in_english_meet_their_swedish():
    from qa.language import in_swedish_terms

    assert "jäv" in in_swedish_terms("Who declared a conflict of interest?")
    assert "medborgarförslag" in in_swedish_terms("What did the citizen proposal ask for?")
    assert "skolskjuts" in in_swedish_terms("Who gets school transport?")


def test_the_auditors_asked_for_are_the_auditors_voice_not_an_auditor_someone_wants():
    for q in ("Vad rekommenderar revisorerna socialnämnden?", "What did the auditors conclude about home care?",
              "Hur löd revisorernas samlade bedömning?"):
        assert speaker_matches(mentioned_speakers(q), "Revisorerna"), q
    assert not mentioned_speakers("Vem ville att en oberoende revisor skulle granska fakturorna?")
    assert not speaker_matches(mentioned_speakers("Vad rekommenderar revisorerna?"), "Socialnämnden")


def test_an_audits_english_words_reach_the_swedish_text():
    from qa.language import in_swedish_terms

    swedish = in_swedish_terms("What did the auditors recommend about internal control in home care?")
    for word in ("revisorerna", "rekommenderar", "intern kontroll", "hemtjänst"):
        assert word in swedish


def test_an_official_asked_by_role_is_the_official_who_answered():
    assert speaker_matches(mentioned_speakers("Vad svarade socialchefen på Vänsterpartiets fråga?",
                                              ["Socialchef Annika Berglöf", "Socialnämnden"]),
                           "Socialchef Annika Berglöf")


def test_the_voice_a_question_measures_another_against_is_not_the_one_asked():
    from qa.questions import is_comparison, without_reference

    assert without_reference("Delar oppositionen stadsledningskontorets syn på KSL?") == "Delar oppositionen  på KSL?"
    assert "kontoret" not in without_reference("Håller M och FP med kontoret om välfärden?")
    assert "office" not in without_reference("Does the opposition agree with the city executive office on this?")
    assert "office" not in without_reference("Does the opposition share the city executive office's view?")
    q = "Vilka delar av länet tycker kontoret att rapporten glömmer bort?"  # "delar" a noun: nothing measured
    assert without_reference(q) == q
    # two voices agreeing is a comparison; one agreeing with another is not
    assert is_comparison("Do the city executive office and the M/FP reservation agree that KSL should focus on welfare?")
    assert not is_comparison("Do the Moderates and Liberals agree with KSL's analysis of the region's future issues?")


def test_a_vague_count_answers_only_for_what_it_counts():
    from qa.questions import lacks_quantity

    assert not lacks_quantity("Hur många frågor bör KSL företräda medlemmarna i?",
                              ["Om KSL ska kunna företräda sina medlemmar, bör dessa frågor vara i begränsat antal."])
    assert lacks_quantity("Hur många anställda har KSL?",
                          ["Endast i ett fåtal, av medlemmarna definierade frågor, kan KSL företräda kommunerna."])


def test_a_tables_row_is_one_sentence_whatever_its_cells_say():
    from qa.sentences import split_sentences

    text = ("4 | Riskanalys | Dokumenterad riskanalys. Minst två kontrollmoment 2026. | Kvalitetsstrateg | 2025-11-30\n"
            "5 | Återrapportering | Redovisning vid varje tertial. | Socialchef | 2025-09-23\n\n"
            "Nämnden kommer att redovisa åtgärderna. Revisorerna följer upp.")
    assert split_sentences(text) == [
        "4 | Riskanalys | Dokumenterad riskanalys. Minst två kontrollmoment 2026. | Kvalitetsstrateg | 2025-11-30",
        "5 | Återrapportering | Redovisning vid varje tertial. | Socialchef | 2025-09-23",
        "Nämnden kommer att redovisa åtgärderna.", "Revisorerna följer upp."]


def test_the_office_asked_for_its_reply_to_a_sender_is_the_voice_asked() -> None:
    """"Hur svarade förvaltningen Trafikverket?" asks the office, not Trafikverket; so does "How did the office
    respond to the county board?"."""
    from qa.questions import without_reference

    assert "Trafikverket" not in without_reference("Hur svarade förvaltningen Trafikverket?")
    assert "Länsstyrelsens" not in without_reference("Hur bemötte förvaltningen Länsstyrelsens synpunkter om buller?")
    assert "county board" not in without_reference("How did the office respond to the county board?")
    assert without_reference("Vad tyckte Trafikverket om planen?") == "Vad tyckte Trafikverket om planen?"


def test_a_tables_long_prose_cell_is_cut_into_its_sentences_a_short_row_is_one() -> None:
    """A consultation's answer set in a table cell runs to a page of prose: its sentences are sentences (a quote is
    one of them, not a clause cut from the middle); a row of short cells stays one statement."""
    from qa.sentences import sentence_spans

    view = ("Trafikverket är positivt till att kommunen förtätar i ett kollektivtrafiknära läge. Planen bedöms dock "
            "medföra ökad trafik i korsningen mellan Hamnvägen och väg 612, där det redan i dag uppstår köer. "
            "Trafikverket förutsätter att kommunen bekostar de åtgärder i korsningen som krävs och att ett avtal om "
            "detta tecknas innan planen antas.")
    row = f"2 | Trafikverket Inkom 2025-04-07 | {view} | Förvaltningen instämmer."
    quotes = [row[a:b] for a, b in sentence_spans(row)]
    assert any(q.startswith("Trafikverket förutsätter att kommunen bekostar") for q in quotes)
    short = "4 | Riskanalys | Dokumenterad analys. Två kontrollmoment. | Kvalitetsstrateg | 2025-11-30"
    assert [short[a:b] for a, b in sentence_spans(short)] == [short]


def test_the_holder_of_a_role_is_named_where_the_role_is_and_a_vice_chair_is_not_the_chair() -> None:
    from qa.questions import lacks_person

    vice = "Reservation anfördes av vice ordföranden Camilla Strand m.fl. (S) och Helena Öhman (V)."
    chair = "Ordföranden Maria Holmqvist (S) yrkar bifall till kommunledningskontorets förslag."
    elsewhere = ["Äldrenämnden anser att motionen ska anses besvarad.", "Maria Holmqvist (S) yrkar avslag."]
    assert lacks_person("Vem är ordförande i äldrenämnden?", [vice])
    assert not lacks_person("Vem är vice ordförande i äldrenämnden?", [vice])
    assert not lacks_person("Vem är ordförande i kommunstyrelsen?", [chair])
    assert lacks_person("Vem är ordförande i kommunstyrelsen?", elsewhere)  # a name, but not in the role
    assert lacks_person("Who chairs the council?", elsewhere) and not lacks_person("Who chairs the board?", [chair])
    inquiry = ("Betänkandet överlämnades till regeringen den 11 juni 2025 av den särskilda utredaren, "
               "f.d. generaldirektören Birgitta Sjöholm.")
    assert not lacks_person("Who was the special investigator?", [inquiry])
    assert lacks_person("Vem var särskild utredare?", ["Utredningen föreslår en ny lag."])
    assert "särskilda utredare" in expand_query("Who was the special investigator who led the inquiry?")


def test_of_two_dates_the_lead_is_the_one_of_what_is_asked() -> None:
    decided = ("Utbildningsnämnden beslutade den 21 augusti 2025 att godkänna förvaltningens förslag, med tillägget "
               "att nämnden förordar att lagändringarna träder i kraft den 1 augusti 2028.")
    assert lead_fact("När vill utbildningsnämnden att lagändringarna ska träda i kraft?", decided, "sv") \
        == "1 augusti 2028"
    assert lead_fact("When does the committee want the changes to take effect?", decided, "en") == "1 augusti 2028"
    assert lead_fact("När beslutade utbildningsnämnden?", decided, "sv") == "21 augusti 2025"


def test_a_ministrys_remiss_is_the_departments_words_and_a_listed_items_title_reads_on_into_its_text() -> None:
    from qa.speakers import mentioned_speakers

    actors = ["Utbildningsdepartementet, remissen i sammanfattning", "Stadsledningskontoret"]
    for q in ("Vad föreslår departementet om skolfrukost?", "What does the ministry propose about breakfast?"):
        assert [s.label for s in mentioned_speakers(q, actors)] == ["remissen"], q
    assert mentioned_speakers("Vad tycker kontoret om departementets förslag?", actors)[0].label \
        == "stadsledningskontoret"
    title, text = "– Statsbidrag för skolfrukost.", "Ett riktat statsbidrag om 450 mnkr per år införs."
    assert context_sentence(title, None, text, False, False) == "after"
    assert context_sentence("– att delvis godkänna förslaget.", None, text, False, False) is None


def test_a_sum_leads_with_its_amount_and_a_sentence_going_on_from_the_one_before_is_of_its_thing() -> None:
    from qa.questions import refers_back

    rule = ("En genomgång visar att 34 av stadens grundskolor serverar lunch i flera sittningar, och kravet skulle "
            "kräva fler lunchvärdar till en uppskattad kostnad om 26 mnkr per år.")
    assert lead_fact("Hur mycket kostar kravet på sittande lunch?", rule, "sv") == "26 mnkr"
    assert lead_fact("Hur många grundskolor serverar lunch i flera sittningar?", rule, "sv") == "34"
    for going_on in ("Merkostnaden beräknas därmed till 131 mnkr per år.", "Kostnaden beräknas till 650 000 kronor.",
                     "Detta innebär en kostnad om 3 mnkr."):
        assert refers_back(going_on), going_on
    assert not refers_back("Skolskjutsen kostar 650 000 kronor per år.")


def test_school_meal_words_in_english_meet_their_swedish() -> None:
    expanded = expand_query("How much will free lunch in upper secondary school cost according to the office?")
    assert "gymnasieskolan" in expanded and "avgiftsfri" in expanded


def test_a_sum_is_money_not_a_count_of_millions() -> None:
    """"1,4 miljoner invånare" counts people; "850 miljoner kronor" and "2,4 miljoner för ordningsvakter" are sums;
    a sum asked per year is one per year, not a price per cubic metre."""
    from qa.questions import lead_fact, refers_back

    assert lead_fact("Hur mycket kostar ledningen?", "Verket försörjer 1,4 miljoner invånare.", "sv") is None
    assert lead_fact("Hur mycket kostar ledningen?", "Investeringen beräknas till 850 miljoner kronor.", "sv") == \
        "850 miljoner"
    assert lead_fact("Vad kostar ordningsvakterna?", "Vi vill avsätta 2,4 miljoner för ordningsvakter.", "sv") == \
        "2,4 miljoner"
    assert lead_fact("How much would the fee bring in each year?", "En avgift på 0,40 kronor per kubikmeter.",
                     "en") is None
    assert refers_back("Investeringen beräknas till cirka 850 miljoner kronor.")
    # the sum a question names itself is no answer to how much of it someone got
    from qa.questions import lacks_quantity
    q = "How much of the 12 million kronor for meal development did Bromma end up receiving?"
    assert lacks_quantity(q, ["Majoritetens förslag om 12 miljoner kronor som stadsdelsnämnderna ska söka."])
    assert not lacks_quantity(q, ["Bromma fick 3 miljoner kronor av potten."])
    # what a voice thinks of who should pay costs asks no sum
    from qa.questions import asks_sum
    assert asks_sum("What will the new kitchen cost?")
    assert not asks_sum("What does the district administration think about making the districts pay the running "
                        "costs of new surveillance cameras?")


def test_a_party_letter_after_how_it_stands_and_a_name_inside_a_compound() -> None:
    """"Hur ställer sig S till …?" and "What does S think …?" ask the party; "vattenförsörjningsplanen" does not name
    the remissinstans "Stockholm Vatten och Avfall AB", whose "vatten" it only opens with, nor does "Stockholms län"."""
    from qa.speakers import mentioned_speakers

    for q in ("Hur ställer sig S till fonden?", "What does S think of the fund?", "Hur ser V på planen?"):
        assert [s.party for s in mentioned_speakers(q)] == [True], q
    actors = ["Stockholm Vatten och Avfall AB, remissvar i sammanfattning",
              "Hässelby-Vällingby stadsdelsnämnd, remissvar i sammanfattning"]
    assert mentioned_speakers("Svarade trafiknämnden på remissen om vattenförsörjningsplanen?", actors)[0].label \
        == "trafiknämnden"
    assert not any("Vatten" in s.label for s in mentioned_speakers(
        "Vad gäller för vattenförsörjningsplanen i Stockholms län?", actors))
    assert any("Vatten" in s.label for s in mentioned_speakers("Vad tyckte Stockholm Vatten om fonden?", actors))


def test_an_english_terms_swedish_word_inside_a_compound_is_used() -> None:
    """"fund" is "fond" inside "socialfondsprogrammen": not absent; "climate" in a text without "klimat" is."""
    from qa.abstention import absent_terms
    from qa.lexical import BM25Index

    lex = BM25Index.build(["De nya regional- och socialfondsprogrammen går in i en genomförandefas."])
    assert absent_terms("What does the office say about the social fund programmes?", lex) == []
    assert absent_terms("What does the office say about the climate?", lex) == ["climate"]


def test_who_answered_the_remiss_is_no_deadline() -> None:
    """"Hur länge har kommunerna på sig att svara på remissen?" asks the remisstid; "Svarade trafiknämnden på
    remissen?" asks whether it answered, and the paper's "Remisstid den 15 mars 2022" is no answer to that."""
    assert "remisstid" in expand_query("Hur länge har kommunerna på sig att svara på remissen?")
    assert "remisstid" not in expand_query("Svarade trafiknämnden på remissen om planen?")
