"""The English catalogue: complete, compiled, and used when a person switches the language to English.

The catalogue is parsed with a small reader here (no extra dependency): enough of the PO format for the files
``makemessages`` writes.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def _po_entries(path: Path) -> list[dict]:
    """Active (not obsolete) entries: {"flags": set, "msgid": str, "msgid_plural": str|None, "msgstr": [str]}."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not compiled
        if entry is None:
            entry = {"flags": set(), "msgid_plural": None, "msgstr": []}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            entry["msgid_plural"], field = _unquote(line[len("msgid_plural ") :]), "msgid_plural"
        elif line.startswith("msgid "):
            entry["msgid"], field = _unquote(line[len("msgid ") :]), "msgid"
        elif line.startswith("msgstr"):
            entry["msgstr"].append(_unquote(line.split(" ", 1)[1]))
            field = "msgstr"
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    finish()
    return entries


def _messages() -> list[dict]:
    return [e for e in _po_entries(PO_FILE) if e["msgid"]]  # the empty msgid is the header


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = _po_entries(PO_FILE)
    messages = _messages()
    assert len(messages) > 1000
    assert all("fuzzy" not in e["flags"] for e in entries), [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    assert untranslated == []
    plurals_without_two_forms = [e["msgid"] for e in messages if e["msgid_plural"] and len(e["msgstr"]) != 2]
    assert plurals_without_two_forms == []


def test_translations_keep_their_placeholders():
    placeholder = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdf]")
    wrong = [
        (e["msgid"], s)
        for e in _messages()
        for s in e["msgstr"]
        if sorted(placeholder.findall(e["msgid_plural"] or e["msgid"])) != sorted(placeholder.findall(s))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [
        e["msgid"]
        for e in _messages()
        if (compiled.ngettext(e["msgid"], e["msgid_plural"], 1) if e["msgid_plural"] else compiled.gettext(e["msgid"]))
        != e["msgstr"][0]
    ]
    assert stale == [], "run manage.py compilemessages"


def _english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _between(html: str, start_marker: str, end_marker: str) -> str:
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


def test_sign_in_page_in_english(org):
    html = _english_client().get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "登录" not in html
    labels = re.findall(r"<label[^>]*>(.*?)</label>", html, flags=re.S)
    assert labels and not any(CJK.search(label) for label in labels), labels


def test_signed_in_home_page_in_english(org):
    response = _english_client(org.users["admin"]).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h2[^>]*>.*?My to-do</h2>", html, flags=re.S)
    nav = _between(html, 'data-testid="main-nav"', "</ul>")
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav, flags=re.S)]
    assert {"Dashboard", "Members", "Handling units", "Audit log"} <= set(labels)
    assert not any(CJK.search(label) for label in labels), labels
    user_menu = _between(html, 'class="dropdown-menu', "</ul>")
    assert "Sign out" in user_menu and not CJK.search(user_menu)
    assert "Language" in html and "语言" not in html


def test_switching_language_through_set_language(org):
    client = Client()
    client.force_login(org.users["member"])
    assert "我的待办" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "My to-do" in html and "我的待办" not in html
