from collections.abc import Callable

from .access import roles_of
from .navigation import nav_for

_PROVIDERS: list[Callable[..., dict]] = []


def register_shell_provider(provider: Callable[..., dict]) -> Callable[..., dict]:
    """``provider(request) -> dict``: what every page's frame shows from an app's data (the committee's name, the
    unread notifications); registered in the app's ``AppConfig.ready``."""
    _PROVIDERS.append(provider)
    return provider


def shell(request):
    context: dict = {}
    for provider in _PROVIDERS:
        context.update(provider(request))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        context.update(
            nav_items=nav_for(user),
            user_roles=sorted(roles, key=lambda r: list(type(r)).index(r)),
        )
    return context
