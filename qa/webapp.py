"""The web chat: a Gradio app over one loaded ``QA`` (see ``build_app``), and the pure helpers that turn answer
dicts into what the page shows.

Layout: a chat tab (conversation on the left, the sources of the latest answer on the right, citation markers
[n] linked to them) and a positions tab (one row per speaker: that speaker's closest words on a topic, or an
explicit "does not address this"). A public API endpoint ``/ask`` returns ``Answer.to_json()`` — the same dict as
``python -m qa ask --json`` — or ``{"error": "…"}``.

Everything above ``build_app`` is pure (strings and dicts in, HTML or Markdown out) and imports no gradio, so the
tests exercise it without a server. Gradio is imported in ``build_app`` and ``launch_options`` only.

Example: ``answer_markdown({"answer": "X skriver: ”a” [1]"}, turn=2)`` ->
``'X skriver: ”a” <a href="#qa-src-2-1" class="qa-cite" aria-label="källa 1">[1]</a>'``.
"""

from __future__ import annotations

import datetime as _dt
import html
import importlib.util
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import InputError, QAError
from qa.passages import Passage
from qa.positions import SpeakerPosition, calibrate_threshold, speaker_positions, threshold_for
from qa.sentences import sentence_spans

if TYPE_CHECKING:  # pragma: no cover
    import gradio as gr

    from qa.service import QA
    from qa.settings import Settings

log = logging.getLogger("qa.webapp")

LANGS = ("sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Fråga beslutsdokumenten",
        "intro": "Ställ frågor om {n_docs}: {titles}. Svaren är ordagranna citat ur dokumenten med talare, "
                 "avsnitt och sida. Varje citat har en siffra, till exempel [1], som länkar till källan i panelen "
                 "Källor. Står svaret inte i dokumenten sägs det rakt ut.",
        "one_doc": "ett kommunalt beslutsdokument",
        "many_docs": "{n} kommunala beslutsdokument",
        "lang_label": "Språk",
        "tab_chat": "Fråga",
        "tab_positions": "Ståndpunkter",
        "chat_label": "Samtal",
        "question_label": "Din fråga",
        "question_placeholder": "Skriv en fråga och tryck Enter",
        "send": "Fråga",
        "new_chat": "Nytt samtal",
        "examples_label": "Exempelfrågor (klicka för att fråga)",
        "sources": "Källor",
        "sources_empty": "Källorna till svaret visas här, med de citerade orden markerade.",
        "sources_for": "Källor till svaret på: ",
        "earlier": "Källor till tidigare svar",
        "related": "Närliggande avsnitt. De besvarar inte frågan, men ligger närmast den.",
        "context": "Visa sammanhang",
        "before": "Avsnittet före",
        "after": "Avsnittet efter",
        "copy_quote": "Kopiera citat",
        "copy_answer": "Kopiera svaret",
        "copied": "Kopierat",
        "page": "sida",
        "estimated": "~ = uppskattad sida (dokumentet har inget sidnummer där)",
        "source_n": "källa",
        "thinking": "Söker i dokumenten …",
        "error": "Något gick fel när frågan skulle besvaras. Försök igen, eller formulera frågan på ett annat sätt.",
        "input_error": "Frågan kunde inte besvaras: {msg}",
        "topic_label": "Ämne (välj eller skriv ett eget)",
        "doc_label": "Fråga i",
        "all_docs": "Alla dokument",
        "show_positions": "Visa ståndpunkter",
        "positions_intro": "Vad säger var och en av talarna i dokumenten om ett ämne? Varje rad visar talarens "
                           "närmaste ord om ämnet, ordagrant, med källa.",
        "positions_caption": "Talarnas ståndpunkter om ”{topic}”",
        "speaker": "Talare",
        "quote": "Närmaste citat",
        "source": "Källa",
        "similarity": "Likhet",
        "not_addressed": "Tar inte upp detta",
        "not_addressed_note": "(närmaste avsnitt för långt från ämnet)",
        "words_found": "nämner ämnet",
        "more_passages": "Fler närliggande avsnitt",
        "positions_empty": "Välj eller skriv ett ämne.",
        "removed_one": "Borttaget: 1 mening som källorna inte stöder",
        "removed_many": "Borttaget: {n} meningar som källorna inte stöder",
        "fallback": "Språkmodellens svar kunde inte användas, så svaret består av ordagranna citat.",
    },
    "en": {
        "title": "Ask the decision papers",
        "intro": "Ask questions about {n_docs}: {titles}. Answers are verbatim quotes from the documents, with "
                 "speaker, section and page. Each quote carries a number such as [1] that links to its source in "
                 "the Sources panel. When the documents do not answer a question, the answer says so plainly. "
                 "The documents are in Swedish.",
        "one_doc": "one municipal decision paper",
        "many_docs": "{n} municipal decision papers",
        "lang_label": "Language",
        "tab_chat": "Ask",
        "tab_positions": "Positions",
        "chat_label": "Conversation",
        "question_label": "Your question",
        "question_placeholder": "Type a question and press Enter",
        "send": "Ask",
        "new_chat": "New conversation",
        "examples_label": "Example questions (click to ask)",
        "sources": "Sources",
        "sources_empty": "The sources of the answer appear here, with the quoted words highlighted.",
        "sources_for": "Sources of the answer to: ",
        "earlier": "Sources of earlier answers",
        "related": "Related passages. They do not answer the question, but come closest to it.",
        "context": "Show context",
        "before": "Passage before",
        "after": "Passage after",
        "copy_quote": "Copy quote",
        "copy_answer": "Copy answer",
        "copied": "Copied",
        "page": "page",
        "estimated": "~ = estimated page (the document prints no page number there)",
        "source_n": "source",
        "thinking": "Searching the documents …",
        "error": "Something went wrong while answering. Please try again, or phrase the question differently.",
        "input_error": "The question could not be answered: {msg}",
        "topic_label": "Topic (pick one or type your own; Swedish words work best)",
        "doc_label": "Ask in",
        "all_docs": "All documents",
        "show_positions": "Show positions",
        "positions_intro": "What does each speaker in the documents say about a topic? Each row shows the "
                           "speaker's closest words on the topic, verbatim, with the source.",
        "positions_caption": "The speakers' positions on “{topic}”",
        "speaker": "Speaker",
        "quote": "Closest quote",
        "source": "Source",
        "similarity": "Similarity",
        "not_addressed": "Does not address this",
        "not_addressed_note": "(closest passage too far from the topic)",
        "words_found": "mentions the topic",
        "more_passages": "More related passages",
        "positions_empty": "Pick or type a topic.",
        "removed_one": "Removed: 1 sentence the sources do not support",
        "removed_many": "Removed: {n} sentences the sources do not support",
        "fallback": "The language model's answer could not be used, so the answer is made of verbatim quotes.",
    },
}

