"""Answers on papers of the genre laid out unlike the case (benchmarks/genre/): a proposal with its points, who
dissented in a remissinstans, what a voice wants instead, a district committee named by its place (the motion
paper); a party's special statement (planning); a state inquiry's proposals against the municipality's view, a
decision with its points, who signed (the yttrande)."""

import shutil
from pathlib import Path

import pytest

from qa.answer import answer_question
from qa.service import index_corpus, open_qa
from qa.settings import Settings

pytestmark = pytest.mark.model

PAPER = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "motion" / "corpus"


def _indexed(paper: Path, tmp: Path):
    """The paper's folder indexed alone, as a user who puts it in an empty corpus has it."""
    shutil.copytree(paper, tmp / "corpus")
    settings = Settings.from_env().with_overrides(corpus_dir=tmp / "corpus", index_dir=tmp / "index")
    index_corpus(settings, log=lambda m: None)
    return open_qa(settings)


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return _indexed(PAPER, tmp_path_factory.mktemp("genre"))


def _quotes(ans):
    return " ".join(c.quote for c in ans.citations)


def test_a_rate_asked_for_is_no_thing_the_sum_is_of(qa):
    """The paper gives the cooks' cost per year and a rebuilding cost per home; the central kitchens' running cost it
    does not give, and "per år" shared with the cooks' sentence does not make that sum theirs."""
    ans = answer_question(qa, "Vad kostar centralköken per år?")
    assert ans.abstained and "inget sådant antal eller belopp" in ans.text
    ans = answer_question(qa, "Vad kostar kockarna per år enligt äldreförvaltningen?")
    assert not ans.abstained and "32 miljoner kronor per år" in ans.citations[0].quote


def test_a_proposal_is_quoted_with_every_point_it_announces(qa):
    ans = answer_question(qa, "Vilket beslut föreslår borgarrådsberedningen om motionen?")
    quotes = _quotes(ans)
    assert "Motionens första och fjärde att-sats avslås" in quotes
    assert "Motionen anses i övrigt besvarad" in quotes


def test_who_dissented_in_a_remissinstans_is_its_reservation(qa):
    ans = answer_question(qa, "Vilka reserverade sig i äldrenämnden?")
    assert ans.citations[0].hit.passage.actor.startswith(
        "Reservation av Socialdemokraterna (S) och Vänsterpartiet (V) i äldrenämnden")
    assert "Camilla Strand" in ans.citations[0].quote


def test_what_a_voice_wants_instead_of_what_it_rejects(qa):
    ans = answer_question(qa, "Hur vill Sverigedemokraterna betala för satsningen?")
    assert "tolkar" in _quotes(ans)
    assert all("(SD)" in c.hit.passage.actor for c in ans.citations)


def test_a_district_committee_named_by_its_place_is_the_one_quoted(qa):
    ans = answer_question(qa, "Vilket år vill Farsta stadsdelsnämnd ha tillagningskök på alla boenden?")
    assert "Farsta stadsdelsnämnd" in ans.citations[0].hit.passage.actor
    assert "2028" in _quotes(ans)


def test_an_office_asked_for_its_view_is_quoted_with_its_judgement(qa):
    ans = answer_question(qa, "Vad anser stadsledningskontoret om att tillföra 45 miljoner kronor?")
    assert ans.citations[0].hit.passage.actor == "Stadsledningskontoret"
    assert "budgetprocessen" in _quotes(ans)


PLANNING = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "planning" / "corpus"


def test_an_english_question_for_a_partys_special_statement_is_answered_from_it(tmp_path):
    ans = answer_question(_indexed(PLANNING, tmp_path), "What did the Left Party say in its special statement?")
    assert not ans.abstained
    assert ans.citations[0].hit.passage.actor.startswith("Särskilt yttrande av Vänsterpartiet (V)")


@pytest.fixture(scope="module")
def planning(tmp_path_factory):
    return _indexed(PLANNING, tmp_path_factory.mktemp("planning"))


