"""Form helpers shared by every app: Bootstrap classes and accessible error wiring on each widget."""

from django import forms


class StyledFormMixin:
    """Adds Bootstrap classes and aria attributes so ``includes/field.html`` renders accessible fields."""

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
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    w = self.fields[name].widget
                    if "is-invalid" not in w.attrs.get("class", ""):
                        w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()
                    w.attrs["aria-invalid"] = "true"
                    w.attrs["aria-describedby"] = f"{self[name].auto_id}_errors"
