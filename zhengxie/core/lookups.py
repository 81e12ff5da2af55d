"""``in`` over integer columns (ids above all) that leaves out values no 64-bit column can hold: they match no row,
and SQLite refuses them with OverflowError rather than matching nothing. Forms look their chosen ids up this way
(``ModelMultipleChoiceField``), so an id beyond 64 bits typed into a page's form is then an unknown choice, a form
error naming the field, instead of a server error."""

from django.db.models import IntegerField
from django.db.models.lookups import In

from zhengxie.core.api_types import DB_INT_MAX


def _holdable(value) -> bool:
    return not isinstance(value, int) or -DB_INT_MAX - 1 <= value <= DB_INT_MAX


class BoundedIn(In):
    def get_prep_lookup(self):
        prepared = super().get_prep_lookup()
        if self.rhs_is_direct_value() and isinstance(prepared, list | tuple):
            return [value for value in prepared if _holdable(value)]
        return prepared


def register() -> None:
    IntegerField.register_lookup(BoundedIn)
