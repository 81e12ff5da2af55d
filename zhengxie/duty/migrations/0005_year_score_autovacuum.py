"""PostgreSQL: vacuum the stored year scores after a twentieth of their rows has changed rather than a fifth.

Recomputing a year after a rule change rewrites that year's rows (30,000 at province size, a tenth of ten years);
until the table is vacuumed, its index-only reads (the committee table, the archive's curves) must visit the rows
themselves, and they took 22 ms instead of 1 ms. With PostgreSQL's default threshold (20 % of the table) two
recomputes could pass without a vacuum.
"""

from django.db import migrations

TABLE = "duty_memberyearscore"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("duty", "0004_year_score_roster")]

    operations = [migrations.RunPython(forwards, backwards)]
