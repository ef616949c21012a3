import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.cleaning import clean_text


def test_case_document_pages_follow_the_lone_numbers(case_text):
    c = clean_text(case_text)
    assert c.removed_page_lines == (4, 5, 6)
    # Text after the "4" line is page 4; the sentence broken by the "5" line continues unbroken on page 5.
    assert c.page_at(c.text.index("Remissammanställning")) == 4
    joined = "anser stadsledningskontoret är en bra och viktig roll för KSL"
    assert joined in c.text
    assert c.page_at(c.text.index(joined) + len(joined) - 5) == 5
    assert c.page_at(c.text.index("bör sekretariatsfunktionen")) == 6
    # Pages 1-3 print no number: they are estimated, and before page 4.
    assert c.estimated_before == c.pages[[p for _, p in c.pages].index(4)][0]
    assert c.page_at(0) == 1
    assert c.page_at(c.text.index("Reservation anfördes av borgarråden")) == 3
    assert not re.search(r"\n\n[456]\n\n", c.text)


def test_hyphenation_left_by_extraction_is_joined_only_for_real_words(case_text):
    c = clean_text(case_text)
    assert "Stadslednings-kontoret" not in c.text and "Stadsledningskontoret konstaterar att med många" in c.text
    assert "gräns-överskridande" not in c.text and "mötesplats för gränsöverskridande frågor" in c.text
    # Real hyphens stay.
    assert "hälso- och sjukvård" in c.text
    assert "KSL-projekt" in c.text
    assert "e-förvaltning" in c.text


def test_line_break_hyphenation():
    raw = "Vi vill öka samverk-\nan mellan kommunerna och\nstärka hälso-\noch sjukvården i e-\nförvaltningen.\n"
    c = clean_text(raw)
    assert "samverkan mellan kommunerna och stärka hälso- och sjukvården" in c.text


def test_an_abbreviations_hyphen_and_a_double_name_at_a_line_end_stay_whole():
    """"VA-⏎kollektivet" keeps its hyphen (an abbreviation's is real), and "Hässelby-⏎Vällingby" is one name."""
    raw = "Det är oklart om medel från VA-\nkollektivet får användas. Ärendet har remitterats till Hässelby-\n" \
          "Vällingby stadsdelsnämnd och EU-\nkommissionen.\n"
    c = clean_text(raw)
    assert "medel från VA-kollektivet får" in c.text
    assert "till Hässelby-Vällingby stadsdelsnämnd och EU-kommissionen." in c.text


def test_soft_hyphens_and_zero_width_characters_are_removed_inside_words():
    """regeringen.se pages hyphenate with soft hyphens: "nack\u00addelar" must be the word "nackdelar" (not "nack"
    and "delar", which would make "Nacka" match it), and quotes must not carry invisible characters."""
    raw = "För- och nack\u00addelar med revisions\u00adplikten.\u200b Slut \u00ad här."
    c = clean_text(raw)
    assert c.text == "För- och nackdelar med revisionsplikten. Slut här."
    a = c.text.index("nackdelar")
    oa, ob = c.original_span(a, a + len("nackdelar"))
    assert raw[oa:ob] == "nack\u00addelar"


def test_whitespace_and_paragraphs():
    raw = "Rubrik\n\nFörsta   stycket  fortsätter\npå nästa rad.\n\n\nAndra stycket.  \n"
    c = clean_text(raw)
    assert c.text == "Rubrik\n\nFörsta stycket fortsätter på nästa rad.\n\nAndra stycket."
    assert [c.text[a:b] for a, b in c.paragraphs] == ["Rubrik", "Första stycket fortsätter på nästa rad.",
                                                     "Andra stycket."]