# Positions of each speaker, a date, proposals, a comparison, and a follow-up (it leans on the previous question).
EXAMPLES: dict[str, list[str]] = {
    "sv": [
        "Vad tycker reservanterna om regional utveckling?",
        "Vad anser stadsledningskontoret om KSL:s organisation?",
        "Vilket datum är stadsledningskontorets tjänsteutlåtande daterat?",
        "Vad föreslår borgarrådsberedningen att kommunstyrelsen ska besluta?",
        "Hur skiljer sig reservanternas syn från stadsledningskontorets?",
        "Och vad anser föredragande borgarrådet om det?",
    ],
    "en": [
        "What do the Moderates say about regional development?",
        "What does the city executive office say about the organisation of KSL?",
        "When was the city executive office's statement dated?",
        "What does the mayor's council propose that the executive board should decide?",
        "How do the views of the opposition differ from those of the city executive office?",
        "And what does the commissioner think about that?",
    ],
}

# Topics are matched against Swedish documents, so the suggestions stay Swedish in both interface languages.
TOPICS = ["regional utveckling", "välfärd", "organisation", "KSL:s roll", "styrning"]


def t(lang: str, key: str) -> str:
    return TEXTS[lang if lang in TEXTS else "sv"][key]


# --- escaping -----------------------------------------------------------------------------------------------------

def escape_html(text: str) -> str:
    """HTML-escape, and also neutralise ``$ { } ``` `` (gr.HTML fills a JS template; document text must stay text).

    Example: ``escape_html('<b>${x}</b>')`` -> ``'&lt;b&gt;&#36;&#123;x&#125;&lt;/b&gt;'``.
    """
    s = html.escape(text, quote=True)
    return s.replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def escape_markdown(text: str) -> str:
    """Document text shown as-is in a Markdown message: HTML and Markdown syntax escaped, ``$`` too (no LaTeX).

    Example: ``escape_markdown("*a* <b>")`` -> ``'\\*a\\* &lt;b&gt;'``.
    """
    s = text.replace("&", "&amp;")
    s = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), s)
    s = s.replace("$", "&#36;")
    # A line starting with "1. ", "- ", "+ " or "=" would become a list or a heading underline.
    return re.sub(r"(?m)^(\s*)(\d+)\.(\s)", r"\1\2\\.\3", re.sub(r"(?m)^(\s*)([-+=])", r"\1\\\2", s))


# --- the answer in the chat ---------------------------------------------------------------------------------------

_MARKER = re.compile(r"\[(\d+)\]")


def anchor_id(turn: int, n: int) -> str:
    """The element id of citation ``n`` of answer ``turn`` in the sources panel."""
    return f"qa-src-{turn}-{n}"


def answer_markdown(answer: Mapping[str, Any], turn: int = 0, lang: str = "sv", text: str | None = None) -> str:
    """The answer text for the chat: escaped, each [n] marker a link to its source in the sources panel.

    ``text`` renders a prefix of the answer (streaming); markers of citations the answer does not have stay text.
    """
    raw = answer.get("answer", "") if text is None else text
    cited = {int(c["n"]) for c in answer.get("citations", [])}
    parts: list[str] = []
    pos = 0
    for m in _MARKER.finditer(raw):
        parts.append(escape_markdown(raw[pos:m.start()]))
        n = int(m.group(1))
        if n in cited:
            parts.append(f'<a href="#{anchor_id(turn, n)}" class="qa-cite" '
                         f'aria-label="{t(lang, "source_n")} {n}">[{n}]</a>')
        else:
            parts.append(escape_markdown(m.group(0)))
        pos = m.end()
    parts.append(escape_markdown(raw[pos:]))
    return "".join(parts)


def stream_prefixes(text: str) -> list[str]:
    """Growing prefixes of ``text``, one more sentence (or citation) each, the last being ``text`` itself.

    Example: ``stream_prefixes("A skriver: ”Ett. Två.” [1] B.")`` ->
    ``['A skriver: ”Ett.', 'A skriver: ”Ett. Två.” [1]', 'A skriver: ”Ett. Två.” [1] B.']``.
    """
    ends = {b for _, b in sentence_spans(text)}
    ends |= {m.end() for m in _MARKER.finditer(text) if text[m.end():m.end() + 1] not in (".", ",", ";", ":")}
    # a sentence end directly followed by its marker streams together with the marker
    ends = {e for e in ends if not _MARKER.match(text, e + 1 if text[e:e + 1] == " " else e)}
    ends.add(len(text))
    return [text[:e] for e in sorted(ends) if text[:e].strip()]


