"""Activities with attendance (活动与考勤), the duty ledger (履职记录), the yearly rule table (积分规则) and the
computed yearly archive (履职档案).

Ledger kinds are codes: the proposal, report and training kinds of ``choices.DutyKind``, and for activities
``attended.<activity kind>``, ``late.<kind>``, ``on_leave.<kind>``, ``absent.<kind>``, ``spoke.<kind>``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


ATTENDANCE_PREFIXES = {
    "attended": _("出席"),
    "late": _("迟到"),
    "on_leave": _("请假"),
    "absent": _("缺席"),
    "spoke": _("发言"),
}


class ActivityKind(models.Model):
    """活动类别: plenary, standing committee meeting, inspection … (an editable list)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("活动类别")

    def __str__(self):
        return self.name


class ActivityState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class AttendanceMode(models.TextChoices):
    REQUIRED = "required", _("应出席")
    SIGN_UP = "sign_up", _("报名参加")


class Activity(models.Model):
    """活动: a meeting, inspection, research trip, training … with invitees and attendance."""

    title = models.CharField(_("名称"), max_length=200)
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, verbose_name=_("类别"))
    # The organiser: a special committee, or the secretariat when empty (谁组织谁记录).
    organiser = models.ForeignKey(
        "people.SpecialCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("组织单位"),
    )
    start = models.DateTimeField(_("开始时间"), db_index=True)
    end = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ActivityState.choices, default=ActivityState.DRAFT, db_index=True
    )
    attendance = models.CharField(
        _("参加方式"), max_length=16, choices=AttendanceMode.choices, default=AttendanceMode.REQUIRED
    )
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    sign_up_closes = models.DateTimeField(_("报名截止"), null=True, blank=True)
    invitees_spec = models.JSONField(_("邀请范围"), default=dict)
    # Plenary attendance counts per half day; training counts hours.
    half_days = models.PositiveSmallIntegerField(_("半天数"), default=1)
    training_hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=Decimal("0"))
    checkin_secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("活动")

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    ON_LEAVE = "on_leave", _("请假")
    ABSENT = "absent", _("缺席")


class Invitation(models.Model):
    """参加记录: one invitee of an activity — sign-up, check-in and, after closing, the final status."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="invitations")
    signed_up_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by_staff = models.BooleanField(default=False)
    status = models.CharField(_("考勤"), max_length=16, choices=AttendanceStatus.choices, blank=True)

    class Meta:
        verbose_name = _("参加记录")
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="unique_invitation")]
        indexes = [models.Index(fields=["member", "activity"])]


class LeaveState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("未批准")


class LeaveRequest(models.Model):
    """请假: an invitee asks leave of an activity; the organiser decides."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="leave")
    reason = models.TextField(_("理由"))
    state = models.CharField(max_length=16, choices=LeaveState.choices, default=LeaveState.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)


class Speech(models.Model):
    """发言: a member's written or spoken speech at an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="speeches")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="speeches")
    title = models.CharField(_("题目"), max_length=200)
    written = models.BooleanField(_("书面发言"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


def material_path(instance, filename):
    return f"activities/{instance.activity_id}/{instance.sha256}"


class ActivityMaterial(models.Model):
    """活动材料: a file for the invitees only."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(upload_to=material_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class DutyRecord(models.Model):
    """履职记录: one ledger row. Append-only: a correction is a new row whose ``reverses`` cancels an old one."""

    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="duty_records")
    kind = models.CharField(_("类别"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    occurred_on = models.DateField(_("日期"))
    source_type = models.CharField(_("来源类型"), max_length=48)
    source_id = models.BigIntegerField(_("来源编号"))
    source_label = models.CharField(_("来源"), max_length=255, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=7, decimal_places=2, default=Decimal("1"))
    # +1 for a record, -1 for the row that reverses one: SUM(sign) counts items and SUM(sign * quantity) nets them.
    sign = models.SmallIntegerField(default=1)
    # Shared items (joint proposals) say how many members share them, for the sharing rule.
    share_count = models.PositiveSmallIntegerField(default=1)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("履职记录")
        indexes = [
            models.Index(fields=["member", "year"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["year", "kind"]),
        ]

    def __str__(self):
        return f"{self.member} {self.kind} {self.occurred_on}"


class RuleSet(models.Model):
    """积分规则: the rule table of one year, with grade thresholds, minimum duties and alert rules."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    base_points = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=Decimal("60"))
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, default=Decimal("100"))
    joint_lead_share = models.DecimalField(
        _("联名提案第一提案人所占比例"), max_digits=4, decimal_places=2, default=Decimal("0.5")
    )
    # [[grade label, minimum score], …] highest first, e.g. [["优秀", 90], ["良好", 80], ["称职", 60], ["不称职", 0]]
    grades = models.JSONField(_("等次"), default=list)
    # [{"code", "label", "kinds": [kind or prefix.*], "count"}]
    minimums = models.JSONField(_("基本履职要求"), default=list)
    # [{"code", "label", "kinds": [...], "count", "period": "year"|"term"}]
    alerts = models.JSONField(_("预警规则"), default=list)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("积分规则")

    def __str__(self):
        return f"{self.year}"


class RuleItem(models.Model):
    """积分规则项: points for one ledger kind (or a prefix such as ``attended.*``), with a yearly cap and, for joint
    items, the total shared among the members of the item."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类别"), max_length=64)
    label = models.CharField(_("说明"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    yearly_cap = models.DecimalField(_("年度上限"), max_digits=7, decimal_places=2, null=True, blank=True)
    # When set and the item is joint (share_count > 1): the total the members share instead of ``points`` each.
    joint_points = models.DecimalField(_("联名共享分值"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("积分规则项")
        constraints = [models.UniqueConstraint(fields=["ruleset", "kind"], name="unique_rule_kind")]


class MemberYearScore(models.Model):
    """履职档案（年度汇总）: the computed points, grade, ranks and missing minimums of a member in a year.
    Derived from the ledger by ``points.compute``; recomputed when the ledger or the year's rules change."""

    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="year_scores")
    year = models.PositiveSmallIntegerField(db_index=True)
    sector = models.ForeignKey("people.Sector", null=True, on_delete=models.SET_NULL, related_name="+")
    total = models.DecimalField(max_digits=8, decimal_places=2)
    score = models.DecimalField(max_digits=8, decimal_places=2)
    grade = models.CharField(max_length=20)
    by_kind = models.JSONField(default=dict)
    missing = models.JSONField(default=list)
    alerts = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)
    ruleset_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="unique_member_year_score")]
        indexes = [
            # The committee table's default order (selectors.SORTS["score"]: -score, member_id): a page of 50 is
            # read in index order even when thousands of members tie on the same score (most reach the 100-point
            # cap under the default rules: at province scale the tie was sorted whole, 140 ms).
            models.Index(fields=["year", "-score", "member"]),
            models.Index(fields=["year", "sector", "-score"]),
        ]


class YearScoreRoster(models.Model):
    """积分名册核对: the state of the member roster (its highest id and latest change) at which every serving member
    was last found to have a ``MemberYearScore`` row for the year. ``points.ensure_year`` compares it with the
    roster's current state — two index probes — and searches for members without a row only when they differ, so
    the archive pages and the committee table no longer scan every member on each request."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_member_id = models.BigIntegerField(null=True)
    last_member_change = models.DateTimeField(null=True)
    checked_at = models.DateTimeField(auto_now=True)
