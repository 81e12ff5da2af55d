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
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import has_perm, roles_of
from zhengxie.core.forms import StyledFormMixin, action_form_fields, apply_page_hints
from zhengxie.core.roles import Role
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member
from zhengxie.suggest.services import suggest_units, why_none

from . import inputs as i
from .choices import AssignmentMode, AssignmentRole, AssignmentState, ProposalState, ReplyState
from .conf import conf
from .models import Category, Proposal, Reply
from .selectors import replies_awaiting_evaluation, visible_proposals


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
    # A proposal or a reply may have attachments or none: the form adds one (an empty upload is refused with a
    # reason by the service), so the file is not marked required.
    file = forms.FileField(label=_("附件（可选）"), required=False)
    reply = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def setup(self):
        limit = conf("ATTACHMENT_MAX_BYTES") // (1024 * 1024)
        self.fields["file"].help_text = _("PDF、Word、Excel 或图片，不超过 %(n)d MB。") % {"n": limit}


# Action forms -----------------------------------------------------------------------------------------------------


class ActionForm(_RadioMixin, StyledFormMixin, _SetupFirst):
    """The page form of one workflow action. ``payload()`` gives the body the engine validates with the action's
    schema, exactly as an API body."""

    def __init__(self, *args, proposal=None, assignment=None, user=None, **kwargs):
        self.proposal, self.assignment, self.user = proposal, assignment, user
        super().__init__(*args, **kwargs)
        self._fix_radios()

    def payload(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SchemaForm(ActionForm):
    """A form made from an action's input schema (``schema_form``): its fields and their hints come from the
    schema; what a form of one schema must read from the data (the leaders to choose from, the replies awaiting the
    person's rating, a draft's text) is its ``prepare``."""

    schema = None
    prepare = None

    def setup(self):
        apply_page_hints(self, self.schema)
        if self.prepare is not None:
            type(self).prepare(self)


def schema_form(schema, base: type[ActionForm] = SchemaForm, prepare=None) -> type[ActionForm]:
    fields = action_form_fields(schema)
    attrs = {**fields, "schema": schema, "prepare": prepare, "__module__": __name__}
    return type(f"{schema.__name__}Form", (base,), attrs)


def _leader_choices():
    users = (
        get_user_model()
        .objects.filter(role_grants__role=Role.LEADER, is_active=True)
        .distinct()
        .order_by("display_name", "id")
    )
    return [("", _("请选择督办领导"))] + [(str(u.pk), str(u)) for u in users]


def _offer_handling_units(form):
    """A key proposal's recommendation goes to one of its handling units (not one it was reassigned away from)."""
    units = []
    if form.proposal is not None:
        rows = form.proposal.assignments.exclude(state=AssignmentState.REASSIGNED).select_related("unit")
        units = sorted({(a.unit_id, a.unit.name) for a in rows}, key=lambda pair: pair[1])
    form.fields["unit_id"].choices = [("", _("请选择承办单位"))] + [(str(pk), name) for pk, name in units]


def _offer_leaders(form):
    form.fields["supervising_leader_id"].choices = _leader_choices()


def _offer_leaders_keeping_the_proposed(form):
    _offer_leaders(form)
    if form.proposal is not None and form.proposal.supervising_leader_id:
        form.initial.setdefault("supervising_leader_id", str(form.proposal.supervising_leader_id))


def _offer_replies_awaiting(form):
    choices, seen = [], set()
    for reply, _on_behalf in replies_awaiting_evaluation(form.proposal, form.user) if form.proposal else []:
        if reply.pk not in seen:
            seen.add(reply.pk)
            label = _("%(u)s 的答复（第%(r)d轮）") % {"u": reply.assignment.unit, "r": reply.round}
            choices.append((str(reply.pk), label))
    form.fields["reply_id"].choices = choices
    if len(choices) == 1:
        form.initial.setdefault("reply_id", choices[0][0])


def _start_from_the_draft(form):
    """A reply form starts from the draft there is; its contact from the draft, else from the unit's latest reply
    that named one, else the person drafting."""
    if form.assignment is not None and not form.is_bound:
        draft = form.assignment.replies.filter(round=form.assignment.round, state=ReplyState.DRAFT).first()
        if draft is not None:
            form.initial.setdefault("text", draft.text)
            form.initial.setdefault("grade", draft.grade)
        contact = draft if draft is not None and draft.contact_phone else None
        if contact is None:
            contact = (
                Reply.objects.filter(assignment__unit_id=form.assignment.unit_id)
                .exclude(contact_phone="")
                .only("contact_person", "contact_phone")
                .order_by("-id")
                .first()
            )
        if contact is not None:
            form.initial.setdefault("contact_person", contact.contact_person)
            form.initial.setdefault("contact_phone", contact.contact_phone)
        elif form.user is not None:
            form.initial.setdefault("contact_person", str(form.user))


# Where the page asks differently from the API body (type-ahead units, a number typed for a proposal, a yes/no as
# a choice), the form turns its answers into the schema's body in ``payload``; the schema still validates it.


# The proposals another may be merged into (the merge handler checks it again).
MERGE_TARGET_STATES = (ProposalState.SUBMITTED, ProposalState.REGISTERED, ProposalState.ASSIGNED)


class MergeForm(schema_form(i.Merge)):
    """The lead proposal typed by its number, or by its title while it has none (the only proposal open to merging
    with that title); ``#`` and an id are still understood."""

    def payload(self) -> dict:
        raw = self.cleaned_data["into"].strip()
        if raw.startswith("#"):
            return {"into": raw[1:].strip()}
        visible = visible_proposals(self.user)
        target = visible.filter(number=raw).values_list("pk", flat=True).first()
        if target is None and raw:
            open_ones = visible.filter(title=raw, state__in=MERGE_TARGET_STATES)
            if self.proposal is not None:
                open_ones = open_ones.exclude(pk=self.proposal.pk)
            found = list(open_ones.values_list("pk", flat=True)[:2])
            target = found[0] if len(found) == 1 else None
        return {"into": target if target is not None else raw}


def _units():
    return HandlingUnit.objects.filter(is_active=True).order_by("name")


class AssignForm(schema_form(i.Assign)):
    """交办: single (one unit), separate (each unit replies) or lead (one lead unit and co-handlers)."""

    units = None  # asked as the lead (or single) unit and the others
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
    field_order = ["mode", "lead_unit", "other_units", "due_date"]

    def setup(self):
        super().setup()
        self.fields["lead_unit"].queryset = _units()
        self.fields["other_units"].queryset = _units()
        self.fields["mode"].widget.attrs["data-assign-mode"] = "1"
        if self.proposal is not None and not self.is_bound:
            suggested = list(self.proposal.suggested_units.filter(is_active=True).order_by("name"))
            if suggested:
                self.initial.setdefault("lead_unit", suggested[0].pk)
                self.initial.setdefault("other_units", [u.pk for u in suggested[1:]])
            self.initial.setdefault("mode", AssignmentMode.LEAD if len(suggested) > 1 else AssignmentMode.SINGLE)

    @cached_property
    def unit_suggestions(self) -> dict | None:
        """智能交办: the units the model suggests for this proposal with their reasons, or why there are none; asked
        only when the form is shown, and only of the office's form for one proposal."""
        p = self.proposal
        if p is None or self.user is None or not has_perm(self.user, "suggest.use"):
            return None
        items = suggest_units(
            title=p.title,
            text=f"{p.analysis}\n{p.suggestions}",
            category=p.category_id,
            suggested=[u.pk for u in p.suggested_units.all()],
            limit=3,
        )
        return {"items": items, "note": None if items else why_none()}

    def field_for_error(self, key: str) -> str:
        return "lead_unit" if key.split(".")[0] == "units" else key

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


class ResolveDisputeForm(schema_form(i.ResolveDispute)):
    units = LookupMultipleChoiceField(
        label=_("改交单位"),
        lookup="proposals:unit_lookup",
        search_fields=UNIT_SEARCH,
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("改交时选择；承办方式与原交办相同。"),
    )
    field_order = ["decision", "comment", "units", "due_date"]

    def setup(self):
        super().setup()
        qs = _units()
        if self.assignment is not None:
            qs = qs.exclude(pk=self.assignment.unit_id)
            self.fields["units"].widget.exclude = [self.assignment.unit_id]
        self.fields["units"].queryset = qs

    def field_for_error(self, key: str) -> str:
        return key.split(".")[0]

    def payload(self) -> dict:
        data = self.cleaned_data
        out = {"decision": data["decision"], "comment": data["comment"]}
        if data["decision"] == "reassign":
            role = self.assignment.role if self.assignment is not None else AssignmentRole.SINGLE
            out["units"] = [{"unit_id": u.pk, "role": str(role)} for u in data.get("units") or []]
            if data.get("due_date"):
                out["due_date"] = data["due_date"]
        return out


class DecideExtensionForm(schema_form(i.DecideExtension)):
    approve = None  # asked as a choice between two answers
    decision = forms.ChoiceField(
        label=_("审批结果"), choices=[("approve", _("同意延期")), ("decline", _("不同意"))], widget=forms.RadioSelect
    )
    field_order = ["decision", "comment"]

    def field_for_error(self, key: str) -> str:
        return {"approve": "decision"}.get(key, key)

    def payload(self) -> dict:
        return {"approve": self.cleaned_data["decision"] == "approve", "comment": self.cleaned_data["comment"]}


class RatingForm(schema_form(i.Evaluate, prepare=_offer_replies_awaiting)):
    """测评: the form sits after the reply it rates (one form per reply awaiting the person's rating), so the reply
    is given, not chosen; it must still be one awaiting their rating."""

    def setup(self):
        super().setup()
        self.fields["reply_id"].widget = forms.HiddenInput()


# Each schema's page form; the schemas several actions share have one form.
_FORMS = {
    i.Merge: MergeForm,
    i.Assign: AssignForm,
    i.ResolveDispute: ResolveDisputeForm,
    i.DecideExtension: DecideExtensionForm,
    i.Evaluate: RatingForm,
    i.ProposeKey: schema_form(i.ProposeKey, prepare=_offer_leaders),
    i.ApproveKey: schema_form(i.ApproveKey, prepare=_offer_leaders_keeping_the_proposed),
    i.DraftReply: schema_form(i.DraftReply, prepare=_start_from_the_draft),
    i.RecordRecommendation: schema_form(i.RecordRecommendation, prepare=_offer_handling_units),
}


def action_form_class(flow, name: str) -> type[ActionForm] | None:
    """The page form of an action of ``flow``, made from its input schema; ``None`` for an action without input."""
    step = flow.actions.get(name)
    if step is None or not step.takes_input:
        return None
    if step.schema not in _FORMS:
        _FORMS[step.schema] = schema_form(step.schema)
    return _FORMS[step.schema]


# Categories -------------------------------------------------------------------------------------------------------


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
