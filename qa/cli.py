"""``python -m qa index|search|ask|eval`` — the command-line contract (see CONTRACT.md in the shared folder).

Exit status: 0 success; 1 failure (a QAError: the message says how to fix it); 2 wrong usage; 3 ``index`` wrote
the index but skipped files it could not read.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from qa.errors import InputError, QAError
from qa.settings import Settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m qa", description="Fråga beslutsdokument — ask decision papers.")
    sub = p.add_subparsers(dest="command", required=True)

    ix = sub.add_parser("index", help="build or update the index (incremental)")
    ix.add_argument("--corpus", type=Path, help="folder of documents (default corpus/, env QA_CORPUS_DIR)")
    ix.add_argument("--index", type=Path, help="index folder (default index/, env QA_INDEX_DIR)")

    for name, helptext in (("search", "show the passages that best match a question"),
                           ("ask", "answer a question with cited quotes")):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("question", nargs="?", help="the question (omit with --jsonl)")
        sp.add_argument("--index", type=Path, help="index folder (default index/, env QA_INDEX_DIR)")
        sp.add_argument("--json", action="store_true", help="print one JSON object")
        sp.add_argument("--jsonl", action="store_true", help="batch: JSON lines on stdin, one result per line")
        sp.add_argument("--source", action="append", metavar="FILE",
                        help="only this document (path relative to the corpus folder, as in the sources listed); "
                             "repeat for several")
        if name == "search":
            sp.add_argument("-k", type=int, help="number of passages (default 5, env QA_K)")
        else:
            sp.add_argument("--llm", metavar="SPEC", help="generate and verify the answer with a chat model: "
                            "openai:MODEL, ollama:MODEL or llamacpp:PATH.gguf (env QA_LLM; default extractive)")

    ev = sub.add_parser("eval", help="score an eval file (JSON lines) and print a table")
    ev.add_argument("file", type=Path)
    ev.add_argument("--index", type=Path, help="index folder (default index/, env QA_INDEX_DIR)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON too")
    ev.add_argument("--details", action="store_true", help="print one line per question")
    return p


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        settings = Settings.from_env().with_overrides(
            corpus_dir=getattr(args, "corpus", None), index_dir=getattr(args, "index", None),
            k=getattr(args, "k", None), llm=getattr(args, "llm", None),
        )
        if getattr(args, "k", None) is not None and args.k < 1:
            raise InputError("-k must be at least 1.")
        if args.command in ("search", "ask"):
            if args.jsonl == (args.question is not None):
                print(f"python -m qa {args.command}: give a question, or --jsonl with questions on stdin.",
                      file=sys.stderr)
                return 2
        command: Callable[[argparse.Namespace, Settings, TextIO, TextIO], int] = {
            "index": _index, "search": _search, "ask": _ask, "eval": _eval}[args.command]
        return command(args, settings, stdin, stdout)
    except QAError as e:
        print(f"Fel/Error: {e}", file=sys.stderr)
        return 2 if isinstance(e, InputError) and args.command not in ("search", "ask") else 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def _log(msg: str) -> None:
    print(msg, file=sys.stderr)


def _index(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    from qa.service import index_corpus

    report = index_corpus(settings, log=_log)
    for source, reason in report.skipped:
        print(f"skipped {source}: {reason}", file=sys.stderr)
    if report.unchanged:
        files = f"{report.files} files" if not report.skipped else \
            f"{report.indexed} of {report.files} files ({len(report.skipped)} skipped, above)"
        print(f"Index up to date: {files}, {report.passages} passages in {settings.index_dir}/", file=stdout)
    else:
        print(
            f"Indexed {report.indexed} of {report.files} files into {settings.index_dir}/: "
            f"{report.passages} passages ({report.embedded_passages} embedded from {report.embedded_files} new or "
            f"changed files, {report.reused} unchanged, {report.removed} removed) in {report.seconds:.1f}s",
            file=stdout,
        )
    return 3 if report.skipped else 0


def _batch(stdin: TextIO) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, parsed object or None, error) for each non-empty input line."""
    for n, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            yield n, None, f"line {n} is not valid JSON: {e}"
            continue
        if not isinstance(obj, dict):
            yield n, None, f"line {n} is not a JSON object"
            continue
        yield n, obj, None


