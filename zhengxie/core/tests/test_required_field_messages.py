"""Every form of the platform names the field in its required-field error ("请填写案由。", "请选择类别。") instead of
Django's generic "这个字段是必填项。". The forms are discovered: every form class defined in the project's modules,
the action forms made from every workflow action's input included, so a new form is checked without being listed."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.forms import PasswordChangeForm

import zhengxie
from zhengxie.core.forms import required_message

pytestmark = pytest.mark.django_db

GENERIC = "这个字段是必填项。"


def _import_everything() -> None:
    for module in pkgutil.walk_packages(zhengxie.__path__, "zhengxie."):
        if ".tests" in module.name or ".migrations" in module.name or module.name.endswith(".wsgi"):
            continue
        importlib.import_module(module.name)


def _make_every_action_form() -> None:
    """The action forms are made from the workflows' input schemas when first asked for: ask for all of them."""
    from zhengxie.proposals import workflow as wf
    from zhengxie.proposals.forms import action_form_class

    for flow in (wf.PROPOSAL, wf.ASSIGNMENT):
        for name in flow.actions:
            action_form_class(flow, name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    _import_everything()
    _make_every_action_form()
    found = {c for c in _subclasses(forms.BaseForm) if c.__module__.startswith("zhengxie.")}
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__, id(c)))


# What a form's constructor must be given besides its data, by parameter name.
def _arguments(user) -> dict:
    from zhengxie.people.models import Sector

    return {"user": user, "sectors": Sector.objects.all(), "grades": []}


def _bound_empty(cls, user):
    if issubclass(cls, PasswordChangeForm):
        return cls(user, data={})
    given = _arguments(user)
    kwargs = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for name, param in inspect.signature(init).parameters.items():
            if param.kind is param.KEYWORD_ONLY and param.default is param.empty and name not in kwargs:
                assert name in given, f"{cls.__module__}.{cls.__qualname__} needs {name}: add it to _arguments"
                kwargs[name] = given[name]
    return cls(data={}, **kwargs)


def test_the_forms_are_discovered():
    names = {f"{c.__module__}.{c.__qualname__}" for c in project_forms()}
    assert {
        "zhengxie.proposals.forms.DraftForm",
        "zhengxie.proposals.forms.AssignForm",
        "zhengxie.proposals.forms.RejectForm",
        "zhengxie.accounts.forms.SignInForm",
        "zhengxie.accounts.forms.PasswordChange",
        "zhengxie.people.forms.MemberForm",
        "zhengxie.duty.forms.ActivityForm",
        "zhengxie.workdays.forms.CorrectionForm",
    } <= names
    assert len(names) > 40


def test_every_required_field_of_every_form_names_its_label(org):
    user = org.users["office"]
    checked, offenders = 0, []
    for cls in project_forms():
        if not cls.base_fields:
            continue  # a base its forms build on (fields come from a subclass)
        form = _bound_empty(cls, user)
        form.is_valid()
        for name, field in form.fields.items():
            if not field.required or field.disabled:
                continue
            label = str(field.label or "").strip()
            errors = [str(e) for e in form.errors.get(name, [])]
            checked += 1
            if not label or not errors or GENERIC in errors or not any(label in e for e in errors):
                offenders.append((f"{cls.__module__}.{cls.__qualname__}", name, label, errors))
    assert offenders == [], offenders
    assert checked > 50


@pytest.mark.parametrize(
    "field, message",
    [
        (forms.CharField(label="案由"), "请填写案由。"),
        (forms.DateField(label="办理期限"), "请填写办理期限。"),
        (forms.ChoiceField(label="类别", choices=[("a", "A")]), "请选择类别。"),
        (forms.FileField(label="附件"), "请上传附件。"),
        (forms.BooleanField(label="同意公开"), "请勾选“同意公开”。"),
    ],
)
def test_the_message_says_what_to_do_with_the_field(field, message):
    assert required_message(field) == message


def test_a_forms_own_required_message_is_kept():
    from zhengxie.core.forms import StyledFormMixin

    class Own(StyledFormMixin, forms.Form):
        code = forms.CharField(label="验证码", error_messages={"required": "请输入短信里的验证码。"})

    form = Own(data={})
    assert not form.is_valid()
    assert form.errors["code"] == ["请输入短信里的验证码。"]


def test_the_sign_in_page_says_which_field_is_missing(client):
    response = client.post("/accounts/login/", {"username": "demo-member"})
    assert "请填写密码。" in response.content.decode()
    assert GENERIC not in response.content.decode()
