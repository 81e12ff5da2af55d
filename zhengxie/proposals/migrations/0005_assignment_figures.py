"""Each assignment carries its proposal's year and the figures of its current reply (statistics.assignment_figures),
so that the year's figures by unit, grade and satisfaction read the assignments alone."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    from zhengxie.proposals.statistics import assignment_figures

    Assignment = apps.get_model("proposals", "Assignment")
    Proposal = apps.get_model("proposals", "Proposal")
    Assignment.objects.update(year=Subquery(Proposal.objects.filter(pk=OuterRef("proposal_id")).values("year")[:1]))
    Assignment.objects.update(
        **assignment_figures(apps.get_model("proposals", "Reply"), apps.get_model("proposals", "Evaluation"))
    )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0004_unit_board_index")]

    operations = [
        migrations.AddField(model_name="assignment", name="year", field=models.PositiveSmallIntegerField(null=True)),
        migrations.AddField(
            model_name="assignment",
            name="current_grade",
            field=models.CharField(blank=True, db_default="", max_length=4),
        ),
        migrations.AddField(
            model_name="assignment", name="replied_on_time", field=models.BooleanField(db_default=False)
        ),
        migrations.AddField(
            model_name="assignment",
            name="proposer_rating",
            field=models.CharField(blank=True, db_default="", max_length=24),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
