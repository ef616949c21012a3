"""The web app: the pure formatting helpers, the positions logic with a fake embedder, feedback, app.py's start-up,
and the public /ask endpoint through gradio_client against the app served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from qa import service
from qa.lexical import BM25Index
from qa.passages import Passage
from qa.positions import calibrate_threshold, speaker_positions, speakers, topic_coverage
from qa.webapp import (
    ContextIndex,
    anchor_id,
    answer_markdown,
    append_feedback,
    escape_html,
    escape_markdown,
    feedback_path,
    feedback_record,
    highlight,
    intro_markdown,
    message_markdown,
    page_label,
    parse_history,
    plain_answer,
    positions_html,
    sources_panel_html,
    stream_prefixes,
    turn_sources_html,
    unsupported_html,
)
from tests.conftest import CASE_DOC, FakeEmbedder, case_qa, free_port


def _passage(n: int, actor: str, text: str, page: int | None = 1, estimated: bool = False,
             source: str = "doc.txt", title: str = "Ett beslut") -> Passage:
    return Passage(chunk_id=f"c{n}", source=source, title=title, page=page, section="Avsnitt", actor=actor,
                   text=text, start=0, end=len(text), page_estimated=estimated, ordinal=n)


def _pjson(p: Passage) -> dict:
    return {k: getattr(p, k) for k in ("chunk_id", "source", "title", "page", "section", "actor", "text",
                                       "page_estimated")}


# --- escaping and highlighting ------------------------------------------------------------------------------------

def test_highlight_marks_the_quote_and_escapes_everything_else():
    text = 'Före <script>alert("x")</script> & ${mall} sedan "<b>citat</b>" efter.'
    quote = '"<b>citat</b>"'
    start = text.index(quote)
    out = highlight(text, start, start + len(quote), quote)
    assert out.count("<mark>") == 1 and out.count("</mark>") == 1
    assert "<script>" not in out and "<b>" not in out and "${" not in out
    marked = re.search(r"<mark>(.*)</mark>", out).group(1)
    assert marked == "&quot;&lt;b&gt;citat&lt;/b&gt;&quot;"
    # Removing the <mark> tags and unescaping gives back the passage exactly.
    import html
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == text


def test_highlight_repairs_wrong_offsets_and_never_marks_a_missing_quote():
    text = "Ett. Två tre. Fyra."
    assert highlight(text, 0, 3, "Två tre.") == "Ett. <mark>Två tre.</mark> Fyra."
    assert highlight(text, 50, 60, None) == escape_html(text)
    assert "<mark>" not in highlight(text, None, None, "finns inte")


def test_escape_markdown_keeps_document_text_literal():
    out = escape_markdown("*fet* _kursiv_ <img src=x> [länk](http://x) $$x$$ # rubrik")
    assert "<img" not in out and "&lt;img" in out
    assert "\\*fet\\*" in out and "\\_kursiv\\_" in out and "\\[länk\\]" in out
    assert "$$" not in out and "\\#" in out
    assert escape_markdown("1. punkt\n- lista") == "1\\. punkt\n\\- lista"


# --- the answer in the chat ---------------------------------------------------------------------------------------

ANSWER = {
    "answer": "Stadsledningskontoret skriver: ”KSL ska vara en mötesplats. Dock bör frågorna vara få.” [1] "
              "Reservanterna skriver: ”Regionen <viktig>.” [2]",
    "abstained": False,
    "citations": [
        {"n": 1, "chunk_id": "c1", "source": "doc.txt", "title": "Ett beslut", "page": 5, "section": "Tjänsteutlåtande",
         "actor": "Stadsledningskontoret", "quote": "KSL ska vara en mötesplats. Dock bör frågorna vara få.",
         "page_estimated": False, "quote_start": 4, "quote_end": 58},
        {"n": 2, "chunk_id": "c2", "source": "doc.txt", "title": "Ett beslut", "page": 2, "section": "Reservation",
         "actor": "Reservanterna", "quote": "Regionen <viktig>.", "page_estimated": True, "quote_start": 0,
         "quote_end": 18},
    ],
    "passages": [
        {"chunk_id": "c1", "source": "doc.txt", "title": "Ett beslut", "page": 5, "section": "Tjänsteutlåtande",
         "actor": "Stadsledningskontoret", "text": "Först KSL ska vara en mötesplats. Dock bör frågorna vara få. Slut.",
         "page_estimated": False},
        {"chunk_id": "c2", "source": "doc.txt", "title": "Ett beslut", "page": 2, "section": "Reservation",
         "actor": "Reservanterna", "text": "Regionen <viktig>. Mer text.", "page_estimated": True},
    ],
    "language": "sv",
}


def test_citation_markers_link_to_their_anchor_in_the_sources_panel():
    md = answer_markdown(ANSWER, turn=3)
    links = re.findall(r'<a href="#([^"]+)" class="qa-cite"[^>]*>\[(\d)\]</a>', md)
    assert links == [(anchor_id(3, 1), "1"), (anchor_id(3, 2), "2")]
    assert "&lt;viktig&gt;" in md and "<viktig>" not in md
    panel = turn_sources_html(ANSWER, turn=3)
    for target, _ in links:
        assert f'id="{target}"' in panel
    # A marker the answer has no citation for stays plain text.
    assert "<a" not in answer_markdown({"answer": "x [7]", "citations": []})


def test_sources_show_speaker_section_page_title_and_the_marked_quote():
    panel = turn_sources_html(ANSWER, turn=0, lang="sv")
    assert "Stadsledningskontoret" in panel and "Tjänsteutlåtande" in panel and "<cite>Ett beslut</cite>" in panel
    assert "<mark>KSL ska vara en mötesplats. Dock bör frågorna vara få.</mark>" in panel
    assert "<mark>Regionen &lt;viktig&gt;.</mark>" in panel
    assert "sida 5" in panel and "sida ~2" in panel and "uppskattad sida" in panel
    assert 'data-copy="KSL ska vara en mötesplats. Dock bör frågorna vara få."' in panel  # copy button per quote
    assert "Kopiera svaret" in panel


def test_estimated_page_label():
    assert page_label(5, False) == "sida 5"
    assert page_label(5, True) == "sida ~5"
    assert page_label(5, True, "en") == "page ~5"
    assert page_label(None, True) == ""


def test_abstained_answer_shows_related_passages_labelled_as_related():
    answer = {"answer": "Dokumenten besvarar inte den här frågan.", "abstained": True, "citations": [],
              "passages": [], "related": [dict(ANSWER["passages"][0], score=0.3)]}
    panel = turn_sources_html(answer, turn=0, lang="sv")
    assert "Närliggande avsnitt" in panel and "besvarar inte frågan" in panel
    assert "Först KSL ska vara en mötesplats." in panel and "<mark>" not in panel
    assert "Related passages" in turn_sources_html(answer, lang="en")
    assert "qa-cite" not in answer_markdown(answer)


def test_show_context_lists_the_neighbouring_passages_of_the_same_document():
    ps = [_passage(0, "A", "Nollte."), _passage(1, "A", "Första."), _passage(2, "B", "Andra."),
          _passage(0, "C", "Annat dokument.", source="other.txt")]
    ctx = ContextIndex(ps)
    before, after = ctx.neighbours("c1")
    assert (before.text, after.text) == ("Nollte.", "Andra.")
    answer = {"answer": "A skriver: ”Första.” [1]", "citations": [
        {"n": 1, "chunk_id": "c1", "actor": "A", "quote": "Första.", "quote_start": 0, "quote_end": 7, "page": 1}],
        "passages": [_pjson(ps[1])]}
    panel = turn_sources_html(answer, context=ctx, lang="sv")
    details = panel[panel.index("<details"):]
    assert "Visa sammanhang" in details and "Nollte." in details and "Andra." in details
    assert "Annat dokument." not in panel
    assert "Show context" in turn_sources_html(answer, context=ctx, lang="en")


def test_panel_keeps_earlier_answers_sources_folded_with_distinct_anchors():
    turns = [{"question": "Första?", "answer": ANSWER}, {"question": "För lång", "answer": {"error": "x"}},
             {"question": "Tredje?", "answer": ANSWER}]
    panel = sources_panel_html(turns)
    assert panel.index(f'id="{anchor_id(2, 1)}"') < panel.index("Källor till tidigare svar") \
        < panel.index(f'id="{anchor_id(0, 1)}"')
    ids = re.findall(r' id="([^"]+)"', panel)
    assert len(ids) == len(set(ids))
    assert "Källorna till svaret visas här" in sources_panel_html([])


def test_stream_prefixes_grow_by_sentence_and_end_with_the_whole_answer():
    text = ANSWER["answer"]
    parts = stream_prefixes(text)
    assert len(parts) >= 3 and parts[-1] == text
    assert all(text.startswith(p) for p in parts)
    assert all(len(a) < len(b) for a, b in zip(parts, parts[1:], strict=False))
    assert not any(p.endswith("få.”") for p in parts)  # a sentence closing a quote streams with its marker
    assert stream_prefixes("Kort.") == ["Kort."]
    # "[1]." (a marker closing a sentence) streams as one step with its sentence
    assert stream_prefixes("A skriver: ”Ett.” [1]. B skriver: ”Två.” [2].") == [
        "A skriver: ”Ett.” [1].", "A skriver: ”Ett.” [1]. B skriver: ”Två.” [2]."]


def test_plain_answer_for_the_copy_button_lists_sources():
    out = plain_answer(ANSWER)
    assert out.startswith(ANSWER["answer"]) and "[2] Reservanterna · Reservation · sida ~2 · Ett beslut" in out


def test_intro_names_the_documents():
    assert "*Ett beslut*" in intro_markdown(["Ett beslut"])
    assert "2 kommunala beslutsdokument" in intro_markdown(["A", "B"]) and "2 municipal" in intro_markdown(
        ["A", "B"], "en")


# --- positions ----------------------------------------------------------------------------------------------------

POSITION_PASSAGES = [
    _passage(0, "Ett beslut", "Ett beslut. Rubrik."),  # the heading passage: the title is no speaker
    _passage(1, "Reservanterna", "Vi vill annat. Den regionala utvecklingen sköts redan av landstinget och "
                                 "länsstyrelsen i regionen."),
    _passage(2, "Reservanterna", "Välfärden är viktigast för kommunerna."),
    _passage(3, "Stadsledningskontoret", "Kontoret anser att regional utveckling är viktig för regionen. "
                                         "Ett annat ämne är också med här."),
    _passage(4, "Borgarrådsberedningen", "Borgarrådsberedningen tillstyrker förslaget om paragrafen."),
]


def _position_setup():
    emb = FakeEmbedder()
    vectors = emb.encode_passages([p.index_text() for p in POSITION_PASSAGES])
    return emb, vectors


def test_positions_one_row_per_speaker_with_a_verbatim_quote_or_does_not_address():
    emb, vectors = _position_setup()
    assert speakers(POSITION_PASSAGES) == ["Reservanterna", "Stadsledningskontoret", "Borgarrådsberedningen"]
    rows = speaker_positions("regional utveckling regionen", POSITION_PASSAGES, vectors, emb, threshold=0.3)
    by = {r.actor: r for r in rows}
    assert [r.actor for r in rows] == speakers(POSITION_PASSAGES)
    for actor in ("Reservanterna", "Stadsledningskontoret"):
        r = by[actor]
        best = r.passages[0][0]
        assert r.addresses and r.quote and best.text[r.quote_start:r.quote_end] == r.quote
        assert "region" in r.quote.lower()
    assert by["Reservanterna"].passages[0][0].chunk_id == "c1"
    assert by["Stadsledningskontoret"].quote.startswith("Kontoret anser")  # the best sentence, not the other one
    assert not by["Borgarrådsberedningen"].addresses and by["Borgarrådsberedningen"].quote == ""
    html = positions_html(rows, "regional utveckling", "sv")
    assert html.count("<tr class=") == 3 and html.count("Tar inte upp detta") == 1
    assert html.count("<mark>") == 2 and "Does not address this" in positions_html(rows, "x", "en")


def test_positions_words_of_the_topic_count_even_when_the_cosine_is_low():
    emb, vectors = _position_setup()
    lexical = BM25Index.build([p.index_text() for p in POSITION_PASSAGES])
    cover = topic_coverage("välfärd", lexical)
    assert cover[2] == 1.0 and cover[3] == 0.0  # "Välfärden" matches "välfärd"
    rows = speaker_positions("välfärd", POSITION_PASSAGES, vectors, emb, threshold=0.99, lexical=lexical)
    by = {r.actor: r for r in rows}
    assert by["Reservanterna"].addresses and by["Reservanterna"].words_found
    assert by["Reservanterna"].quote == "Välfärden är viktigast för kommunerna."
    assert not by["Stadsledningskontoret"].addresses and not by["Borgarrådsberedningen"].addresses
    assert "nämner ämnet" in positions_html(rows, "välfärd")


def test_positions_threshold_for_an_uncalibrated_model_lies_above_off_topic_probes():
    emb, vectors = _position_setup()
    threshold = calibrate_threshold(POSITION_PASSAGES, vectors, emb, probes=["fotboll", "kanelbullar"])
    rows = speaker_positions("fotboll", POSITION_PASSAGES, vectors, emb, threshold)
    assert rows and not any(r.addresses for r in rows)
    assert speaker_positions("  ", POSITION_PASSAGES, vectors, emb, threshold) == []


# --- API helpers and feedback -------------------------------------------------------------------------------------

def test_parse_history_accepts_a_list_or_a_json_string():
    h = [{"role": "user", "content": "Vad?"}]
    assert parse_history(h) == h and parse_history(json.dumps(h)) == h
    assert parse_history(None) is None and parse_history("") is None
    from qa.errors import InputError
    with pytest.raises(InputError):
        parse_history("{inte json")
    with pytest.raises(InputError):
        parse_history('{"role": "user"}')


def test_feedback_is_appended_as_json_lines_inside_the_feedback_folder(tmp_path):
    turns = [{"question": "Vad tycker reservanterna?", "answer": ANSWER}]
    record = feedback_record(turns, 1, True)
    assert record["question"] == "Vad tycker reservanterna?" and record["answer"] == ANSWER["answer"]
    assert [c["n"] for c in record["citations"]] == [1, 2] and record["citations"][0]["quote"]
    assert feedback_record(turns, 5, True) is None
    path = append_feedback(tmp_path / "fb", record)
    append_feedback(tmp_path / "fb", feedback_record(turns, [1, 0], False))
    assert path == (tmp_path / "fb" / "feedback.jsonl").resolve()
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["liked"] for x in lines] == [True, False] and all("timestamp" in x for x in lines)


def test_feedback_path_refuses_a_symlink_out_of_the_folder(tmp_path):
    folder = tmp_path / "fb"
    folder.mkdir()
    (folder / "feedback.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    from qa.errors import QAError
    with pytest.raises(QAError):
        feedback_path(folder)


# --- app.py and the served app ------------------------------------------------------------------------------------

@pytest.fixture
def fake_model(fake_embedder, monkeypatch):
    monkeypatch.setattr(service, "load_embedder", lambda s, progress=None: fake_embedder)
    monkeypatch.setattr(service, "model_id_for", lambda s: fake_embedder.model_id)
    return fake_embedder


def _start_app(settings, monkeypatch, port: str) -> dict:
    """Run app.main() over ``settings``' folders with a fake server; returns the launch options and what the served
    app was built over."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    import app
    import qa.webapp

    for name, value in (("QA_CORPUS_DIR", settings.corpus_dir), ("QA_INDEX_DIR", settings.index_dir),
                        ("QA_CACHE_DIR", settings.cache_dir), ("GRADIO_SERVER_PORT", port)):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    started: dict = {}

    class FakeDemo:
        def launch(self, **kw):
            started.update(kw)
            return None, f"http://{kw['server_name']}:{kw['server_port']}/", None

        def block_thread(self):
            pass

    def fake_build(qa, settings):
        started.update(passages=len(qa.index.passages), lexical_rows=qa.index.lexical.matrix.shape[0],
                       sources={p.source for p in qa.index.passages})
        return FakeDemo()

    monkeypatch.setattr(qa.webapp, "build_app", fake_build)
    assert app.main() == 0
    return started


