from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zhengxie.training"
    verbose_name = "Study and training"
