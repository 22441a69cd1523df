"""Browser fixtures: the app on a live local server, driven by the system Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser.helpers import watch_console
from conftest import clear_tables, test_settings
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db, limiter

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"system Chromium not found at {CHROMIUM}"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
# Generous for a busy two-core CI machine; a passing step takes milliseconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder as a browser test; skip them all without Chromium."""
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name) -> dict:
    """pytest-playwright launches the system Chromium instead of a downloaded one."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    if browser_name != "chromium":
        pytest.skip("the browser tests drive the system Chromium only")
    headless = browser_type_launch_args.get("headless", True)
    flags = (["--headless"] if headless else []) + CHROMIUM_FLAGS
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": flags}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No global base URL: each context gets the live server's (see `page`).

    This replaces pytest-playwright's fallback fixture, an instance-method session
    fixture that pytest 9 deprecates (and warnings are errors here).
    """
    return None


@pytest.fixture(scope="module")
def live_app(_schema, database_url):
    """The app the live server runs, on the test database."""
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(live_app) -> Iterator[str]:
    """The base URL of the app served by werkzeug on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _fresh_data(live_app) -> Iterator[None]:
    """Each test starts on empty tables and fresh rate limits, and leaves none behind."""
    with live_app.app_context():
        clear_tables()
        limiter.reset()
    yield
    with live_app.app_context():
        clear_tables()
        limiter.reset()


def _open_page(new_context, base_url: str, *, javascript: bool):
    context = new_context(base_url=base_url, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch_console(page, javascript=javascript)
    return page


@pytest.fixture
def page(new_context, live_server):
    """A page with JavaScript on, its console watched for CSP violations and errors."""
    return _open_page(new_context, live_server, javascript=True)


@pytest.fixture
def page_nojs(new_context, live_server):
    """A page in a context with JavaScript off, as some participants browse."""
    return _open_page(new_context, live_server, javascript=False)
