"""Shared fixtures: the case document, a tiny deterministic fake embedder, and settings in temporary folders."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CASE_DOC = next((ROOT / "corpus").glob("pm-2014-134*.txt"))


class FakeEmbedder:
    """Bag of lower-cased word stems hashed into 64 dimensions: similar wording -> similar vectors."""

    model_id = "fake:bag-of-words-64"
    dim = 64

    def __init__(self) -> None:
        self.passages_encoded = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(w[:6].encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        self.passages_encoded += len(texts)
        if progress:
            progress(len(texts))
        return self.encode_queries(texts)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def case_text() -> str:
    return CASE_DOC.read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CASE_DOC, corpus / CASE_DOC.name)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")


@pytest.fixture
def cli_env(settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """`python -m qa …` through qa.cli.main, on the case document, with the fake embedder instead of the model."""
    from qa import service

    monkeypatch.setattr(service, "load_embedder", lambda s, progress=None: fake_embedder)
    monkeypatch.setattr(service, "model_id_for", lambda s: fake_embedder.model_id)
    monkeypatch.setenv("QA_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX_DIR", str(settings.index_dir))
    return settings


def run_cli(args: list[str], stdin: str = "") -> tuple[int, str]:
    """Exit status and standard output of `python -m qa ARGS` run in-process."""
    from qa.cli import main

    out = io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def case_qa(tmp: Path) -> tuple[object, Settings]:
    """A loaded QA over the case document, indexed with the FakeEmbedder in ``tmp`` (feedback goes there too)."""
    from qa.service import index_corpus, open_qa

    (tmp / "corpus").mkdir()
    shutil.copy(CASE_DOC, tmp / "corpus" / CASE_DOC.name)
    settings = Settings(corpus_dir=tmp / "corpus", index_dir=tmp / "index", cache_dir=tmp / "cache",
                        feedback_dir=tmp / "feedback")
    embedder = FakeEmbedder()
    index_corpus(settings, embedder, log=lambda m: None)
    return open_qa(settings, embedder), settings


def gated_fake_chat(reply: str, gate_at: int, gate: threading.Event, events: list[str], wait: float = 5.0):
    """langchain-core's FakeListChatModel (it streams ``reply`` character by character) that waits at character
    ``gate_at`` until ``gate`` is set, at most ``wait`` seconds, noting in ``events`` "released" or "gave up"."""
    from typing import Any

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class GatedFakeChat(FakeListChatModel):
        gate_at: int = -1
        gate: Any = None
        wait: float = 5.0
        events: Any = None  # a list shared with the test (Any: pydantic keeps the object, not a copy)

        def _stream(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
            for i, chunk in enumerate(super()._stream(messages, stop, run_manager, **kwargs)):
                if i == self.gate_at:
                    self.events.append("released" if self.gate.wait(self.wait) else "gave up")
                yield chunk

    return GatedFakeChat(responses=[reply], gate_at=gate_at, gate=gate, wait=wait, events=events)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScriptedOpenAIServer:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 answering with ``reply(request_json)``, after ``delay``
    seconds. A streaming request gets the reply word by word as server-sent events; with ``stall_after=N`` the
    stream stops for ``stall`` seconds after N words (a model that hangs mid-answer)."""

    def __init__(self, reply: Callable[[dict], str], delay: float = 0.0, stall_after: int | None = None,
                 stall: float = 5.0) -> None:
        outer = self
        self.requests: list[tuple[str, dict]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, body))
                time.sleep(delay)
                try:
                    if body.get("stream"):
                        self._stream(body)
                    else:
                        self._complete(body)
                except OSError:
                    pass

            def _complete(self, body: dict) -> None:
                data = json.dumps({
                    "id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply(body)}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

                def event(delta: dict, finish: str | None = None) -> None:
                    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()

                event({"role": "assistant", "content": ""})
                for i, word in enumerate(re.split(r"(?<=\s)", reply(body))):
                    if stall_after is not None and i == stall_after:
                        time.sleep(stall)
                    event({"content": word})
                event({}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
