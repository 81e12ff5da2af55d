from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "zhengxie.opinions"
    verbose_name = "Opinion reports"
