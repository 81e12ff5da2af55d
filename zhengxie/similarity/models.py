from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalSketch(models.Model):
    """提案查重索引: what the exact score of a proposal needs (its distinct shingle hashes, 4 bytes each), kept
    with the proposal. Its band keys are ``ProposalBand`` rows."""

    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("提案")
    )
    shingles = models.BinaryField()
    # What the shingles were computed from, so the rebuild can skip proposals whose text did not change.
    text_digest = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("提案查重索引")


class ProposalBand(models.Model):
    """One LSH band key of a proposal's MinHash signature: two proposals sharing a (band, key) are candidates."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("提案")
    )
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("提案查重分桶")
        indexes = [
            models.Index(fields=["band", "key"], name="similarity_band_key"),
            models.Index(fields=["proposal"], name="similarity_band_proposal"),
        ]
