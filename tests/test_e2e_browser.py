"""End to end in headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): ask a question, watch
the answer stream in, follow a citation to its highlighted quote, use the positions tab, switch language, give
feedback, and run axe-core (tests/e2e/node_modules, `npm ci --prefix tests/e2e`) against WCAG 2.1 A/AA.

Runs on an index built with the FakeEmbedder, so it needs no model and takes well under a minute. It saves
docs/screenshot-chat.png and docs/screenshot-positions.png. Skipped, saying why, when a piece is missing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
DOCS = ROOT / "docs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # gradio calls a pandas API that pandas 3 deprecates
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"),
    pytest.mark.skipif(not AXE.is_file(), reason=f"needs axe-core in {AXE.parent}: npm ci --prefix tests/e2e"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs Selenium: pip install selenium")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

QUESTION = "Vad tycker reservanterna om regional utveckling?"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Serious/critical axe violations that come from gradio's own markup and that the app cannot change:
# (rule id, substring of the offending element's HTML, why). Everything else fails the test. Empty with gradio 6.31:
# - gradio's toast (gr.Info) nests a close button in a role=button header ("nested-interactive", serious); the app
#   shows no toasts for that reason.
# - axe lists as "incomplete" (needs review, not violations): aria-label on gradio's role-less chat message <div>s
#   ("aria-prohibited-attr"), and the contrast of the tab buttons (axe cannot resolve their background; measured
#   by hand: #1d4ed8 and #1f2937 on white, 6.7:1 and 14.7:1).
KNOWN_GRADIO_VIOLATIONS: list[tuple[str, str, str]] = []



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from qa.webapp import build_app, launch_options
    from tests.conftest import case_qa, free_port

    qa, settings = case_qa(tmp_path_factory.mktemp("e2e"))
    demo = build_app(qa, settings)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                            quiet=True, **launch_options(mcp=False))
    yield qa, settings, url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="qa-e2e-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000", "--lang=sv"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_script_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, condition, timeout=30, what="condition"):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))
    except TimeoutException:
        pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _axe(driver, label: str) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is, minus the known gradio ones."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done({error: String(e)}));", WCAG_TAGS)
    assert not isinstance(result, dict), result
    found = []
    for v in result:
        known = [n for n in v["nodes"]
                 if any(v["id"] == rule and marker in n["html"] for rule, marker, _ in KNOWN_GRADIO_VIOLATIONS)]
        nodes = [n for n in v["nodes"] if n not in known]
        print(f"axe {label}: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s)"
              + (f", {len(known)} of them known gradio markup" if known else ""))
        if nodes and v["impact"] in ("serious", "critical"):
            found.append({"id": v["id"], "impact": v["impact"], "help": v["help"],
                          "nodes": [(n["target"], n["html"][:160]) for n in nodes[:5]]})
    if not result:
        print(f"axe {label}: no WCAG 2.1 A/AA violations")
    return found


# Records every distinct text of the latest bot message, with milliseconds since it was installed.
WATCH_BOT_MESSAGES = """
window.__qaSeen = []; const t0 = performance.now();
const log = document.querySelector('#qa-chat [role=log]') || document.querySelector('#qa-chat');
const observer = new MutationObserver(() => {
  const bots = document.querySelectorAll('#qa-chat [data-testid="bot"]');
  const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
  const seen = window.__qaSeen;
  if (text && (!seen.length || seen[seen.length - 1].text !== text)) seen.push({t: performance.now() - t0, text});
});
if (window.__qaObserver) window.__qaObserver.disconnect();
window.__qaObserver = observer;
observer.observe(log, {subtree: true, childList: true, characterData: true});
"""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _bot_messages(driver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, '#qa-chat [data-testid="bot"]')]


def test_chat_positions_language_feedback_and_accessibility(server, browser):
    from qa.answer import answer_question

    qa, settings, url = server
    d = browser
    d.get(url)
    box = _wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#qa-question textarea"), what="the question box")[0]
    assert d.execute_script("return document.documentElement.lang") == "sv"
    assert "Utveckling av KSL inför mandatperioden 2015-2018" in d.find_element(By.ID, "qa-intro").text
    assert d.find_element(By.CSS_SELECTOR, "#qa-chat [role=log]").get_attribute("aria-live") == "polite"

    # --- the chat: type, Enter, the answer streams in with linked [n] markers -----------------------------------
    expected = answer_question(qa, QUESTION).to_json()
    assert expected["citations"], "the fake index should answer the example question"
    box.send_keys(QUESTION)
    d.execute_script(WATCH_BOT_MESSAGES)
    box.send_keys(Keys.ENTER)

    def finished(d):
        msgs = _bot_messages(d)
        return msgs and _norm(msgs[-1]) == _norm(expected["answer"]) and d.find_elements(By.CSS_SELECTOR,
                                                                                          "li.qa-source")

    _wait(d, finished, what="the streamed answer")
    seen = d.execute_script("return window.__qaSeen")
    # Streaming: the page showed the "searching" line, then the answer grew to its final text.
    assert len(seen) >= 2 and "Söker" in seen[0]["text"], seen
    assert _norm(seen[-1]["text"]) == _norm(expected["answer"])  # rendered, the answer reads exactly as its text
    first_text = next(x["t"] for x in seen if "Söker" not in x["text"])
    cite = d.find_element(By.CSS_SELECTOR, "#qa-chat a.qa-cite")
    assert cite.text == "[1]" and cite.get_attribute("href").endswith("#qa-src-0-1")
    source = d.find_element(By.ID, "qa-src-0-1")
    first = expected["citations"][0]
    assert source.find_element(By.TAG_NAME, "mark").text == first["quote"]
    assert first["actor"] in source.find_element(By.TAG_NAME, "h3").text
    assert first["section"] in source.text and "Utveckling av KSL" in source.text
    cite.click()
    _wait(d, lambda d: d.current_url.endswith("#qa-src-0-1"), what="the citation link to lead to its source")
    assert len(d.window_handles) == 1  # the link stays in the page
    details = source.find_element(By.CSS_SELECTOR, "details.qa-context")
    details.find_element(By.TAG_NAME, "summary").click()
    assert details.get_attribute("open") is not None and details.find_elements(By.CSS_SELECTOR, "p.qa-text")
    d.execute_script("window.scrollTo(0, 0)")
    DOCS.mkdir(exist_ok=True)
    d.save_screenshot(str(DOCS / "screenshot-chat.png"))
    print(f"\nfirst streamed answer text {first_text:.0f} ms after Enter (fake embedder)")
    assert _axe(d, "chat") == []

    # --- feedback: the like button stores the question, answer and citations --------------------------------------
    like = d.find_elements(By.CSS_SELECTOR, '#qa-chat button[aria-label="Like"]')[-1]
    like.click()
    feedback = settings.feedback_dir / "feedback.jsonl"
    _wait(d, lambda d: feedback.is_file() and feedback.read_text(encoding="utf-8").strip(), what="feedback.jsonl")
    record = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert record["question"] == QUESTION and record["liked"] is True
    assert record["citations"][0]["quote"] == first["quote"] and "timestamp" in record

    # --- a too long question: a friendly message, no traceback --------------------------------------------------
    box = d.find_element(By.CSS_SELECTOR, "#qa-question textarea")
    d.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", box,
                     "lång fråga " * 300)
    box.send_keys(Keys.END, Keys.ENTER)
    _wait(d, lambda d: len(_bot_messages(d)) >= 2 and "kunde inte besvaras" in _bot_messages(d)[-1],
          what="the message about a too long question")
    assert "Traceback" not in d.find_element(By.ID, "qa-chat").text

    # --- positions: one row per speaker, quotes highlighted, "does not address" where they don't ---------------
    d.find_element(By.XPATH, "//button[@role='tab'][contains(., 'Ståndpunkter')]").click()
    topic = _wait(d, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#qa-topic input") if e.is_displayed()],
                  what="the topic box")[0]
    topic.send_keys(Keys.CONTROL, "a")
    topic.send_keys("välfärd")
    d.find_element(By.ID, "qa-show-positions").click()
    _wait(d, lambda d: "välfärd" in d.find_element(By.CSS_SELECTOR, "#qa-positions caption").text,
          what="the positions on välfärd")
    from qa.positions import speakers

    rows = d.find_elements(By.CSS_SELECTOR, "#qa-positions tbody tr")
    assert len(rows) == len(speakers(qa.index.passages))
    marks = d.find_elements(By.CSS_SELECTOR, "#qa-positions tr.qa-addresses mark")
    assert marks and all(m.text for m in marks)
    passages = {p.text for p in qa.index.passages}
    for m in marks:
        quote_in = m.find_element(By.XPATH, "./ancestor::blockquote").text
        assert m.text in quote_in and any(m.text in p for p in passages)
    assert "Tar inte upp detta" in d.find_element(By.ID, "qa-positions").text
    d.execute_script("window.scrollTo(0, 0)")
    d.save_screenshot(str(DOCS / "screenshot-positions.png"))
    assert _axe(d, "positions") == []

    # --- English interface -----------------------------------------------------------------------------------
    d.find_element(By.XPATH, "//label[contains(., 'English')]").click()
    _wait(d, lambda d: d.execute_script("return document.documentElement.lang") == "en", what="lang=en")
    _wait(d, lambda d: "Does not address this" in d.find_element(By.ID, "qa-positions").text,
          what="the positions in English")
    tabs = [e.text for e in d.find_elements(By.CSS_SELECTOR, "button[role=tab]")]
    assert tabs == ["Ask", "Positions"]
    assert d.find_element(By.CSS_SELECTOR, "#qa-title h1").text == "Ask the decision papers"
    d.find_element(By.XPATH, "//button[@role='tab'][contains(., 'Ask')]").click()
    _wait(d, lambda d: "Sources" in d.find_element(By.ID, "qa-sources-panel").text, what="the sources in English")
    assert _axe(d, "chat, English") == []
