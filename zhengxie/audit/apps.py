from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengxie.audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import permissions  # noqa: F401
