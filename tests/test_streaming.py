"""Streamed generative answers: sentences shown as soon as they are complete and checked, never before; the final
output equal to the non-streamed answer's; a stalled stream ends in the extractive fallback without hanging."""

import io
import json
import random
import re
import sys
import textwrap
import threading
import time
import types
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import HumanMessage

from qa import generate
from qa.cli import WrappedWriter, print_answer
from qa.generate import clean_reply, generate_answer
from qa.service import index_corpus, open_qa
from qa.streaming import SentenceCutter, Verified, settled_text, stream_answer
from qa.verify import split_generated
from tests.conftest import ScriptedOpenAIServer, gated_fake_chat, run_cli

QUESTION = "Vad ska KSL vara enligt stadsledningskontoret?"
FIRST = "Stadsledningskontoret anser att KSL ska vara en mötesplats för diskussion"
FAKE = "Stadsledningskontoret vill lägga ner KSL <b>helt</b>"
THIRD = "Stadsledningskontoret ser KSL främst som en medlemsorganisation som tillhandahåller mötespunkter"


def reply_for(qa_or_passages: Any) -> str:
    """Two true cited sentences around a fabricated one, numbered as the question's passages are."""
    if isinstance(qa_or_passages, str):  # the user message of a request: find the numbers in it
        def n(needle: str) -> int:
            return int(re.search(r'<passage n="(\d+)"[^>]*>\n[^<]*' + needle, qa_or_passages).group(1))
    else:
        hits = qa_or_passages.retriever.search(QUESTION, qa_or_passages.settings.k)

        def n(needle: str) -> int:
            return next(i for i, h in enumerate(hits, 1) if needle in h.passage.text)
    a, b = n("KSL ska vara en mötesplats för diskussion"), n("främst som en medlemsorganisation")
    return f"{FIRST} [{a}]. {FAKE} [{a}]. {THIRD} [{b}]."


@pytest.fixture
def qa(cli_env, fake_embedder, monkeypatch):
    """The case document indexed with the fake embedder; the CLI answers with the chat model ``use`` returns."""
    monkeypatch.delenv("QA_LLM", raising=False)
    index_corpus(cli_env, fake_embedder, log=lambda m: None)
    generate._MODELS.clear()
    return open_qa(cli_env, fake_embedder)


def use(monkeypatch, model) -> None:
    monkeypatch.setattr(generate, "chat_model", lambda spec, timeout: model)


def _body_and_rest(out: str) -> tuple[str, str]:
    body, _, rest = out.partition("\nKällor / Sources:")
    return body, rest


def test_cli_prints_each_checked_sentence_while_the_model_is_still_writing(qa, monkeypatch):
    reply = reply_for(qa)
    gate = threading.Event()
    events: list[str] = []
    # the model stops before its last sentence is done, until the first sentence has been printed
    model = gated_fake_chat(reply, gate_at=len(reply) - 5, gate=gate, events=events)
    use(monkeypatch, model)

    class Terminal(io.StringIO):
        def write(self, s: str) -> int:
            n = super().write(s)
            if FIRST in self.getvalue() and not gate.is_set():
                events.append("printed first")
                gate.set()
            return n

    out = Terminal()
    from qa.cli import main
    assert main(["ask", QUESTION, "--llm", "fake:x"], stdin=io.StringIO(), stdout=out) == 0
    assert events == ["printed first", "released"]
    text = out.getvalue()
    body, rest = _body_and_rest(text)
    assert FIRST in body and THIRD.split()[-1] in body
    assert "lägga ner" not in body and "<b>" not in body  # the fabricated sentence is never in the answer
    removed = rest.split("Removed, not supported by the sources:")[1]
    assert "lägga ner KSL <b>helt</b>" in removed
    assert "[1]" in body and "[2]" in body and "[3]" not in body  # markers renumbered to the two citations


def test_streamed_output_equals_the_non_streamed_answer(qa, monkeypatch):
    reply = reply_for(qa)
    use(monkeypatch, FakeListChatModel(responses=[reply]))
    code, streamed = run_cli(["ask", QUESTION, "--llm", "fake:x"])
    assert code == 0
    answer = generate_answer(qa, QUESTION, [], model=FakeListChatModel(responses=[reply]))
    expected = io.StringIO()
    print_answer(answer, expected)
    assert streamed == expected.getvalue()
    assert answer.unsupported == [s for s in split_generated(reply) if FAKE in s]

    # the verified sentences, as they streamed, are the final answer text
    events = list(stream_answer(qa, QUESTION, [], model=FakeListChatModel(responses=[reply])))
    shown = [e.text for e in events if isinstance(e, Verified)]
    assert len(shown) == 2 and " ".join(shown) == answer.text == events[-1].text
    assert events[-1].to_json() == answer.to_json()

    # --json stays one final object, the same
    code, out = run_cli(["ask", QUESTION, "--llm", "fake:x", "--json"])
    assert code == 0 and len(out.strip().splitlines()) == 1
    assert json.loads(out) == json.loads(json.dumps(answer.to_json()))


