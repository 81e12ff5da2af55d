"""Forms of the archive pages: the committee table's filters, an "other" duty record, and the year's rule table.
They check the input's shape and build what the services take; who may act is decided by the views' permission and
by the services (``services.duty_add_other``, ``rules.ruleset_save``)."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin
from zhengxie.people.models import Party, Sector, SpecialCommittee

from .kind_choices import kind_choices, kind_words

YEAR_MIN = 2000
PAGE_SIZE = 50
SORTS = [
    ("score", _("得分从高到低")),
    ("-score", _("得分从低到高")),
    ("name", _("姓名")),
    ("sector", _("界别")),
]
# A ledger kind or a pattern: ``proposal_submitted``, ``attended.plenary``, ``absent.*``.
KIND_RE = re.compile(r"^[a-z][a-z0-9_]*(\.([a-z0-9_]+|\*))?$")
kind_validator = RegexValidator(KIND_RE, _("类别代码格式：小写字母、数字和下划线，或“前缀.*”。"))


def year_bounds() -> tuple[int, int]:
    return YEAR_MIN, timezone.localdate().year + 1


def parse_year(value) -> int | None:
    """The ``?year=`` of a page: today's year when absent; None (the page answers 404) when it is not a year."""
    if value in (None, ""):
        return timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    lo, hi = year_bounds()
    return year if lo <= year <= hi else None


# The committee table ---------------------------------------------------------------------------------------------


class TableFilterForm(StyledFormMixin, forms.Form):
    """The table's filters (GET). Options are limited to what the viewer's rows contain; a value that does not
    validate is dropped (and shown as an error) rather than widening or emptying the table silently."""

    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    sector = forms.ModelChoiceField(
        label=_("界别"), queryset=Sector.objects.none(), required=False, empty_label=_("全部界别")
    )
    party = forms.ModelChoiceField(
        label=_("党派"), queryset=Party.objects.all(), required=False, empty_label=_("全部党派")
    )
    special_committee = forms.ModelChoiceField(
        label=_("专门委员会"), queryset=SpecialCommittee.objects.all(), required=False, empty_label=_("全部专门委员会")
    )
    grade = forms.ChoiceField(label=_("等次"), required=False)
    short = forms.BooleanField(label=_("未达基本履职要求"), required=False)
    alerts = forms.BooleanField(label=_("有履职预警"), required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORTS, required=False)

    def __init__(self, data, *, sectors, grades: list[str]):
        super().__init__(data, auto_id="tf_%s")
        self.fields["sector"].queryset = sectors
        self.fields["grade"].choices = [("", _("全部等次"))] + [(g, g) for g in grades]

    def filters(self) -> dict:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            "q": data.get("q") or "",
            "sector": data["sector"].pk if data.get("sector") else None,
            "party": data["party"].pk if data.get("party") else None,
            "special_committee": data["special_committee"].pk if data.get("special_committee") else None,
            "grade": data.get("grade") or "",
            "short": "1" if data.get("short") else "",
            "alerts": "1" if data.get("alerts") else "",
        }

    def sort_key(self) -> str:
        self.is_valid()
        return (self.cleaned_data.get("sort") if "sort" not in self.errors else "") or "score"


# An "other" duty record ------------------------------------------------------------------------------------------


