"""Time from pressing Enter to the first streamed text of the answer, in headless Chromium, on the REAL index.

Not a test (it needs the real model and index/): run by hand after `python -m qa index`:

    PYTHONPATH=. python tests/e2e/measure_latency.py [rounds]

Serves the app in this process on 127.0.0.1, asks the example questions (each in a fresh conversation, plus the
follow-up in context), and reports, per question, the milliseconds from the Enter key to (a) the "searching"
line and (b) the first words of the answer, as seen by a MutationObserver in the page.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from qa.service import open_qa
from qa.settings import Settings
from qa.webapp import EXAMPLES, build_app, launch_options

WATCH = """
window.__qaSeen = []; const t0 = performance.now(); const n = arguments[0];
const observer = new MutationObserver(() => {
  const bots = document.querySelectorAll('#qa-chat [data-testid="bot"]');
  const text = bots.length > n ? bots[n].innerText.trim() : '';
  const seen = window.__qaSeen;
  if (text && (!seen.length || seen[seen.length - 1].text !== text)) seen.push({t: performance.now() - t0, text});
});
if (window.__qaObserver) window.__qaObserver.disconnect();
window.__qaObserver = observer;
observer.observe(document.querySelector('#qa-chat'), {subtree: true, childList: true, characterData: true});
"""


def main(rounds: int = 2) -> None:
    started = time.perf_counter()
    qa = open_qa(Settings.from_env())
    demo = build_app(qa, qa.settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                            **launch_options(mcp=False))
    print(f"app ready in {time.perf_counter() - started:.1f} s ({qa.embedder.model_id[:40]}…)")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    d = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    firsts, placeholders = [], []
    try:
        d.get(url)
        WebDriverWait(d, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#qa-question textarea"))
        for r in range(rounds):
            for i, question in enumerate(EXAMPLES["sv"]):
                if i < len(EXAMPLES["sv"]) - 1:  # the last example is a follow-up: keep the conversation
                    d.find_element(By.ID, "qa-new").click()
                    WebDriverWait(d, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="bot"]'))
                box = d.find_element(By.CSS_SELECTOR, "#qa-question textarea")
                box.send_keys(question)
                n_before = len(d.find_elements(By.CSS_SELECTOR, '#qa-chat [data-testid="bot"]'))
                d.execute_script(WATCH, n_before)  # watch the bot message this question adds
                box.send_keys(Keys.ENTER)
                WebDriverWait(d, 60, poll_frequency=0.05).until(
                    lambda d: any("Söker" not in x["text"] for x in d.execute_script("return window.__qaSeen")))
                time.sleep(0.8)  # let the rest stream in before the next question
                seen = d.execute_script("return window.__qaSeen")
                first = next(x["t"] for x in seen if "Söker" not in x["text"])
                ph = next((x["t"] for x in seen if "Söker" in x["text"]), float("nan"))
                firsts.append(first)
                placeholders.append(ph)
                print(f"round {r + 1}  {first:7.0f} ms first answer text  {ph:6.0f} ms 'Söker …'  "
                      f"{len(seen)} updates  {question}")
    finally:
        d.quit()
        demo.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"\nEnter -> first answer text: median {statistics.median(firsts):.0f} ms, "
          f"mean {statistics.mean(firsts):.0f} ms, max {max(firsts):.0f} ms over {len(firsts)} questions")
    print(f"Enter -> 'Söker …' line: median {statistics.median(placeholders):.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
