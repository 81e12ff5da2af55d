"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live server."""

import os
from urllib.parse import urlparse

import pytest

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: run `make test`, which installs Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live_org(transactional_db):
    from tests.builders.org import build_org

    return build_org()


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real form; returns the page on the home screen."""
    from tests.builders.org import PASSWORD

    def do(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名或手机号").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        return page

    return do


@pytest.fixture
def foreign_requests(page, live_server):
    """Every request the page makes to a host other than the live server's."""
    own = urlparse(live_server.url).netloc
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url) if urlparse(r.url).netloc not in (own, "") and not r.url.startswith("data:") else None
        ),
    )
    return seen


@pytest.fixture
def confirms(page):
    """The questions irreversible steps ask (提交, 立案, 签收, 签发, 办结 …), each answered yes."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


@pytest.fixture(autouse=True)
def _patient_page(page):
    """A loaded two-core machine can take a while to answer: allow a minute for navigations and actions, and ten
    seconds for assertions to come true."""
    from playwright.sync_api import expect

    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    expect.set_options(timeout=10_000)
    yield