def test_a_model_that_stalls_mid_stream_times_out_and_falls_back(qa, monkeypatch):
    reply = reply_for(qa)
    gate = threading.Event()  # never set by the test: the model hangs after its first sentence
    events: list[str] = []
    model = gated_fake_chat(reply, gate_at=reply.index(FAKE) + 10, gate=gate, events=events, wait=30)
    use(monkeypatch, model)
    monkeypatch.setenv("QA_LLM_TIMEOUT", "0.5")
    try:
        t = time.monotonic()
        code, out = run_cli(["ask", QUESTION, "--llm", "fake:x"])
        assert time.monotonic() - t < 3
    finally:
        gate.set()
    assert code == 0
    notice = out.index("[Extraktivt svar / extractive answer — model timed out")
    assert 0 <= out.index(FIRST) < notice  # the checked sentence came first; the fallback says why it follows
    assert "lägga ner" not in out and "Källor / Sources:" in out[notice:]
    extractive = generate.extractive_answer(qa, QUESTION, [])
    assert out[notice:].split("\n", 1)[1].startswith(extractive.text[:60])


def test_nothing_supported_streams_nothing_and_falls_back(qa, monkeypatch):
    use(monkeypatch, FakeListChatModel(responses=[f"{FAKE} [1]. Det är sant."]))
    code, out = run_cli(["ask", QUESTION, "--llm", "fake:x"])
    assert code == 0
    assert out.startswith("[Extraktivt svar / extractive answer — no generated sentence was supported")
    assert out.count("lägga ner") == 1 and out.index("lägga ner") > out.index("Removed, not supported")


def test_streaming_from_an_openai_compatible_server(qa, monkeypatch):
    pytest.importorskip("langchain_openai")
    server = ScriptedOpenAIServer(lambda body: reply_for(body["messages"][-1]["content"]))
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        code, out = run_cli(["ask", QUESTION, "--llm", "openai:fake"])
    finally:
        server.close()
    assert code == 0 and server.requests[0][1]["stream"] is True
    body, rest = _body_and_rest(out)
    assert FIRST in body and "lägga ner" not in body and "lägga ner" in rest and "Extraktivt" not in out

    slow = ScriptedOpenAIServer(lambda body: reply_for(body["messages"][-1]["content"]), stall_after=12, stall=5)
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", slow.url)
        monkeypatch.setenv("QA_LLM_TIMEOUT", "0.5")
        t = time.monotonic()
        code, out = run_cli(["ask", QUESTION, "--llm", "openai:fake"])
        assert time.monotonic() - t < 4
    finally:
        slow.close()
    assert code == 0 and "extractive answer — model" in out and "Källor / Sources:" in out


def test_llamacpp_backend_streams_its_chunks(monkeypatch, tmp_path):
    from qa.llm import load_chat_model

    class Llama:
        def __init__(self, model_path, **kwargs):
            pass

        def create_chat_completion(self, messages, stream=False, **kwargs):
            assert stream
            return iter([{"choices": [{"delta": {"role": "assistant"}}]},
                         {"choices": [{"delta": {"content": "Svar "}}]},
                         {"choices": [{"delta": {"content": "[1]."}}]}])

    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=Llama))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    chunks = [c.content for c in load_chat_model(f"llamacpp:{gguf}").stream([HumanMessage(content="fråga")])]
    assert "".join(chunks) == "Svar [1]." and len([c for c in chunks if c]) == 2


# --- the pieces ---------------------------------------------------------------------------------------------------

def test_sentence_cutter_gives_complete_sentences_as_split_generated_cuts_the_whole():
    c = SentenceCutter()
    assert c.feed("A gäller. [1") == []
    assert c.feed("A gäller. [1] B g") == ["A gäller [1]."]
    assert c.feed("A gäller. [1] B gäller [2]. C") == ["B gäller [2]."]
    tokens = ["A", "gäller", "KSL", "t.ex.", "dvs.", ".", "!", "?", " ", "\n", "[1]", "[2, 3]", "[", "1", "]", "”",
              "(", ")", "<think>", "</think>", "Det", "5", "000", "kr.", "s.", "–", "…", "x"]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(tokens) + rng.choice(["", " "]) for _ in range(rng.randint(1, 25)))
        cutter, shown = SentenceCutter(), []
        for i in range(1, len(text) + 1):
            shown += cutter.feed(settled_text(text[:i]))
        final = split_generated(clean_reply(text))
        assert final[:len(shown)] == shown, text


def test_wrapped_writer_prints_what_textwrap_fill_prints():
    rng = random.Random(3)
    words = ["Stadsledningskontoret", "anser", "att", "KSL", "ska", "vara", "en", "mötesplats", "[1].", "KSL:s",
             "resurser/kompetens", "x" * 130, "välfärds-utveckling", "”citat”"]
    for _ in range(200):
        parts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 6))]
        out = io.StringIO()
        w = WrappedWriter(out)
        for i in range(1, len(parts) + 1):
            assert w.extend_to(" ".join(parts[:i]))
        w.end()
        assert out.getvalue() == textwrap.fill(" ".join(parts), 100, replace_whitespace=False) + "\n"
    w = WrappedWriter(io.StringIO())
    w.extend_to("Ett.")
    assert not w.extend_to("Två.")  # not a continuation: nothing printed
