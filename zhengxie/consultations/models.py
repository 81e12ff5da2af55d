"""协商: topic suggestions (选题征集), the annual consultation plan (年度协商计划) with its recorded approval steps
and versions, and each consultation (协商活动) with its stages.

A published plan version is never changed: an amendment is a new version (a copy taken through the steps again).
Items of successive versions share a ``lineage`` (the id of the first item), so the versions can be compared item by
item and a consultation started from an item in one version belongs to the same item in the next."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ConsultationKind, ConsultationState, Form, PlanState, SuggestionSource

User = settings.AUTH_USER_MODEL


class TopicSuggestion(models.Model):
    """选题建议: a topic suggested for the year's consultations, with where it came from (a member, a special
    committee, a leader's topic, a department's or the public's proposal)."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("选题"), max_length=200)
    reason = models.TextField(_("理由和背景"), blank=True)
    source = models.CharField(_("来源"), max_length=24, choices=SuggestionSource.choices)
    # Who suggested it: the member (and the special committee a member suggests for), or, for topics entered by
    # staff, the leader, department or person named in words.
    member = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("委员")
    )
    special_committee = models.ForeignKey(
        "people.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("专门委员会"),
    )
    source_name = models.CharField(_("提出者"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("选题建议")

    def __str__(self):
        return self.title


class ConsultationPlan(models.Model):
    """年度协商计划: one version of a year's plan; amending a published version makes the next version."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("上一版本")
    )
    amendment_reason = models.TextField(_("修订理由"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("年度协商计划")
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="unique_plan_version")]

    def __str__(self):
        return self.title


class PlanStep(models.Model):
    """审批步骤: one recorded step of a plan version (修改, 审议, 决定, 发布) — its date, the body that took it and the
    document number; the person who recorded it is the audit row's actor."""

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("步骤"), max_length=24)
    date = models.DateField(_("日期"))
    body = models.CharField(_("机构或会议"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("审批步骤")


class PlanItem(models.Model):
    """计划项目: one consultation the plan foresees — its form, topic, lead special committee, government
    counterpart and month."""

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="items")
    # The same item across versions: the id of its first version's row.
    lineage = models.BigIntegerField(_("项目标识"), null=True, blank=True, db_index=True)
    form = models.CharField(_("协商形式"), max_length=32, choices=Form.choices)
    topic = models.CharField(_("议题"), max_length=200)
    background = models.TextField(_("背景"), blank=True)
    lead_committee = models.ForeignKey(
        "people.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头专委会"),
    )
    counterpart = models.CharField(_("对口部门"), max_length=200, blank=True)
    planned_month = models.PositiveSmallIntegerField(_("计划月份"))
    suggestion = models.ForeignKey(
        TopicSuggestion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("选题建议"),
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["planned_month", "sort_order", "id"]
        verbose_name = _("计划项目")

    def __str__(self):
        return self.topic


class Consultation(models.Model):
    """协商活动: one consultation (or key research topic, 重点课题) run through its stages — topic, briefing (知情明政),
    research (调研), meeting (协商会), outcomes (成果)."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("类型"), max_length=24, choices=ConsultationKind.choices)
    form = models.CharField(_("协商形式"), max_length=32, choices=Form.choices)
    title = models.CharField(_("议题"), max_length=200)
    background = models.TextField(_("背景"), blank=True)
    state = models.CharField(
        _("阶段"), max_length=16, choices=ConsultationState.choices, default=ConsultationState.TOPIC, db_index=True
    )
    plan_item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("计划项目")
    )
    lineage = models.BigIntegerField(_("项目标识"), null=True, blank=True, db_index=True)
    lead_committee = models.ForeignKey(
        "people.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头专委会"),
    )
    counterpart = models.CharField(_("对口部门"), max_length=200, blank=True)
    # Briefing (知情明政)
    briefing_date = models.DateField(_("通报日期"), null=True, blank=True)
    briefing_by = models.CharField(_("通报部门"), max_length=200, blank=True)
    briefing_summary = models.TextField(_("通报情况"), blank=True)
    # Research (调研)
    research_report = models.TextField(_("调研报告"), blank=True)
    # Meeting (协商会): a duty activity of kind ``consultation``; its record.
    meeting_activity_id = models.BigIntegerField(_("协商会"), null=True, blank=True)
    meeting_briefing = models.TextField(_("情况通报"), blank=True)
    meeting_questions = models.TextField(_("委员提问"), blank=True)
    meeting_answers = models.TextField(_("部门答复"), blank=True)
    meeting_speeches = models.TextField(_("委员发言"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("协商活动")

    def __str__(self):
        return self.title


class GroupMember(models.Model):
    """调研组成员: a member or a staff member of a consultation's research group."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="group")
    member = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("委员")
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("工作人员")
    )
    is_head = models.BooleanField(_("组长"), default=False)

    class Meta:
        ordering = ["-is_head", "id"]
        verbose_name = _("调研组成员")


class Visit(models.Model):
    """调研活动: a visit of the research group, held as a duty activity (attendance and duty records follow)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="visits")
    activity_id = models.BigIntegerField(_("活动"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("调研活动")


def material_path(instance, filename):
    return f"consultations/{instance.consultation_id}/{filename}"


class Material(models.Model):
    """协商材料: a file of a stage (briefing materials, meeting materials, the research report)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="materials")
    stage = models.CharField(_("阶段"), max_length=16, choices=ConsultationState.choices)
    file = models.FileField(upload_to=material_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Set by the service: materials recorded afterwards keep the day they were sent (the 10-working-day rule).
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("协商材料")