def test_why_a_party_moved_is_not_answered_when_it_gives_no_reason(planning):
    """SD's every word in the paper is its motion and its dissent ("Roger Falk (SD) yrkar avslag på förvaltningens
    förslag."): asked why, the answer says it gives no reason, instead of quoting another's; M and KD, who give
    theirs in a written reservation, are quoted."""
    ans = answer_question(planning, "Varför yrkade Sverigedemokraterna avslag på planen?")
    assert ans.abstained and "anger inga skäl" in ans.text
    ans = answer_question(planning, "Varför reserverade sig Moderaterna och Kristdemokraterna?")
    assert not ans.abstained
    assert ans.citations[0].hit.passage.actor.startswith("Reservation av Moderaterna (M) och Kristdemokraterna (KD)")


def test_a_nämnd_the_paper_only_mentions_is_no_voice(planning):
    """The fastighetsnämnd owns the land and reckons the income from its sale, but never gives its view: asked for
    it, the answer says nothing comes from it; the trafiknämnd, which answered the consultation, is quoted."""
    for q in ("Vad tycker fastighetsnämnden om planen?", "Hur ställer sig fastighetsnämnden till planen?"):
        ans = answer_question(planning, q)
        assert ans.abstained and "fastighetsnämnden" in ans.text, q
    ans = answer_question(planning, "Vad tycker trafiknämnden om planen?")
    assert ans.citations[0].hit.passage.actor.startswith("Trafiknämnden")


STATEMENT = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "yttrande" / "corpus"


@pytest.fixture(scope="module")
def statement(tmp_path_factory):
    return _indexed(STATEMENT, tmp_path_factory.mktemp("statement"))


def test_the_inquirys_proposal_is_quoted_as_the_inquirys_not_the_municipalitys(statement):
    """A municipality's answer to a state inquiry gives the inquiry's date and its own; asked for the inquiry's,
    the answer quotes the inquiry's summary."""
    ans = answer_question(statement, "När ska lagen träda i kraft enligt utredningen?")
    assert ans.citations[0].hit.passage.actor.startswith("Utredningen (SOU 2025:52)")
    assert "1 juli 2027" in ans.citations[0].quote


def test_a_proposal_is_found_under_its_numbered_topic(statement):
    """"3. Målgrupp och åldersgräns" heads the inquiry's sentence on the age limit, which does not itself say
    "åldersgräns": the topic's words count for it."""
    ans = answer_question(statement, "Vad föreslår utredningen om åldersgränsen?")
    assert ans.citations[0].hit.passage.actor.startswith("Utredningen (SOU 2025:52)")
    assert "upp till 20 år" in ans.citations[0].quote


def test_what_the_board_decided_is_its_decision_with_its_points(statement):
    """"Kommunstyrelsen beslutar" over its numbered points is the decision, quoted with them; the procedure
    ("Beslutsgång") and the list of papers ("Beslutsunderlag") are no decision."""
    ans = answer_question(statement, "Vad beslutade kommunstyrelsen?")
    assert ans.citations[0].quote == "Kommunstyrelsen beslutar"
    assert "1. att anta förslag till yttrande" in _quotes(ans)
    assert not any(c.hit.passage.section.endswith(("Beslutsgång", "Beslutsunderlag")) for c in ans.citations)


def test_a_sum_of_something_else_is_no_answer_to_what_a_thing_costs(statement):
    """The statement costs a coordinator for the council (0,9 miljoner kronor a year) and mentions a youth centre
    without a sum: asked what a new youth centre costs, it gives no such sum, and the coordinator's is no answer."""
    ans = answer_question(statement, "Vad kostar en ny fritidsgård i Norrbacka?")
    assert ans.abstained and "inget sådant antal eller belopp" in ans.text
    ans = answer_question(statement, "What would a coordinator for the council cost?")
    assert not ans.abstained and "0,9 miljoner kronor" in ans.citations[0].quote


def test_a_committee_named_in_english_is_the_one_quoted(statement):
    ans = answer_question(statement, "What does the education committee think about the counsellor norm?")
    assert ans.citations[0].hit.passage.actor.startswith("Utbildningsnämnden")


def test_who_signed_is_answered_by_the_signature_a_name_over_its_title(statement):
    ans = answer_question(statement, "Who signed the municipality's statement to the ministry?")
    first = ans.citations[0]
    assert first.hit.passage.section == "Underskrift"
    assert "Maria Holmqvist" in first.quote and "Peter Lindahl" in first.quote
    assert "Maria Holmqvist / Kommunstyrelsens ordförande" in ans.text  # lines shown as a quotation shows them