def unsupported_html(sentences: Sequence[str], lang: str = "sv") -> str:
    """Generated sentences the checker removed, struck through and folded under a summary that counts them.

    Model output, so every sentence is escaped. Example: ``unsupported_html(["KSL <b>läggs ner</b> [1]."])`` ->
    ``'<details class="qa-removed"><summary>Borttaget: 1 mening som källorna inte stöder</summary><ul>'``
    ``'<li><del>KSL &lt;b&gt;läggs ner&lt;/b&gt; [1].</del></li></ul></details>'``.
    """
    if not sentences:
        return ""
    n = len(sentences)
    summary = t(lang, "removed_one") if n == 1 else t(lang, "removed_many").format(n=n)
    items = "".join(f"<li><del>{escape_html(str(x))}</del></li>" for x in sentences)
    return f'<details class="qa-removed"><summary>{escape_html(summary)}</summary><ul>{items}</ul></details>'


def message_markdown(answer: Mapping[str, Any], turn: int = 0, lang: str = "sv") -> str:
    """A finished answer as its chat message: a note when the extractive answer stands in for the model's, the
    linked answer text, and the sentences verification removed (generative mode)."""
    parts = []
    if answer.get("fallback"):
        parts.append(f"*{escape_markdown(t(lang, 'fallback'))}*")
    parts.append(answer_markdown(answer, turn, lang))
    removed = unsupported_html(answer.get("unsupported") or [], lang)
    if removed:
        parts.append(removed)
    return "\n\n".join(parts)


def plain_answer(answer: Mapping[str, Any], lang: str = "sv") -> str:
    """The answer as plain text with its numbered sources, for the copy button."""
    lines = [str(answer.get("answer", ""))]
    cites = answer.get("citations") or []
    if cites:
        lines.append("")
        lines.append(t(lang, "sources") + ":")
        for c in cites:
            lines.append(f"[{c['n']}] {source_label(c, lang)}")
    return "\n".join(lines)


# --- sources panel ------------------------------------------------------------------------------------------------

def page_label(page: int | None, estimated: bool, lang: str = "sv") -> str:
    """``"sida 5"``; ``"sida ~5"`` when the page is estimated; ``""`` when the source has no pages."""
    if page is None:
        return ""
    return f"{t(lang, 'page')} {'~' if estimated else ''}{page}"


def source_label(p: Mapping[str, Any], lang: str = "sv") -> str:
    """``"Stadsledningskontoret · Tjänsteutlåtande · sida 5 · Utveckling av KSL …"`` (plain text)."""
    parts = [p.get("actor"), p.get("section"), page_label(p.get("page"), bool(p.get("page_estimated")), lang),
             p.get("title") or p.get("source")]
    return " · ".join(str(x) for x in parts if x)


def highlight(text: str, start: int | None, end: int | None, quote: str | None = None) -> str:
    """The passage as HTML with text[start:end] in <mark>; all else escaped.

    The offsets are trusted only when they fit the text (and ``quote``, if given); otherwise the quote is looked up
    in the text, and without it nothing is marked. Example: ``highlight("a <b> c", 2, 5)`` ->
    ``'a <mark>&lt;b&gt;</mark> c'``.
    """
    ok = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
    if ok and quote is not None and text[start:end] != quote:  # type: ignore[index]
        ok = False
    if not ok and quote:
        i = text.find(quote)
        if i >= 0:
            start, end, ok = i, i + len(quote), True
    if not ok:
        return escape_html(text)
    assert start is not None and end is not None
    return f"{escape_html(text[:start])}<mark>{escape_html(text[start:end])}</mark>{escape_html(text[end:])}"


class ContextIndex:
    """Neighbouring passages of the same document, by ordinal, for "Show context"."""

    def __init__(self, passages: Sequence[Passage]):
        self._by_id: dict[str, Passage] = {p.chunk_id: p for p in passages}
        self._by_pos: dict[tuple[str, int], Passage] = {(p.source, p.ordinal): p for p in passages}

    def neighbours(self, chunk_id: str) -> tuple[Passage | None, Passage | None]:
        p = self._by_id.get(chunk_id)
        if p is None:
            return None, None
        return self._by_pos.get((p.source, p.ordinal - 1)), self._by_pos.get((p.source, p.ordinal + 1))


def _copy_button(text: str, label: str, described: str) -> str:
    return (f'<button type="button" class="qa-copy" data-copy="{escape_html(text)}" '
            f'aria-label="{escape_html(described)}">{escape_html(label)}</button>')


def _meta_html(p: Mapping[str, Any], lang: str) -> str:
    bits = []
    if p.get("section"):
        bits.append(f'<span class="qa-section">{escape_html(str(p["section"]))}</span>')
    page = page_label(p.get("page"), bool(p.get("page_estimated")), lang)
    if page:
        bits.append(f'<span class="qa-page">{escape_html(page)}</span>')
    title = p.get("title") or p.get("source")
    if title:
        bits.append(f"<cite>{escape_html(str(title))}</cite>")
    return " · ".join(bits)


def _context_html(chunk_id: str, lang: str, context: ContextIndex | None) -> str:
    if context is None:
        return ""
    before, after = context.neighbours(chunk_id)
    if before is None and after is None:
        return ""
    parts = [f"<details class=\"qa-context\"><summary>{t(lang, 'context')}</summary>"]
    for label, p in ((t(lang, "before"), before), (t(lang, "after"), after)):
        if p is not None:
            head = f"{label}: {source_label(p.to_json(), lang)}"
            parts.append(f'<p class="qa-meta">{escape_html(head)}</p><p class="qa-text">{escape_html(p.text)}</p>')
    parts.append("</details>")
    return "".join(parts)


