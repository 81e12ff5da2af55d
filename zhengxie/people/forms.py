"""Input forms for member and unit management. They check only the shape of the input; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin

from .choices import Gender, MemberStatus, UnitKind
from .models import Member, Party, Sector, SpecialCommittee, Term


def add_service_errors(form: forms.Form, exc: ValidationError, *, field: str | None = None) -> None:
    """Show a service's ``{field: [messages]}`` on the form's fields, wired for screen readers as
    ``StyledFormMixin`` does; messages for no field of the form go to ``field`` or above the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {field: exc.messages}
    for name, messages in errors.items():
        name = name if name in form.fields else field
        form.add_error(name, messages)
        if name is not None:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}_errors"


class MemberForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial=Member._meta.get_field("ethnicity").default)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        help_text=_("可不填，由身份证号得出。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    mobile = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.all())
    party = forms.ModelChoiceField(label=_("党派"), queryset=Party.objects.all())
    special_committees = forms.ModelMultipleChoiceField(
        label=_("专门委员会"), queryset=SpecialCommittee.objects.all(), required=False
    )
    terms = forms.ModelMultipleChoiceField(label=_("任职届次"), queryset=Term.objects.all(), required=False)
    is_standing_committee = forms.BooleanField(label=_("常委"), required=False)
    create_account = forms.BooleanField(label=_("同时开通登录账号（可用手机号登录）"), required=False)

    def __init__(self, *args, has_account: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_account:
            del self.fields["create_account"]

    @staticmethod
    def initial_for(member) -> dict:
        return {
            "name": member.name,
            "gender": member.gender,
            "ethnicity": member.ethnicity,
            "id_number": member.id_number,
            "birth_date": member.birth_date,
            "mobile": member.mobile,
            "work_unit": member.work_unit,
            "title": member.title,
            "sector": member.sector_id,
            "party": member.party_id,
            "special_committees": [c.pk for c in member.special_committees.all()],
            "terms": [t.pk for t in member.terms.all()],
            "is_standing_committee": member.is_standing_committee,
        }

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "create_account"}


class MemberStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=MemberStatus.choices)


class UnitForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=UnitKind.choices)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @staticmethod
    def initial_for(unit) -> dict:
        return {f: getattr(unit, f) for f in ("name", "short_name", "kind", "contact_phone", "address", "is_active")}


class UnitStaffForm(StyledFormMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
    )
    display_name = forms.CharField(label=_("姓名"), max_length=100)
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        help_text=_("填写后可用手机号登录。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    is_leader = forms.BooleanField(label=_("单位领导（签发答复）"), required=False)


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class ImportConfirmForm(StyledFormMixin, forms.Form):
    batch = forms.CharField(label=_("导入批次"), widget=forms.HiddenInput)
    skip_errors = forms.BooleanField(label=_("跳过有错误的行，只导入正确的行"), required=False)
    create_accounts = forms.BooleanField(label=_("为没有登录账号的委员开通账号（可用手机号登录）"), required=False)


# Invitation scopes -------------------------------------------------------------------------------------------------


class MemberChoiceField(forms.ModelMultipleChoiceField):
    """Members to tick, each shown as 姓名（界别）."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector.name}）"


class InvitationScopeFields(forms.Form):
    """The fields of an invitation scope (``services.invitation_scope_clean``): everyone, the standing committee,
    sectors, special committees and serving members picked by name, any union of them. A form that invites people
    inherits them (they come before its own fields unless its ``field_order`` says otherwise); the template draws the
    choice lists itself, so a form should leave ``INVITATION_LISTS`` unstyled."""

    INVITATION_LISTS = ("sectors", "special_committees", "members")
    # Where a service's error keys belong on the form (a form adds its own); others stand above the form.
    ERROR_FIELDS: dict[str, str | None] = {"invitees": None}

    invite_all = forms.BooleanField(label=_("全体委员"), required=False)
    invite_standing = forms.BooleanField(label=_("全体常委"), required=False)
    sectors = forms.ModelMultipleChoiceField(
        label=_("界别"), queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    special_committees = forms.ModelMultipleChoiceField(
        label=_("专门委员会"),
        queryset=SpecialCommittee.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = MemberChoiceField(
        label=_("按姓名选择委员"),
        queryset=Member.objects.filter(status=MemberStatus.SERVING).select_related("sector").order_by("name", "id"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def invitation_scope(self) -> dict:
        """The scope ticked, in the shape the services take (``invitees``)."""
        d = self.cleaned_data
        return {
            "all": d["invite_all"],
            "standing_committee": d["invite_standing"],
            "sector_ids": [s.pk for s in d["sectors"]],
            "special_committee_ids": [c.pk for c in d["special_committees"]],
            "member_ids": [m.pk for m in d["members"]],
        }

    @staticmethod
    def invitation_scope_initial(spec: dict | None) -> dict:
        """The fields filled in with a stored scope, to edit it."""
        spec = spec or {}
        return {
            "invite_all": bool(spec.get("all")),
            "invite_standing": bool(spec.get("standing_committee")),
            "sectors": spec.get("sector_ids") or [],
            "special_committees": spec.get("special_committee_ids") or [],
            "members": spec.get("member_ids") or [],
        }

    def add_service_errors(self, errors: dict, message: str) -> None:
        """A service's refusal on the form: each error on its field (``ERROR_FIELDS``), the message above the form
        when no field took one or the scope as a whole was refused."""
        placed = False
        for key, text in errors.items():
            name = self.ERROR_FIELDS.get(key, key)
            if name in self.fields:
                self.add_error(name, text)
                placed = True
        if not placed or "invitees" in errors:
            self.add_error(None, message)
