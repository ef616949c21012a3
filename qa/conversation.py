"""Questions and conversations: validation, and deterministic rewriting of follow-up questions.

A follow-up leans on the previous turn: "Och vad tycker stadsledningskontoret om det?" after "Vad tycker
reservanterna om regional utveckling?" is rewritten to "Och vad tycker stadsledningskontoret om regional
utveckling?" before retrieval. No language model is involved: pronouns that point back ("det", "detta", "dem",
"it", "that", …) are replaced by the previous question's topic, and a question too short to stand alone gets the
previous question's content words appended.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from qa.errors import InputError
from qa.language import detect_language

MAX_QUESTION_CHARS = 2000
_BACK_REFS = r"(?:det|detta|den|denna|dessa|dem|de|samma sak|samma fråga|it|that|this|them|those|these)"
_TOPIC_AFTER = re.compile(r"\b(?:om|angående|kring|gällande|beträffande|about|on|regarding|concerning)\s+(.+?)[?.!]*$",
                          re.IGNORECASE)
_ANAPHORA = re.compile(rf"\b(?:om|angående|kring|about|on|regarding|of)\s+{_BACK_REFS}\s*[?.!]*$", re.IGNORECASE)
_PRONOUN = re.compile(rf"\b{_BACK_REFS}\b", re.IGNORECASE)
_FOLLOWUP_START = re.compile(r"^(?:och|men|samt|också|även|and|but|what about|how about|vad med|hur är det med)\b",
                             re.IGNORECASE)
_WH = re.compile(r"\b(?:vad|vem|vilka|vilken|vilket|hur|varför|när|var|what|who|which|how|why|when|where|"
                 r"tycker|anser|säger|skriver|menar|föreslår|think|thinks|say|says|propose|proposes|do|does|did|"
                 r"is|are|the|den|det|de|om|about)\b", re.IGNORECASE)


def validate_question(question: Any, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """A clean question string, or InputError saying what was wrong."""
    if question is None:
        raise InputError("The question is missing. / Frågan saknas.")
    if not isinstance(question, str):
        raise InputError(f"The question must be text, not {type(question).__name__}.")
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in question)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if not cleaned:
        raise InputError("The question is empty. / Frågan är tom.")
    if len(cleaned) > max_chars:
        raise InputError(f"The question is {len(cleaned)} characters long; the limit is {max_chars}. "
                         "Ask something shorter. / Frågan är för lång.")
    if not re.search(r"\w", cleaned):
        raise InputError("The question has no words in it. / Frågan innehåller inga ord.")
    return cleaned


def validate_history(history: Any) -> list[dict[str, str]]:
    if history is None:
        return []
    if not isinstance(history, list):
        raise InputError("history must be a list of {\"role\": …, \"content\": …} objects.")
    out = []
    for turn in history:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant") \
                or not isinstance(turn.get("content"), str):
            raise InputError("Each history turn must be {\"role\": \"user\" or \"assistant\", \"content\": text}.")
        out.append({"role": turn["role"], "content": turn["content"][:MAX_QUESTION_CHARS * 4]})
    return out


def _topic(question: str) -> str:
    m = _TOPIC_AFTER.search(question)
    if m and not re.fullmatch(_BACK_REFS, m.group(1).strip(), re.IGNORECASE):
        return m.group(1).strip()
    return re.sub(r"\s+", " ", _WH.sub(" ", re.sub(r"[?.!]", " ", question))).strip()


def is_followup(question: str) -> bool:
    words = re.findall(r"\w+", question)
    return bool(_ANAPHORA.search(question) or _FOLLOWUP_START.match(question)
                or (len(words) <= 6 and _PRONOUN.search(question)))


def rewrite_followup(question: str, history: list[dict[str, str]]) -> str:
    """The question made self-contained using the previous user turn (see the module docstring)."""
    previous = next((t["content"] for t in reversed(history) if t["role"] == "user"), None)
    if not previous or not is_followup(question):
        return question
    topic = _topic(previous)
    if not topic:
        return question
    if _ANAPHORA.search(question):
        return _ANAPHORA.sub(lambda m: m.group(0).split()[0] + " " + topic + "?", question)
    if re.search(rf"\b{re.escape(topic)}\b", question, re.IGNORECASE):
        return question
    return f"{question.rstrip('?.! ')} ({topic})?"


@dataclass(frozen=True)
class Turn:
    """A validated question in its conversation, as every answerer starts from it."""

    question: str
    history: list[dict[str, str]]
    language: str  # of the question as asked: "sv" or "en"
    rewritten: str  # self-contained, for retrieval


def prepare_turn(question: Any, history: Any, max_chars: int = MAX_QUESTION_CHARS) -> Turn:
    """Validate the question and history, tell the language, rewrite a follow-up (InputError on bad input)."""
    question = validate_question(question, max_chars)
    history = validate_history(history)
    return Turn(question, history, detect_language(question), rewrite_followup(question, history))