def _passage_for(answer: Mapping[str, Any], chunk_id: str) -> Mapping[str, Any] | None:
    for key in ("passages", "related"):
        for p in answer.get(key) or []:
            if p.get("chunk_id") == chunk_id:
                return p
    return None


def turn_sources_html(answer: Mapping[str, Any], turn: int = 0, lang: str = "sv",
                      context: ContextIndex | None = None, question: str | None = None) -> str:
    """The sources of one answer: each citation with speaker, section, page, title, the passage with the quote
    marked, copy buttons and the neighbouring passages; the related passages when the answer abstained."""
    out: list[str] = []
    if question:
        out.append(f'<p class="qa-for">{escape_html(t(lang, "sources_for"))}<q>{escape_html(question)}</q></p>')
    if answer.get("answer"):
        out.append(_copy_button(plain_answer(answer, lang), t(lang, "copy_answer"), t(lang, "copy_answer")))
    estimated = False
    citations = answer.get("citations") or []
    if citations:
        out.append('<ol class="qa-sources">')
        for c in citations:
            n = int(c["n"])
            passage = _passage_for(answer, str(c.get("chunk_id")))
            text = str(passage["text"]) if passage else str(c.get("quote", ""))
            body = highlight(text, c.get("quote_start"), c.get("quote_end"), c.get("quote"))
            estimated |= bool(c.get("page_estimated")) and c.get("page") is not None
            hid = anchor_id(turn, n) + "-h"
            out.append(
                f'<li class="qa-source" id="{anchor_id(turn, n)}" tabindex="-1" aria-labelledby="{hid}">'
                f'<h3 id="{hid}"><span class="qa-n">[{n}]</span> {escape_html(str(c.get("actor") or ""))}</h3>'
                f'<p class="qa-meta">{_meta_html(c, lang)}</p>'
                f'<blockquote class="qa-text">{body}</blockquote>'
                + _copy_button(str(c.get("quote", "")), t(lang, "copy_quote"), f"{t(lang, 'copy_quote')} {n}")
                + _context_html(str(c.get("chunk_id")), lang, context) + "</li>")
        out.append("</ol>")
    elif answer.get("abstained") and answer.get("related"):
        out.append(f'<p class="qa-related-label">{escape_html(t(lang, "related"))}</p><ul class="qa-sources">')
        for i, p in enumerate(answer["related"], 1):
            estimated |= bool(p.get("page_estimated")) and p.get("page") is not None
            hid = f"qa-rel-{turn}-{i}-h"
            out.append(
                f'<li class="qa-source qa-related" aria-labelledby="{hid}">'
                f'<h3 id="{hid}">{escape_html(str(p.get("actor") or ""))}</h3>'
                f'<p class="qa-meta">{_meta_html(p, lang)}</p>'
                f'<blockquote class="qa-text">{escape_html(str(p.get("text", "")))}</blockquote>'
                + _context_html(str(p.get("chunk_id")), lang, context) + "</li>")
        out.append("</ul>")
    if estimated:
        out.append(f'<p class="qa-note">{escape_html(t(lang, "estimated"))}</p>')
    return "".join(out)


def sources_panel_html(turns: Sequence[Mapping[str, Any]], lang: str = "sv",
                       context: ContextIndex | None = None) -> str:
    """The whole panel: the latest answer's sources, earlier answers' sources folded away (their anchors live on,
    so older [n] links still lead somewhere; Chromium opens a <details> that holds a link target)."""
    head = f'<h2 id="qa-sources-h">{escape_html(t(lang, "sources"))}</h2>'
    answered = [(i, tr) for i, tr in enumerate(turns) if tr.get("answer") and "error" not in tr["answer"]]
    if not answered:
        return (f'<section class="qa-panel" aria-labelledby="qa-sources-h">{head}'
                f'<p class="qa-empty">{escape_html(t(lang, "sources_empty"))}</p></section>')
    i, last = answered[-1]
    body = [turn_sources_html(last["answer"], i, lang, context, last.get("question"))]
    earlier = answered[:-1]
    if earlier:
        body.append(f'<details class="qa-earlier"><summary>{escape_html(t(lang, "earlier"))}</summary>')
        for j, tr in reversed(earlier):
            body.append(f'<div class="qa-turn">{turn_sources_html(tr["answer"], j, lang, context, tr.get("question"))}'
                        "</div>")
        body.append("</details>")
    return f'<section class="qa-panel" aria-labelledby="qa-sources-h">{head}{"".join(body)}</section>'


# --- positions ----------------------------------------------------------------------------------------------------

