"""Forms of opinion-report pages: the draft editor, and each action's form made from its input schema (``inputs``),
so the page asks for what the API takes and the engine checks it the same way."""

import typing

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import Label, Options, Page, metadata_of
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import CollectiveProposer, Member

from .models import OpinionCategory

STAFF = {Role.SECRETARIAT, Role.OPINION_EDITOR}


class DraftForm(forms.Form):
    proposer = forms.ChoiceField(label=_("报送名义"), required=False)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    content = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000, required=False
    )
    suggestions = forms.CharField(
        label=_("建议"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000, required=False
    )
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=OpinionCategory.objects.none(), required=False, empty_label=_("请选择类别")
    )
    coauthor_ids = forms.ModelMultipleChoiceField(
        label=_("联名作者"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("可选多位（按住 Ctrl 多选）；每位联名作者须确认。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, user, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.report = user, report
        self.fields["category"].queryset = OpinionCategory.objects.filter(is_active=True)
        own = (
            report.lead_member_id
            if report is not None
            else Member.objects.filter(user=user).values_list("pk", flat=True).first()
        )
        self.fields["coauthor_ids"].queryset = (
            Member.objects.filter(status=MemberStatus.SERVING).exclude(pk=own).order_by("name")
        )
        if report is None:
            choices = self.proposer_choices(user)
            if len(choices) > 1:
                self.fields["proposer"].choices = choices
            else:
                del self.fields["proposer"]
        else:
            del self.fields["proposer"]
            if report.lead_member_id is None:
                del self.fields["coauthor_ids"]

    @staticmethod
    def proposer_choices(user) -> list[tuple[str, str]]:
        roles = roles_of(user)
        out = []
        if Role.MEMBER in roles:
            out.append(("", _("本人（可联名）")))
        out += [(f"c{c.pk}", str(c)) for c in CollectiveProposer.objects.filter(contacts=user)]
        if roles & STAFF:
            out.append(("staff", _("机关（工作人员报送）")))
        return out

    def service_data(self) -> dict:
        d = self.cleaned_data
        out = {
            "title": d.get("title") or "",
            "content": d.get("content") or "",
            "suggestions": d.get("suggestions") or "",
            "category_id": d["category"].pk if d.get("category") else None,
        }
        if "coauthor_ids" in self.fields:
            chosen = d.get("coauthor_ids") or []
            out["coauthor_ids"] = [m.pk for m in chosen]
        proposer = d.get("proposer") or ""
        if self.report is None:
            if proposer.startswith("c") and proposer[1:].isdigit():
                out["collective_id"] = int(proposer[1:])
                out.pop("coauthor_ids", None)
            elif proposer == "staff" or (Role.MEMBER not in roles_of(self.user) and roles_of(self.user) & STAFF):
                out["as_staff"] = True
                out.pop("coauthor_ids", None)
        return out


def action_form_class(schema) -> type[forms.Form]:
    """A page form for an action's input schema: text boxes, areas, dates and choices as the schema and its
    ``Page`` hints say; the engine validates what is sent."""
    fields = {}
    for name, info in schema.model_fields.items():
        label = metadata_of(schema, name, Label)
        page = metadata_of(schema, name, Page) or Page()
        options = metadata_of(schema, name, Options)
        words = str(page.label or (label.text if label else name))
        required = info.is_required()
        origin = typing.get_origin(info.annotation)
        if origin is list:
            item = typing.get_args(info.annotation)[0]
            item_options = None
            for meta in getattr(item, "__metadata__", ()):
                if isinstance(meta, Options):
                    item_options = meta
            fields[name] = forms.MultipleChoiceField(
                label=words,
                choices=list(item_options.pairs) if item_options else [],
                widget=forms.CheckboxSelectMultiple,
                required=required,
            )
        elif options is not None:
            fields[name] = forms.ChoiceField(
                label=words,
                choices=list(options.pairs),
                widget=forms.RadioSelect if page.radio else forms.Select,
                required=required,
            )
        elif "date" in name:
            fields[name] = forms.DateField(
                label=words, required=required, widget=forms.DateInput(attrs={"type": "date"})
            )
        else:
            widget = forms.Textarea(attrs={"rows": page.rows}) if page.rows and page.rows > 1 else forms.TextInput
            fields[name] = forms.CharField(label=words, required=required, widget=widget)
    return type(f"{schema.__name__}Form", (forms.Form,), fields)