def test_app_builds_the_index_when_there_is_none_and_binds_localhost(settings, fake_model, monkeypatch, capsys):
    launched = _start_app(settings, monkeypatch, "7999")
    out = capsys.readouterr()
    assert launched["server_name"] == "127.0.0.1" and launched["server_port"] == 7999
    assert launched["passages"] > 10 and (settings.index_dir / "CURRENT").is_file()
    assert "No index" in out.err and "http://127.0.0.1:7999/" in out.out and "GRADIO_SERVER_NAME=0.0.0.0" in out.out
    assert "mcp_server" not in launched  # QA_MCP unset: no MCP server


def test_app_updates_an_index_this_version_cannot_search(settings, fake_model, monkeypatch, capsys):
    """After an upgrade whose index format differs (here: a new lexical analyzer), `python app.py` updates the index
    from the corpus and starts, instead of exiting with a rebuild message."""
    from qa import indexer, lexical

    service.index_corpus(settings, fake_model, log=lambda m: None)
    for module in (indexer, lexical):
        monkeypatch.setattr(module, "ANALYZER_VERSION", lexical.ANALYZER_VERSION + 1)
    started = _start_app(settings, monkeypatch, "7998")
    err = capsys.readouterr().err
    assert "Updating it now" in err and "analysed again" in err and started["lexical_rows"] > 10


