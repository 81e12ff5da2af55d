"""The pages' forms: each workflow action's form is made from its input schema (``core.forms``); the group's form
offers the serving members and the secretariat's accounts; linking an activity offers duty's activities."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin, action_form_fields, apply_page_hints, posted_body
from zhengxie.core.roles import Role
from zhengxie.duty.services import activity_choices
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member

from .choices import VISIT_KINDS

_FORMS: dict = {}


class SchemaForm(StyledFormMixin, forms.Form):
    schema = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_page_hints(self, self.schema)


def action_form_class(flow, name: str):
    """The page form of an action with input, made once from its schema; ``None`` for an action without input."""
    step = flow.actions.get(name)
    if step is None or not step.takes_input:
        return None
    if step.schema not in _FORMS:
        attrs = {**action_form_fields(step.schema), "schema": step.schema, "__module__": __name__}
        _FORMS[step.schema] = type(f"{step.schema.__name__}Form", (SchemaForm,), attrs)
    return _FORMS[step.schema]


class GroupForm(StyledFormMixin, forms.Form):
    member_ids = forms.MultipleChoiceField(
        label=_("小组委员"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    staff_ids = forms.MultipleChoiceField(
        label=_("小组工作人员"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )

    def __init__(self, *args, topic=None, **kwargs):
        if topic is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "member_ids": [str(pk) for pk in topic.members.values_list("pk", flat=True)],
                "staff_ids": [str(pk) for pk in topic.staff.values_list("pk", flat=True)],
            }
        super().__init__(*args, **kwargs)
        members = Member.objects.filter(status=MemberStatus.SERVING).select_related("sector").order_by("name", "pk")
        self.fields["member_ids"].choices = [(str(m.pk), f"{m.name}（{m.sector.name}）") for m in members]
        staff = get_user_model().objects.filter(role_grants__role=Role.SECRETARIAT, is_active=True).distinct()
        self.fields["staff_ids"].choices = [(str(u.pk), str(u)) for u in staff.order_by("display_name", "pk")]


class LinkActivityForm(StyledFormMixin, forms.Form):
    activity_id = forms.ChoiceField(label=_("活动"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = activity_choices(kinds=[code for code, _words in VISIT_KINDS])
        self.fields["activity_id"].choices = [("", "—"), *[(str(pk), text) for pk, text in options]]


class SchemeFileForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("实施方案文件"))


class PlanForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("名称"), max_length=200, required=False, help_text=_("不填则为“某年度民主监督计划”。")
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def payload_of(flow, name: str, post) -> dict:
    """A page's POST as the action's body: the group's lists as lists, everything else field by field."""
    if name == "set_group":
        return {"member_ids": post.getlist("member_ids"), "staff_ids": post.getlist("staff_ids")}
    step = flow.actions[name]
    return posted_body(step.schema, post) if step.takes_input else {}