def test_one_line_paragraphs_with_a_blank_line_between_are_paragraphs(case_text):
    """Markdown and most .txt files write a paragraph on one line and a blank line after it; PDF text that puts a
    blank line after every line ("double-spaced", as the case document) wraps its sentences across them."""
    lines = ["Remissammanställning", "Stadsbyggnadsnämnden", "Nämnden ställer sig positiv till planen.",
             "Norrmalms stadsdelsnämnd", "Nämnden tillstyrker förslaget.", "Cykelfrämjandet",
             "Föreningen anser att målen är för lågt satta."]
    c = clean_text("\n\n".join(lines) + "\n")
    assert [c.text[a:b] for a, b in c.paragraphs] == lines
    # the case document's wrapped lines still join into their paragraphs
    case = clean_text(case_text)
    assert any(case.text[a:b].startswith("Styrelsen för Kommunförbundet Stockholms Län (KSL) har inför nästa "
                                         "mandatperiod tagit") for a, b in case.paragraphs)


def test_offsets_lead_back_to_the_original(case_text):
    c = clean_text(case_text)
    for i, ch in enumerate(c.text):
        if not ch.isspace():
            assert case_text[c.offsets[i]] == ch
    a = c.text.index("KSL ska vara en mötesplats")
    b = a + len("KSL ska vara en mötesplats")
    oa, ob = c.original_span(a, b)
    assert case_text[oa:ob] == "KSL ska vara en mötesplats"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab åäö-.\n 12\t\u00ad\u200b")), max_size=400))
def test_any_text_cleans_and_round_trips(raw):
    c = clean_text(raw)
    assert len(c.offsets) == len(c.text) + 1
    assert all(0 <= c.offsets[i] < len(raw) for i in range(len(c.text)))
    assert all(c.offsets[i] <= c.offsets[i + 1] for i in range(len(c.text)))
    for i, ch in enumerate(c.text):
        if not ch.isspace():
            assert raw[c.offsets[i]] == ch
    for a, b in c.paragraphs:
        assert c.text[a:b] == c.text[a:b].strip() and b > a


def test_running_headers_and_footers_are_removed_after_their_first_appearance():
    """A protocol repeats its head on every page and a footer at its foot; the text runs on across them, and the
    header's first appearance stays (it may open a part of the paper), a footer goes everywhere. A heading that opens two pages is no running line."""
    raw = ("SOLBACKA KOMMUN SAMMANTRÄDESPROTOKOLL\n\nKommunstyrelsen 2025-04-14\n\nReservation\n\n"
           "Per Holm (M) reserverar sig mot beslutet att bygga\n\nJusterandes sign Utdragsbestyrkande\n\n2\n\n"
           "SOLBACKA KOMMUN SAMMANTRÄDESPROTOKOLL\n\nKommunstyrelsen 2025-04-14\n\nen ny förskola i Norrby.\n\n"
           "Justerandes sign Utdragsbestyrkande\n\n3\n\nReservation\n\nLena Ek (KD) reserverar sig också.\n")
    c = clean_text(raw)
    assert c.text.count("SAMMANTRÄDESPROTOKOLL") == 1 and c.text.count("Kommunstyrelsen 2025-04-14") == 1
    assert "Justerandes sign" not in c.text
    assert "reserverar sig mot beslutet att bygga en ny förskola i Norrby." in c.text
    assert c.text.count("Reservation") == 2
    a = c.text.index("en ny förskola")
    assert raw[slice(*c.original_span(a, a + 6))] == "en ny "


