"""Rules that differ between places are settings (``PROPOSALS`` in settings.py overrides these defaults)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    # Registration number: yearly sequence, e.g. 20260012.
    "NUMBER_FORMAT": "{year}{seq:04d}",
    "TITLE_MAX_LENGTH": 50,
    "COSIGN_WINDOW_DAYS": 7,
    "DISPUTE_WINDOW_WORKING_DAYS": 5,
    "CONTACT_WITHIN_WORKING_DAYS": 15,
    "CO_OPINION_WITHIN_MONTHS": 1,
    "DEFAULT_DUE_MONTHS": 3,
    "MAX_DUE_MONTHS": 6,
    "EVALUATION_WINDOW_WORKING_DAYS": 15,
    "MAX_REHANDLING": 1,
    "REHANDLING_DUE_MONTHS": 1,
    "FOLLOWUP_AFTER_MONTHS": 12,
    "GRADES": [
        ("A", _("A类：所提问题已经解决或采纳")),
        ("B", _("B类：所提问题正在解决或列入计划解决")),
        ("C", _("C类：因条件限制暂不能解决，留作参考")),
    ],
    "REJECTION_GROUNDS": [
        ("state_secrets", _("涉及国家秘密")),
        ("unlawful", _("法律禁止的事项")),
        ("party_affairs", _("涉及党的人事或党内事务")),
        ("litigation", _("正在诉讼、仲裁或行政复议中的案件")),
        ("academic", _("纯属学术探讨")),
        ("personal", _("个人或家庭事务")),
        ("promotion", _("推介产品或企业")),
        ("accusation", _("对具体人员的检举控告")),
        ("no_content", _("无实质内容或无具体建议")),
        ("outside_remit", _("超出政协职能范围")),
    ],
    # Registered proposals are readable by every member.
    "MEMBERS_SEE_REGISTERED": True,
    # Proposers may consent to publishing a closed proposal and its reply on the public site.
    "PUBLICATION_ENABLED": False,
    "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
    "REMINDER_DAYS_BEFORE": [30, 7, 1],
}


def conf(name: str):
    return getattr(settings, "PROPOSALS", {}).get(name, DEFAULTS[name])


def grade_codes() -> list[str]:
    return [code for code, _label in conf("GRADES")]


def grade_label(code: str) -> str:
    return str(dict(conf("GRADES")).get(code, code))


def rejection_ground_label(code: str) -> str:
    return str(dict(conf("REJECTION_GROUNDS")).get(code, code))