VOTES = """ÅSBY KOMMUN SAMMANTRÄDESPROTOKOLL
Kommunfullmäktige
Sammanträdesdatum 2025-03-17

§ 13 Svar på motion om cykelbanor

Omröstningsresultat

Med 2 ja-röster mot 1 nej-röst beslutar kommunfullmäktige enligt kommunstyrelsens förslag. 1 ledamot avstår.

Ledamot                Parti     Röst
Anna Sjö               S         Ja
Per Ek                 S         Ja
Olle Berg              MP        Nej
Oskar Lindgren         C         Avstår
"""


def test_a_members_vote_is_quoted_from_the_vote_list(tmp_path):
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "kf-2025-03-17.txt").write_text(VOTES, encoding="utf-8")
    (tmp_path / "work").mkdir()
    ans = answer_question(_indexed(paper, tmp_path / "work"), "Hur röstade Oskar Lindgren?")
    assert ans.citations[0].quote == "Oskar Lindgren C Avstår"


VOTE = """BARN- OCH UTBILDNINGSNÄMNDEN\tPROTOKOLL

Barn- och utbildningsnämnden\tSammanträdesdatum 2025-03-18

§ 15 Framtida skolorganisation

Yrkanden

Mattias Rehn (SD) yrkar att ärendet återremitteras till förvaltningen.

Sofia Engström (V) yrkar avslag på förvaltningens förslag.

Omröstning

Nämnden godkänner följande voteringsproposition: Den som vill bifalla ordförandens yrkande röstar ja.

Voteringslista

Ledamot | Parti | Ja | Nej | Avstår
Cecilia Åkerlund | M | Ja
Mattias Rehn | SD | Nej
Lars Ekholm | M | Ja
Sofia Engström | V | Avstår

Omröstningsresultat

Med 6 ja-röster mot 4 nej-röster beslutar nämnden enligt ordförandens yrkande.

Beslut

Barn- och utbildningsnämnden beslutar

1. att Kvarnbackens skola avvecklas som skolenhet vid vårterminens slut 2026.

Reservationer

Mattias Rehn (SD) reserverar sig mot beslutet och anför följande.

Sverigedemokraterna menar att barnen inte har fått komma till tals.

Beslutet skickas till

Kommunstyrelsen; Rektor för Kvarnbackens skola; Skolskjutssamordnaren
"""


@pytest.fixture(scope="module")
def votes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("votes-src")
    (folder / "protokoll.txt").write_text(VOTE, encoding="utf-8")
    return _indexed(folder, tmp_path_factory.mktemp("votes"))


def test_how_a_member_voted_is_the_vote_lists_row_not_the_members_own_words(votes):
    ans = answer_question(votes, "Hur röstade Mattias Rehn?")
    assert ans.citations[0].quote == "Mattias Rehn | SD | Nej"
    ans = answer_question(votes, "Vad blev resultatet av omröstningen?")
    assert "6 ja-röster mot 4 nej-röster" in ans.citations[0].quote


def test_how_a_party_voted_is_every_row_of_its_members(votes):
    ans = answer_question(votes, "Hur röstade Moderaterna?")
    assert sorted(c.quote for c in ans.citations) == ["Cecilia Åkerlund | M | Ja", "Lars Ekholm | M | Ja"]
    # after what the party moved on the matter, where it moved something
    ans = answer_question(votes, "How did the Left Party vote?")
    assert [c.quote for c in ans.citations] == ["Sofia Engström (V) yrkar avslag på förvaltningens förslag.",
                                                "Sofia Engström | V | Avstår"]
    # after the line recording its reservation, where it reserved itself
    ans = answer_question(votes, "Hur röstade Sverigedemokraterna?")
    assert ans.citations[0].hit.passage.actor.startswith("Reservation av Sverigedemokraterna (SD)")
    assert "reserverar sig mot beslutet" in ans.citations[0].quote
    assert [c.quote for c in ans.citations[1:]] == ["Mattias Rehn | SD | Nej"]


def test_a_party_the_question_names_in_english_is_what_it_is_about(votes):
    ans = answer_question(votes, "What did the Sweden Democrats want?")
    assert not ans.abstained and "Sverigedemokraterna (SD)" in ans.citations[0].hit.passage.actor


NAMND = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "namnd" / "corpus"


