from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "zhengxie.proposals"
    verbose_name = "Proposals"

    def ready(self):
        from . import permissions, todo  # noqa: F401
