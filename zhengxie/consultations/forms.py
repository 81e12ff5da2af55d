"""The page forms of the plan and consultation actions, made from each action's input schema (``inputs.py``): the
fields a template shows (label, widget, options, initial value) and the payload a posted form gives the engine, which
validates it as the API's body is validated."""

import datetime
import types
import typing
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.core.forms import StyledFormMixin
from zhengxie.core.roles import Role
from zhengxie.core.workflow import Label, Options, Page, metadata_of
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member, SpecialCommittee

from .choices import ConsultationKind, Form, SuggestionSource
from .models import TopicSuggestion

RECOMMENDATION_ROWS = 5


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text, textarea, date, datetime, select, checkbox, number
    required: bool
    options: list = field(default_factory=list)
    initial: object = ""
    rows: int = 3
    error: str = ""


def _options_for(name: str, year=None) -> list[tuple[str, str]]:
    if name == "lead_committee_id":
        return [(str(pk), n) for pk, n in SpecialCommittee.objects.order_by("id").values_list("pk", "name")]
    if name == "suggestion_id":
        qs = TopicSuggestion.objects.order_by("-year", "-id")
        if year:
            qs = qs.filter(year=year)
        return [(str(pk), t) for pk, t in qs.values_list("pk", "title")[:500]]
    if name == "member_id":
        qs = Member.objects.filter(status=MemberStatus.SERVING).order_by("name")
        return [(str(pk), n) for pk, n in qs.values_list("pk", "name")[:2000]]
    if name == "user_id":
        qs = get_user_model().objects.filter(role_grants__role=Role.SECRETARIAT, is_active=True).distinct()
        return [(str(u.pk), str(u)) for u in qs.order_by("id")[:500]]
    if name == "unit_id":
        qs = HandlingUnit.objects.filter(is_active=True).order_by("name")
        return [(str(pk), n) for pk, n in qs.values_list("pk", "name")]
    if name == "planned_month":
        return [(str(m), _("%(m)d月") % {"m": m}) for m in range(1, 13)]
    return []


def _base_type(annotation):
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base_type(args[0]) if args else str
    if origin is typing.Annotated:
        return _base_type(typing.get_args(annotation)[0])
    return annotation


def action_fields(flow, name: str, *, posted=None, errors=None, initial=None, year=None, options=None) -> list[Field]:
    step = flow.actions[name]
    extra = options
    out = []
    for key, info in step.schema.model_fields.items():
        if key == "recommendations":
            continue
        label = metadata_of(step.schema, key, Label) or Label(key)
        page = metadata_of(step.schema, key, Page) or Page()
        options = metadata_of(step.schema, key, Options)
        base = _base_type(info.annotation)
        if options is not None:
            widget, opts = "select", [(c, str(w)) for c, w in options.pairs]
        elif key in (extra or {}):
            widget, opts = "select", extra[key]
        elif label.pick or key.endswith("_id") or key == "planned_month":
            widget, opts = "select", _options_for(key, year)
        elif base is bool:
            widget, opts = "checkbox", []
        elif base is datetime.datetime:
            widget, opts = "datetime", []
        elif base is datetime.date:
            widget, opts = "date", []
        elif base is int:
            widget, opts = "number", []
        else:
            widget, opts = ("textarea" if page.rows else "text"), []
        value = info.default if info.default not in (None, ...) else ""
        if page.initial is not None:
            value = page.initial() if callable(page.initial) else page.initial
        if initial and key in initial:
            value = initial[key]
        if posted is not None:
            value = posted.get(key, "") if widget != "checkbox" else key in posted
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = value.isoformat()
        out.append(
            Field(
                name=key,
                label=str(page.label or label.text),
                widget=widget,
                required=info.is_required(),
                options=opts,
                initial=value,
                rows=page.rows or 3,
                error=str((errors or {}).get(key, "")),
            )
        )
    return out


def action_payload(flow, name: str, post) -> dict:
    """The posted form as the action's input: blanks left out, boxes as booleans, recommendations as a list."""
    step = flow.actions.get(name)
    if step is None:
        return {}
    payload: dict = {}
    for key, info in step.schema.model_fields.items():
        if key == "recommendations":
            payload[key] = _recommendations(post)
            continue
        base = _base_type(info.annotation)
        if base is bool:
            payload[key] = key in post and post.get(key) not in ("", "0", "false")
            continue
        value = post.get(key, "")
        if value == "":
            continue
        if base is datetime.datetime and value and len(value) == 16:
            value = value + ":00"  # a browser's datetime-local has no seconds
        payload[key] = value
    return payload


def _recommendations(post) -> list[dict]:
    out = []
    for n in range(1, RECOMMENDATION_ROWS + 1):
        text = (post.get(f"rec_text_{n}") or "").strip()
        if not text:
            continue
        item = {"text": text, "unit_id": post.get(f"rec_unit_{n}") or None, "weight": post.get(f"rec_weight_{n}") or 1}
        if post.get(f"rec_due_{n}"):
            item["due_date"] = post.get(f"rec_due_{n}")
        out.append(item)
    return out


def recommendation_rows(post=None) -> list[dict]:
    units = _options_for("unit_id")
    rows = []
    for n in range(1, RECOMMENDATION_ROWS + 1):
        rows.append(
            {
                "n": n,
                "text": (post or {}).get(f"rec_text_{n}", ""),
                "unit": (post or {}).get(f"rec_unit_{n}", ""),
                "weight": (post or {}).get(f"rec_weight_{n}", "1"),
                "due": (post or {}).get(f"rec_due_{n}", ""),
                "units": units,
            }
        )
    return rows


# Forms of the services that are not actions ---------------------------------------------------------------------


def _this_year():
    return timezone.localdate().year


class PlanCreateForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, initial=_this_year)
    title = forms.CharField(label=gettext_lazy("名称"), max_length=200, required=False)


class ConsultationCreateForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=ConsultationKind.choices)
    form = forms.ChoiceField(label=gettext_lazy("协商形式"), choices=Form.choices)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, initial=_this_year)
    background = forms.CharField(label=gettext_lazy("背景"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    counterpart = forms.CharField(label=gettext_lazy("对口部门"), max_length=200, required=False)


class SuggestionForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, initial=_this_year)
    title = forms.CharField(label=gettext_lazy("选题"), max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("理由和背景"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    special_committee_id = forms.TypedChoiceField(
        label=gettext_lazy("以专门委员会名义"), coerce=int, required=False, empty_value=None
    )
    source = forms.ChoiceField(label=gettext_lazy("来源"), required=False)
    source_name = forms.CharField(label=gettext_lazy("提出者"), max_length=200, required=False)

    def __init__(self, *args, member=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if member is not None:
            committees = member.special_committees.order_by("id").values_list("pk", "name")
            self.fields["special_committee_id"].choices = [("", _("本人名义"))] + list(committees)
        else:
            del self.fields["special_committee_id"]
        if staff:
            staff_sources = [
                (s.value, s.label) for s in SuggestionSource if s.value in ("leader", "department", "public")
            ]
            self.fields["source"].choices = [("", "—"), *staff_sources]
            self.fields["source"].required = member is None
        else:
            del self.fields["source"]
            del self.fields["source_name"]
