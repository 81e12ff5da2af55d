"""Form helpers shared by every app: Bootstrap classes and accessible error wiring on each widget, and required-field
errors that name the field."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from zhengxie.core.exceptions import ActionRefused, NotAllowed, NotVisible
from zhengxie.core.workflow import Options, Page, label_of, metadata_of

# The "required" message of Django's fields, which says only "this field is required".
_GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


def required_message(field: forms.Field) -> str:
    """What a person reads when a required field is left empty, naming it: 请填写案由。, 请选择类别。, 请上传附件。"""
    label = str(field.label or "").strip() or _("此项")
    if isinstance(field, forms.FileField):
        return _("请上传%(f)s。") % {"f": label}
    if isinstance(field, forms.BooleanField):
        return _("请勾选“%(f)s”。") % {"f": label}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _("请选择%(f)s。") % {"f": label}
    return _("请填写%(f)s。") % {"f": label}


def name_required_fields(form) -> None:
    """Gives each field of the form whose "required" error is still Django's generic one the message naming it (a
    field's own message is kept). Run when the form is cleaned, once labels and choices are final."""
    for field in form.fields.values():
        if str(field.error_messages.get("required", "")) == str(_GENERIC_REQUIRED):
            field.error_messages = {**field.error_messages, "required": required_message(field)}


class StyledFormMixin:
    """Adds Bootstrap classes and aria attributes so ``includes/field.html`` renders accessible fields, and names the
    field in each required-field error (``name_required_fields``). Every form of the platform uses it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            # Errors are wired in full_clean(): reading self.errors here would validate before a subclass's
            # __init__ has set its choices and querysets.
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self):
        name_required_fields(self)
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    w = self.fields[name].widget
                    if "is-invalid" not in w.attrs.get("class", ""):
                        w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()
                    w.attrs["aria-invalid"] = "true"
                    w.attrs["aria-describedby"] = f"{self[name].auto_id}_errors"


# Action forms made from input schemas ------------------------------------------------------------------------------


def action_form_fields(schema) -> dict:
    """The page form's fields of an action's input schema (``core.workflow.ActionInput``), in the schema's order:
    text as a box or a text area, a day as a date input, a choice as a select or radio buttons, an id as a select
    whose options are read when the form is built. How each is shown comes from the field's ``Page`` hints; what
    it is (required, its length, its codes) from the schema itself, which also validates what is sent."""
    fields = {}
    for name, info in schema.model_fields.items():
        page = metadata_of(schema, name, Page) or Page()
        options = metadata_of(schema, name, Options)
        label = page.label or label_of(schema, name).text
        required = info.is_required() if page.required is None else page.required
        common = {"label": label, "required": required}
        if page.help and not callable(page.help):
            common["help_text"] = page.help
        annotation = info.annotation
        picked = label_of(schema, name).pick and not page.box
        if options is not None or page.options is not None or page.empty is not None or picked:
            choices = list(options.pairs) if options is not None else []
            if page.empty is not None:
                choices = [("", page.empty), *choices]
            widget = forms.RadioSelect if page.radio else forms.Select
            fields[name] = forms.ChoiceField(choices=choices, widget=widget, **common)
        elif annotation is bool:
            fields[name] = forms.BooleanField(label=label, required=False)
        elif annotation in (datetime.date, datetime.date | None):
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            fields[name] = forms.DateField(widget=widget, **common)
        else:
            max_length = page.max_length or next(
                (m.max_length for m in info.metadata if getattr(m, "max_length", None)), None
            )
            widget = forms.Textarea(attrs={"rows": page.rows}) if page.rows else forms.TextInput(page.attrs)
            fields[name] = forms.CharField(max_length=max_length, widget=widget, **common)
    return fields


def apply_page_hints(form, schema) -> None:
    """What a schema's ``Page`` hints read when the form is built: options and help texts from the settings, initial
    values."""
    for name in schema.model_fields:
        page = metadata_of(schema, name, Page)
        if page is None or name not in form.fields:
            continue
        field = form.fields[name]
        if page.options is not None:
            field.choices = ([("", page.empty)] if page.empty is not None else []) + list(page.options())
        if callable(page.help):
            field.help_text = page.help()
        if page.initial is not None and not form.is_bound:
            form.initial.setdefault(name, page.initial() if callable(page.initial) else page.initial)


def posted_body(schema, post) -> dict:
    """A page's POST as an action's body, field by field of its input schema: a check box or a yes/no as true or
    false ("on", "1" / "0"), everything else as posted; the engine then validates it exactly as an API body."""
    body = {}
    for name, info in schema.model_fields.items():
        value = post.get(name)
        if info.annotation is bool:
            value = {"on": True, "1": True, "true": True, "0": False, "false": False, "": None}.get(value, value)
            if value is None and not info.is_required():
                value = False
        if value is not None:
            body[name] = value
    return body


@dataclass(frozen=True)
class Submission:
    """What became of a form page's request: ``saved`` with the service's ``result``, or the ``status`` to render
    the form again with (200 for a GET, 422 for invalid input, the service's status for its refusal)."""

    saved: bool
    result: Any = None
    status: int = 200


def submit(request, form, save: Callable[[Any], Any]) -> Submission:
    """A form page's POST: the form checked, then ``save(form)`` (one service call) run. The service's refusal lands
    on the form (its ``add_service_errors``) with the refusal's status; an object the reader may not see is a 404,
    an action they may not take a 403. Nothing is saved for a GET."""
    if request.method != "POST":
        return Submission(saved=False)
    if not form.is_valid():
        return Submission(saved=False, status=422)
    try:
        return Submission(saved=True, result=save(form))
    except NotVisible:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    except ActionRefused as exc:
        form.add_service_errors(exc.errors, exc.message)
        return Submission(saved=False, status=exc.status)
