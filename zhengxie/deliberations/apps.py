from django.apps import AppConfig


class DeliberationsConfig(AppConfig):
    name = "zhengxie.deliberations"
    verbose_name = "Online deliberation"

    def ready(self):
        from zhengxie.duty.services import source_links_add

        # tasks registers the periodic jobs (closing at the end of the window, the reminder) with Huey.
        from . import audit_words, permissions, services, tasks, todo  # noqa: F401

        # The duty archive links a selected opinion to its place in the conversation.
        source_links_add("deliberations.deliberationpost", services.deliberation_post_links)
        audit_words.register()