@pytest.fixture(scope="module")
def namnd(tmp_path_factory):
    """A nämnd's protocol as a Word file: tables, page headers, §§ and the office's attached tjänsteskrivelse."""
    return _indexed(NAMND, tmp_path_factory.mktemp("namnd"))


def test_what_was_decided_is_the_decision_not_those_it_is_sent_to(namnd):
    """The decision's points answer, in English too, though the parties' yrkanden name the school more often;
    "Beslutet skickas till" lists who receives the decision and decides nothing."""
    for q in ("What did the committee decide about Kvarnbacken school?", "Vad beslutade nämnden om Kvarnbackens skola?"):
        ans = answer_question(namnd, q)
        assert "avvecklas som skolenhet" in _quotes(ans), q
        assert not any(c.hit.passage.section.endswith("Beslutet skickas till") for c in ans.citations)


def test_a_vote_in_a_word_table_is_quoted_as_its_row(namnd):
    ans = answer_question(namnd, "Hur röstade Mattias Rehn?")
    assert ans.citations[0].quote == "Mattias Rehn | SD | Nej"


def test_a_decision_numbered_by_word_is_quoted_point_by_point_in_its_order(tmp_path):
    """A Word protocol whose decision points are Word's own numbered list: the points are read with their numbers
    and quoted in the decision's order, though the first is also the sentence closest to the question."""
    import docx

    d = docx.Document()
    d.add_heading("Tallåsa kommun, Kommunstyrelsen, Protokoll 2025-05-12", 1)
    d.add_heading("§ 45 Ny idrottshall i Västerby", 2)
    d.add_paragraph("Kultur- och fritidsförvaltningen har utrett behovet av en ny idrottshall i Västerby. Hallen "
                    "beräknas kosta 48 miljoner kronor och kan stå klar hösten 2027.")
    d.add_heading("Beslut", 3)
    d.add_paragraph("Kommunstyrelsen beslutar")
    for point in ("att en ny idrottshall byggs i Västerby,", "att investeringsramen fastställs till 48 miljoner "
                  "kronor,", "att kultur- och fritidsnämnden får i uppdrag att upphandla driften."):
        d.add_paragraph(point, style="List Number")
    paper = tmp_path / "paper"
    paper.mkdir()
    d.save(str(paper / "ks-2025-05-12.docx"))
    (tmp_path / "work").mkdir()
    ans = answer_question(_indexed(paper, tmp_path / "work"), "Vad beslutade kommunstyrelsen om idrottshallen?")
    assert [c.quote[:8] for c in ans.citations] == ["Kommunst", "1. att e", "2. att i", "3. att k"]


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    """The audit matter as a PDF: the auditors' missiv, the office's tjänsteskrivelse, the nämnd's yttrande and the
    protocol extract, a seven-line page header atop every page."""
    paper = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "revision" / "corpus"
    return _indexed(paper, tmp_path_factory.mktemp("audit"))


def test_what_the_auditors_recommend_is_the_auditors_own_paper(audit):
    ans = answer_question(audit, "Vad rekommenderar revisorerna socialnämnden?")
    assert ans.citations[0].hit.passage.actor == "Revisorerna"
    assert "rekommenderar revisorerna socialnämnden att" in ans.citations[0].quote


def test_a_note_in_the_minutes_is_the_members_own_and_quoted_once_in_quotation_marks(audit):
    ans = answer_question(audit, "Vad anser Liberalerna om valfriheten i hemtjänsten?")
    assert ans.citations[0].hit.passage.actor.startswith("Protokollsanteckning av Liberalerna (L)")
    assert ans.citations[0].quote.startswith("Liberalerna står bakom valfriheten")
    assert "””" not in ans.text


def test_who_chaired_is_the_whole_signature_not_a_name_beside_another_title(audit):
    """A PDF gives names set side by side before their titles ("Birgitta Ståhlberg / Annika Berglöf / Ordförande /
    Socialchef"): the signature is quoted whole, never the socialchef's name over the chair's title."""
    ans = answer_question(audit, "Vem var ordförande i socialnämnden?")
    signed = [c.quote for c in ans.citations if c.hit.passage.section == "Underskrift"]
    assert signed and all("Birgitta Ståhlberg" in q and "Ordförande" in q for q in signed)


