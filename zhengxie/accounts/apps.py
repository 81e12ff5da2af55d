from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengxie.accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import permissions, todo  # noqa: F401  (registers the rules and the to-do provider)
