"""Chat models for generative mode — the one place chat-model packages are imported.

``QA_LLM`` names the backend and model:

    openai:MODEL       langchain-openai; any OpenAI-compatible server (OPENAI_BASE_URL, OPENAI_API_KEY)
    ollama:MODEL       langchain-ollama; OLLAMA_HOST or http://localhost:11434
    llamacpp:PATH.gguf llama-cpp-python in process (not in the extra: it compiles for minutes)

The first two come with ``pip install -e ".[llm]"``. Each backend is imported only when asked for, so the
extractive default never loads them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from qa.errors import ModelError

INSTALL_HINT = 'pip install -e ".[llm]"'
LLAMACPP_HINT = "pip install llama-cpp-python  (compiles with gcc/cmake, about 5 minutes)"
MAX_TOKENS = 512


def load_chat_model(spec: str, timeout: float = 60.0) -> BaseChatModel:
    """The chat model ``spec`` names ("openai:gpt-4o-mini", "ollama:qwen2.5", "llamacpp:/models/q.gguf")."""
    kind, _, name = spec.partition(":")
    kind, name = kind.strip().lower(), name.strip()
    if not name or kind not in ("openai", "ollama", "llamacpp"):
        raise ModelError(f"QA_LLM={spec!r} is not understood. Use openai:MODEL, ollama:MODEL or llamacpp:PATH.gguf.")
    if kind == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise ModelError(f"QA_LLM={spec} needs langchain-openai. Install it: {INSTALL_HINT}") from None
        # A local OpenAI-compatible server (llama.cpp, vLLM, LM Studio) wants some key, not a real one.
        return ChatOpenAI(model=name, base_url=os.environ.get("OPENAI_BASE_URL") or None,
                          api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",  # type: ignore[arg-type]
                          timeout=timeout, max_retries=0, temperature=0, max_completion_tokens=MAX_TOKENS)
    if kind == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise ModelError(f"QA_LLM={spec} needs langchain-ollama. Install it: {INSTALL_HINT}") from None
        return ChatOllama(model=name, base_url=os.environ.get("OLLAMA_HOST") or None, temperature=0,
                          num_predict=MAX_TOKENS, client_kwargs={"timeout": timeout})
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelError(f"QA_LLM={spec}: no model file at {path}. Give the path of a .gguf file.")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise ModelError(f"QA_LLM={spec} needs llama-cpp-python. Install it: {LLAMACPP_HINT}") from None
    return LlamaCppChat(model_path=str(path))


def _role(m: BaseMessage) -> str:
    return {"system": "system", "human": "user", "ai": "assistant"}.get(m.type, "user")


class LlamaCppChat(BaseChatModel):
    """A GGUF model run in process by llama-cpp-python, behind the langchain chat-model interface.

    The model loads on first use and stays loaded (one per instance); the chat template is the GGUF's own.
    ``stream`` yields the tokens as llama.cpp produces them.
    """

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = MAX_TOKENS
    temperature: float = 0.0
    n_threads: int | None = None
    _llama: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    def _model(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                verbose=False)
        return self._llama

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        out = self._model().create_chat_completion(
            messages=[{"role": _role(m), "content": m.text} for m in messages],
            max_tokens=self.max_tokens, temperature=self.temperature, stop=stop or None)
        text = out["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        parts = self._model().create_chat_completion(
            messages=[{"role": _role(m), "content": m.text} for m in messages],
            max_tokens=self.max_tokens, temperature=self.temperature, stop=stop or None, stream=True)
        for part in parts:
            text = (part["choices"][0].get("delta") or {}).get("content") or ""
            if text:
                if run_manager is not None:
                    run_manager.on_llm_new_token(text)
                yield ChatGenerationChunk(message=AIMessageChunk(content=text))
