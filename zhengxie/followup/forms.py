"""The page forms of the follow-up's actions, made from each action's input schema (``inputs.py``), and the
evidence upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin, action_form_fields, apply_page_hints, posted_body


class ActionForm(StyledFormMixin, forms.Form):
    schema = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_page_hints(self, self.schema)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"

    def payload(self) -> dict:
        """The POST as the action's body; the engine validates it exactly as an API body."""
        return posted_body(self.schema, self.data)


_FORMS: dict = {}


def action_form_class(flow, name: str) -> type[ActionForm] | None:
    step = flow.actions.get(name)
    if step is None or not step.takes_input:
        return None
    if step.schema not in _FORMS:
        attrs = {**action_form_fields(step.schema), "schema": step.schema, "__module__": __name__}
        _FORMS[step.schema] = type(f"{step.schema.__name__}Form", (ActionForm,), attrs)
    return _FORMS[step.schema]


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("佐证材料"), help_text=_("PDF、Word、Excel 或图片，不超过 20 MB。"))
