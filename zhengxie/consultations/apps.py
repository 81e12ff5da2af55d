from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "zhengxie.consultations"
    verbose_name = "Consultation"

    def ready(self):
        from . import actions, audit_words, permissions, todo  # noqa: F401

        audit_words.register()
