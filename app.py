"""``python app.py`` — the web chat over the decision papers (logic in qa/webapp.py).

Builds the index from the corpus when there is none, and updates it with the files added, changed or removed
since it was built, and when this version or the configuration cannot search it as it is. Listens on
127.0.0.1:7860 unless GRADIO_SERVER_NAME / GRADIO_SERVER_PORT say otherwise; QA_MCP=1 also serves the app as an
MCP server (needs gradio[mcp]).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.settings import Settings


def main() -> int:
    started = time.perf_counter()
    from qa.errors import IndexIncompatibleError, NoIndexError, QAError
    from qa.service import index_corpus, open_qa
    from qa.settings import Settings
    from qa.webapp import build_app, launch_options

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        settings = Settings.from_env()
        _follow_corpus(settings, log)
        try:
            qa = open_qa(settings, log=log)
        except NoIndexError:
            log(f"No index in {settings.index_dir}/ yet: building it from {settings.corpus_dir}/ …")
            index_corpus(settings, log=log)
            qa = open_qa(settings, log=log)
        except IndexIncompatibleError as e:  # made by another version or configuration: the corpus is the source
            log(f"{e}\nUpdating it now from {settings.corpus_dir}/ …")
            index_corpus(settings, log=log)
            qa = open_qa(settings, log=log)
        qa.embedder.encode_queries(["start"])  # the question model loads now, not at the first question
        demo = build_app(qa, settings)
    except QAError as e:
        log(f"Fel/Error: {e}")
        return 1

    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
    _, url, _ = demo.launch(server_name=host, server_port=port, prevent_thread_lock=True, quiet=True,
                            **launch_options())
    print(f"Ready in {time.perf_counter() - started:.1f} s: {url}", flush=True)
    print(f"API: gradio_client.Client({url!r}).predict('fråga', api_name='/ask')", flush=True)
    if host in ("127.0.0.1", "localhost"):
        print("Only this machine can connect. To expose it on the network: GRADIO_SERVER_NAME=0.0.0.0 python app.py",
              flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        demo.block_thread()
    return 0


def _follow_corpus(settings: Settings, log: Callable[[str], None]) -> None:
    """Files added to, changed in or removed from the corpus since the index was built are indexed now, so the chat
    answers from what the folder holds. An index whose files are all gone (served without its corpus, or built
    from another folder) is left as it is, with a word on how to update it."""
    from qa.errors import QAError
    from qa.service import corpus_changes, index_corpus

    changes = corpus_changes(settings)
    if changes is None or not changes.any:
        return
    counts = f"{changes.new} new, {changes.changed} changed, {changes.removed} removed"
    if not changes.same_corpus:
        log(f"The index in {settings.index_dir}/ holds none of the files in {settings.corpus_dir}/ ({counts}): "
            f"answering from the index as it is. To index the folder: python -m qa index")
        return
    log(f"{settings.corpus_dir}/ changed since the index was built ({counts} files): updating it …")
    try:
        index_corpus(settings, log=log)
    except QAError as e:  # e.g. another `qa index` holds the lock: the index as it is still answers
        log(f"Could not update the index ({e}); answering from it as it is.")


if __name__ == "__main__":
    sys.exit(main())
