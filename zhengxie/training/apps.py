from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zhengxie.training"
    verbose_name = "Study and training"

    def ready(self):
        from zhengxie.duty.services import (
            archive_section_add,
            archive_todo_add,
            source_links_add,
            training_hours_provider_add,
        )

        # tasks registers the autumn reminder with Huey.
        from . import audit_words, permissions, tasks, todo  # noqa: F401
        from .services import archive_section, attendee_hours, class_links, paper_links

        # Duty writes a training class's study hours with the hours this app gives each attendee.
        training_hours_provider_add("training", attendee_hours)
        archive_section_add(archive_section)
        # The missing hours join duty's item for the minimum duties not met (both lead to the archive).
        archive_todo_add(todo.member_items)
        source_links_add("training.seminarpaper", paper_links)
        source_links_add("training.trainingclass", class_links)
        audit_words.register()
