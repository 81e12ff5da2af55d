"""What the platform's models share."""

from django.utils.encoding import force_str

_LABELS: dict = {}


def _labels_of(field) -> dict | None:
    """The field's choices as {value: label}, built once per field; None when its choices are computed (a callable)
    and so may change."""
    try:
        return _LABELS[field]
    except KeyError:
        pass
    labels = dict(field.flatchoices) if isinstance(field.choices, list | tuple) else None
    _LABELS[field] = labels
    return labels


class ChoiceLabels:
    """``get_FOO_display()`` from a table built once per field. Django's own builds the field's choices into a new
    dict on every call, hashing (and so translating) every label: a page listing twenty assignments made over two
    hundred translations for the states, roles and ways shown. Put it before ``models.Model`` in the bases."""

    def _get_FIELD_display(self, field):
        labels = _labels_of(field)
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value) if labels is not None else None
        except TypeError:  # an unhashable value: Django's way
            labels = None
        if labels is None:
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
