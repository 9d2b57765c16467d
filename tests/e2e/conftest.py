"""A real Chromium (Debian's) driven by Playwright against the live test server, with axe on every page."""

import base64
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: run `make chromium` (Debian's package) or set CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Browsing:
    """One person's browser tab, checking each page with axe as it goes."""

    axe = Axe()

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def goto(self, path):
        self.page.goto(self.base_url + path)
        self.check_accessibility()

    def check_accessibility(self):
        # A click that navigates returns before the new document exists; axe run in between
        # finds no document. Wait for the page to load, and once more if it was still going.
        self.page.wait_for_load_state("load")
        try:
            results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        except PlaywrightError:
            self.page.wait_for_load_state("load")
            results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.checked.append(self.page.url)

    def screenshot(self, name):
        """Pictures for the user guide, taken when FFW_SCREENSHOTS is set (see `make screenshots`)."""
        if os.environ.get("FFW_SCREENSHOTS"):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


@pytest.fixture
def browsing(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield Browsing(page, live_server.url)
    context.close()


@pytest.fixture
def demo_service(transactional_db):
    call_command("demo", "--cases", "30", "--seed", "1", "--no-progress", "--allow-production")


def code_from_secret(secret_text: str) -> str:
    """What an authenticator app shows now for the key printed on the set-up page."""
    compact = secret_text.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key):06d}"
