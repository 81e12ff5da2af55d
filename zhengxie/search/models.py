from django.db import models


class SearchEntry(models.Model):
    """搜索索引条目: one searchable object (a proposal, a reply …) as the search reads it, keyed by its kind and id.

    ``title`` and ``body`` keep the text as written (for the result's passage); ``title_tokens`` and ``body_tokens``
    hold the same text normalised and segmented (``search.text``), the words joined by spaces. The full-text index
    over the token columns is the database's own: an FTS5 table kept by triggers on SQLite, a generated ``tsvector``
    column with a GIN index on PostgreSQL (migration 0002). Who may see an entry is asked of its source's selector
    when searching (``search.registry``), so the index holds no copy of the visibility rules; ``key`` is the id of
    the object whose visibility an entry's follows (a reply's proposal), so a source can narrow its matches to the
    keys a reader may see before checking each one (``Source.visible_keys``)."""

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    key = models.BigIntegerField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_kind_object")]
        indexes = [
            models.Index(fields=["year"], name="search_entry_year"),
            models.Index(fields=["key"], name="search_entry_key"),
            # A kind's newest and oldest year, and a year's matches read in slices of object ids, newest first
            # (``selectors._newest_of_year``, migration 0005). The rest of a year past the slices is read without
            # an order: asked for in order, the planner walked a whole year here for a word's few hundred matches.
            models.Index(fields=["kind", "year", "object_id"], name="search_entry_kind_year_object"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class FtsRow(models.Model):
    """The SQLite full-text table over the entries (FTS5, external content; its rowid is the entry's id). Only
    joined to rank and match on SQLite; the table is created by migration 0002 there and exists nowhere else."""

    entry = models.OneToOneField(
        SearchEntry, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING, related_name="fts"
    )

    class Meta:
        managed = False
        db_table = "search_fts"
