from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "zhengxie.consultations"
    verbose_name = "Consultation"
