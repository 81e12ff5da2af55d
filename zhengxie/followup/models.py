"""成果转化: outcome documents (成果文件), their recommendations (建议) and each recommendation's dated
progress, from every source (consultation, supervision, key proposals, research reports, online
deliberation). States change only through the workflow engine (``workflow.py``, ``actions.py``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxie.people.models import HandlingUnit

from .choices import DocumentKind, DocumentState, InstructionLevel, RecommendationState, Source

User = settings.AUTH_USER_MODEL


class OutcomeDocument(models.Model):
    """成果文件: an outcome of a consultation, a supervision topic, a key proposal's supervision, a research report
    or an online deliberation (纪要、建议案、专报…), with its recommendations; drafted, then sent (报送) to the party
    committee and government.

    ``source`` and ``source_id`` name the record in the source's own app (followup imports none of them);
    ``source_title`` and ``source_url`` are copied so the follow-up pages can name and link it without asking.
    ``progress`` and ``recommendation_count`` are derived from the recommendations, kept current by every write
    that changes them (``progress.refresh_document``), so lists read them without a join."""

    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    source_id = models.BigIntegerField(_("来源记录"))
    source_title = models.CharField(_("来源名称"), max_length=300)
    source_url = models.CharField(_("来源链接"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("文件类型"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=DocumentState.choices, default=DocumentState.DRAFT)
    sent_to = models.CharField(_("报送对象"), max_length=200, blank=True)
    sent_on = models.DateField(_("报送日期"), null=True, blank=True)
    progress = models.DecimalField(_("落实进度"), max_digits=5, decimal_places=1, null=True, blank=True)
    recommendation_count = models.PositiveIntegerField(_("建议数"), default=0)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("成果文件")
        indexes = [
            models.Index(fields=["source", "source_id"], name="followup_doc_source"),
            models.Index(fields=["year", "source"], name="followup_doc_year_source"),
        ]

    def __str__(self):
        return self.title


class Recommendation(models.Model):
    """建议: one recommendation of an outcome document, addressed to one department (承办单位), followed until it
    is carried out: answered (adopted in whole or part, or not), then carried out with dated progress updates.

    ``year`` and ``source`` repeat the document's so the department's, the leaders' and the stale-job's queries
    filter one table through one index. ``last_update_at`` is the time of the latest answer or progress update
    (its creation until then): a recommendation still open whose last update lies further back than the set
    number of working days is stale (``stale.cutoff``)."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveIntegerField(_("序号"), default=1)
    text = models.TextField(_("建议内容"))
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="recommendations")
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    due_date = models.DateField(_("落实期限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=RecommendationState.choices, default=RecommendationState.NOT_ANSWERED
    )
    percent = models.PositiveSmallIntegerField(_("落实进度（%）"), default=0)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=24, choices=Source.choices)
    answer_note = models.TextField(_("答复意见"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("最近更新"))
    # The ``last_update_at`` its department and the secretariat were last reminded of as stale (``stale.py``): a
    # stale spell is reminded of once; an update starts a new spell.
    stale_reminded_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "position", "id"]
        verbose_name = _("建议")
        indexes = [
            models.Index(fields=["unit", "year", "state"], name="followup_rec_unit_year_state"),
            models.Index(fields=["year", "source"], name="followup_rec_year_source"),
            models.Index(fields=["state", "last_update_at"], name="followup_rec_state_updated"),
            # The department's list, newest update first (its "all" and "stale" tabs): read in order, 50 at a time,
            # rather than every recommendation of the department joined to its document and sorted.
            models.Index(fields=["unit", "-last_update_at", "-id"], name="followup_rec_unit_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="followup_rec_percent_le_100"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="followup_rec_weight_positive"),
        ]

    def __str__(self):
        return self.text[:60]


class RecommendationUpdate(models.Model):
    """办理进展: one dated entry of a recommendation's timeline — who, when, what changed (status, percent) and the
    note; evidence files may hang on it."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("记录时间"))
    date = models.DateField(_("进展日期"))
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("记录人"), max_length=150)
    action = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    from_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    to_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理进展")
        indexes = [models.Index(fields=["recommendation", "at"], name="followup_update_rec_at")]


def evidence_path(instance, filename):
    return f"followup/{instance.recommendation_id}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """佐证材料: a file a department attaches to a recommendation as proof of what it did; type checked by content,
    stored under its checksum."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        RecommendationUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("佐证材料")


class Instruction(models.Model):
    """批示: a leader's written instruction on an outcome document, with its date and text."""

    document = models.ForeignKey(OutcomeDocument, on_delete=models.CASCADE, related_name="instructions")
    leader = models.CharField(_("批示领导"), max_length=100)
    level = models.CharField(_("领导类别"), max_length=16, choices=InstructionLevel.choices)
    date = models.DateField(_("批示日期"))
    text = models.TextField(_("批示内容"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("批示")
