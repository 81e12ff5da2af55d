"""Default-deny access rules. Each app declares ``RULES`` (permission name -> roles) in its ``permissions.py``;
they are registered here, so there is one place to ask ``has_perm(user, "people.view_member_list")``.

A permission that no app declared is an error, not a silent deny, so a typo cannot open or close a page unnoticed.
Which *rows* a permitted user sees (their unit, their sector) is the selectors' job.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from zhengxie.core.roles import Role

_RULES: dict[str, frozenset[Role]] = {}
# Reads the roles a user holds from grants and organisation data. The accounts app, which owns that data, sets it
# when Django starts (``AccountsConfig.ready``): the rules stay below every app whose data they depend on.
_role_reader: Callable[[object], frozenset[Role]] | None = None


def register(rules: dict[str, Iterable[Role]]) -> None:
    for name, roles in rules.items():
        if name in _RULES:
            raise ValueError(f"permission {name!r} is declared twice")
        _RULES[name] = frozenset(roles)


def all_rules() -> dict[str, frozenset[Role]]:
    return dict(_RULES)


def set_role_reader(reader: Callable[[object], frozenset[Role]]) -> None:
    global _role_reader
    _role_reader = reader


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds now; computed once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_zx_roles", None)
    if cached is None:
        if _role_reader is None:
            raise ImproperlyConfigured("no role reader: zhengxie.accounts is not in INSTALLED_APPS")
        cached = _role_reader(user)
        user._zx_roles = cached
    return cached


def has_perm(user, perm: str) -> bool:
    try:
        allowed = _RULES[perm]
    except KeyError:
        raise KeyError(f"permission {perm!r} is not declared in any permissions.py") from None
    return bool(allowed & roles_of(user))


def has_any_role(user, *roles: Role) -> bool:
    return bool(frozenset(roles) & roles_of(user))


def require(perm: str | None = None):
    """View decorator: anonymous users go to sign-in; signed-in users without ``perm`` get 403.

    ``perm=None`` means any signed-in user. The permission name is recorded on the view so the access-matrix
    test can list what guards each URL.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if perm is not None and not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.zx_permission = perm or "authenticated"
        return wrapped

    return decorator


def public(view):
    """Marks a view as open to anonymous users (sign-in page, static health check)."""
    view.zx_permission = "public"
    return view
