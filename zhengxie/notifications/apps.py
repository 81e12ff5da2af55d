from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhengxie.notifications"

    def ready(self):
        from . import permissions  # noqa: F401
