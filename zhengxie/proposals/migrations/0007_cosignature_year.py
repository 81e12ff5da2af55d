"""Each co-signature carries its proposal's year, so that the year's figures count joint proposals and proposing
members from the year's co-signatures alone."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Cosignature = apps.get_model("proposals", "Cosignature")
    Proposal = apps.get_model("proposals", "Proposal")
    Cosignature.objects.update(year=Subquery(Proposal.objects.filter(pk=OuterRef("proposal_id")).values("year")[:1]))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_assignment_figures_index")]

    operations = [
        migrations.AddField(model_name="cosignature", name="year", field=models.PositiveSmallIntegerField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