class AddOtherForm(StyledFormMixin, forms.Form):
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(label=_("履职内容"), max_length=255)
    reason = forms.CharField(
        label=_("录入理由"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明为何手工录入，例如：参加区委组织的专项督查，无系统记录。"),
    )
    quantity = forms.DecimalField(
        label=_("数量"),
        min_value=Decimal("0.5"),
        max_value=100,
        decimal_places=1,
        initial=1,
        help_text=_("一般为 1；按次数计分时填写次数。"),
    )

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        lo, hi = year_bounds()
        if not lo <= day.year <= hi or day > timezone.localdate():
            raise ValidationError(_("日期无效（不能晚于今天）。"))
        return day


# The rule table --------------------------------------------------------------------------------------------------


class RuleSetForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(label=_("规则表版本"), widget=forms.HiddenInput)
    base_points = forms.DecimalField(
        label=_("基础分"),
        max_digits=6,
        decimal_places=2,
        help_text=_("得分 = 基础分 + 积分合计，不低于 0，不高于满分。"),
    )
    max_score = forms.DecimalField(label=_("满分"), max_digits=6, decimal_places=2, min_value=0)
    joint_lead_share = forms.DecimalField(
        label=_("联名项目第一提案人所占比例"),
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=1,
        help_text=_("设有“联名共享分值”的规则项：第一提案人得其中这一比例，其余由联名人平分。"),
    )


class _KindsForm(StyledFormMixin, forms.Form):
    """A row whose duty kinds are chosen from ``kind_choices`` (grouped, in words), not typed as codes."""

    def __init__(self, *args, kind_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_words = kind_words(kind_choices)
        for name in ("kind", "kinds"):
            if name in self.fields:
                blank = [("", _("请选择"))] if name == "kind" else []
                self.fields[name].choices = [*blank, *kind_choices]


class RuleItemForm(_KindsForm):
    kind = forms.ChoiceField(label=_("类别"), error_messages={"invalid_choice": _("请从列表中选择类别。")})
    label = forms.CharField(label=_("说明"), max_length=100, required=False)  # blank: the kind's words
    points = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2)
    yearly_cap = forms.DecimalField(label=_("年度上限"), max_digits=7, decimal_places=2, min_value=0, required=False)
    joint_points = forms.DecimalField(label=_("联名共享分值"), max_digits=6, decimal_places=2, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") and not data.get("label"):
            data["label"] = self.kind_words.get(data["kind"], "")[:100]
        return data


class GradeForm(StyledFormMixin, forms.Form):
    label = forms.CharField(label=_("等次"), max_length=20)
    minimum = forms.DecimalField(label=_("最低分"), max_digits=6, decimal_places=2, min_value=0)


class MinimumForm(_KindsForm):
    # The rule's key in the members' figures: kept as it is for a rule already in the table, made for a new one.
    code = forms.SlugField(max_length=32, required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("说明"), max_length=100)
    kinds = forms.MultipleChoiceField(
        label=_("计入的类别"),
        error_messages={"required": _("请至少选择一个计入的类别。"), "invalid_choice": _("请从列表中选择类别。")},
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    count = forms.IntegerField(label=_("次数"), min_value=1, max_value=1000)

    def chosen_words(self) -> str:
        """The kinds this rule counts, in words: a list box shows only a few of them at a time."""
        value = self["kinds"].value() or []
        return "、".join(self.kind_words.get(k, "") for k in value if k in self.kind_words)


class AlertForm(MinimumForm):
    # An initial value, so a blank row (whose select shows "year") counts as unchanged and is skipped.
    period = forms.ChoiceField(
        label=_("统计期间"), choices=[("year", _("一年内")), ("term", _("一届内"))], initial="year"
    )


class _UniqueFormSet(forms.BaseFormSet):
    unique_field = "label"

    def kept_forms(self):
        """The rows to save: every existing row not marked for deletion, and the blank rows that were filled in."""
        for i, form in enumerate(self.forms):
            if i >= self.initial_form_count() and not form.has_changed():
                continue
            if self._should_delete_form(form):
                continue
            yield form

    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            value = getattr(form, "cleaned_data", {}).get(self.unique_field)
            if value is None:
                continue
            if value in seen:
                form.add_error(self.unique_field, _("与上面的行重复。"))
                raise ValidationError(_("“%(v)s”重复。") % {"v": value})
            seen.add(value)

    def rows(self) -> list[dict]:
        return [{k: v for k, v in form.cleaned_data.items() if k != "DELETE"} for form in self.kept_forms()]


class _ItemFormSet(_UniqueFormSet):
    unique_field = "kind"


class _GradeFormSet(_UniqueFormSet):
    unique_field = "label"


def _with_codes(rows: list[dict], prefix: str) -> list[dict]:
    """Rows of minimums or alerts, each with its code: a new row gets the first ``prefix_n`` not in use."""
    used = {r["code"] for r in rows if r.get("code")}
    n = 0
    for row in rows:
        if not row.get("code"):
            n += 1
            while f"{prefix}_{n}" in used:
                n += 1
            row["code"] = f"{prefix}_{n}"
            used.add(row["code"])
    return rows


ItemFormSet = forms.formset_factory(RuleItemForm, formset=_ItemFormSet, extra=3, can_delete=True)
GradeFormSet = forms.formset_factory(GradeForm, formset=_GradeFormSet, extra=1, can_delete=True)
MinimumFormSet = forms.formset_factory(MinimumForm, formset=_UniqueFormSet, extra=1, can_delete=True)
AlertFormSet = forms.formset_factory(AlertForm, formset=_UniqueFormSet, extra=1, can_delete=True)


class RuleTable:
    """The whole editor: the main numbers and four tables of rows, bound together to one POST."""

    def __init__(self, ruleset, data=None, *, items=None):
        # ``items``: the rows of a table not stored yet (``points.rules_for``), which has no ``items`` relation
        rs = ruleset
        items = rs.items.all() if items is None else items
        current = [i.kind for i in items] + [k for rule in [*rs.minimums, *rs.alerts] for k in rule["kinds"]]
        choices = kind_choices(current)
        self.main = RuleSetForm(
            data,
            initial={
                "version": rs.version,
                "base_points": rs.base_points,
                "max_score": rs.max_score,
                "joint_lead_share": rs.joint_lead_share,
            },
            auto_id="rs_%s",
        )
        self.items = ItemFormSet(
            data,
            prefix="items",
            form_kwargs={"kind_choices": choices},
            initial=[
                {
                    "kind": i.kind,
                    "label": i.label,
                    "points": i.points,
                    "yearly_cap": i.yearly_cap,
                    "joint_points": i.joint_points,
                }
                for i in items
            ],
        )
        self.grades = GradeFormSet(
            data, prefix="grades", initial=[{"label": label, "minimum": minimum} for label, minimum in rs.grades]
        )
        self.minimums = MinimumFormSet(
            data,
            prefix="minimums",
            form_kwargs={"kind_choices": choices},
            initial=[{**m, "kinds": list(m["kinds"])} for m in rs.minimums],
        )
        self.alerts = AlertFormSet(
            data,
            prefix="alerts",
            form_kwargs={"kind_choices": choices},
            initial=[{**a, "kinds": list(a["kinds"]), "period": a.get("period", "year")} for a in rs.alerts],
        )

    def parts(self):
        return [self.main, self.items, self.grades, self.minimums, self.alerts]

    def is_valid(self) -> bool:
        return all([p.is_valid() for p in self.parts()])  # a list, so every part shows its errors

    def service_data(self) -> dict:
        """What ``rules.ruleset_save`` takes."""
        main = self.main.cleaned_data
        return {
            "base_points": main["base_points"],
            "max_score": main["max_score"],
            "joint_lead_share": main["joint_lead_share"],
            "items": [
                {
                    "kind": r["kind"],
                    "label": r["label"],
                    "points": r["points"],
                    "yearly_cap": r.get("yearly_cap"),
                    "joint_points": r.get("joint_points"),
                }
                for r in self.items.rows()
            ],
            "grades": [[r["label"], r["minimum"]] for r in self.grades.rows()],
            "minimums": [
                {"code": r["code"], "label": r["label"], "kinds": r["kinds"], "count": r["count"]}
                for r in _with_codes(self.minimums.rows(), "minimum")
            ],
            "alerts": [
                {
                    "code": r["code"],
                    "label": r["label"],
                    "kinds": r["kinds"],
                    "count": r["count"],
                    "period": r["period"],
                }
                for r in _with_codes(self.alerts.rows(), "alert")
            ],
        }
