"""What each role's home page shows beside the to-do list. The apps that own the data register a provider in their
``AppConfig.ready`` (as to-do providers are registered, ``core.todo``); the home page merges what they return."""

from collections.abc import Callable

_PROVIDERS: list[Callable[..., dict]] = []


def register_home_provider(provider: Callable[..., dict]) -> Callable[..., dict]:
    """``provider(*, user, roles) -> dict``: template variables of the home page."""
    _PROVIDERS.append(provider)
    return provider


def home_context(*, user, roles) -> dict:
    ctx: dict = {}
    for provider in _PROVIDERS:
        ctx.update(provider(user=user, roles=roles))
    return ctx
