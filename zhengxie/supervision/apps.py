from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhengxie.supervision"
    verbose_name = "Democratic supervision"

    def ready(self):
        # services configures the workflows (their locks and audit); todo registers the to-do provider.
        from . import audit_words, permissions, services, todo  # noqa: F401

        audit_words.register()