def test_app_indexes_files_added_to_the_corpus_since_the_index_was_built(settings, fake_model, monkeypatch, capsys):
    service.index_corpus(settings, fake_model, log=lambda m: None)
    (settings.corpus_dir / "motion.txt").write_text("Motion om cykelparkeringar\n\nStaden bör bygga fler.\n",
                                                     encoding="utf-8")
    started = _start_app(settings, monkeypatch, "7997")
    assert "motion.txt" in started["sources"]
    assert "changed since the index was built (1 new, 0 changed, 0 removed files)" in capsys.readouterr().err


def test_app_keeps_an_index_served_without_its_corpus(settings, fake_model, monkeypatch, capsys):
    """Every indexed file gone from the corpus folder (an index shipped alone, or another folder): answer from the
    index as it is rather than empty it."""
    service.index_corpus(settings, fake_model, log=lambda m: None)
    before = {p.source for p in service.open_qa(settings, fake_model).index.passages}
    for f in settings.corpus_dir.iterdir():
        f.unlink()
    started = _start_app(settings, monkeypatch, "7996")
    assert started["sources"] == before and before
    assert "answering from the index as it is" in capsys.readouterr().err


# gradio's queue calls a pandas API that pandas 3 deprecates; not ours to fix.
SERVED = pytest.mark.filterwarnings("ignore:::gradio.queueing")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app over a FakeEmbedder index of the case document, served on 127.0.0.1 in this process."""
    from qa.webapp import build_app, launch_options

    qa, settings = case_qa(tmp_path_factory.mktemp("webapp"))
    demo = build_app(qa, settings, stream_delay=0)
    port = free_port()
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                            **launch_options(mcp=False))
    yield qa, url
    demo.close()


@SERVED
def test_ask_endpoint_returns_the_cli_answer_object(served):
    from gradio_client import Client

    from qa.answer import answer_question

    qa, url = served
    client = Client(url, verbose=False)
    question = "Vad tycker reservanterna om regional utveckling?"
    result = client.predict(question, api_name="/ask")
    assert isinstance(result, dict)
    assert result == json.loads(json.dumps(answer_question(qa, question).to_json()))
    assert result["citations"] and all(c["quote"] in next(p["text"] for p in result["passages"]
                                                          if p["chunk_id"] == c["chunk_id"])
                                       for c in result["citations"])

    history = [{"role": "user", "content": question}, {"role": "assistant", "content": result["answer"]}]
    follow = client.predict("Och vad anser stadsledningskontoret om det?", history, api_name="/ask")
    as_string = client.predict("Och vad anser stadsledningskontoret om det?", json.dumps(history), api_name="/ask")
    assert follow == as_string
    assert follow["rewritten_question"] == "Och vad anser stadsledningskontoret om regional utveckling?"

    unanswerable = client.predict("Vad kostar det att bygga en ny tunnelbanelinje till Nacka?", api_name="/ask")
    assert unanswerable["abstained"] is True and unanswerable["citations"] == []
    assert unanswerable["answer"].startswith("Dokumenten besvarar inte") and unanswerable["related"]


@SERVED
def test_ask_endpoint_errors_are_messages_not_tracebacks(served):
    from gradio_client import Client

    _, url = served
    client = Client(url, verbose=False)
    assert client.predict("", api_name="/ask") == {"error": "The question is empty. / Frågan är tom."}
    too_long = client.predict("ord " * 1000, api_name="/ask")
    assert set(too_long) == {"error"} and "limit is 2000" in too_long["error"]
    bad_history = client.predict("Vad?", "[{", api_name="/ask")
    assert set(bad_history) == {"error"} and "history" in bad_history["error"]
    assert set(client.predict("Vad?", [{"role": "robot"}], api_name="/ask")) == {"error"}
    # Only /ask is public: the UI's own events are not callable by clients.
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def test_positions_on_the_case_document_with_words_and_fake_vectors(served):
    qa, _ = served
    from qa.positions import calibrate_threshold

    threshold = calibrate_threshold(qa.index.passages, qa.index.vectors, qa.embedder)
    rows = speaker_positions("regional utveckling", qa.index.passages, qa.index.vectors, qa.embedder, threshold,
                             lexical=qa.index.lexical)
    assert len(rows) == len(speakers(qa.index.passages)) >= 5
    addressed = [r.actor for r in rows if r.addresses]
    assert any(a.startswith("Reservation") for a in addressed) and "Stadsledningskontoret" in addressed
    assert any(not r.addresses for r in rows)
    for r in rows:
        if r.addresses:
            assert r.quote and r.quote in r.passages[0][0].text
    assert np.isfinite([r.score for r in rows]).all()


# --- the chat handler and the endpoint, called directly -----------------------------------------------------------

def _fn(demo, name):
    return next(f.fn for f in demo.fns.values() if f.name == name)


@pytest.fixture(scope="module")
def fake_qa(tmp_path_factory):
    return case_qa(tmp_path_factory.mktemp("handlers"))[0]


def test_chat_streams_the_answer_and_passes_the_conversation_as_history(fake_qa, monkeypatch):
    import qa.answer
    from qa.webapp import build_app

    calls = []
    real = qa.answer.answer_question

    def spy(q, question, history=None, **kw):
        calls.append(history)
        return real(q, question, history, **kw)

    monkeypatch.setattr(qa.answer, "answer_question", spy)
    respond = _fn(build_app(fake_qa, fake_qa.settings, stream_delay=0), "respond")
    steps = list(respond("Vad tycker reservanterna om regional utveckling?", [], "sv"))
    chats = [s[0] for s in steps]
    assert "Söker i dokumenten" in chats[0][-1]["content"]  # at once, before the answer is computed
    assert len(steps) >= 2 and 'class="qa-cite"' in chats[1][-1]["content"]
    turns = steps[-1][2]
    assert turns[0]["answer"]["citations"] and 'id="qa-src-0-1"' in steps[1][1]
    follow = list(respond("Och vad anser stadsledningskontoret om det?", turns, "sv"))
    assert calls[0] == [] and calls[1] == [
        {"role": "user", "content": "Vad tycker reservanterna om regional utveckling?"},
        {"role": "assistant", "content": turns[0]["answer"]["answer"]}]
    assert 'href="#qa-src-1-1"' in follow[-1][0][-1]["content"] and len(follow[-1][0]) == 4


def test_chat_and_endpoint_turn_bad_input_and_crashes_into_messages(fake_qa, monkeypatch):
    import qa.answer
    from qa.webapp import build_app

    demo = build_app(fake_qa, fake_qa.settings, stream_delay=0)
    respond, ask = _fn(demo, "respond"), _fn(demo, "ask")
    for question in ("", "   ", "x" * 5000):
        steps = list(respond(question, [], "sv"))
        assert len(steps) == 1 and "Frågan kunde inte besvaras" in steps[0][0][-1]["content"]
    assert "The question could not be answered" in list(respond("", [], "en"))[0][0][-1]["content"]

    def boom(*a, **kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(qa.answer, "answer_question", boom)
    demo = build_app(fake_qa, fake_qa.settings, stream_delay=0)
    respond, ask = _fn(demo, "respond"), _fn(demo, "ask")
    last = list(respond("Vad tycker reservanterna?", [], "sv"))[-1][0][-1]["content"]
    assert "Något gick fel" in last and "secret" not in last and "Traceback" not in last
    assert ask("Vad tycker reservanterna?") == {"error": "Internal error while answering; see the server log."}


def test_mcp_server_only_with_qa_mcp_and_the_extra(monkeypatch):
    import importlib.util

    from qa.webapp import launch_options

    monkeypatch.delenv("QA_MCP", raising=False)
    assert "mcp_server" not in launch_options()
    monkeypatch.setenv("QA_MCP", "1")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert "mcp_server" not in launch_options()  # the extra is missing: skipped silently
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert launch_options()["mcp_server"] is True


# --- generative mode in the chat ----------------------------------------------------------------------------------

GEN_QUESTION = "Vad ska KSL vara enligt stadsledningskontoret?"
GEN_FIRST = "Stadsledningskontoret anser att KSL ska vara en mötesplats för diskussion"
GEN_FAKE = "Stadsledningskontoret vill lägga ner KSL <img src=x onerror=alert(1)> **nu**"
GEN_THIRD = "Stadsledningskontoret ser KSL främst som en medlemsorganisation som tillhandahåller mötespunkter"


@pytest.fixture
def gen_qa(fake_qa):
    """The handlers' QA with a chat model configured (QA_LLM); tests give the model through generate.chat_model."""
    import dataclasses

    from qa import generate

    generate._MODELS.clear()
    return dataclasses.replace(fake_qa, settings=fake_qa.settings.with_overrides(llm="fake:x"))


