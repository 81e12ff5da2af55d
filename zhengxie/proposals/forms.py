"""Input forms of the proposal pages: the draft editor, the payload of each workflow action, the category list.

The forms check only the shape of the input and turn it into the keyword payload that ``actions.proposal_act`` /
``actions.assignment_act`` read; whether the person may act, and whether the values are acceptable, is decided by
the services, whose ``InvalidInput.errors`` are shown on the same fields (``add_refusal_errors``). Handling units and
co-signers (thousands of them) are chosen with a type-ahead (``Lookup``), never listed.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.accounts.roles import Role
from zhengxie.core.forms import StyledFormMixin
from zhengxie.core.workflow import label_of
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member

from .choices import AssignmentMode, AssignmentRole, ContactWay, ConvertKind, ReplyState, Satisfaction, SupervisionKind
from .conf import conf
from .models import Category, Proposal
from .selectors import replies_awaiting_evaluation


def add_refusal_errors(form: forms.Form, errors: dict, message: str = "") -> None:
    """Put a service's ``{field: message}`` on the form's fields (wired for screen readers as ``StyledFormMixin``
    does); messages for keys that are not fields of the form go above the form."""
    placed = False
    for key, text in (errors or {}).items():
        name = form.field_for_error(key) if hasattr(form, "field_for_error") else key
        if name in form.fields:
            form.add_error(name, str(text))
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}_errors"
            placed = True
        else:
            form.add_error(None, str(text))
            placed = True
    if message and not placed:
        form.add_error(None, message)


# A unit is found by its name or its short name.
UNIT_SEARCH = ("name", "short_name")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text_area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


# Type-ahead choices -----------------------------------------------------------------------------------------------

# Separators between several names typed without JavaScript.
_NAME_SEPARATORS = re.compile(r"[,，、;；\n]+")


class LookupInput:
    """What a ``Lookup`` widget sent: the ids chosen from its list and, when sent, the text of its box (the script
    leaves it out once a choice is made, and empties it after adding a choice to a multiple one)."""

    def __init__(self, ids: list[str], text: str | None):
        self.ids, self.text = ids, text

    def __repr__(self):
        return f"LookupInput({self.ids!r}, {self.text!r})"


class Lookup(forms.Select):
    """A choice among thousands (handling units, members): a text box whose typing offers the matching names from
    ``lookup`` (a URL name answering ``?q=`` with JSON, ``views.unit_lookup``), keyboard-usable as an ARIA combobox
    (``lookup.js``); only the chosen ones are rendered, never the whole list. ``multiple``: the chosen are kept as
    removable chips. Without JavaScript the chosen stay as check boxes and the text box is sent: the field finds the
    names typed in it (several separated by 、 or commas)."""

    template_name = "proposals/widgets/lookup.html"

    def __init__(self, *, lookup: str, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.lookup, self.allow_multiple_selected = lookup, multiple
        self.exclude: list[int] = []  # offered by the lookup but not choosable here

    def use_required_attribute(self, initial):
        return False  # the text box may stay empty while a choice is made

    def value_from_datadict(self, data, files, name):
        ids = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if not isinstance(ids, list | tuple):
            ids = [] if ids in (None, "") else [ids]
        text = data.get(f"{name}__text")
        return LookupInput([str(i).strip() for i in ids if str(i).strip()], None if text is None else str(text))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}__text" not in data

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's: it lists every choice
        field = self.choices.field
        if isinstance(value, LookupInput):
            ids, text = value.ids, value.text
        else:
            ids = list(value) if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
            ids, text = [str(getattr(v, "pk", v)) for v in ids], None
        ids = [i for i in ids if i.isdigit()]
        found = {str(o.pk): o for o in field.queryset.filter(pk__in=ids)} if ids else {}
        chosen = [(pk, field.label_from_instance(found[pk])) for pk in dict.fromkeys(ids) if pk in found]
        if not self.allow_multiple_selected:
            chosen = chosen[-1:]
            if text is None:
                text = chosen[0][1] if chosen else ""
        w = context["widget"]
        w["attrs"]["class"] = w["attrs"].get("class", "").replace("form-select", "form-control")
        w.update(
            chosen=chosen,
            text=text or "",
            url=reverse(self.lookup),
            multiple=self.allow_multiple_selected,
            exclude=",".join(str(pk) for pk in self.exclude),
        )
        return context


class _LookupField:
    """Finds the names typed without JavaScript among the field's queryset: a name or short name equal to the text,
    else the only one containing it."""

    search_fields = ("name",)
    default_error_messages = {
        "not_found": _("找不到“%(t)s”，请从列表中选择。"),
        "ambiguous": _("“%(t)s”对应多项，请输入完整名称或从列表中选择。"),
    }

    def _find(self, text: str):
        for lookup in ("iexact", "icontains"):
            q = Q()
            for f in self.search_fields:
                q |= Q(**{f"{f}__{lookup}": text})
            found = list(self.queryset.filter(q).order_by("pk")[:2])
            if len(found) == 1:
                return found[0]
            if found:
                raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"t": text})
        raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params={"t": text})

    def has_changed(self, initial, data):
        return True  # what was typed is resolved when cleaning; no form of these pages asks before that


class LookupChoiceField(_LookupField, forms.ModelChoiceField):
    def __init__(self, *, lookup: str, search_fields=("name",), **kwargs):
        self.search_fields = search_fields
        kwargs.setdefault("widget", Lookup(lookup=lookup))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, LookupInput):
            chosen = value.ids[-1] if value.ids else None
            text = None if value.text is None else value.text.strip()
            if text is None:
                value = chosen
            elif not text:
                value = None
            else:
                current = self.queryset.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
                if current is not None and self.label_from_instance(current) == text:
                    return current
                return self._find(text)
        return super().to_python(value)


class LookupMultipleChoiceField(_LookupField, forms.ModelMultipleChoiceField):
    def __init__(self, *, lookup: str, search_fields=("name",), **kwargs):
        self.search_fields = search_fields
        kwargs.setdefault("widget", Lookup(lookup=lookup, multiple=True))
        super().__init__(**kwargs)

    def clean(self, value):
        if isinstance(value, LookupInput):
            pks, errors = list(value.ids), []
            for term in _NAME_SEPARATORS.split(value.text or ""):
                if term.strip():
                    try:
                        pks.append(str(self._find(term.strip()).pk))
                    except forms.ValidationError as exc:
                        errors.extend(exc.error_list)
            if errors:
                raise forms.ValidationError(errors)
            value = list(dict.fromkeys(pks))
        return super().clean(value)


class MemberLookupField(LookupMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector}）"


class _SetupFirst(forms.Form):
    """Runs ``setup()`` (choices, querysets, help texts) right after Django builds the fields and before
    ``StyledFormMixin`` styles them — it validates a bound form while styling, so the fields must be final by then."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def setup(self) -> None:
        pass