def test_a_block_of_running_lines_above_the_page_number_is_removed_where_it_repeats_often():
    """A council's protocol stacks its footer and its header above each page number ("Justerandes sign", the
    municipality's line, the body and date, then "3"): lines further from the number than a lone header's count as
    running when they stand so at three boundaries or more; a heading that stands once near one stays."""
    page = ("Justerandes sign   .....   .....\n\nÅSBY KOMMUN SAMMANTRÄDESPROTOKOLL\n\nKommunfullmäktige   "
            "Sammanträdesdatum\n\n2025-03-17\n\n{n}\n\n")
    raw = ("ÅSBY KOMMUN SAMMANTRÄDESPROTOKOLL\n\nKommunfullmäktige   Sammanträdesdatum\n\n§ 12 Cykelbanor\n\n"
           "Särskilt yttrande\n\nAnna Sjö (S) lämnar ett särskilt yttrande.\n\n" + page.format(n=2)
           + "Olle Berg (MP) yrkar bifall.\n\n" + page.format(n=3) + "Per Ek (S) yrkar avslag.\n\n"
           + page.format(n=4) + "Kommunfullmäktige beslutar att avslå motionen.\n")
    c = clean_text(raw)
    assert c.text.count("SAMMANTRÄDESPROTOKOLL") == 1  # its first appearance, opening the paper
    assert "Justerandes sign" not in c.text
    assert "Särskilt yttrande" in c.text and c.text.count("Sammanträdesdatum") == 1


def test_a_paper_that_counts_its_pages_may_count_afresh_for_an_attached_part():
    """"2 (2)" then "1 (1)": the attached protocol counts its own pages; both counters are page lines, even one
    set between header lines without a blank line around it, and the text runs on across them."""
    raw = ("Tjänsteutlåtande\n\nFörvaltningen föreslår att planen\n\n2 (2)\n\nantas av nämnden.\n\n"
           "Göteborgs Stad\n1 (1)\nByggnadsnämnden\nProtokollsutdrag\n\n§ 114\n\nNämnden beslutar enligt förslaget.\n")
    c = clean_text(raw)
    assert c.removed_page_lines == (2, 1)
    assert "Förvaltningen föreslår att planen antas av nämnden." in c.text
    assert "(1)" not in c.text and "(2)" not in c.text


def test_a_tables_rows_are_lines_of_their_own():
    """A vote list laid out in columns keeps one member's vote to a line: each row is a sentence of its own, not a
    run-on "Thomas Berg S Ja Maria Sandell S Nej …" in which no vote can be quoted alone."""
    from qa.sentences import split_sentences

    raw = ("Omröstningsresultat\n\nLedamot            Parti     Röst\nThomas Berg        S         Ja\n"
           "Maria Sandell      S         Nej\nOskar Lindgren     C         Avstår\n\nSumma Ja 1 Nej 1 Avstår 1\n")
    c = clean_text(raw)
    table = next(c.text[a:b] for a, b in c.paragraphs if "Thomas" in c.text[a:b])
    assert split_sentences(table) == ["Ledamot Parti Röst", "Thomas Berg S Ja", "Maria Sandell S Nej",
                                      "Oskar Lindgren C Avstår"]
    start = c.text.index("Maria")
    assert raw[slice(*c.original_span(start, start + len("Maria Sandell")))] == "Maria Sandell"


def test_a_word_tables_rows_stay_one_paragraph_a_row_to_a_line():
    """A table read from a .docx ("Mattias Rehn | SD | Nej") is one paragraph of short rows, each a sentence,
    however much shorter its rows are than the paper's lines."""
    from qa.sentences import split_sentences

    prose = "Nämnden godkänner följande voteringsproposition och ordföranden finner att nämnden har röstat klart."
    raw = f"{prose}\n\nLedamot | Parti | Ja | Nej\nMattias Rehn | SD | Nej\nSofia Engström | V | Ja\n\n{prose}\n"
    c = clean_text(raw)
    table = next(c.text[a:b] for a, b in c.paragraphs if "Rehn" in c.text[a:b])
    assert split_sentences(table) == ["Ledamot | Parti | Ja | Nej", "Mattias Rehn | SD | Nej",
                                      "Sofia Engström | V | Ja"]


