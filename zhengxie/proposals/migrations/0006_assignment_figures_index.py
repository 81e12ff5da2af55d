"""The assignments' year is filled (0005, in its own transaction): it is required from now on, and the year's
figures by unit read an index on it. The proposals' year index also carries what the figures group by."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_assignment_figures")]

    operations = [
        migrations.AlterField(model_name="assignment", name="year", field=models.PositiveSmallIntegerField()),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["year", "unit"],
                include=["proposal", "state", "role", "current_grade", "replied_on_time", "proposer_rating"],
                name="assignment_year_figures",
            ),
        ),
        migrations.RemoveIndex(model_name="proposal", name="proposal_year_scope"),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["year", "state", "category", "author", "submitted_at", "id"],
                include=(
                    "lead_sector",
                    "lead_party",
                    "collective",
                    "lead_member",
                    "is_session_proposal",
                    "key_state",
                    "excellent_state",
                ),
                name="proposal_year_scope",
            ),
        ),
    ]
