import io
import json
import os
import runpy
import sys

import pytest

from qa import cli, service
from tests.conftest import run_cli as run


def test_search_without_index_says_how_to_build_it(cli_env, capsys):
    code, _ = run(["search", "Vad tycker reservanterna?"])
    assert code == 1
    assert "python -m qa index" in capsys.readouterr().err


def test_index_then_search_json_contract(cli_env):
    code, out = run(["index"])
    assert code == 0 and "passages" in out
    code, out = run(["search", "Vad tycker reservanterna om regional utveckling?", "-k", "3", "--json"])
    assert code == 0
    obj = json.loads(out)
    assert len(obj["passages"]) == 3
    p = obj["passages"][0]
    for key in ("chunk_id", "source", "title", "page", "section", "actor", "text", "score"):
        assert key in p
    assert len(p["text"]) <= 1200
    assert "å" in out or "ä" in out  # UTF-8, not escaped


def test_index_exit_3_names_skipped_files(cli_env, capsys):
    (cli_env.corpus_dir / "skadad.docx").write_bytes(b"PK\x03\x04 trasig")
    code, out = run(["index"])
    assert code == 3
    assert "skadad.docx" in capsys.readouterr().err
    assert "Indexed 1 of 2 files" in out
    code, out = run(["index"])  # nothing changed: still named, still exit 3, and counted
    assert code == 3 and "skadad.docx" in capsys.readouterr().err
    assert "Index up to date: 1 of 2 files (1 skipped, above)" in out


def test_jsonl_batch_goes_on_after_bad_lines(cli_env):
    run(["index"])
    lines = "\n".join([
        json.dumps({"id": "a", "question": "Vad föreslår borgarrådsberedningen?"}),
        "{not json",
        json.dumps({"id": "b", "question": "   "}),
        json.dumps({"id": "c", "question": "Vem skrev reservationen?", "history": "fel"}),
        json.dumps({"id": "d", "question": "Och vad tycker stadsledningskontoret om det?",
                    "history": [{"role": "user", "content": "Vad tycker reservanterna om regional utveckling?"},
                                {"role": "assistant", "content": "…"}]}),
    ]) + "\n"
    code, out = run(["search", "--jsonl", "-k", "2"], stdin=lines)
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(rows) == 5
    assert rows[0]["id"] == "a" and len(rows[0]["passages"]) == 2
    assert rows[1] == {"id": None, "line": 2, "error": rows[1]["error"]}
    assert rows[2]["id"] == "b" and "empty" in rows[2]["error"]
    assert rows[3]["id"] == "c" and "history" in rows[3]["error"]
    assert rows[4]["id"] == "d" and rows[4]["passages"]


def test_ask_json_and_people_output(cli_env):
    run(["index"])
    code, out = run(["ask", "Vad tillstyrker borgarrådsberedningen?", "--json"])
    assert code == 0
    ans = json.loads(out)
    assert set(ans) >= {"answer", "abstained", "citations", "passages"}
    assert "unsupported" not in ans  # extractive mode
    for c in ans["citations"]:
        passage = next(p for p in ans["passages"] if p["chunk_id"] == c["chunk_id"])
        assert c["quote"] in passage["text"]
    code, out = run(["ask", "Vad tillstyrker borgarrådsberedningen?"])
    assert code == 0 and ("Källor" in out or "Närmaste" in out)


def test_ask_over_a_corpus_with_no_text_says_the_documents_do_not_answer(cli_env):
    for f in cli_env.corpus_dir.iterdir():
        f.unlink()
    (cli_env.corpus_dir / "tom.txt").write_text("   \n", encoding="utf-8")
    run(["index"])
    code, out = run(["ask", "Vad tycker M om KSL?", "--json"])
    ans = json.loads(out)
    assert code == 0 and ans["abstained"] and not ans["citations"]


