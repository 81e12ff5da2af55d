from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "zhengxie.duty"
    verbose_name = "Activities and duty"

    def ready(self):
        from zhengxie.people.services import member_listener_add

        # tasks_archive registers the duty jobs' periodic tasks with Huey.
        from . import audit_words, permissions, tasks_archive, todo  # noqa: F401
        from .services import member_changed

        # The archive's yearly rows follow the members (people depends on no app above it).
        member_listener_add(member_changed)
        # The audit page words the values only this app can read (rule tables, attendance lists).
        audit_words.register()
