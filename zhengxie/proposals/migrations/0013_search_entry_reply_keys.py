"""The search entries of replies written before entries had a key get their proposal's id as it (the rebuild and
every re-indexing write it since)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_keys(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    Reply = apps.get_model("proposals", "Reply")
    proposal_of = Reply.objects.filter(pk=OuterRef("object_id")).values("assignment__proposal_id")[:1]
    SearchEntry.objects.filter(kind="reply", key__isnull=True).update(key=Subquery(proposal_of))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0012_history_import_job"), ("search", "0003_entry_key")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