def positions_html(rows: Sequence[SpeakerPosition], topic: str, lang: str = "sv") -> str:
    """A table: speaker, closest quote (marked inside its passage) or "does not address this", source."""
    if not topic.strip():
        return f'<p class="qa-empty">{escape_html(t(lang, "positions_empty"))}</p>'
    caption = t(lang, "positions_caption").format(topic=topic.strip())
    out = [f'<table class="qa-positions"><caption>{escape_html(caption)}</caption><thead><tr>'
           f'<th scope="col">{t(lang, "speaker")}</th><th scope="col">{t(lang, "quote")}</th>'
           f'<th scope="col">{t(lang, "source")}</th></tr></thead><tbody>']
    estimated = False
    for row in rows:
        best = row.passages[0][0]
        score = f'{t(lang, "similarity")} {row.score:.2f}'
        if row.addresses:
            estimated |= best.page_estimated and best.page is not None
            marked = highlight(best.text, row.quote_start, row.quote_end, row.quote)
            quote_cell = (f'<blockquote class="qa-text">{marked}</blockquote>'
                          + _copy_button(row.quote, t(lang, "copy_quote"), f'{t(lang, "copy_quote")}: {row.actor}'))
            more = row.passages[1:]
            if more:
                quote_cell += f'<details class="qa-context"><summary>{t(lang, "more_passages")}</summary>'
                for p, s in more:
                    quote_cell += (f'<p class="qa-meta">{escape_html(source_label(p.to_json(), lang))} '
                                   f'({t(lang, "similarity")} {s:.2f})</p><p class="qa-text">{escape_html(p.text)}</p>')
                quote_cell += "</details>"
            if row.words_found:
                score += f' · {t(lang, "words_found")}'
            source_cell = f'{_meta_html(best.to_json(), lang)}<br><span class="qa-score">{score}</span>'
        else:
            quote_cell = (f'<p class="qa-absent"><strong>{t(lang, "not_addressed")}</strong> '
                          f'<span class="qa-score">{t(lang, "not_addressed_note")}</span></p>')
            source_cell = f'<span class="qa-score">{score}</span>'
        out.append(f'<tr class="{"qa-addresses" if row.addresses else "qa-not-addressed"}">'
                   f'<th scope="row">{escape_html(row.actor)}</th><td>{quote_cell}</td><td>{source_cell}</td></tr>')
    out.append("</tbody></table>")
    if estimated:
        out.append(f'<p class="qa-note">{escape_html(t(lang, "estimated"))}</p>')
    return "".join(out)


# --- intro, API, feedback -----------------------------------------------------------------------------------------

def document_titles(passages: Sequence[Passage]) -> list[str]:
    return list(dict.fromkeys(p.title or p.source for p in passages))


def document_choices(passages: Sequence[Passage], lang: str = "sv") -> list[tuple[str, str]]:
    """The chat's "ask in" choices: all documents (value ""), then each document by title, its file as the value
    ("Utveckling av KSL … (pm-2014-134-….txt)")."""
    docs = dict.fromkeys((p.source, p.title or p.source) for p in passages)
    return [(t(lang, "all_docs"), "")] + [(f"{title} ({source})" if title != source else source, source)
                                          for source, title in docs]


def intro_markdown(titles: Sequence[str], lang: str = "sv") -> str:
    n = len(titles)
    docs = t(lang, "one_doc") if n == 1 else t(lang, "many_docs").format(n=n)
    shown = [f"*{escape_markdown(x)}*" for x in titles[:8]]
    if n > 8:
        shown.append(f"… (+{n - 8})")
    return t(lang, "intro").format(n_docs=docs, titles=", ".join(shown))


def parse_history(history: Any) -> list[dict[str, str]] | None:
    """The optional history argument of /ask: a list, a JSON string of one, or empty."""
    if history is None or history == "" or history == []:
        return None
    if isinstance(history, str):
        try:
            history = json.loads(history)
        except ValueError as e:
            raise InputError(f"history is not valid JSON: {e}") from None
    if not isinstance(history, list):
        raise InputError("history must be a list of {\"role\": …, \"content\": …} objects.")
    return history


def feedback_path(folder: Path) -> Path:
    """``folder/feedback.jsonl``, refusing a path that would resolve outside ``folder`` (e.g. a symlink)."""
    root = Path(folder).resolve()
    path = (root / "feedback.jsonl").resolve()
    if path.parent != root:
        raise QAError(f"The feedback file would be written outside {folder}/; not writing it.")
    return path


_feedback_lock = threading.Lock()


