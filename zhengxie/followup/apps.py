from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "zhengxie.followup"
    verbose_name = "Outcome follow-up"

    def ready(self):
        from . import actions, permissions, search_index, todo, todo_leaders, workflow  # noqa: F401

        # The search finds outcome documents and recommendations (it sits below and is told of them).
        search_index.register()
