from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "zhengxie.duty"
    verbose_name = "Activities and duty"

    def ready(self):
        # tasks_archive registers the duty jobs' periodic tasks with Huey.
        from . import permissions, tasks_archive, todo  # noqa: F401