class _RadioMixin:
    """Radio buttons get Bootstrap's check classes instead of ``form-control``; help texts set after
    ``StyledFormMixin`` ran are tied to their inputs too."""

    def _fix_radios(self):
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"
            if field.help_text and "aria-describedby" not in field.widget.attrs:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"


# The draft editor -------------------------------------------------------------------------------------------------


class DraftForm(_RadioMixin, StyledFormMixin, _SetupFirst):
    """save_draft: every section may still be empty; ``submit`` checks the content (title ≤ 50 characters …)."""

    collective_id = forms.ChoiceField(label=_("提案者"), required=False)
    title = forms.CharField(label=_("案由"), max_length=200, required=False)
    analysis = forms.CharField(label=_("情况分析"), required=False, max_length=20000, widget=_text_area(8))
    suggestions = forms.CharField(label=_("具体建议"), required=False, max_length=20000, widget=_text_area(8))
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.none(), required=False, empty_label=_("请选择类别")
    )
    cosigner_ids = MemberLookupField(
        label=_("联名人"),
        lookup="proposals:member_lookup",
        queryset=Member.objects.none(),
        required=False,
        help_text=_("输入姓名查找，可选多位；提交后每位联名人须确认。"),
    )
    suggested_unit_ids = LookupMultipleChoiceField(
        label=_("建议承办单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("输入名称查找，可选多个；也可不选，由提案委交办。"),
    )

    def __init__(self, *args, user, proposal: Proposal | None = None, **kwargs):
        self.user, self.proposal = user, proposal
        super().__init__(*args, **kwargs)
        self._fix_radios()

    def setup(self):
        user, proposal = self.user, self.proposal
        self.fields["title"].help_text = _("一事一案；提交时案由不超过%(n)d字。") % {"n": conf("TITLE_MAX_LENGTH")}
        # Inactive categories stay selectable on a draft that already uses one.
        categories = Category.objects.filter(is_active=True)
        if proposal is not None and proposal.category_id:
            categories = Category.objects.filter(pk=proposal.category_id) | categories
        self.fields["category"].queryset = categories.order_by("sort_order", "id")
        self.fields["suggested_unit_ids"].queryset = HandlingUnit.objects.filter(is_active=True).order_by("name")
        own_member = proposal.lead_member_id if proposal is not None else getattr(_member_of(user), "pk", None)
        self.fields["cosigner_ids"].queryset = (
            Member.objects.filter(status=MemberStatus.SERVING).exclude(pk=own_member).select_related("sector")
        )
        self.fields["cosigner_ids"].widget.exclude = [own_member] if own_member else []
        if proposal is None:
            self.fields["collective_id"].choices = self.proposer_choices(user)
            if all(value == "" for value, _label in self.fields["collective_id"].choices):
                del self.fields["collective_id"]  # a member with no collective files in their own name
        else:
            del self.fields["collective_id"]
        if proposal is not None and proposal.collective_id:
            del self.fields["cosigner_ids"]

    @staticmethod
    def proposer_choices(user) -> list[tuple[str, str]]:
        """In whose name the proposal is filed: the member personally, or a collective the user is contact of (the
        office may file for any collective)."""
        from zhengxie.core.access import roles_of

        roles = roles_of(user)
        choices = []
        if Role.MEMBER in roles:
            choices.append(("", _("本人（个人提案）")))
        collectives = CollectiveProposer.objects.all()
        if Role.PROPOSAL_OFFICE not in roles:
            collectives = collectives.filter(contacts=user)
        choices.extend((str(c.pk), str(c)) for c in collectives)
        return choices

    @staticmethod
    def may_propose(user) -> bool:
        """Whether ``proposer_choices`` offers anyone: the user is a member, or may file for a collective."""
        from zhengxie.core.access import roles_of

        roles = roles_of(user)
        if Role.MEMBER in roles:
            return True
        collectives = CollectiveProposer.objects.all()
        if Role.PROPOSAL_OFFICE not in roles:
            collectives = collectives.filter(contacts=user)
        return collectives.exists()

    def clean_collective_id(self):
        value = self.cleaned_data.get("collective_id") or ""
        if value == "" and ("", _("本人（个人提案）")) not in self.fields["collective_id"].choices:
            raise forms.ValidationError(_("请选择以哪个集体的名义提出。"))
        return value

    @property
    def is_collective(self) -> bool:
        if self.proposal is not None:
            return self.proposal.collective_id is not None
        return bool(self.is_bound and self.data.get("collective_id"))

    def field_for_error(self, key: str) -> str:
        return {"category_id": "category"}.get(key, key)

    def service_data(self) -> dict:
        data = self.cleaned_data
        out = {
            "title": data["title"],
            "analysis": data["analysis"],
            "suggestions": data["suggestions"],
            "category_id": data["category"].pk if data.get("category") else None,
            "suggested_unit_ids": [u.pk for u in data.get("suggested_unit_ids") or []],
        }
        if "cosigner_ids" in self.fields and not self.is_collective:
            out["cosigner_ids"] = [m.pk for m in data.get("cosigner_ids") or []]
        if self.proposal is None and data.get("collective_id"):
            out["collective_id"] = int(data["collective_id"])
        return out


def _member_of(user):
    return Member.objects.filter(user=user).only("pk").first() if user is not None else None


class AttachmentForm(StyledFormMixin, _SetupFirst):
    file = forms.FileField(label=_("附件"))
    reply = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def setup(self):
        limit = conf("ATTACHMENT_MAX_BYTES") // (1024 * 1024)
        self.fields["file"].help_text = _("PDF、Word、Excel 或图片，不超过 %(n)d MB。") % {"n": limit}


# Action payloads --------------------------------------------------------------------------------------------------


class ActionForm(_RadioMixin, StyledFormMixin, _SetupFirst):
    """The payload of one workflow action. ``payload()`` gives the dict the action's handler reads."""

    def __init__(self, *args, proposal=None, assignment=None, user=None, **kwargs):
        self.proposal, self.assignment, self.user = proposal, assignment, user
        super().__init__(*args, **kwargs)
        self._fix_radios()

    def payload(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class _OptionalComment(ActionForm):
    comment = forms.CharField(label=_("说明"), required=False, max_length=5000, widget=_text_area(2))


class WithdrawForm(_OptionalComment):
    pass


class ReturnForRevisionForm(ActionForm):
    comment = forms.CharField(label=_("退回意见"), max_length=5000, widget=_text_area(3))


class MergeForm(ActionForm):
    into = forms.CharField(
        label=_("并入的提案"),
        max_length=30,
        help_text=_("填写主提案的案号，未立案的填 # 加编号（如 #12）；待审查的主提案将同时立案。"),
        widget=forms.TextInput(attrs={"list": "merge-candidates", "autocomplete": "off"}),
    )

    def payload(self) -> dict:
        from .selectors import visible_proposals

        raw = self.cleaned_data["into"].strip()
        if raw.startswith("#"):
            return {"into": raw[1:].strip()}
        target = visible_proposals(self.user).filter(number=raw).values_list("pk", flat=True).first()
        return {"into": target if target is not None else raw}


class ConvertForm(ActionForm):
    kind = forms.ChoiceField(label=_("转为"), choices=ConvertKind.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("说明"), required=False, max_length=5000, widget=_text_area(2))

    def setup(self):
        self.fields["kind"].initial = ConvertKind.OPINION_REPORT


class RejectForm(ActionForm):
    ground = forms.ChoiceField(label=_("不予立案理由"))
    explanation = forms.CharField(label=_("说明"), max_length=5000, widget=_text_area(3))

    def setup(self):
        self.fields["ground"].choices = [
            ("", _("请选择理由")),
            *((c, str(label)) for c, label in conf("REJECTION_GROUNDS")),
        ]


def _units():
    return HandlingUnit.objects.filter(is_active=True).order_by("name")


class AssignForm(ActionForm):
    """交办: single (one unit), separate (each unit replies) or lead (one lead unit and co-handlers)."""

    mode = forms.ChoiceField(label=_("交办方式"), choices=AssignmentMode.choices, widget=forms.RadioSelect)
    lead_unit = LookupChoiceField(
        label=_("主办（单办）单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.none(),
        required=False,
    )
    other_units = LookupMultipleChoiceField(
        label=_("会办（分办）单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("主办时为会办单位；分办时与上一项一起各自答复。"),
    )
    due_date = forms.DateField(label=_("办理期限"), required=False, widget=_date_widget())

    def setup(self):
        self.fields["due_date"].help_text = _("不填则为交办之日起%(n)d个月。") % {"n": conf("DEFAULT_DUE_MONTHS")}
        self.fields["lead_unit"].queryset = _units()
        self.fields["other_units"].queryset = _units()
        self.fields["mode"].widget.attrs["data-assign-mode"] = "1"
        if self.proposal is not None and not self.is_bound:
            suggested = list(self.proposal.suggested_units.filter(is_active=True).order_by("name"))
            if suggested:
                self.initial.setdefault("lead_unit", suggested[0].pk)
                self.initial.setdefault("other_units", [u.pk for u in suggested[1:]])
            self.initial.setdefault("mode", AssignmentMode.LEAD if len(suggested) > 1 else AssignmentMode.SINGLE)

    def field_for_error(self, key: str) -> str:
        return {"units": "lead_unit"}.get(key, key)

    def payload(self) -> dict:
        data = self.cleaned_data
        mode, lead, others = data["mode"], data.get("lead_unit"), list(data.get("other_units") or [])
        first_role, other_role = {
            AssignmentMode.SINGLE: (AssignmentRole.SINGLE, AssignmentRole.SINGLE),
            AssignmentMode.SEPARATE: (AssignmentRole.SEPARATE, AssignmentRole.SEPARATE),
            AssignmentMode.LEAD: (AssignmentRole.LEAD, AssignmentRole.CO),
        }[mode]
        units = ([{"unit_id": lead.pk, "role": str(first_role)}] if lead else []) + [
            {"unit_id": u.pk, "role": str(other_role)} for u in others
        ]
        out = {"mode": mode, "units": units}
        if data.get("due_date"):
            out["due_date"] = data["due_date"]
        return out


class EvaluateForm(ActionForm):
    reply_id = forms.ChoiceField(label=_("答复"))
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=[
            (Satisfaction.SATISFIED, Satisfaction.SATISFIED.label),
            (Satisfaction.BASICALLY_SATISFIED, Satisfaction.BASICALLY_SATISFIED.label),
            (Satisfaction.DISSATISFIED, Satisfaction.DISSATISFIED.label),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("测评意见"), required=False, max_length=5000, widget=_text_area(3), help_text=_("选择“不满意”时必填。")
    )

    def setup(self):
        choices, seen = [], set()
        for reply, _on_behalf in replies_awaiting_evaluation(self.proposal, self.user) if self.proposal else []:
            if reply.pk not in seen:
                seen.add(reply.pk)
                label = _("%(u)s 的答复（第%(r)d轮）") % {"u": reply.assignment.unit, "r": reply.round}
                choices.append((str(reply.pk), label))
        self.fields["reply_id"].choices = choices
        if len(choices) == 1:
            self.initial.setdefault("reply_id", choices[0][0])


class RehandlingForm(ActionForm):
    comment = forms.CharField(label=_("重新办理要求"), max_length=5000, widget=_text_area(3))
    due_date = forms.DateField(label=_("新的办理期限"), required=False, widget=_date_widget())

    def setup(self):
        self.fields["due_date"].help_text = _("不填则为%(n)d个月后。") % {"n": conf("REHANDLING_DUE_MONTHS")}


class CloseForm(_OptionalComment):
    pass


class FollowupForm(ActionForm):
    date = forms.DateField(label=_("回头看日期"), required=False, widget=_date_widget())

    def setup(self):
        self.fields["date"].help_text = _("不填则为%(n)d个月后。") % {"n": conf("FOLLOWUP_AFTER_MONTHS")}


def _leader_choices():
    users = (
        get_user_model()
        .objects.filter(role_grants__role=Role.LEADER, is_active=True)
        .distinct()
        .order_by("display_name", "id")
    )
    return [("", _("请选择督办领导"))] + [(str(u.pk), str(u)) for u in users]


class ProposeKeyForm(ActionForm):
    supervising_leader_id = forms.ChoiceField(label=_("督办领导"))

    def setup(self):
        self.fields["supervising_leader_id"].choices = _leader_choices()


class ApproveKeyForm(ProposeKeyForm):
    def setup(self):
        super().setup()
        self.fields["supervising_leader_id"].required = False
        self.fields["supervising_leader_id"].help_text = _("不选则为提案委拟定的督办领导。")
        if self.proposal is not None and self.proposal.supervising_leader_id:
            self.initial.setdefault("supervising_leader_id", str(self.proposal.supervising_leader_id))


class DeclineKeyForm(_OptionalComment):
    pass


class SupervisionForm(ActionForm):
    kind = forms.ChoiceField(label=_("督办形式"), choices=SupervisionKind.choices)
    date = forms.DateField(label=_("日期"), widget=_date_widget())
    findings = forms.CharField(label=_("督办情况"), max_length=5000, widget=_text_area(3))

    def setup(self):
        self.initial.setdefault("date", timezone.localdate())


class NominateExcellentForm(_OptionalComment):
    pass


class DeclineExcellentForm(_OptionalComment):
    pass


# Assignment payloads


class DisputeForm(ActionForm):
    reason = forms.CharField(
        label=_("申请调整理由"),
        max_length=5000,
        widget=_text_area(3),
        help_text=_("说明为何不属于本单位职责，并可建议承办单位。"),
    )


class ResolveDisputeForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("处理决定"),
        choices=[("keep", _("维持交办，告知理由")), ("reassign", _("改交其他单位"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("处理意见"), max_length=5000, widget=_text_area(2))
    units = LookupMultipleChoiceField(
        label=_("改交单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("改交时选择；承办方式与原交办相同。"),
    )
    due_date = forms.DateField(label=_("办理期限"), required=False, widget=_date_widget())

    def setup(self):
        qs = _units()
        if self.assignment is not None:
            qs = qs.exclude(pk=self.assignment.unit_id)
            self.fields["units"].widget.exclude = [self.assignment.unit_id]
        self.fields["units"].queryset = qs

    def payload(self) -> dict:
        data = self.cleaned_data
        out = {"decision": data["decision"], "comment": data["comment"]}
        if data["decision"] == "reassign":
            role = self.assignment.role if self.assignment is not None else AssignmentRole.SINGLE
            out["units"] = [{"unit_id": u.pk, "role": str(role)} for u in data.get("units") or []]
            if data.get("due_date"):
                out["due_date"] = data["due_date"]
        return out


class ContactForm(ActionForm):
    date = forms.DateField(label=_("沟通日期"), widget=_date_widget())
    way = forms.ChoiceField(label=_("沟通方式"), choices=ContactWay.choices)
    summary = forms.CharField(label=_("沟通情况"), max_length=5000, widget=_text_area(3))

    def setup(self):
        self.initial.setdefault("date", timezone.localdate())


class CoOpinionForm(ActionForm):
    text = forms.CharField(label=_("会办意见"), max_length=20000, widget=_text_area(5))


class ExtensionRequestForm(ActionForm):
    due_date = forms.DateField(label=_("申请延期至"), widget=_date_widget())
    reason = forms.CharField(label=_("延期理由"), max_length=5000, widget=_text_area(3))

    def setup(self):
        self.fields["due_date"].help_text = _("自交办之日起最长%(n)d个月。") % {"n": conf("MAX_DUE_MONTHS")}


class DecideExtensionForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("审批结果"), choices=[("approve", _("同意延期")), ("decline", _("不同意"))], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("审批意见"), required=False, max_length=5000, widget=_text_area(2), help_text=_("不同意时必填。")
    )

    def field_for_error(self, key: str) -> str:
        return {"approve": "decision"}.get(key, key)

    def payload(self) -> dict:
        return {"approve": self.cleaned_data["decision"] == "approve", "comment": self.cleaned_data["comment"]}


def _grade_choices(empty: str):
    return [("", empty), *((code, str(label)) for code, label in conf("GRADES"))]


class DraftReplyForm(ActionForm):
    text = forms.CharField(label=_("答复内容"), max_length=50000, widget=_text_area(8))
    grade = forms.ChoiceField(label=_("答复类别"))

    def setup(self):
        self.fields["grade"].choices = _grade_choices(_("请选择答复类别"))
        if self.assignment is not None and not self.is_bound:
            draft = self.assignment.replies.filter(round=self.assignment.round, state=ReplyState.DRAFT).first()
            if draft is not None:
                self.initial.setdefault("text", draft.text)
                self.initial.setdefault("grade", draft.grade)


class ApproveReplyForm(ActionForm):
    grade = forms.ChoiceField(
        label=_("答复类别"), required=False, help_text=_("如需更正承办单位所定类别，请选择并说明。")
    )
    note = forms.CharField(label=_("审核说明"), required=False, max_length=5000, widget=_text_area(2))

    def setup(self):
        self.fields["grade"].choices = _grade_choices(_("不更正"))


class ReturnReplyForm(ActionForm):
    comment = forms.CharField(label=_("退回意见"), max_length=5000, widget=_text_area(3))


PROPOSAL_FORMS: dict[str, type[ActionForm]] = {
    "withdraw": WithdrawForm,
    "return_for_revision": ReturnForRevisionForm,
    "merge": MergeForm,
    "convert": ConvertForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "evaluate": EvaluateForm,
    "request_rehandling": RehandlingForm,
    "close": CloseForm,
    "schedule_followup": FollowupForm,
    "propose_key": ProposeKeyForm,
    "approve_key": ApproveKeyForm,
    "decline_key": DeclineKeyForm,
    "record_supervision": SupervisionForm,
    "nominate_excellent": NominateExcellentForm,
    "decline_excellent": DeclineExcellentForm,
}

ASSIGNMENT_FORMS: dict[str, type[ActionForm]] = {
    "dispute_assignment": DisputeForm,
    "resolve_dispute": ResolveDisputeForm,
    "record_contact": ContactForm,
    "submit_co_opinion": CoOpinionForm,
    "request_extension": ExtensionRequestForm,
    "decide_extension": DecideExtensionForm,
    "draft_reply": DraftReplyForm,
    "approve_reply": ApproveReplyForm,
    "return_reply": ReturnReplyForm,
}


_SCHEMA_FORMS: dict[tuple[str, str], type[ActionForm]] = {}


def action_form_class(flow, name: str) -> type[ActionForm] | None:
    """The page form of an action of ``flow``: its own form above where the page needs more than the schema says
    (type-ahead, choices read from the data, initial values), else one made from the action's input schema (text
    fields), or ``None`` for an action without input."""
    own = (PROPOSAL_FORMS if flow.name == "proposal" else ASSIGNMENT_FORMS).get(name)
    if own is not None or name not in flow.actions or not flow[name].takes_input:
        return own
    key = (flow.name, name)
    if key not in _SCHEMA_FORMS:
        schema = flow[name].schema
        fields = {}
        for field_name, info in schema.model_fields.items():
            max_length = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
            fields[field_name] = forms.CharField(
                label=label_of(schema, field_name).text,
                required=info.is_required(),
                max_length=max_length,
                widget=_text_area(3),
            )
        _SCHEMA_FORMS[key] = type(f"{name.title().replace('_', '')}Form", (ActionForm,), fields)
    return _SCHEMA_FORMS[key]


# Categories -------------------------------------------------------------------------------------------------------


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
