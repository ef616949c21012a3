"""Shared fixtures: the case document, a tiny deterministic fake embedder, and settings in temporary folders."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import socket
from collections.abc import Callable, Sequence
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