def test_a_tables_header_row_is_no_answer(namnd):
    """"What did the Left Party want?" holds the word a vote list's header row has ("Ledamot | Parti | Ja | Nej |
    Avstår"): the party's own words answer it, never the column labels."""
    ans = answer_question(namnd, "What did the Left Party want?")
    assert ans.citations and ans.citations[0].hit.passage.actor.startswith(("Reservation av Vänsterpartiet",
                                                                              "Yrkande av Vänsterpartiet"))
    assert not any(c.quote.startswith(("Ledamot | Parti", "Namn | Parti")) for c in ans.citations)


MEETING_PDF = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "ksmote" / "corpus"


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """A kommunstyrelse's whole meeting as a PDF: six §§, one vote list (§ 103) as a ruled table."""
    return _indexed(MEETING_PDF, tmp_path_factory.mktemp("meeting"))


def test_how_a_party_voted_comes_from_the_matter_asked_about(meeting):
    """The vote list is § 103's; asked how SD voted on the policy of § 104, no row of it (nor anything of § 103) is
    the answer — SD voted in § 103 too, and quoting that would put the wrong vote in its mouth; and the quotes after
    the first stay in its §."""
    bath = answer_question(meeting, "How did the Sweden Democrats vote on the swimming bath?")
    assert {"Tobias Sandberg | SD | Nej", "Marie Wiklund | SD | Nej"} <= {c.quote for c in bath.citations}
    assert bath.citations[0].hit.passage.actor.startswith("Reservation av Sverigedemokraterna (SD)")
    policy = answer_question(meeting, "Hur röstade Sverigedemokraterna om klimatpolicyn?")
    assert policy.citations and not any(c.hit.passage.section.startswith("§ 103") for c in policy.citations)
    # nor SD's words on another § beside them ("ställer sig bakom beslutet" was § 105's, the dog park)
    assert all(c.hit.passage.section.startswith("§ 104") for c in policy.citations)


BUDGET = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "budget" / "corpus"


@pytest.fixture(scope="module")
def follow_up(tmp_path_factory):
    return _indexed(BUDGET, tmp_path_factory.mktemp("budget"))


def test_a_figure_in_a_table_is_answered_from_its_column_under_the_tables_header(follow_up):
    """A budget follow-up's table gives each verksamhet's budget, outcome and forecast in a row of figures: asked for
    one, the answer names the column and its figure, and quotes the row under the table's header (which says what
    each figure is), not the rows of other verksamheter."""
    ans = answer_question(follow_up, "Vad är prognosen för hemtjänsten för helåret?")
    assert ans.text.startswith("Prognos helår 2025: 151 400")
    assert [c.quote for c in ans.citations] == [
        "Verksamhet | Budget 2025 | Utfall jan–aug 2025 | Prognos helår 2025 | Avvikelse helår | Avvikelse prognos april2",
        "Hemtjänst | 142 600 | 101 820 | 151 400 | −8 800 | −5 600"]
    ans = answer_question(follow_up, "Hur stor var budgeten för särskilt boende 2025?")
    assert ans.text.startswith("Budget 2025: 231 500")


WATER = Path(__file__).resolve().parents[1] / "benchmarks" / "genre" / "vatten" / "corpus"


@pytest.fixture(scope="module")
def water(tmp_path_factory):
    """A Stockholm utlåtande answering a county board's remiss on a regional water supply plan, as PDF text."""
    return _indexed(WATER, tmp_path_factory.mktemp("water"))


def test_the_foredragandes_view_is_her_judgement_not_the_remiss_she_relays(water):
    """Asked what the föredragande thinks of the proposed fund, the answer is her own stand in "Mina synpunkter"
    ("Jag delar inte förslaget …"), with the proposal it answers — not her "Ärendet", which relays the remiss."""
    ans = answer_question(water, "Vad anser borgarrådet Hamrén Öst om den föreslagna vattenskyddsfonden?")
    assert "Jag delar inte förslaget i den form det presenteras." in _quotes(ans)
    assert all(c.hit.passage.actor.startswith("Föredragande borgarrådet") for c in ans.citations)
    assert all(c.hit.passage.section.startswith("Mina synpunkter") for c in ans.citations)


