from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    name = "zhengxie.deliberations"
    verbose_name = "Online deliberation"
