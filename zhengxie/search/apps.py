from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "zhengxie.search"
    verbose_name = "Search"

    def ready(self):
        from . import permissions  # noqa: F401
