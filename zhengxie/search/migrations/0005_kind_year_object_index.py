"""The btree over (kind, year) becomes one over (kind, year, object_id) again: the search reads a year's newest
matches in slices of object ids (``selectors._newest_of_year``), and a slice walks this index backwards from its
highest id and stops at the bound, a few hundred rows, where the GIN index gave every match of the year to sort (for
a common word 11,000 of a year's 30,000 proposals at province size). It still gives a kind's newest and oldest year.
The planner's old mistake with it (walking a whole year for a word's few hundred matches, migration 0004) is kept
away by reading the rest of a year, past the slices, without asking for an order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0004_kind_year_document_index")]

    operations = [
        migrations.RemoveIndex(model_name="searchentry", name="search_entry_kind_and_year"),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["kind", "year", "object_id"], name="search_entry_kind_year_object"),
        ),
    ]
