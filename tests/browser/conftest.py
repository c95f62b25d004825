"""Real-browser harness: Debian's chromium driven by Playwright's sync API.

We launch the system chromium instead of Playwright's downloaded browsers, so
nothing is fetched at test time. CHROMIUM_PATH overrides the binary.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def chromium():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"chromium not found at {executable}; install it or set CHROMIUM_PATH")
    # Playwright's sync API keeps an event loop running in this thread, which trips Django's
    # async-safety check whenever a test touches the database. So the check is off only while
    # Playwright runs: per module, so both are over before any test outside tests/browser.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(live_server, transactional_db):
    # Browser tests talk to the live server over HTTP, so data must be committed.
    return live_server


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def js_disabled_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def format_violations(violations):
    lines = []
    for violation in violations:
        targets = ", ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"]
        )
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}\n"
            f"  at: {targets}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_a11y(axe):
    """Return a function asserting that axe-core finds no WCAG 2.2 AA violations on a page."""

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        assert not violations, (
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )

    return check


@pytest.fixture
def screenshot(request):
    """Return a function saving a full-page screenshot under test-results/."""

    def save(page, name=None):
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
