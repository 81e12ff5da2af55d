from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhengxie.supervision"
    verbose_name = "Democratic supervision"
