from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zhengxie.people"
    verbose_name = "People and organisation"

    def ready(self):
        from . import permissions  # noqa: F401