def _gen_reply(qa) -> str:
    hits = qa.retriever.search(GEN_QUESTION, qa.settings.k)
    a = next(i for i, h in enumerate(hits, 1) if "KSL ska vara en mötesplats för diskussion" in h.passage.text)
    b = next(i for i, h in enumerate(hits, 1) if "främst som en medlemsorganisation" in h.passage.text)
    return f"{GEN_FIRST} [{a}]. {GEN_FAKE} [{a}]. {GEN_THIRD} [{b}]."


def test_unsupported_sentences_are_struck_through_folded_and_escaped():
    out = unsupported_html(["KSL <script>x</script> ${a} [1].", "B [2]."], "sv")
    assert out.startswith('<details class="qa-removed"><summary>Borttaget: 2 meningar som källorna inte stöder'
                          "</summary><ul><li><del>")
    assert "<script>" not in out and "&lt;script&gt;" in out and "${" not in out and out.count("<del>") == 2
    assert "Removed: 1 sentence the sources do not support" in unsupported_html(["x"], "en")
    assert unsupported_html([], "sv") == ""
    msg = message_markdown({"answer": "A [1].", "citations": [], "unsupported": ["B [1]."], "fallback": "timed out"})
    assert msg.startswith("*Språkmodellens svar kunde inte användas") and msg.endswith("</details>")
    assert message_markdown(ANSWER) == answer_markdown(ANSWER)  # the extractive answer: nothing added


