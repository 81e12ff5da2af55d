from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "zhengxie.followup"
    verbose_name = "Outcome follow-up"
