"""民主监督: the yearly supervision plan, its topics, groups, three phases and the "five haves"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import PlanState, SupervisionForm, TopicState

User = settings.AUTH_USER_MODEL


class SupervisionPlan(models.Model):
    """年度民主监督计划: the year's supervision topics, approved by the standing committee (常委会议) and then
    published (印发). The approval is recorded with its date, the body that approved it and the document number."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    approved_on = models.DateField(_("审议日期"), null=True, blank=True)
    approval_body = models.CharField(_("审议机构"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_on = models.DateField(_("印发日期"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度民主监督计划")

    def __str__(self):
        return self.title


def scheme_path(instance, filename):
    return f"supervision/{instance.topic_id}/{filename}"


class SupervisionTopic(models.Model):
    """监督议题: one topic of the plan, its form, the supervised department (被监督单位), its group (监督小组:
    members and staff) and its phase (组织发动 → 调研评议 → 总结整改)."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.PROTECT, related_name="topics", verbose_name=_("计划"))
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    form = models.CharField(_("监督形式"), max_length=24, choices=SupervisionForm.choices)
    department = models.ForeignKey(
        "people.HandlingUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被监督单位")
    )
    state = models.CharField(
        _("阶段"), max_length=16, choices=TopicState.choices, default=TopicState.ORGANISING, db_index=True
    )
    scheme = models.TextField(_("实施方案"), blank=True)
    members = models.ManyToManyField("people.Member", related_name="supervision_topics", verbose_name=_("小组委员"))
    staff = models.ManyToManyField(User, related_name="supervision_topics", verbose_name=_("小组工作人员"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    investigating_on = models.DateField(_("进入调研评议"), null=True, blank=True)
    rectifying_on = models.DateField(_("进入总结整改"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "sort_order", "id"]
        verbose_name = _("监督议题")

    def __str__(self):
        return self.title


class SchemeFile(models.Model):
    """实施方案附件: the topic's scheme as an uploaded file."""

    topic = models.ForeignKey(SupervisionTopic, on_delete=models.CASCADE, related_name="scheme_files")
    file = models.FileField(upload_to=scheme_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实施方案附件")


class TopicActivity(models.Model):
    """监督活动: a duty activity (视察、调研、评议会) held for a topic; attendance and duty points follow from the
    activity itself. The activity is known by its id only: supervision reads it through duty's services."""

    topic = models.ForeignKey(SupervisionTopic, on_delete=models.CASCADE, related_name="activity_links")
    activity_id = models.PositiveBigIntegerField(_("活动"))
    linked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监督活动")
        constraints = [models.UniqueConstraint(fields=["topic", "activity_id"], name="unique_topic_activity")]