def test_usage_errors_exit_2(cli_env):
    assert run(["search"])[0] == 2
    assert run(["frobnicate"])[0] == 2
    assert run(["search", "x", "--jsonl"])[0] == 2


def test_too_long_question_is_refused_clearly(cli_env, capsys):
    run(["index"])
    code, _ = run(["ask", "ord " * 3000])
    assert code == 1 and "limit" in capsys.readouterr().err


def test_batch_honours_the_question_length_setting(cli_env, monkeypatch):
    run(["index"])
    monkeypatch.setenv("QA_MAX_QUESTION_CHARS", "20")
    code, out = run(["search", "--jsonl"], stdin=json.dumps({"id": 1, "question": "x" * 30}) + "\n")
    assert code == 0 and "limit is 20" in json.loads(out)["error"]


def test_an_internal_error_on_one_line_does_not_end_the_batch(cli_env, monkeypatch):
    run(["index"])

    calls = {"n": 0}
    original = service.QA.search

    def flaky(self, question, k=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(self, question, k)

    monkeypatch.setattr(service.QA, "search", flaky)
    lines = "".join(json.dumps({"id": i, "question": "Vad tillstyrker borgarrådsberedningen?"}) + "\n" for i in (1, 2))
    code, out = run(["search", "--jsonl"], stdin=lines)
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and "internal error" in rows[0]["error"] and rows[1]["passages"]


def test_source_limits_search_and_ask_to_one_document(cli_env, capsys):
    """A user who knows the case asks of its paper only; a path not in the index is wrong usage, and the message
    names the documents there are."""
    (cli_env.corpus_dir / "annat.md").write_text(
        "# Kommunal samverkan i Västra Götaland\n\nRegionstyrelsen har remitterat en rapport om samverkan mellan "
        "kommunerna i Västra Götaland.\n", encoding="utf-8")
    run(["index"])
    code, out = run(["search", "samverkan mellan kommunerna", "-k", "5", "--json", "--source", "annat.md"])
    assert code == 0 and {p["source"] for p in json.loads(out)["passages"]} == {"annat.md"}
    code, out = run(["search", "samverkan mellan kommunerna", "-k", "5", "--json"])
    assert len({p["source"] for p in json.loads(out)["passages"]}) == 2
    code, out = run(["ask", "Vad sägs om samverkan mellan kommunerna?", "--json", "--source", "annat.md"])
    assert code == 0 and {c["source"] for c in json.loads(out)["citations"]} <= {"annat.md"}
    # a batch line may name its own documents; a bad one is that line's error, and the batch goes on
    lines = [{"id": "a", "question": "Vad sägs om samverkan mellan kommunerna?", "sources": ["annat.md"]},
             {"id": "b", "question": "Vad sägs om samverkan?", "sources": ["finns-inte.pdf"]},
             {"id": "c", "question": "Vad sägs om samverkan?", "sources": "annat.md"}]
    code, out = run(["ask", "--jsonl"], "\n".join(json.dumps(x) for x in lines))
    a, b, c = (json.loads(x) for x in out.splitlines())
    assert {x["source"] for x in a["citations"]} <= {"annat.md"} and a["citations"]
    assert "finns-inte.pdf" in b["error"] and "sources" in c["error"]
    capsys.readouterr()
    code, _ = run(["ask", "Vad tycker M?", "--source", "finns-inte.pdf"])
    err = capsys.readouterr().err
    assert code == 2 and "finns-inte.pdf" in err and "annat.md" in err



def test_a_reader_that_stops_early_gets_no_traceback(monkeypatch):
    """`python -m qa ask … | head`: when the reader closes the pipe, the command ends quietly with status 0."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone
    stream = io.TextIOWrapper(os.fdopen(write, "wb"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(cli, "main", lambda: print("svar " * 50_000) or 0)
    with pytest.raises(SystemExit) as done:
        runpy.run_module("qa", run_name="__main__")
    assert done.value.code == 0
    stream.close()
