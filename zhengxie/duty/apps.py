from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "zhengxie.duty"
    verbose_name = "Activities and duty"

    def ready(self):
        from . import permissions  # noqa: F401
