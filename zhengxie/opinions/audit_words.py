"""How the audit page words the values of opinion-report rows only this app can read: the levels reported to, an
adoption, an instruction, a co-author's answer (registered in ``OpinionsConfig.ready``)."""

from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words

from .choices import CoAuthorState, LeaderLevel, Level

SCOPE = "opinions.opinionreport"


def _words(choices, code) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def levels(value, memo) -> str:
    if not isinstance(value, list):
        return "—" if value is None else str(value)
    return "、".join(_words(Level, v) for v in value) or "—"


def adoption(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    return f"{_words(Level, value.get('level'))} {value.get('date', '')} {value.get('publication', '')}".strip()


def instruction(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    return f"{_words(LeaderLevel, value.get('level'))} {value.get('leader', '')} {value.get('date', '')}".strip()


def coauthor(value, memo) -> str:
    if value is None:
        return "—"
    name, _sep, state = str(value).rpartition(":")
    return f"{name}：{_words(CoAuthorState, state)}" if name else str(value)


def register() -> None:
    register_words(SCOPE, "levels", levels, label=gettext_lazy("报送层级"))
    register_words(SCOPE, "adoption", adoption, label=gettext_lazy("采用"))
    register_words(SCOPE, "instruction", instruction, label=gettext_lazy("批示"))
    register_words(SCOPE, "coauthor", coauthor, label=gettext_lazy("联名作者"))
    register_words(
        SCOPE,
        "coauthors",
        lambda v, memo: str(len(v)) if isinstance(v, list) else "—",
        label=gettext_lazy("联名作者人数"),
    )
    register_words(
        SCOPE,
        "attachment",
        lambda v, memo: v.get("name", "—") if isinstance(v, dict) else "—",
        label=gettext_lazy("附件"),
    )
