"""The chat page in real headless Chromium (Debian's), on a phone-sized screen.

Starts the action server and Rasa (allowing the page's origin with --cors), the page server
(web/server.py), and drives /usr/bin/chromium (or $CHROMIUM) with Playwright. Screenshots go
to tests/artifacts/.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest
import requests
from playwright.sync_api import Browser, Page, Request, Route, ViewportSize, expect, sync_playwright

from tests.servers import PROJECT, Assistant, free_port, running_assistant

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless (Playwright adds --headless), as root without a sandbox, and no background
# connections: the test machines have no network beyond the package registries.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
ARTIFACTS = PROJECT / "tests" / "artifacts"
WEBHOOK = "**/webhooks/rest/webhook"
QUESTION = "how often should I use a collagen mask?"
MARKUP = "<img src=x onerror=alert(1)>"
# A busy main thread right after the widget is created makes deep-chat build its view twice
# (its 20 ms fallback render fires before its property render), as happens on a slow phone.
BUSY_START = """
(() => {
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (name, ...rest) {
    const element = create.call(this, name, ...rest);
    if (String(name).toLowerCase() === 'deep-chat') {
      setTimeout(() => { const end = performance.now() + 40; while (performance.now() < end) {} }, 0);
    }
    return element;
  };
})();
"""

expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def page_origin() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def assistant(page_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with running_assistant(tmp_path_factory.mktemp("browser"), cors_origin=page_origin) as running:
        yield running


@pytest.fixture(scope="module")
def web_server(page_origin: str, assistant: Assistant) -> Iterator[str]:
    port = page_origin.rsplit(":", 1)[1]
    server = subprocess.Popen(
        [
            sys.executable,
            str(PROJECT / "web" / "server.py"),
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--rasa-url",
            assistant.base_url,
        ],
        cwd=PROJECT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "web/server.py exited (is web/node_modules installed? make web-install)"
            try:
                if requests.get(page_origin + "/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the page server did not start"
            time.sleep(0.2)
        yield page_origin
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found: `make browser-test` installs Debian's chromium"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized browser profile (empty localStorage)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def korean_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized browser profile whose language is Korean."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="ko-KR")
    yield context.new_page()
    context.close()


@pytest.fixture
def dialogs(page: Page) -> List[str]:
    """Messages of every alert/confirm/prompt the page opens (a script that ran)."""
    opened: List[str] = []

    def on_dialog(dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def webhook_posts(page: Page) -> List[dict]:
    """Every message the page sends to Rasa, as the JSON body sent."""
    sent: List[dict] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/webhooks/rest/webhook"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", on_request)
    return sent


def bot_texts(page: Page):
    return page.locator(".ai-message.text-message")


def user_texts(page: Page):
    return page.locator(".user-message.text-message")


def test_a_new_user_on_a_phone_asks_clicks_a_suggestion_and_reloads(
    page: Page, dialogs: List[str], web_server: str, assistant: Assistant
) -> None:
    other_origins: List[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((web_server, assistant.base_url, "data:")) else other_origins.append(r.url),
    )
    sent = webhook_posts(page)
    page.goto(web_server + "/")

    # Greeting: three example questions to click, and no user message.
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_be_visible()
    greeting = page.get_by_role("group", name="Suggested questions").first
    expect(greeting.get_by_role("button")).to_have_count(3)
    expect(user_texts(page)).to_have_count(0)
    assert [m["message"] for m in sent] == ["/greet"]
    shot(page, "chat-01-greeting")

    # Ask by keyboard; the typing indicator shows while Rasa is answering.
    held: List[Route] = []
    page.route(WEBHOOK, lambda route: held.append(route))
    textbox = page.get_by_role("textbox", name="Ask about pore care…")
    textbox.focus()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(user_texts(page).last).to_have_text(QUESTION)
    expect(page.get_by_role("status", name="The assistant is typing")).to_be_visible()
    shot(page, "chat-02-typing")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the question was not sent"
    held[0].continue_()
    page.unroute(WEBHOOK)

    answer = bot_texts(page).nth(1)
    expect(answer).to_contain_text("Source")
    expect(answer).to_contain_text("collagen mask")
    expect(page.get_by_role("status", name="The assistant is typing")).to_have_count(0)
    shot(page, "chat-03-answer")

    # A suggestion under the answer sends its payload; the user sees its title.
    suggestion = page.get_by_role("group", name="Suggested questions").last.get_by_role("button").first
    title, payload = suggestion.inner_text(), suggestion.get_attribute("data-payload")
    assert payload and payload.startswith("/ask_fact")
    suggestion.click()
    expect(user_texts(page).last).to_have_text(title)
    expect(bot_texts(page)).to_have_count(3)
    expect(bot_texts(page).nth(2)).to_contain_text("Source")
    assert sent[-1]["message"] == payload
    shot(page, "chat-04-suggestion-answer")
    before_reload = bot_texts(page).all_inner_texts()
    sender = sent[-1]["sender"]
    assert {m["sender"] for m in sent} == {sender}

    # Reload: the same conversation, no second greeting.
    page.reload()
    expect(bot_texts(page)).to_have_count(len(before_reload))
    assert bot_texts(page).all_inner_texts() == before_reload
    expect(user_texts(page)).to_have_text([QUESTION, title])
    assert [m["message"] for m in sent].count("/greet") == 1
    shot(page, "chat-05-after-reload")

    # Suggestions from before the reload still work, by keyboard, in the same conversation.
    old_button = page.get_by_role("group", name="Suggested questions").last.get_by_role("button").first
    old_title, old_payload = old_button.inner_text(), old_button.get_attribute("data-payload")
    old_button.focus()
    page.keyboard.press("Enter")
    expect(user_texts(page).last).to_have_text(old_title)
    expect(bot_texts(page)).to_have_count(len(before_reload) + 1)
    assert sent[-1] == {"sender": sender, "message": old_payload, "metadata": {"language": "en"}}

    # Markup typed by the user is shown as text: no element, no script.
    textbox.focus()
    page.keyboard.type(MARKUP)
    page.get_by_role("button", name="Send message").press("Enter")
    expect(user_texts(page).last).to_have_text(MARKUP)
    expect(bot_texts(page)).to_have_count(len(before_reload) + 2)
    page.wait_for_timeout(500)
    assert page.locator("#messages img").count() == 0
    assert dialogs == []
    assert sent[-1]["message"] == MARKUP
    shot(page, "chat-06-markup-as-text")

    # Phone layout: nothing wider than the screen, the input and send button on screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for element in (textbox, page.get_by_role("button", name="Send message")):
        box = element.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"]
    assert other_origins == [], f"the page loaded from elsewhere: {other_origins}"


def test_markup_in_a_bot_message_is_shown_as_text(page: Page, dialogs: List[str], web_server: str) -> None:
    hostile_text = (
        "**Markup test**\n\n<img src=x onerror=alert(1)> <script>alert(2)</script> [a link](javascript:alert(3))"
    )
    hostile_button = {"title": "<img src=y onerror=alert(4)>", "payload": '/x"><img src=z onerror=alert(5)>'}

    def fake_rasa(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": web_server},
            body=json.dumps([{"recipient_id": body.get("sender"), "text": hostile_text, "buttons": [hostile_button]}]),
        )

    page.route(WEBHOOK, fake_rasa)
    sent = webhook_posts(page)
    page.goto(web_server + "/")
    message = bot_texts(page).first
    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message).to_contain_text("<script>alert(2)</script>")
    expect(message.locator("strong")).to_have_text("Markup test")  # safe markdown still works
    button = page.get_by_role("button", name=hostile_button["title"])
    expect(button).to_have_attribute("data-payload", hostile_button["payload"])
    assert page.locator("#messages img, #messages script").count() == 0
    assert (
        page.evaluate(
            "[...document.querySelector('deep-chat').shadowRoot.querySelectorAll('a[href]')]"
            ".filter(a => !/^(https?:|mailto:)/i.test(a.getAttribute('href'))).length"
        )
        == 0
    )
    button.click()
    expect(user_texts(page).last).to_have_text(hostile_button["title"])
    expect(bot_texts(page)).to_have_count(2)
    assert sent[-1]["message"] == hostile_button["payload"]
    page.wait_for_timeout(500)
    assert page.locator("#messages img, #messages script").count() == 0
    assert dialogs == []
    shot(page, "chat-07-bot-markup-as-text")


@pytest.mark.parametrize("busy_start", [False, True], ids=["normal-start", "busy-start"])
def test_the_embed_snippet_adds_a_bubble_that_opens_the_chat(page: Page, web_server: str, busy_start: bool) -> None:
    if busy_start:
        page.add_init_script(BUSY_START)
    page.goto(web_server + "/embed-example.html")
    launcher = page.get_by_role("button", name="Open the pore-care chat")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    if not busy_start:
        shot(page, "chat-08-embed-closed")
    launcher.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Pore-care assistant")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("group", name="Suggested questions").get_by_role("button")).to_have_count(3)
    expect(panel.get_by_role("log", name="Conversation")).to_be_visible()
    expect(panel.get_by_role("button", name="Send message")).to_be_visible()
    expect(panel.get_by_role("textbox", name="Ask about pore care…")).to_be_focused()
    if not busy_start:
        shot(page, "chat-09-embed-open")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_a_korean_browser_gets_korean_labels_answers_and_buttons(korean_page: Page, web_server: str) -> None:
    page = korean_page
    sent = webhook_posts(page)
    page.goto(web_server + "/")
    expect(page.get_by_role("heading", name="모공 관리 도우미")).to_be_visible()
    expect(page.get_by_role("log", name="대화")).to_be_visible()
    greeting = page.get_by_role("group", name="추천 질문").first
    expect(greeting.get_by_role("button")).to_have_count(3)
    expect(bot_texts(page).first).to_contain_text("안녕하세요")
    assert sent[0] == {"sender": sent[0]["sender"], "message": "/greet", "metadata": {"language": "ko"}}
    textbox = page.get_by_role("textbox", name="모공 관리에 대해 물어보세요…")
    textbox.focus()
    page.keyboard.type("콜라겐 마스크는 얼마나 자주 써요?")
    page.get_by_role("button", name="메시지 보내기").press("Enter")
    answer = bot_texts(page).nth(1)
    expect(answer).to_contain_text("출처")
    expect(answer).to_contain_text("1~2")
    suggestion = page.get_by_role("group", name="추천 질문").last.get_by_role("button").first
    assert any("\uac00" <= ch <= "\ud7a3" for ch in suggestion.inner_text())
    shot(page, "chat-07-korean")
