from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zhengxie.workdays"

    def ready(self):
        from . import permissions, todo  # noqa: F401  (registers the rules and the to-do provider)