def test_generative_chat_streams_only_checked_sentences_then_shows_the_removed_one(gen_qa, monkeypatch):
    import threading

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from qa import generate
    from qa.webapp import build_app
    from tests.conftest import gated_fake_chat

    reply = _gen_reply(gen_qa)
    gate, events = threading.Event(), []
    # the model stops before its last words until the chat has shown the first sentence
    model = gated_fake_chat(reply, gate_at=len(reply) - 5, gate=gate, events=events)
    monkeypatch.setattr(generate, "chat_model", lambda spec, timeout: model)
    respond = _fn(build_app(gen_qa, gen_qa.settings, stream_delay=0), "respond")
    steps = []
    for step in respond(GEN_QUESTION, [], "sv"):
        steps.append(step)
        if GEN_FIRST in step[0][-1]["content"] and not gate.is_set():
            events.append("shown first")
            gate.set()
    assert events == ["shown first", "released"]

    final = steps[-1][0][-1]["content"]
    answer = steps[-1][2][0]["answer"]
    expected = generate.generate_answer(gen_qa, GEN_QUESTION, [], model=FakeListChatModel(responses=[reply]))
    assert answer == json.loads(json.dumps(expected.to_json()))  # the same answer as without streaming
    middle = [s[0][-1]["content"] for s in steps[1:-1]]
    assert len(middle) >= 2 and GEN_THIRD not in middle[0]  # one sentence at a time
    for m in middle:
        assert m.endswith(" …") and final.startswith(m.removesuffix(" …"))  # only what the final answer holds
        assert "lägga ner" not in m and "<img" not in m
    assert 'class="qa-cite"' in middle[0] and 'id="qa-src-0-1"' in steps[1][1]  # sources arrive with the words

    body, removed = final.split('<details class="qa-removed">')
    assert "lägga ner" not in body and GEN_THIRD in body
    assert removed.startswith("<summary>Borttaget: 1 mening som källorna inte stöder</summary>")
    assert "<del>Stadsledningskontoret vill lägga ner KSL &lt;img src=x onerror=alert(1)&gt; **nu** [" in removed
    assert "<img" not in final and answer["unsupported"] == [s for s in expected.unsupported]

    monkeypatch.setattr(generate, "chat_model", lambda spec, timeout: FakeListChatModel(responses=[reply]))
    english = list(respond(GEN_QUESTION, [], "en"))[-1]  # the interface in English
    assert "Removed: 1 sentence the sources do not support" in english[0][-1]["content"]