def append_feedback(folder: Path, record: Mapping[str, Any]) -> Path:
    """Append one JSON line (with a UTC timestamp) to ``folder/feedback.jsonl``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = feedback_path(folder)
    line = json.dumps({"timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), **record},
                      ensure_ascii=False)
    with _feedback_lock, path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return path


def feedback_record(turns: Sequence[Mapping[str, Any]], index: Any, liked: Any) -> dict[str, Any] | None:
    """What is stored for a like/dislike on chat message ``index`` (user and assistant messages alternate)."""
    i = index[0] if isinstance(index, list | tuple) else index
    if not isinstance(i, int) or i < 0 or i // 2 >= len(turns):
        return None
    turn = turns[i // 2]
    answer = turn.get("answer") or {}
    return {"liked": liked, "question": turn.get("question"), "answer": answer.get("answer", answer.get("error")),
            "abstained": answer.get("abstained"),
            "citations": [{k: c.get(k) for k in ("n", "chunk_id", "source", "page", "section", "actor", "quote")}
                          for c in answer.get("citations") or []]}


# --- the Gradio app -----------------------------------------------------------------------------------------------

CSS = """
.qa-panel h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
.qa-sources { list-style: none; padding: 0; margin: 0; }
.qa-source { border: 1px solid #9ca3af; border-radius: 6px; padding: .6rem .8rem; margin: 0 0 .8rem; }
.qa-source:target, .qa-source:focus { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.qa-source h3 { font-size: 1rem; margin: 0 0 .2rem; }
.qa-meta, .qa-note, .qa-score, .qa-for, .qa-empty, .qa-related-label { color: #374151; font-size: .9rem; }
#qa-sources-panel .qa-text, #qa-positions .qa-text { margin: .4rem 0; padding: 0 0 0 .6rem;
    border-left: 3px solid #9ca3af; white-space: pre-wrap; font-style: normal; }
.qa-text mark { background: #fde68a; color: #111827; padding: 0 .1em; }
.qa-copy { font-size: .85rem; padding: .15rem .6rem; border: 1px solid #1e3a8a; border-radius: 4px;
           background: #ffffff; color: #1e3a8a; cursor: pointer; margin: .2rem 0; }
.qa-copy:hover { background: #eff6ff; }
.qa-copy:focus-visible, .qa-context summary:focus-visible, .qa-earlier summary:focus-visible,
a.qa-cite:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.qa-context summary, .qa-earlier summary { cursor: pointer; color: #1e3a8a; text-decoration: underline; }
a.qa-cite { color: #1e40af; font-weight: 600; text-decoration: underline; }
.qa-positions { width: 100%; border-collapse: collapse; }
.qa-positions caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.qa-positions th, .qa-positions td { border: 1px solid #9ca3af; padding: .4rem .6rem; vertical-align: top;
                                     text-align: left; }
.qa-not-addressed th, .qa-absent { color: #374151; }
#qa-tabs button[role=tab][aria-selected="true"] { color: #1d4ed8; }  /* the theme's blue-500 is 3.7:1 on white */
.qa-removed { margin-top: .6rem; font-size: .9rem; }
.qa-removed summary { cursor: pointer; color: #374151; }
.qa-removed summary:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.qa-removed del { color: #374151; }
"""
# Dark mode. One selector per rule: gradio 6 rewrites ".dark a, .dark b" wrongly (only the first selector of a
# comma list gets its container prefix; the others end up as ".contain .dark b", which never matches).
_DARK_RULES = {
    "color: #d1d5db": [".qa-meta", ".qa-note", ".qa-score", ".qa-for", ".qa-empty", ".qa-related-label",
                       ".qa-not-addressed th", ".qa-absent", ".qa-removed summary", ".qa-removed del"],
    "color: #bfdbfe": [".qa-context summary", ".qa-earlier summary", "a.qa-cite"],
    "background: #111827; color: #bfdbfe; border-color: #bfdbfe": [".qa-copy"],
    "color: #93c5fd": ['#qa-tabs button[role=tab][aria-selected="true"]'],
}
CSS += "".join(f".dark {sel} {{ {rule}; }}\n" for rule, sels in _DARK_RULES.items() for sel in sels)

# Copy buttons in the HTML panels: one delegated listener; the Clipboard API where the page is a secure context
# (127.0.0.1 is), else the old execCommand fallback.
COPY_JS = """
element.addEventListener('click', async (ev) => {
  const b = ev.target.closest('button.qa-copy');
  if (!b) return;
  const text = b.dataset.copy || '';
  try { await navigator.clipboard.writeText(text); }
  catch (e) {
    const ta = document.createElement('textarea'); ta.value = text; document.body.appendChild(ta);
    ta.select(); try { document.execCommand('copy'); } catch (e2) {} ta.remove();
  }
  const old = b.textContent; b.textContent = '✓ ' + old; setTimeout(() => { b.textContent = old; }, 1500);
});
"""


def launch_options(mcp: bool | None = None) -> dict[str, Any]:
    """Keyword arguments for ``demo.launch`` that gradio 6 takes there rather than in ``gr.Blocks``: theme, CSS,
    and the MCP server (only with QA_MCP=1 and the ``mcp`` package importable; otherwise silently off)."""
    import gradio as gr

    # System fonts: the default theme would fetch Google fonts, and the app must work offline.
    theme = gr.themes.Default(
        primary_hue="blue", neutral_hue="gray",
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    ).set(
        # AA contrast: white on blue-700 (6.7:1) for primary buttons; labels and placeholders gray-600/700.
        button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white", block_info_text_color="*neutral_600",
        input_placeholder_color="*neutral_600", body_text_color_subdued="*neutral_600",
    )
    # No run history: questions are not kept in the browser's storage.
    opts: dict[str, Any] = {"theme": theme, "css": CSS, "footer_links": ["api", "settings"], "run_history": False}
    if mcp is None:
        mcp = os.environ.get("QA_MCP") == "1"
    if mcp and importlib.util.find_spec("mcp") is not None:
        opts["mcp_server"] = True
    return opts


def build_app(qa: QA, settings: Settings, positions_threshold: float | None = None,
              stream_delay: float = 0.04) -> gr.Blocks:
    """The chat, the positions tab, the ``/ask`` endpoint and feedback, over one loaded ``QA``."""
    import gradio as gr

    from qa.answer import answer_question

    passages = qa.index.passages
    context = ContextIndex(passages)
    titles = document_titles(passages)
    threshold = positions_threshold if positions_threshold is not None else threshold_for(qa.embedder.model_id)
    if threshold is None:
        threshold = calibrate_threshold(passages, qa.index.vectors, qa.embedder)

    def ask(question: str, history: list[dict[str, str]] | str | None = None,
            document: str | None = None) -> dict[str, Any]:
        """Answer a question about the decision papers with verbatim, cited quotes. Returns the answer object of
        `python -m qa ask --json`, or {"error": message}. `history`: earlier turns, [{"role", "content"}, …].
        `document`: ask in that file of the corpus only (its path as in the answers' "source")."""
        try:
            scoped = qa.only([document]) if document else qa
            return answer_question(scoped, question, parse_history(history)).to_json()
        except QAError as e:
            return {"error": str(e)}
        except Exception:  # noqa: BLE001 - the client gets a message, the log gets the traceback
            log.exception("/ask failed")
            return {"error": "Internal error while answering; see the server log."}

    def chat_messages(turns: list[dict[str, Any]], lang: str, pending: str | None = None) -> list[dict[str, str]]:
        msgs: list[dict[str, str]] = []
        for i, tr in enumerate(turns):
            msgs.append({"role": "user", "content": escape_markdown(tr["question"])})
            a = tr.get("answer")
            if a is None:
                msgs.append({"role": "assistant", "content": pending or f"*{t(lang, 'thinking')}*"})
            elif "error" in a:
                msgs.append({"role": "assistant", "content": escape_markdown(a["error"])})
            else:
                msgs.append({"role": "assistant", "content": message_markdown(a, i, lang)})
        return msgs

    def answers(question: str, history: list[dict[str, str]],
                document: str = "") -> Iterator[tuple[dict[str, Any], bool]]:
        """(answer dict, final?): with a chat model (QA_LLM), the answer so far each time a generated sentence has
        been checked, then the final answer; else the extractive answer at once. ``document``: ask in that file
        only ("" for all)."""
        scoped = qa.only([document]) if document else qa
        if not qa.settings.llm:
            yield answer_question(scoped, question, history).to_json(), True
            return
        from qa.streaming import Verified, stream_answer  # langchain is imported in generative mode only

        for event in stream_answer(scoped, question, history):
            if isinstance(event, Verified):
                yield event.answer.to_json(), False
            else:
                yield event.to_json(), True

    def respond(message: str, turns: list[dict[str, Any]] | None, lang: str,
                document: str | None = "") -> Iterator[tuple[Any, ...]]:
        turns = list(turns or [])
        message = message if isinstance(message, str) else ""
        try:
            from qa.conversation import validate_question

            question = validate_question(message, settings.max_question_chars)
        except InputError as e:
            shown = (message.strip()[:200] + "…") if len(message.strip()) > 200 else (message.strip() or "…")
            turns.append({"question": shown, "answer": {"error": t(lang, "input_error").format(msg=e)}})
            yield chat_messages(turns, lang), gr.skip(), turns, ""
            return
        history = [m for tr in turns if tr.get("answer") and "error" not in tr["answer"]
                   for m in ({"role": "user", "content": tr["question"]},
                             {"role": "assistant", "content": tr["answer"]["answer"]})]
        turns.append({"question": question, "answer": None})
        yield chat_messages(turns, lang), gr.skip(), turns, ""
        turn = len(turns) - 1

        def shown(content: str) -> list[dict[str, str]]:
            return chat_messages(turns[:-1], lang) + [{"role": "user", "content": escape_markdown(question)},
                                                      {"role": "assistant", "content": content}]

        panel = ""
        streamed = False
        try:
            for answer, final in answers(question, history, document or ""):
                if final:
                    break
                # generative mode: the sentences checked so far, their sources beside them
                streamed = True
                so_far = sources_panel_html(turns[:-1] + [{"question": question, "answer": answer}], lang, context)
                yield shown(answer_markdown(answer, turn, lang) + " …"), so_far if so_far != panel else gr.skip(), \
                    gr.skip(), ""
                panel = so_far
        except QAError as e:
            turns[-1] = {"question": question, "answer": {"error": t(lang, "input_error").format(msg=e)}}
            yield chat_messages(turns, lang), gr.skip(), turns, ""
            return
        except Exception:  # noqa: BLE001 - a friendly message in the chat, the traceback in the log
            log.exception("answering %r failed", question)
            turns[-1] = {"question": question, "answer": {"error": t(lang, "error")}}
            yield chat_messages(turns, lang), gr.skip(), turns, ""
            return
        done = turns[:-1] + [{"question": question, "answer": answer}]
        final_panel = sources_panel_html(done, lang, context)
        if streamed or ("unsupported" in answer and "fallback" not in answer):
            # a generated answer: its sentences were shown as they were checked; now the removed ones too
            yield chat_messages(done, lang), final_panel, done, ""
            return
        # the extractive answer (or the fallback to it) is complete at once: shown sentence by sentence
        prefixes = stream_prefixes(answer["answer"]) or [answer["answer"]]
        for j, prefix in enumerate(prefixes):
            last = j == len(prefixes) - 1
            content = (message_markdown(answer, turn, lang) if last
                       else answer_markdown(answer, turn, lang, prefix) + " …")
            # The sources arrive with the first words, so the [n] links work while the rest streams in.
            yield shown(content), final_panel if j == 0 else gr.skip(), done if last else gr.skip(), ""
            if not last and stream_delay:
                time.sleep(stream_delay)

    def new_chat(lang: str) -> tuple[Any, ...]:
        return [], sources_panel_html([], lang, context), [], ""

    def on_like(turns: list[dict[str, Any]], data: gr.LikeData) -> None:
        record = feedback_record(turns or [], data.index, data.liked)
        if record is None:
            return
        try:
            append_feedback(settings.feedback_dir, record)
        except (OSError, QAError):
            log.exception("could not store feedback")
        # No gr.Info toast: the pressed thumb already shows the feedback was taken, and gradio's toast markup
        # nests a button in a role=button header (an axe "nested-interactive" violation).

    # gradio finds the LikeData parameter by its annotation, which `from __future__ import annotations` turned into
    # a string it cannot resolve here (gradio is imported locally): give it the class itself.
    on_like.__annotations__["data"] = gr.LikeData

    def show_positions(topic: str | None, lang: str) -> str:
        topic = (topic or "").strip()
        if not topic:
            return positions_html([], "", lang)
        if len(topic) > settings.max_question_chars:
            topic = topic[:settings.max_question_chars]
        try:
            rows = speaker_positions(topic, passages, qa.index.vectors, qa.embedder, threshold,
                                     lexical=qa.index.lexical)
        except Exception:  # noqa: BLE001
            log.exception("positions for %r failed", topic)
            return f'<p role="alert">{escape_html(t(lang, "error"))}</p>'
        return positions_html(rows, topic, lang)

    def switch_language(lang: str, turns: list[dict[str, Any]] | None, topic: str | None) -> tuple[Any, ...]:
        lang = lang if lang in LANGS else "sv"
        return (
            f"# {t(lang, 'title')}",
            intro_markdown(titles, lang),
            gr.Tab(label=t(lang, "tab_chat")),
            gr.Tab(label=t(lang, "tab_positions")),
            gr.Chatbot(label=t(lang, "chat_label")),
            gr.Textbox(label=t(lang, "question_label"), placeholder=t(lang, "question_placeholder")),
            gr.Button(value=t(lang, "send")),
            gr.Button(value=t(lang, "new_chat")),
            gr.Dataset(samples=[[q] for q in EXAMPLES[lang]], label=t(lang, "examples_label")),
            sources_panel_html(turns or [], lang, context),
            t(lang, "positions_intro"),
            gr.Dropdown(label=t(lang, "topic_label")),
            gr.Button(value=t(lang, "show_positions")),
            show_positions(topic, lang),
            gr.Radio(label=t(lang, "lang_label")),
            gr.Dropdown(label=t(lang, "doc_label"), choices=document_choices(passages, lang)),
        )

    with gr.Blocks(title=f"{TEXTS['sv']['title']} / {TEXTS['en']['title']}", analytics_enabled=False) as demo:
        lang = gr.State("sv")
        turns = gr.State([])
        with gr.Row(equal_height=False):
            title_md = gr.Markdown(f"# {t('sv', 'title')}", elem_id="qa-title")
            lang_radio = gr.Radio([("Svenska", "sv"), ("English", "en")], value="sv", label=t("sv", "lang_label"),
                                  elem_id="qa-lang", scale=0, min_width=320)
        intro_md = gr.Markdown(intro_markdown(titles, "sv"), elem_id="qa-intro")
        with gr.Tabs(elem_id="qa-tabs"):
            with gr.Tab(t("sv", "tab_chat"), id="chat", elem_id="qa-tab-chat") as tab_chat, \
                    gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chatbot = gr.Chatbot(
                        # No copy buttons here: gradio would copy the message's markup (the [n] links); the sources
                        # panel has a "copy answer" button giving plain text with the sources.
                        label=t("sv", "chat_label"), elem_id="qa-chat", height=480, buttons=[],
                        latex_delimiters=[], group_consecutive_messages=False, feedback_options=("Like", "Dislike"),
                    )
                    # No max_length: a too long question gets a message saying so rather than being cut silently.
                    question = gr.Textbox(label=t("sv", "question_label"), placeholder=t("sv", "question_placeholder"),
                                          elem_id="qa-question", lines=1, max_lines=4, submit_btn=False)
                    # with several documents, a user who knows the case asks in its file only
                    choices = document_choices(passages, "sv")  # "all documents" and one per file
                    document = gr.Dropdown(choices, value="", label=t("sv", "doc_label"), elem_id="qa-document",
                                           visible=len(choices) > 2)
                    with gr.Row():
                        send = gr.Button(t("sv", "send"), variant="primary", elem_id="qa-send", scale=0,
                                         min_width=120)
                        clear = gr.Button(t("sv", "new_chat"), variant="secondary", elem_id="qa-new", scale=0,
                                          min_width=160)
                    examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES["sv"]],
                                          label=t("sv", "examples_label"), elem_id="qa-examples",
                                          layout="gallery", samples_per_page=10)
                with gr.Column(scale=2, min_width=300):
                    sources = gr.HTML(sources_panel_html([], "sv", context), elem_id="qa-sources-panel",
                                      js_on_load=COPY_JS, padding=True)
            with gr.Tab(t("sv", "tab_positions"), id="positions", elem_id="qa-tab-positions") as tab_positions:
                positions_intro = gr.Markdown(t("sv", "positions_intro"))
                with gr.Row(equal_height=True):
                    topic = gr.Dropdown(TOPICS, value=TOPICS[0], allow_custom_value=True, label=t("sv", "topic_label"),
                                        elem_id="qa-topic", scale=3)
                    show = gr.Button(t("sv", "show_positions"), variant="primary", elem_id="qa-show-positions",
                                     scale=0, min_width=200)
                positions = gr.HTML(show_positions(TOPICS[0], "sv"), elem_id="qa-positions", js_on_load=COPY_JS,
                                    padding=True)

        chat_out = [chatbot, sources, turns, question]
        submit_args: dict[str, Any] = {"fn": respond, "inputs": [question, turns, lang, document], "outputs": chat_out,
                                       "api_visibility": "private", "show_progress": "hidden"}
        question.submit(**submit_args)
        send.click(**submit_args)
        examples.click(lambda sample: sample[0], examples, question, api_visibility="private").then(**submit_args)
        clear.click(new_chat, lang, chat_out, api_visibility="private")
        chatbot.clear(new_chat, lang, chat_out, api_visibility="private")  # the chat's own trash button
        chatbot.like(on_like, turns, None, api_visibility="private")
        show.click(show_positions, [topic, lang], positions, api_visibility="private")
        topic.select(show_positions, [topic, lang], positions, api_visibility="private")
        lang_radio.change(
            lambda v: v, lang_radio, lang, api_visibility="private",
            js="(v) => { document.documentElement.lang = v; return v; }",
        ).then(switch_language, [lang, turns, topic],
               [title_md, intro_md, tab_chat, tab_positions, chatbot, question, send, clear, examples, sources,
                positions_intro, topic, show, positions, lang_radio, document], api_visibility="private")
        demo.load(None, None, None, js="() => { document.documentElement.lang = 'sv'; }")
        gr.api(ask, api_name="ask")
    # Two cores: two answers at a time; further requests wait in the queue (and see their place in it).
    demo.queue(default_concurrency_limit=2)
    return demo
