"""The duty kinds a rule of the year's table can count, as people choose them: grouped and in words
(出席（全体会议）, 缺席（各类活动）), never typed as codes (``attended.plenary``, ``absent.*``)."""

from django.utils.translation import gettext as _

from .choices import DutyKind
from .models import ATTENDANCE_PREFIXES, ActivityKind
from .reports import kind_label


def kind_choices(current=()) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(group, [(kind, words)])]``: the ledger's own kinds, then per attendance (出席, 迟到 …) "every activity"
    and each activity kind; ``current`` kinds the table already holds that are none of these (an activity kind
    since removed) are kept, under 其他, so that saving does not lose them."""
    names = dict(ActivityKind.objects.order_by("sort_order", "pk").values_list("code", "name"))
    groups = [(_("提案、社情民意、学习培训等"), [(code, str(words)) for code, words in DutyKind.choices])]
    for prefix, words in ATTENDANCE_PREFIXES.items():
        options = [(f"{prefix}.*", kind_label(f"{prefix}.*", names))]
        options += [(f"{prefix}.{code}", kind_label(f"{prefix}.{code}", names)) for code in names]
        groups.append((str(words), options))
    known = {code for _group, options in groups for code, _words in options}
    others = [(kind, kind_label(kind, names)) for kind in dict.fromkeys(current) if kind and kind not in known]
    if others:
        groups.append((_("其他"), others))
    return groups


def kind_words(choices) -> dict[str, str]:
    return {code: words for _group, options in choices for code, words in options}
