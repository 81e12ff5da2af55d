"""The co-signatures' year is filled (0007, in its own transaction): it is required from now on, and the year's
figures read an index on it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_cosignature_year")]

    operations = [
        migrations.AlterField(model_name="cosignature", name="year", field=models.PositiveSmallIntegerField()),
        migrations.AddIndex(
            model_name="cosignature",
            index=models.Index(fields=["year", "state"], include=["proposal", "member"], name="cosignature_year"),
        ),
    ]
