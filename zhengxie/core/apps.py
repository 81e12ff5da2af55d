from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhengxie.core"

    def ready(self):
        from . import lookups, permissions  # noqa: F401

        lookups.register()
