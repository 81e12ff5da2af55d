"""Reading integers from the pages' query strings and forms: a value a database column cannot hold is treated as
absent or wrong by the caller, never passed on to overflow the query."""

from zhengxie.core.api_types import DB_INT_MAX


def db_int(value) -> int | None:
    """The value as an integer a 64-bit column holds, or None when it is not one (text, empty, beyond 64 bits)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -DB_INT_MAX - 1 <= number <= DB_INT_MAX else None


def id_param(value) -> str:
    """A query-string id as the selectors take it: the digits of a positive id, or "" (no filter by it)."""
    number = db_int(value)
    return str(number) if number is not None and number > 0 else ""
