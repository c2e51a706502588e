"""Browser journeys: Debian's chromium driven by Playwright against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, viewport, locale) per test.
The shared cast (alice, bob, carol, dave, erin) comes from zhiyuan.testing (the cast fixture).
"""

from __future__ import annotations

import os
import shutil
import urllib.request

import pytest

from .audit import PageAudit

# Playwright's sync API runs an asyncio event loop in the main thread (driven through
# greenlets) for as long as the browser is open. Django's ORM refuses to run from a thread
# with a running event loop (SynchronousOnlyOperation), which would break the cast fixture
# and the database assertions in these tests. Nothing here is actually concurrent: the
# test code waits on the browser, and the live server answers from its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = "Debian's chromium is not installed: apt-get install -y chromium"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
TIMEOUT_MS = 5_000
# Latin-letter data the cast types in (user names), not interface words.
CAST_WORDS = {"alice", "bob", "carol", "dave", "erin", "frank", "gina", "resident", "volunteer"}


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path or not os.path.exists(path):
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_warm: set[str] = set()


def warm_up(base_url: str) -> None:
    """Load the home and sign-in pages once per server, before any browser waits on them.

    The first request imports every view and compiles the base templates; on a busy
    machine that took over 15 s, past the journeys' per-step timeout.
    """
    if base_url in _warm:
        return
    for path in ("/", "/accounts/login/"):
        with urllib.request.urlopen(base_url + path, timeout=120) as response:  # noqa: S310
            response.read()
    _warm.add(base_url)


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(phone=False)`: a page in its own context, Chinese locale, on the live server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    warm_up(live_server.url)
    contexts = []

    def make(*, phone: bool = False, locale: str = "zh-CN"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, **(PHONE if phone else DESKTOP)
        )
        context.set_default_timeout(TIMEOUT_MS)
        audit.attach(context)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        # The pages run under a strict Content-Security-Policy: anything it blocks (an
        # inline script or style) is a defect, so every journey fails on a violation.
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and violations.append(message.text)
            ),
        )
        return page

    violations: list[str] = []
    pages: list = []
    # Every page a journey visits is audited (axe-core, raw codes, untranslated words).
    audit = PageAudit(data_words=CAST_WORDS)
    yield make
    for page in pages:
        audit.final(page)
    for context in contexts:
        context.close()
    assert not violations, violations
    assert not audit.defects, "\n".join(dict.fromkeys(audit.defects))


@pytest.fixture
def sign_in():
    """`sign_in(page, username, password)`: through the login page, as a person would."""
    from playwright.sync_api import expect

    def go(page, username: str, password: str) -> None:
        page.goto("/accounts/login/")
        form = page.locator("main form")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        # Signed in: the header offers the sign-out button instead of the sign-in link.
        expect(page.locator("header form[action='/accounts/logout/']")).to_be_visible()

    return go


@pytest.fixture
def export_downloaded():
    """`export_downloaded(page)`: on an export job's page just asked for, the job waits queued
    at 0 with no link; the worker runs it; the page, polling, shows it done at 100 and the
    link, which is clicked. Returns the download."""
    from django.core.management import call_command
    from playwright.sync_api import expect

    def go(page):
        expect(page.locator("#export-status")).to_have_attribute("data-status", "queued")
        expect(page.locator("#export-progress-bar")).to_have_attribute("value", "0")
        expect(page.locator("#export-download")).to_have_count(0)
        call_command("worker", burst=True, verbosity=0)
        expect(page.locator("#export-status")).to_have_attribute("data-status", "done")
        expect(page.locator("#export-progress-bar")).to_have_attribute("value", "100")
        with page.expect_download() as info:
            page.locator("#export-download").click()
        return info.value

    return go
