"""The unit board's index carries each assignment's state, year and round, so that the board's tab counts read it
alone on PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0008_cosignature_year_index")]

    operations = [
        migrations.RemoveIndex(model_name="assignment", name="assignment_unit_board"),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["unit", "due_date", "id"], include=("state", "year", "round"), name="assignment_unit_board"
            ),
        ),
    ]