def test_a_body_that_never_speaks_is_answered_where_it_is_named(water):
    """Trafiknämnden gave no answer; asked about it, the paper's line saying so is quoted — not another
    remissinstans's answer to the remiss, nor the water company, whose name only shares "vatten" with the plan."""
    ans = answer_question(water, "Lämnade trafiknämnden något svar på remissen?")
    assert "Trafiknämnden har avstått från att yttra sig." in ans.citations[0].quote


def test_a_party_never_given_is_not_guessed(water):
    """The paper never gives the föredragande's party; a reservant's it gives in brackets."""
    ans = answer_question(water, "Vilket parti representerar Cecilia Hamrén Öst?")
    assert ans.abstained and "vilket parti" in ans.text
    ans = answer_question(water, "Vilket parti tillhör Hanna Lindfors?")
    assert not ans.abstained and "(V)" in ans.text


def test_a_later_adoption_and_a_year_asked_for(water):
    """The plan is a proposal on remiss: when it was adopted the paper cannot say (its dates are the remiss's and
    the answers'); a year asked for is a year ("2030"), where the party's reservation names it."""
    ans = answer_question(water, "När fastställdes vattenförsörjningsplanen?")
    assert ans.abstained and "tidpunkt" in ans.text
    ans = answer_question(water, "Vilket år vill Socialdemokraterna att reservvattenkapaciteten ska nå 50 procent?")
    assert ans.text.startswith("2030")


def test_a_sum_in_a_sentence_going_on_from_the_one_naming_its_thing(water):
    """"Investeringen beräknas till cirka 850 miljoner kronor …" is the cost of the pipeline the sentence before
    names; "1,4 miljoner invånare" is a count, no sum."""
    ans = answer_question(water, "Hur mycket kostar reservvattenledningen från Ulvsjön?")
    assert ans.text.startswith("850 miljoner")


def test_an_english_sum_per_year_from_the_county_board(water):
    """"the county board" is Länsstyrelsen, "fee" its "avgift": asked what the fee brings in a year, the lead is the
    sum per year ("68 miljoner"), not the fee per cubic metre nor the water company's estimate of its cost."""
    ans = answer_question(water, "How much would the county board's water protection fee bring in each year?")
    assert ans.text.startswith("68 miljoner")
    assert ans.citations[0].hit.passage.actor.startswith("Länsstyrelsen")


def test_a_sum_of_a_thing_no_sentence_prices_is_not_given(water):
    """The paper names the PFAS at the ridge and a clean-up plan, never its cost; "beräknas" shared with another
    sum's sentence does not make that sum the clean-up's."""
    ans = answer_question(water, "Vad beräknas saneringen av PFAS vid Storängsåsen kosta?")
    assert ans.abstained and "inget sådant antal eller belopp" in ans.text


def test_a_partys_stand_on_a_subject_it_never_mentions(water):
    """V's reservations never speak of the fund: "think of" asks about a subject as "think about" does. A lone "S"
    after "ställer sig" is the party."""
    ans = answer_question(water, "What does the Left Party think of the fund?")
    assert ans.abstained and "mentions fund" in ans.text
    ans = answer_question(water, "Hur ställer sig S till fonden för vattenskydd?")
    assert not ans.abstained and ans.citations[0].hit.passage.actor.startswith("Reservation av Socialdemokraterna")


@pytest.fixture(scope="module")
def water_and_case(tmp_path_factory):
    """The water plan's utlåtande beside the case document, as a user with two papers of the genre has them."""
    tmp = tmp_path_factory.mktemp("water_case")
    (tmp / "papers").mkdir()
    for folder in (WATER, Path(__file__).resolve().parents[1] / "corpus"):
        for f in folder.iterdir():
            shutil.copy(f, tmp / "papers" / f.name)
    return _indexed(tmp / "papers", tmp)


def test_a_body_that_answered_nothing_among_two_papers(water_and_case):
    """Among two remiss papers, whether trafiknämnden answered is where its name stands ("… har remitterats till …
    trafiknämnden …", "Trafiknämnden har avstått från att yttra sig."), not the remiss's deadline ("svarade" asks who
    answered, not by when) nor the proposal that the remiss be answered."""
    ans = answer_question(water_and_case, "Svarade trafiknämnden på remissen om vattenförsörjningsplanen?")
    assert "Trafiknämnden har avstått från att yttra sig." in _quotes(ans)
    assert not ans.text.startswith("15 mars 2022")