def test_generative_chat_falls_back_with_a_note_when_the_model_fails(gen_qa, monkeypatch):
    from qa import generate
    from qa.webapp import build_app

    class Broken:
        def stream(self, messages):
            raise RuntimeError("connection refused")

    monkeypatch.setattr(generate, "chat_model", lambda spec, timeout: Broken())
    respond = _fn(build_app(gen_qa, gen_qa.settings, stream_delay=0), "respond")
    steps = list(respond(GEN_QUESTION, [], "sv"))
    final = steps[-1][0][-1]["content"]
    answer = steps[-1][2][0]["answer"]
    assert answer["fallback"].startswith("model error") and answer["citations"]
    assert final.startswith("*Språkmodellens svar kunde inte användas") and 'class="qa-cite"' in final
    assert "qa-removed" not in final  # nothing was removed: the model wrote nothing


def test_chat_asks_in_the_document_picked(tmp_path):
    """With several documents the chat offers "Fråga i": the answer then quotes that file only; one document needs
    no choice; a file not in the index becomes a message, not a crash."""
    from qa.service import index_corpus, open_qa
    from qa.webapp import build_app, document_choices
    (tmp_path / "one").mkdir()
    one, _ = case_qa(tmp_path / "one")
    assert [c[1] for c in document_choices(one.index.passages)] == ["", CASE_DOC.name]
    (tmp_path / "two").mkdir()
    _, settings = case_qa(tmp_path / "two")
    (settings.corpus_dir / "annat.md").write_text(
        "# Kommunal samverkan i Västra Götaland\n\nRegionstyrelsen har remitterat en rapport om samverkan mellan "
        "kommunerna i Västra Götaland.\n", encoding="utf-8")
    embedder = FakeEmbedder()
    index_corpus(settings, embedder, log=lambda m: None)
    two_qa = open_qa(settings, embedder)
    respond = _fn(build_app(two_qa, settings, stream_delay=0), "respond")
    turns = list(respond("Vad sägs om samverkan mellan kommunerna?", [], "sv", "annat.md"))[-1][2]
    assert {c["source"] for c in turns[0]["answer"]["citations"]} == {"annat.md"}
    turns = list(respond("Vad sägs om samverkan mellan kommunerna?", [], "sv", CASE_DOC.name))[-1][2]
    assert {c["source"] for c in turns[0]["answer"]["citations"]} == {CASE_DOC.name}
    last = list(respond("Vad sägs om samverkan?", [], "sv", "finns-inte.pdf"))[-1][0][-1]["content"]
    assert "finns-inte.pdf" in last
    # the endpoint takes the document as an optional third argument
    ask = _fn(build_app(two_qa, settings, stream_delay=0), "ask")
    assert {c["source"] for c in ask("Vad sägs om samverkan?", None, "annat.md")["citations"]} == {"annat.md"}
    assert "finns-inte.pdf" in ask("Vad sägs om samverkan?", None, "finns-inte.pdf")["error"]


def test_ask_in_is_offered_for_two_files_with_one_title(tmp_path):
    """Two files of one title (a paper and its bilaga, say) are two documents to choose between."""
    from qa.service import index_corpus, open_qa
    from qa.settings import Settings
    from qa.webapp import build_app

    (tmp_path / "corpus").mkdir()
    for name in ("del1.md", "del2.md"):
        (tmp_path / "corpus" / name).write_text("# Samma titel\n\nKommunerna samverkar om skolan.\n", encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache",
                        feedback_dir=tmp_path / "feedback")
    embedder = FakeEmbedder()
    index_corpus(settings, embedder, log=lambda m: None)
    demo = build_app(open_qa(settings, embedder), settings, stream_delay=0)
    props = next(c["props"] for c in demo.config["components"] if c.get("props", {}).get("elem_id") == "qa-document")
    assert props["visible"] is True and [v for _, v in props["choices"]] == ["", "del1.md", "del2.md"]
