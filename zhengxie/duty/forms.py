"""Forms of the activity pages. They check the input's shape and build the payload the services take; whether the
person may act, and in which state, is decided by ``activities.activity_act`` alone."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin, action_form_fields, posted_body
from zhengxie.people.forms import InvitationScopeFields
from zhengxie.people.models import SpecialCommittee

from .activities import ACTIVITY, CancelInput, LeaveInput, SpeechInput
from .models import ActivityKind, ActivityState, AttendanceMode, AttendanceStatus

DATETIME_WIDGET = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ActivityForm(StyledFormMixin, InvitationScopeFields):
    """A new activity (a draft until published). Invitees: any union of everyone, the standing committee, sectors,
    special committees and members picked by name."""

    title = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ModelChoiceField(
        label=_("活动类别"), queryset=ActivityKind.objects.filter(is_active=True), to_field_name="code"
    )
    organiser = forms.ModelChoiceField(
        label=_("组织单位"),
        queryset=SpecialCommittee.objects.all(),
        required=False,
        empty_label=_("机关"),
        help_text=_("谁组织谁记录：组织单位负责考勤。"),
    )
    start = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT)
    )
    end = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT)
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attendance = forms.ChoiceField(
        label=_("参加方式"),
        choices=AttendanceMode.choices,
        initial=AttendanceMode.REQUIRED,
        widget=forms.RadioSelect,
    )
    capacity = forms.IntegerField(label=_("人数上限"), required=False, min_value=1, help_text=_("不填为不限人数。"))
    sign_up_closes = forms.DateTimeField(
        label=_("报名截止"),
        required=False,
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET, format=DATETIME_FORMAT),
    )
    half_days = forms.IntegerField(
        label=_("半天数"), required=False, min_value=1, max_value=20, initial=1, help_text=_("全体会议按每半天计分。")
    )
    training_hours = forms.DecimalField(
        label=_("学时"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("999.9"),
        decimal_places=1,
        initial=Decimal("0"),
        help_text=_("培训按学时计分；其他活动填 0。"),
    )

    # The invitation scope's fields stand after the description, as the page shows them.
    field_order = ("title", "kind", "organiser", "start", "end", "place", "description")
    # Choice lists are drawn by the template (a fieldset of checkboxes each), not as one styled control.
    UNSTYLED = (*InvitationScopeFields.INVITATION_LISTS, "attendance")
    # Where the service's error keys belong on this form.
    ERROR_FIELDS = {"organiser_id": "organiser", "invitees.member_ids": "members", "invitees": None}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.UNSTYLED:
            self.fields[name].widget.attrs.pop("class", None)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # Half days count only for the plenary and hours only for training; other kinds count once per activity.
        if data.get("half_days") is None or (kind is not None and kind.code != "plenary"):
            data["half_days"] = 1
        if data.get("training_hours") is None or (kind is not None and kind.code != "training"):
            data["training_hours"] = Decimal("0")
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        sign_up = d["attendance"] == AttendanceMode.SIGN_UP
        return {
            "title": d["title"],
            "kind": d["kind"].code,
            "organiser_id": d["organiser"].pk if d["organiser"] else None,
            "start": d["start"].isoformat(),
            "end": d["end"].isoformat(),
            "place": d["place"],
            "description": d["description"],
            "attendance": d["attendance"],
            "capacity": d["capacity"] if sign_up else None,
            "sign_up_closes": d["sign_up_closes"].isoformat() if sign_up and d["sign_up_closes"] else None,
            "invitees": self.invitation_scope(),
            "half_days": d["half_days"],
            "training_hours": d["training_hours"],
        }

    @classmethod
    def initial_for(cls, activity) -> dict:
        """The form filled in with a (draft) activity, to edit it: times in the committee's zone."""
        local = timezone.localtime
        return {
            "title": activity.title,
            "kind": activity.kind.code,
            "organiser": activity.organiser_id,
            "start": local(activity.start).replace(tzinfo=None),
            "end": local(activity.end).replace(tzinfo=None),
            "place": activity.place,
            "description": activity.description,
            **cls.invitation_scope_initial(activity.invitees_spec),
            "attendance": activity.attendance,
            "capacity": activity.capacity,
            "sign_up_closes": local(activity.sign_up_closes).replace(tzinfo=None) if activity.sign_up_closes else None,
            "half_days": activity.half_days,
            "training_hours": activity.training_hours,
        }


def _action_form(schema, name: str):
    """The page form of an activity action, made from its input schema (``core.forms.action_form_fields``)."""
    return type(name, (StyledFormMixin, forms.Form), {**action_form_fields(schema), "__module__": __name__})


LeaveRequestForm = _action_form(LeaveInput, "LeaveRequestForm")
CancelForm = _action_form(CancelInput, "CancelForm")


class SpeechForm(_action_form(SpeechInput, "SpeechFormFields")):
    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_id"].choices = [("", "—")] + [(i.member_id, i.member.name) for i in invitations]


class MaterialForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("材料文件"), help_text=_("PDF、Word、Excel 或图片，仅受邀委员可见。"))


class CheckInCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("签到码"), max_length=100)


# Payloads of the actions: the POSTed fields as the action's body (its input schema names them), which the engine
# validates as it does an API body. Attendance is asked row by row on the page, and gathered into its entries here.


def _mark_entries(post) -> list[dict]:
    """Bulk marking posts ``member_id`` (one per ticked box) and one ``status``; corrections after closing post a
    ``status_<member id>`` per member. Empty selections are left out."""
    entries = [{"member_id": v, "status": post.get("status", "")} for v in post.getlist("member_id") if v]
    for key, value in post.items():
        if key.startswith("status_") and value:
            entries.append({"member_id": key.removeprefix("status_"), "status": value})
    return entries


def action_payload(action: str, post) -> dict:
    if action == "mark_attendance":
        return {"entries": _mark_entries(post)}
    step = ACTIVITY.actions.get(action)
    return posted_body(step.schema, post) if step is not None else {}


# The list page's filters --------------------------------------------------------------------------------------


def parse_month(value: str | None):
    """``YYYY-MM`` → (year, month), or None."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
    except ValueError:
        return None
    if 1949 <= year <= 2200 and 1 <= month <= 12:
        return year, month
    return None


def list_filters(get) -> dict:
    kind = get.get("kind", "")
    state = get.get("state", "")
    month = parse_month(get.get("month"))
    view = get.get("view", "")
    return {
        "kind": kind,
        "state": state if state in ActivityState.values else "",
        "month": f"{month[0]:04d}-{month[1]:02d}" if month else "",
        "view": view if view in ("list", "month") else "list",
    }


# Statuses offered for marking: before closing only present or late (absence and leave are settled at closing).
BULK_STATUSES = [(s.value, s.label) for s in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)]
