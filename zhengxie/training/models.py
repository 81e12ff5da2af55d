"""学习培训: the yearly study and training plan, training classes, seminars and their papers, members' study hours.

Training classes and seminars are activities of the duty module (kinds ``training`` and ``seminar``); this app keeps
what only it knows about them (hours, courses, per-attendee hours, papers) and refers to the activity by its id
(``activity_id``), reading and creating activities only through ``duty.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ItemKind(models.TextChoices):
    THEORY_STUDY = "theory_study", _("理论学习")
    MEMBER_CLASS = "member_class", _("委员培训班")
    STAFF_CLASS = "staff_class", _("机关干部培训")
    SEMINAR = "seminar", _("理论研讨")


# The activity kind (duty's ``ActivityKind.code``) an item's activity is made with.
ACTIVITY_KIND = {
    ItemKind.THEORY_STUDY: "training",
    ItemKind.MEMBER_CLASS: "training",
    ItemKind.STAFF_CLASS: "training",
    ItemKind.SEMINAR: "seminar",
}


class TargetGroup(models.TextChoices):
    MEMBERS = "members", _("全体委员")
    STAFF = "staff", _("机关干部")
    SECTOR = "sector", _("界别")
    SPECIAL_COMMITTEE = "special_committee", _("专门委员会")


class TrainingPlan(models.Model):
    """年度学习培训计划: the committee's study and training plan of one year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度学习培训计划")

    def __str__(self):
        return self.title


class PlanItem(models.Model):
    """计划项目: one study session, training class or seminar of the plan, with its dates, target group and
    planned hours; ``activity_id`` is the duty activity that carries it out, once there is one."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    target_group = models.CharField(_("参加对象"), max_length=20, choices=TargetGroup.choices)
    sector = models.ForeignKey(
        "people.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("界别")
    )
    special_committee = models.ForeignKey(
        "people.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("专门委员会"),
    )
    planned_hours = models.DecimalField(_("计划学时"), max_digits=5, decimal_places=1, default=Decimal("0"))
    activity_id = models.BigIntegerField(_("活动"), null=True, blank=True, unique=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("计划项目")

    def __str__(self):
        return self.title


class TrainingClass(models.Model):
    """培训班: the hours and courses of a training activity (duty activity of kind ``training``)."""

    activity_id = models.BigIntegerField(_("活动"), unique=True)
    plan_item = models.OneToOneField(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_class"
    )
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训班")


class Course(models.Model):
    """课程: one course of a training class, with its teacher and hours."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("课程名称"), max_length=200)
    teacher = models.CharField(_("授课人"), max_length=100)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["id"]
        verbose_name = _("课程")


class AttendeeHours(models.Model):
    """学时登记: the hours an attendee of a training class actually attended, when less than the class's (late,
    left early, some courses only). Without a row an attendee present gets the class's full hours."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="attendee_hours")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("实际学时"), max_digits=5, decimal_places=1)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("学时登记")
        constraints = [models.UniqueConstraint(fields=["training_class", "member"], name="unique_attendee_hours")]


class Seminar(models.Model):
    """理论研讨会: a seminar activity (duty kind ``seminar``) collecting members' papers."""

    activity_id = models.BigIntegerField(_("活动"), unique=True)
    plan_item = models.OneToOneField(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="seminar")
    theme = models.CharField(_("研讨主题"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("理论研讨会")


class PaperState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("审核通过")
    REJECTED = "rejected", _("未通过")
    SELECTED = "selected", _("入选")


def paper_path(instance, filename):
    return f"seminar-papers/{instance.seminar_id}/{instance.sha256}"


class SeminarPaper(models.Model):
    """研讨论文: a member's paper for a seminar: submitted, reviewed by staff, and perhaps selected."""

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="papers")
    author = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("论文题目"), max_length=200)
    abstract = models.TextField(_("摘要"))
    file = models.FileField(upload_to=paper_path, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=PaperState.choices, default=PaperState.SUBMITTED, db_index=True
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("研讨论文")

    def __str__(self):
        return self.title


class StudyRequirement(models.Model):
    """年度学时要求: the study hours each member must reach in a year (set by the secretariat; the default is the
    ``TRAINING["REQUIRED_HOURS"]`` setting)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    hours = models.DecimalField(_("应完成学时"), max_digits=5, decimal_places=1)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度学时要求")
