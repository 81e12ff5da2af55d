from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "zhengxie.followup"
    verbose_name = "Outcome follow-up"

    def ready(self):
        from . import actions, permissions, todo, todo_leaders, workflow  # noqa: F401
