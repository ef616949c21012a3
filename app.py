"""``python app.py`` — the web chat over the decision papers (logic in qa/webapp.py).

Builds the index from the corpus when there is none, and updates it when this version or the configuration
cannot search it as it is. Listens on 127.0.0.1:7860 unless GRADIO_SERVER_NAME /
GRADIO_SERVER_PORT say otherwise; QA_MCP=1 also serves the app as an MCP server (needs gradio[mcp]).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time


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


if __name__ == "__main__":
    sys.exit(main())
