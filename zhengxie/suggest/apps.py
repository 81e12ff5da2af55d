from django.apps import AppConfig


class SuggestConfig(AppConfig):
    name = "zhengxie.suggest"
    verbose_name = "Unit suggestion"

    def ready(self):
        from . import permissions  # noqa: F401
