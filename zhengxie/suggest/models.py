from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitSuggestionModel(models.Model):
    """智能交办模型: the unit suggestion model learned from past assignments, one row that every worker reads.

    ``payload`` is the model itself (``engine.Model.dumps``: compressed JSON, never pickle); ``version`` grows by
    one at each training, so a process keeps its loaded copy until the version changes. ``last_assignment_id`` is
    the newest assignment the model learned from: the retraining job counts the assignments after it."""

    key = models.CharField(max_length=16, primary_key=True, default="unit")
    version = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    assignments = models.PositiveIntegerField(_("学习的交办数"), default=0)
    proposals = models.PositiveIntegerField(default=0)
    last_assignment_id = models.BigIntegerField(default=0)
    validation = models.JSONField(default=dict, blank=True)
    payload = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("智能交办模型")

    def __str__(self):
        return f"{self.key} v{self.version}"
