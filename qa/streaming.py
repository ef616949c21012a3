"""Streamed generative answers: show each generated sentence as soon as it is complete and checked.

The chat model's reply is read chunk by chunk (``BaseChatModel.stream``). As the text grows, ``SentenceCutter``
hands out each sentence once it can no longer change — cut exactly as ``qa.verify.split_generated`` cuts the whole
reply — and it is checked against the passage it cites by the same ``Checker`` and built into the answer by the
same ``AnswerBuilder`` as in ``qa.generate``. A supported sentence is yielded at once (``Verified``); one that fails
is held back and ends up in ``unsupported``. Nothing unchecked is ever yielded.

The last sentence is complete when the reply is. The last event is the final ``Answer``: the one
``generate_answer`` gives for the same model output (sentences already checked are not checked again). When the
model fails, stalls or runs past ``QA_LLM_TIMEOUT`` — counted for the whole reply, so a stream that stops in the
middle ends too — the final answer is the extractive one with a ``fallback`` reason, even if some verified
sentences were already shown.

Example: the reply "KSL ska vara en mötesplats [2]. KSL ska läggas ner [2]. Det är viktigt [1]." yields
Verified("KSL ska vara en mötesplats [1].") as soon as " KSL" follows its full stop, holds the second sentence
back, yields the third (if [1] supports it) when the reply ends, and then the Answer whose ``unsupported`` lists
the second.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from qa import generate
from qa.answer import Answer
from qa.generate import MAX_ANSWER_CHARS, AnswerBuilder, ModelTimeout, Request
from qa.verify import Checked, split_generated

MAX_STREAM_CHARS = 4 * MAX_ANSWER_CHARS  # reading stops here: the reply is garbage (a model looping) anyway


@dataclass(frozen=True)
class Verified:
    """A generated sentence that passed the check, as it reads in the answer, and the answer so far."""

    text: str  # "Stadsledningskontoret anser att KSL ska vara en mötesplats [1]."
    answer: Answer  # partial: the verified sentences so far, their citations, the passages


def settled_text(reply: str) -> str:
    """The part of a growing reply that later chunks cannot change: reasoning blocks removed, an unclosed
    ``<think>`` and all after it left out, white space collapsed (as ``generate.clean_reply`` does)."""
    return re.split(r"<think>", generate.clean_reply(reply), maxsplit=1, flags=re.IGNORECASE)[0].strip()


class SentenceCutter:
    """The complete sentences of a growing text, each handed out once, as ``split_generated`` cuts the whole text.

    A sentence is complete when another one has begun after it — unless that one is still being written and
    begins with "[": a marker after a full stop ("… mötesplats. [1]") still belongs to the sentence before. The last
    sentence is never complete until the text is (``split_generated`` of the final text gives it).

    Example: feed("A gäller. [1") -> []; feed("A gäller. [1] B g") -> ["A gäller [1]."].
    """

    def __init__(self) -> None:
        self.done: list[str] = []

    def feed(self, text: str) -> list[str]:
        sentences = split_generated(text)
        complete = len(sentences) - 1
        if complete > 0 and sentences[-1].startswith("["):
            complete -= 1
        new = sentences[len(self.done):complete]
        self.done += new
        return new


def stream_text(model: BaseChatModel, messages: list[Any], timeout: float) -> Iterator[str]:
    """The text of each chunk the model streams; ModelTimeout when the whole reply takes longer than ``timeout``.

    The model is read in a daemon thread and handed over through a queue, so a backend that stalls (between
    chunks or before the first) cannot hang the caller, whatever its own timeouts do.
    """
    chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        try:
            for chunk in model.stream(messages):
                if stop.is_set():
                    return
                chunks.put(("text", generate.message_text(chunk)))
            chunks.put(("end", None))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            chunks.put(("error", e))

    threading.Thread(target=run, daemon=True, name="qa-llm-stream").start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                kind, value = chunks.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise ModelTimeout(f"no complete reply within {timeout:g} s") from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()  # the reader stops at its next chunk


def stream_answer(qa: Any, question: str, history: list[dict[str, str]] | None = None, k: int | None = None,
                  model: BaseChatModel | None = None) -> Iterator[Verified | Answer]:
    """``Verified`` for each supported sentence as soon as it is complete, then the final ``Answer`` (see the module
    docstring). ``model`` overrides ``qa.settings.llm``. InputError on a bad question, before anything is yielded."""
    req: Request = generate.prepare_request(qa, question, history, k)
    if not req.hits:
        yield generate.fallback(qa, req, "no passages to give the model")
        return
    checker, sources = generate.checker_for(qa), req.sources
    seen: dict[str, Checked] = {}

    def check(sentence: str) -> Checked:
        if sentence not in seen:
            seen[sentence] = checker.check(sentence, sources)
        return seen[sentence]

    builder = AnswerBuilder(qa, req)
    cutter = SentenceCutter()
    reply = ""
    try:
        model = model or generate.chat_model(qa.settings.llm, req.timeout)
        chunks = stream_text(model, req.messages, req.timeout)
    except Exception as e:  # noqa: BLE001 - any backend failure becomes a fallback, never a crash
        yield generate.fallback(qa, req, generate.failure_reason(e))
        return
    while True:
        try:
            piece = next(chunks)
        except StopIteration:
            break
        except Exception as e:  # noqa: BLE001
            yield generate.fallback(qa, req, generate.failure_reason(e))
            return
        reply += piece
        if len(reply) > MAX_STREAM_CHARS:
            chunks.close()
            break
        text = settled_text(reply)
        if len(text) > MAX_ANSWER_CHARS:  # the final check will refuse it: show no more
            continue
        for sentence in cutter.feed(text):
            part = builder.add(check(sentence))
            if part is not None:
                yield Verified(part, builder.partial())
    reply = generate.clean_reply(reply)
    sentences = split_generated(reply)
    if not generate.usable(reply) or sentences[:len(cutter.done)] != cutter.done:  # the latter cannot happen
        yield generate.answer_from_reply(qa, req, reply, check)
        return
    for sentence in sentences[len(cutter.done):]:  # the last sentence, complete now that the reply is
        part = builder.add(check(sentence))
        if part is not None:
            yield Verified(part, builder.partial())
    yield builder.finish()  # = generate.answer_from_reply(qa, req, reply)