def _pdf(pages: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Pages as a PDF reader gives them: joined by a blank line, with the offset where each starts."""
    starts, offset = [], 0
    for number, page in enumerate(pages, start=1):
        starts.append((offset, number))
        offset += len(page) + 2
    return "\n\n".join(pages), starts


def _paragraphs(c) -> list[str]:
    return [c.text[a:b] for a, b in c.paragraphs]


def test_a_header_block_repeated_atop_the_next_page_is_removed_whole():
    """A PDF's page header of several lines (municipality, office, kind of paper, Dnr, date, address) opens every
    page of its part: removed where it repeats, a lone word ("Revisorerna") and a date among it too; its first
    appearance stays, as it says whose paper begins."""
    head = "LINDÅSA KOMMUN\nRevisorerna\nMISSIV\nDiarienummer REV 2025/7\n2025-03-20\nwww.lindasa.se\n"
    raw, starts = _pdf([
        head + "Granskningen omfattar verksamhetsåret 2024 och såväl egen regi som de två privata utförarna.\n"
               "Hemtjänsten omfattade i december 2024 cirka 640 brukare i hela kommunen och i alla tre områden.",
        head + "Vi bedömer att nämnden inte säkerställer att biståndsbeslut följs upp i enlighet med riktlinjerna.",
        "LINDÅSA KOMMUN\nSocialnämnden\nYTTRANDE\nNämnden delar revisorernas bedömning att uppföljningen har brister.",
    ])
    paras = _paragraphs(clean_text(raw, page_starts=starts))
    assert paras[:3] == ["LINDÅSA KOMMUN", "Revisorerna", "MISSIV"]
    assert paras.count("Revisorerna") == 1 and not any(p.startswith("2025-03-20") for p in paras[5:])
    assert any(p.startswith("Vi bedömer") for p in paras)
    assert "Socialnämnden" in paras  # two lines in common with the page before are no header block


def test_a_protocols_signature_box_labels_are_furniture():
    raw, starts = _pdf([
        "Socialnämnden\nPROTOKOLLSUTDRAG\nJusterandes signum\nUtdragsbestyrkande\n§ 45\nDnr SN 2025/0112\n"
        "Ärendebeskrivning\nKommunens revisorer har granskat socialnämndens styrning och kontroll av hemtjänsten."])
    paras = _paragraphs(clean_text(raw, page_starts=starts))
    assert "Justerandes signum" not in " ".join(paras) and "Utdragsbestyrkande" not in " ".join(paras)


def test_a_list_number_on_a_line_of_its_own_opens_its_point():
    """A PDF may set a list's numbers and bullets apart from their text: the number goes with its point, and the
    point opens a paragraph after a lead-in that ends with a colon."""
    raw = ("Syftet med granskningen är att bedöma om socialnämnden säkerställer en ändamålsenlig styrning och en\n"
           "tillräcklig intern kontroll av hemtjänsten. Granskningen besvarar följande revisionsfrågor:\n"
           "1.\nFöljs biståndsbesluten upp på det sätt och inom den tid som nämndens riktlinjer anger?\n"
           "2.\nUpprättas och revideras genomförandeplaner i enlighet med gällande krav?\n"
           "Beslutsunderlag\n•\nSocialförvaltningens tjänsteskrivelse den 28 april 2025\n•\n"
           "Förslag till yttrande den 28 april 2025\n")
    paras = _paragraphs(clean_text(raw))
    assert "1. Följs biståndsbesluten upp på det sätt och inom den tid som nämndens riktlinjer anger?" in paras
    assert "2. Upprättas och revideras genomförandeplaner i enlighet med gällande krav?" in paras
    assert "• Socialförvaltningens tjänsteskrivelse den 28 april 2025" in paras
    assert "Beslutsunderlag" in paras


def test_headings_of_the_genre_and_numbered_sub_headings_are_lines_of_their_own():
    raw = ("Svar på revisorernas granskning av styrning och kontroll av hemtjänsten i Lindåsa\n"
           "Ärendebeskrivning\n"
           "Kommunens revisorer har genom Revisionsbyrån Norrsken AB granskat socialnämndens styrning och kontroll\n"
           "av hemtjänsten under 2024 och lämnar fem rekommendationer till nämnden för dess fortsatta arbete.\n"
           "Rapporten har sakgranskats av socialchefen och av verksamhetschefen för hemtjänsten i egen regi.\n"
           "3. Iakttagelser och bedömningar\n2. Inledning\n2.1 Bakgrund\n"
           "Diarienummer SN 2025/0112\n§ 45\n")
    paras = _paragraphs(clean_text(raw))
    for line in ("Ärendebeskrivning", "3. Iakttagelser och bedömningar", "2. Inledning", "2.1 Bakgrund", "§ 45"):
        assert line in paras


def test_a_block_ending_every_page_as_the_page_before_is_removed_but_where_it_first_stands():
    """A header drawn after the page's text (as "Sida 5 av 9" needs the page count) ends every page in the text
    layer: removed where it repeats, the page number in it changing; its first appearance stays (it may say what the
    paper is: "PROTOKOLL")."""
    def tail(n: int) -> str:
        return f"\nStorvika kommun\nKommunstyrelsen\nPROTOKOLL\nSammanträdesdatum 2025-09-15\nSida {n} av 3"

    raw, starts = _pdf([
        "Plats och tid\nKommunhuset, Sessionssalen, måndagen den 15 september 2025 kl. 13.00–16.40." + tail(1),
        "§ 101\nEkonomichefen redovisar att kommunens resultat för perioden uppgår till 38,7 miljoner kronor och att\n"
        "prognosen för helåret är ett överskott." + tail(2),
        "§ 102\nMaria Lund (V) yrkar avslag till motionen och anför att kameror flyttar brottsligheten." + tail(3),
    ])
    paras = _paragraphs(clean_text(raw, page_starts=starts))
    text = " ".join(paras)
    assert text.count("Storvika kommun") == 1 and text.count("Kommunstyrelsen") == 1 and "Sida 2 av 3" not in text
    assert paras[-1].startswith("Maria Lund (V) yrkar avslag")


def test_a_dash_before_a_capital_opens_a_point_and_a_bodys_part_is_a_heading():
    raw = ("Beslutet skickas till\n– Kommunfullmäktige\n– Samhällsbyggnadsnämnden\n\n"
           "Utredaren skall\n- utgå ifrån de förslag som lämnats tidigare och redovisa kostnaderna för dem.\n\n"
           "Kommunstyrelsens förslag till kommunfullmäktige\n"
           "Kommunstyrelsen föreslår att kommunfullmäktige beslutar att uppdra åt kommunstyrelsen att ta fram en plan.\n")
    paras = _paragraphs(clean_text(raw))
    assert paras[:3] == ["Beslutet skickas till", "– Kommunfullmäktige", "– Samhällsbyggnadsnämnden"]
    assert any(p.startswith("Utredaren skall - utgå ifrån") for p in paras)  # a dash before lower case goes on
    assert "Kommunstyrelsens förslag till kommunfullmäktige" in paras


def test_the_text_after_a_table_and_a_protocols_note_open_paragraphs():
    rows = ("Revisionsfråga | Bedömning | Kommentar\n"
            "3. Kontroll av ersättningen till utförarna | Ej uppfylld | Ingen avstämning av fakturerad mot registrerad "
            "tid.\n4. Intern kontroll och återrapportering | Ej uppfylld | Ingen dokumenterad riskanalys; begränsad "
            "återrapportering.")
    raw = (f"{rows}\nRevisorerna kommer att följa nämndens arbete med anledning av granskningen och genomföra en "
           "uppföljande granskning.\nProtokollsanteckning\n"
           "Henrik Dahl (L) lämnar följande protokollsanteckning om kamerabevakningen vid resecentrum.\n")
    paras = _paragraphs(clean_text(raw))
    assert paras[0] == rows
    assert paras[1].startswith("Revisorerna kommer") and paras[2] == "Protokollsanteckning"
