"""Real-browser tests: headless Debian Chromium driven by Playwright against ``live_server``.

Chromium is Debian's (``apt-get install chromium chromium-driver``), never Playwright's own
download. Without ``/usr/bin/chromium`` these tests are skipped on a developer machine and fail
in CI (``CI`` set), where ``.ci/run`` installs it.

``live_server`` implies ``transactional_db``: the database is flushed after every test, so the
``demo_data`` fixture reloads the territories when a previous browser test emptied them. The
root conftest runs browser tests last so the flush never hits other tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google services; the test network is closed.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(os.environ.get("SAFECOMMUNE_SCREENSHOT_DIR", "/tmp/shots"))


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def _unavailable(reason: str) -> None:
    if _ci():
        pytest.fail(f"{reason}; CI is set, so browser tests must run "
                    "(install with: apt-get install -y chromium chromium-driver, "
                    "pip install -e '.[test]')", pytrace=False)
    pytest.skip(f"{reason} (set CI=1 to make this a failure)")


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")

    # Playwright's sync API keeps an asyncio loop marked as running in this thread for as long
    # as it is started, so Django would refuse ORM calls made by the tests themselves (seeding,
    # pytest-django's flush) with SynchronousOnlyOperation. The documented workaround, limited
    # to the time the browser is up so that the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Blocked:
    """Requests to anything but the live server, aborted and remembered."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    @property
    def tiles(self) -> list[str]:
        return [url for url in self.urls if "tile.openstreetmap.org" in url]


@pytest.fixture
def blocked() -> Blocked:
    return Blocked()


@pytest.fixture
def browser_context(chromium, live_server, blocked):
    """A fresh browser profile (no cookies) whose network is only the live server.

    The browser asks for English (Accept-Language), which the site ignores by design: the
    language is Vietnamese until the visitor picks another. Map tiles and any other outside
    request are aborted, as on a commune office's flaky connection.
    """
    ctx = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    own = urlsplit(live_server.url).netloc

    def outside(route):
        blocked.urls.append(route.request.url)
        route.abort()

    def local_or_outside(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            outside(route)

    ctx.route("**/*", local_or_outside)
    # Registered last, so it wins for tiles.
    ctx.route("**/tile.openstreetmap.org/**", outside)
    yield ctx
    ctx.close()


class PageErrors:
    """Uncaught JavaScript errors and console errors of one page."""

    def __init__(self, page) -> None:
        self.uncaught: list[str] = []
        self.console: list[str] = []
        page.on("pageerror", lambda exc: self.uncaught.append(str(exc)))
        page.on("console", self._console)

    def _console(self, message) -> None:
        # Aborted tiles log "Failed to load resource"; that is the point of the test, not a bug.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.console.append(message.text)


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


@pytest.fixture
def page_errors(page) -> PageErrors:
    return PageErrors(page)


@pytest.fixture
def demo_data(live_server, transactional_db):
    """The real territories (reloaded after a previous live-server flush) and the demo communes."""
    from safecommune.demo.seed import seed_demo_territories
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        territory_load()
    return seed_demo_territories()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
