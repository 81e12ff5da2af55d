from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zhengxie.workdays"

    def ready(self):
        from . import permissions  # noqa: F401
