"""The sign-in history names the browser and system in words ("Chrome 131 · Windows"), never the raw header."""

import pytest
from django.test import Client

from tests.builders.org import PASSWORD
from zhengxie.accounts.user_agents import describe

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
WECHAT_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "MicroMessenger/8.0.50(0x1800323d) NetType/WIFI Language/zh_CN"
)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (CHROME_WINDOWS, "Chrome 131 · Windows"),
        (WECHAT_IPHONE, "微信 8 · iOS 17"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 "
            "Safari/605.1.15",
            "Safari 17 · macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
            "Safari/537.36 Edg/130.0.2849.80",
            "Edge 130 · Windows",
        ),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 · Ubuntu"),
        (
            "Mozilla/5.0 (Linux; Android 14; 23049RAD8C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 "
            "Mobile Safari/537.36",
            "Chrome 118 · Android 14",
        ),
        (
            "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
            "华为浏览器 14 · 鸿蒙",
        ),
        ("python-requests/2.31.0", "程序 python-requests 2"),
        ("", "未知"),
        ("(something odd)", "其他浏览器"),
    ],
)
def test_a_user_agent_is_described_in_words(header, words):
    assert describe(header) == words


def test_the_sign_in_history_shows_browser_and_system_not_the_header(org):
    client = Client(HTTP_USER_AGENT=CHROME_WINDOWS)
    assert client.post("/accounts/login/", {"username": "demo-member", "password": PASSWORD}).status_code == 302
    Client(HTTP_USER_AGENT=WECHAT_IPHONE).post("/accounts/login/", {"username": "demo-member", "password": "wrong"})
    page = client.get("/accounts/history/").content.decode()
    table = page[page.index('data-testid="sign-in-history"') :]
    assert "Chrome 131 · Windows" in table
    assert "微信 8 · iOS 17" in table
    assert "Mozilla" not in table and "AppleWebKit" not in table
