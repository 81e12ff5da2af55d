"""Forms of the deliberation pages. They check the input's shape and build the payload the services take; whether
the person may act, and in which state, is decided by the services (the workflow engine) alone."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin
from zhengxie.core.params import db_int
from zhengxie.people.forms import InvitationScopeFields
from zhengxie.people.models import HandlingUnit

DATETIME_WIDGET = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
RECOMMENDATION_ROWS = 3


class DeliberationForm(StyledFormMixin, InvitationScopeFields):
    """A new deliberation (a draft until opened). Invitees: any union of everyone, the standing committee, sectors,
    special committees and members picked by name — as for activities."""

    title = forms.CharField(label=_("议题"), max_length=200)
    background = forms.CharField(label=_("背景材料"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    opens_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT)
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT)
    )
    field_order = ("title", "background", "opens_at", "closes_at")  # then the invitation scope's
    UNSTYLED = InvitationScopeFields.INVITATION_LISTS
    ERROR_FIELDS = {"invitees.member_ids": "members", "invitees.sector_ids": "sectors", "invitees": None}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.UNSTYLED:
            self.fields[name].widget.attrs.pop("class", None)

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "background": d["background"],
            "opens_at": d["opens_at"].isoformat(),
            "closes_at": d["closes_at"].isoformat(),
            "invitees": self.invitation_scope(),
        }

    @classmethod
    def initial_for(cls, d) -> dict:
        local = timezone.localtime
        return {
            "title": d.title,
            "background": d.background,
            "opens_at": local(d.opens_at).replace(tzinfo=None),
            "closes_at": local(d.closes_at).replace(tzinfo=None),
            **cls.invitation_scope_initial(d.invitees_spec),
        }


class SummaryForm(StyledFormMixin, forms.Form):
    """The summary (综述) and up to three recommendations, each to a handling unit."""

    title = forms.CharField(label=_("综述标题"), max_length=200, required=False, help_text=_("不填则按议题命名。"))
    summary = forms.CharField(label=_("综述"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [("", "—"), *HandlingUnit.objects.order_by("name").values_list("pk", "name")]
        for i in range(1, RECOMMENDATION_ROWS + 1):
            self.fields[f"rec{i}_text"] = forms.CharField(
                label=_("建议 %(n)d") % {"n": i}, required=False, max_length=2000
            )
            self.fields[f"rec{i}_unit"] = forms.ChoiceField(label=_("承办单位"), choices=units, required=False)
            self.fields[f"rec{i}_due"] = forms.DateField(
                label=_("落实期限"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        # The mixin styled the fields that existed when it ran; these rows are added after it.
        for name, field in self.fields.items():
            if name.startswith("rec"):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css

    def rows(self):
        return [
            (self[f"rec{i}_text"], self[f"rec{i}_unit"], self[f"rec{i}_due"]) for i in range(1, RECOMMENDATION_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for i in range(1, RECOMMENDATION_ROWS + 1):
            if data.get(f"rec{i}_text") and not data.get(f"rec{i}_unit"):
                self.add_error(f"rec{i}_unit", _("请选择承办单位"))
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        recs = []
        for i in range(1, RECOMMENDATION_ROWS + 1):
            text, unit = d.get(f"rec{i}_text"), db_int(d.get(f"rec{i}_unit"))
            if text and unit:
                due = d.get(f"rec{i}_due")
                recs.append({"text": text, "unit_id": unit, "due_date": due.isoformat() if due else None})
        return {"title": d.get("title") or "", "summary": d["summary"], "recommendations": recs}
