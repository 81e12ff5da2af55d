from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengxie.core"

    def ready(self):
        from . import permissions  # noqa: F401
