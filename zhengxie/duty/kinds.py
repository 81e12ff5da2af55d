"""The default activity kinds (duty.md). A data migration installs them; ``ensure_default_kinds`` restores any that
are missing (used by the demo and test builders, as test databases are flushed between live-server tests)."""

from .models import ActivityKind

DEFAULT_KINDS = [
    ("plenary", "全体会议"),
    ("standing_committee", "常委会议"),
    ("chairs_meeting", "主席会议"),
    ("consultation", "专题协商会"),
    ("inspection", "视察"),
    ("research", "调研"),
    ("training", "培训"),
    ("seminar", "理论研讨"),
    ("sector_activity", "界别活动"),
    ("appraisal", "民主评议"),
    ("online_deliberation", "网络议政"),
    ("other", "其他"),
]


def ensure_default_kinds() -> int:
    created = 0
    for order, (code, name) in enumerate(DEFAULT_KINDS, start=1):
        _kind, made = ActivityKind.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
        created += made
    return created