def _dump(obj: Any, out: TextIO) -> None:
    line = json.dumps(obj, ensure_ascii=False)
    try:
        out.write(line + "\n")
    except UnicodeEncodeError:  # a lone surrogate from the input: the escaped form is still valid JSON
        out.write(json.dumps(obj) + "\n")
    out.flush()


def _run_batch(stdin: TextIO, stdout: TextIO, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    for n, obj, error in _batch(stdin):
        if obj is None:
            _dump({"id": None, "line": n, "error": error}, stdout)
            continue
        try:
            result = handle(obj)
        except QAError as e:
            result = {"error": str(e)}
        except Exception as e:  # noqa: BLE001 - one failing line must not end the batch
            print(f"line {n}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
            result = {"error": f"internal error ({type(e).__name__}); the question could not be handled"}
        _dump({"id": obj.get("id"), **result}, stdout)
    return 0


def _question_of(obj: dict[str, Any], max_chars: int) -> tuple[str, list[dict[str, str]]]:
    from qa.conversation import validate_history, validate_question

    return validate_question(obj.get("question"), max_chars), validate_history(obj.get("history"))


def _open(args: argparse.Namespace, settings: Settings) -> Any:
    """The loaded index and model, limited to the documents of ``--source`` when given (None, with the reason on
    stderr, when one is not in the index: wrong usage)."""
    from qa.service import open_qa

    qa = open_qa(settings, log=_log)
    if not args.source:
        return qa
    try:
        return qa.only(args.source)
    except InputError as e:
        print(f"Fel/Error: {e}", file=sys.stderr)
        return None


def _scoped(qa: Any, obj: dict[str, Any]) -> Any:
    """A batch line's own "sources" (a list of corpus-relative paths): that line is asked in those documents
    (instead of those of --source); InputError for a bad list or a document not in the index."""
    sources = obj.get("sources")
    if sources is None:
        return qa
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources) or not sources:
        raise InputError('"sources" must be a non-empty list of document paths, e.g. ["beslut.pdf"].')
    return qa.only(sources)


def _search(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    from qa.conversation import rewrite_followup, validate_question

    qa = _open(args, settings)
    if qa is None:
        return 2
    k = settings.k
    if args.jsonl:
        def handle(obj: dict[str, Any]) -> dict[str, Any]:
            question, history = _question_of(obj, settings.max_question_chars)
            hits = _scoped(qa, obj).search(rewrite_followup(question, history), k)
            return {"passages": [h.to_json() for h in hits]}

        return _run_batch(stdin, stdout, handle)
    question = validate_question(args.question, settings.max_question_chars)
    hits = qa.search(question, k)
    if args.json:
        _dump({"id": None, "passages": [h.to_json() for h in hits]}, stdout)
        return 0
    if not hits:
        print("Inga träffar. / No passages found.", file=stdout)
    for i, h in enumerate(hits, 1):
        print(f"[{i}] {source_line(h.to_json())}  (score {h.score:.2f})", file=stdout)
        print(textwrap.indent(textwrap.fill(h.passage.text, 100), "    "), file=stdout)
        print(file=stdout)
    return 0


def source_line(p: dict[str, Any]) -> str:
    """"Stadsledningskontoret — Tjänsteutlåtande, s. 5 — file.txt" for people."""
    page = p.get("page")
    where = ", ".join(x for x in (p.get("section"), f"s. {'~' if p.get('page_estimated') else ''}{page}"
                                  if page is not None else None) if x)
    return " — ".join(x for x in (p.get("actor"), where, p.get("source")) if x)


def _ask(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    from qa.answer import answer_question
    from qa.conversation import validate_question

    qa = _open(args, settings)
    if qa is None:
        return 2
    if args.jsonl:
        def handle(obj: dict[str, Any]) -> dict[str, Any]:
            question, history = _question_of(obj, settings.max_question_chars)
            return answer_question(_scoped(qa, obj), question, history).to_json()

        return _run_batch(stdin, stdout, handle)
    question = validate_question(args.question, settings.max_question_chars)
    if settings.llm and not args.json:
        return _ask_streamed(qa, question, stdout)
    answer = answer_question(qa, question, [])
    if args.json:
        _dump(answer.to_json(), stdout)
        return 0
    print_answer(answer, stdout)
    return 0


def _ask_streamed(qa: Any, question: str, stdout: TextIO) -> int:
    """Generative mode for people: each generated sentence is printed once it is complete and checked."""
    from qa.streaming import Verified, stream_answer

    shown = WrappedWriter(stdout)
    for event in stream_answer(qa, question, []):
        if isinstance(event, Verified):
            shown.extend_to(event.answer.text)
        else:
            print_answer(event, stdout, shown)
    return 0


class WrappedWriter:
    """Prints a growing text as ``textwrap.fill(text, width)`` would print the whole, writing only what is new.

    Greedy wrapping never changes a line once a later word has been placed, so the lines already printed stay
    right: the streamed output is the output of printing the final text at once.
    """

    def __init__(self, out: TextIO, width: int = 100) -> None:
        self.out, self.width = out, width
        self.text = ""  # what has been printed, unwrapped
        self._filled = ""  # … and wrapped

    def extend_to(self, text: str) -> bool:
        """Print the rest of ``text``; False (printing nothing) when ``text`` does not go on from what is shown."""
        filled = textwrap.fill(text, self.width, replace_whitespace=False)
        if not text.startswith(self.text) or not filled.startswith(self._filled):
            return False
        self.out.write(filled[len(self._filled):])
        self.out.flush()
        self.text, self._filled = text, filled
        return True

    def end(self) -> None:
        self.out.write("\n")
        self.out.flush()


def print_answer(answer: Any, stdout: TextIO, shown: WrappedWriter | None = None) -> None:
    """The answer for people: text, sources (or the closest passages), removed sentences, and why the extractive
    answer was given if it was. ``shown``: what streaming has printed of the text already."""
    if shown is not None and shown.text and (answer.fallback is not None or not shown.extend_to(answer.text)):
        # the model failed after some checked sentences were shown: they stand, the answer given follows
        shown.end()
        print(file=stdout)
        shown = None
    if answer.fallback is not None:
        print(f"[Extraktivt svar / extractive answer — {answer.fallback}]", file=stdout)
    writer = shown or WrappedWriter(stdout)
    writer.extend_to(answer.text)
    writer.end()
    shown_citations = answer.citations or []
    if shown_citations:
        print("\nKällor / Sources:", file=stdout)
        for c in shown_citations:
            print(f"[{c.n}] {source_line(c.to_json())}", file=stdout)
            print(textwrap.indent(textwrap.fill(f"”{c.quote}”", 96), "    "), file=stdout)
    elif answer.related:
        print("\nNärmaste avsnitt / Closest passages:", file=stdout)
        for i, h in enumerate(answer.related[:3], 1):
            print(f"({i}) {source_line(h.to_json())}", file=stdout)
    if answer.unsupported:
        print("\nBorttaget, stöds inte av källorna / Removed, not supported by the sources:", file=stdout)
        for sentence in answer.unsupported:
            print(textwrap.fill(sentence, 100, initial_indent="  - ", subsequent_indent="    "), file=stdout)


def _eval(args: argparse.Namespace, settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    from qa.evaluation import evaluate, format_table, load_eval_file
    from qa.service import open_qa

    rows = load_eval_file(args.file)
    qa = open_qa(settings, log=_log)
    result = evaluate(qa, rows)
    print(format_table(result, details=args.details), file=stdout)
    if args.json:
        _dump(result.metrics, stdout)
    return 0
