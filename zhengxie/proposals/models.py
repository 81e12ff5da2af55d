"""Proposals (提案): drafts, co-signing, review and numbering, assignment to handling units, replies, evaluation,
re-handling, key and excellent proposals. States change only in ``workflow.py``'s executor."""

from django.conf import settings
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from zhengxie.core.models import ChoiceLabels
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member, Party, Sector, Session

from .choices import (
    AssignmentRole,
    AssignmentState,
    ContactWay,
    ConvertKind,
    CosignState,
    ExcellentState,
    ExtensionState,
    KeyState,
    ProposalState,
    ReplyState,
    Satisfaction,
    SupervisionKind,
)

User = settings.AUTH_USER_MODEL


class Category(models.Model):
    """提案类别: 经济建设, 政治建设 … (an editable list)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("提案类别")

    def __str__(self):
        return self.name


class YearCounter(models.Model):
    """立案编号计数器: the last number given in a year, locked while a proposal is registered."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.PositiveIntegerField(default=0)


class Proposal(ChoiceLabels, models.Model):
    """提案: one matter, by a member (with co-signers) or by a collective."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("会议")
    )
    is_session_proposal = models.BooleanField(_("大会提案"), default=False)
    seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("案号"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("案由"), max_length=200)
    analysis = models.TextField(_("情况分析"), blank=True)
    suggestions = models.TextField(_("具体建议"), blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("类别"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ProposalState.choices, default=ProposalState.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="authored_proposals", verbose_name=_("填报人")
    )
    lead_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_proposals",
        verbose_name=_("第一提案人"),
    )
    collective = models.ForeignKey(
        CollectiveProposer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("集体提案者"),
    )
    # Sector and party of the lead proposer when submitted, so statistics do not move when a member changes sector.
    lead_sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    suggested_units = models.ManyToManyField(
        HandlingUnit, blank=True, related_name="suggested_for", verbose_name=_("建议承办单位")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    cosign_deadline = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    evaluation_deadline = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_proposals", verbose_name=_("并入")
    )
    converted_kind = models.CharField(max_length=20, choices=ConvertKind.choices, blank=True)
    rejection_ground = models.CharField(_("不予立案理由"), max_length=40, blank=True)
    office_comment = models.TextField(_("审查意见"), blank=True)
    rehandling_count = models.PositiveSmallIntegerField(default=0)
    key_state = models.CharField(_("重点提案"), max_length=16, choices=KeyState.choices, blank=True, default="")
    supervising_leader = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_proposals",
        verbose_name=_("督办领导"),
    )
    excellent_state = models.CharField(
        _("优秀提案"), max_length=16, choices=ExcellentState.choices, blank=True, default=""
    )
    followup_on = models.DateField(_("回头看日期"), null=True, blank=True)
    publish_consent = models.BooleanField(_("同意公开"), default=False)
    # 历史导入: brought in closed from an earlier year's spreadsheet (history_import.py), never through the workflow;
    # its proposers are kept as written, those matched to members also as lead member and co-signers.
    imported = models.BooleanField(_("历史导入"), default=False, db_default=False)
    proposer_names = models.CharField(_("提案人"), max_length=200, blank=True, db_default="")

    class Meta:
        ordering = ["-year", "-seq", "-id"]
        verbose_name = _("提案")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="unique_proposal_seq_per_year"),
            models.CheckConstraint(
                condition=models.Q(lead_member__isnull=False)
                | models.Q(collective__isnull=False)
                | models.Q(imported=True),  # an earlier year's proposal may name no proposer
                name="proposal_has_proposer",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "year"]),
            models.Index(fields=["year", "category"]),
            models.Index(fields=["author", "state"]),
            # The list's order (selectors.proposal_list): a page of 20 is read in index order and stops after 20
            # rows, instead of sorting every match (at province scale, 31,000 proposals a year, 75 ms -> 1 ms).
            models.Index(
                F("year").desc(), Coalesce("seq", Value(0)).desc(), F("id").desc(), name="proposal_list_order"
            ),
            # Counts of the filtered list and the statistics' proposals in scope by index only: the year, state and
            # category filters plus the columns of visible_proposals' rule for the office (author, submitted_at), and
            # on PostgreSQL what the year's figures group and count by (at province scale, 31,000 proposals a year:
            # the grouping 60 -> 7 ms, the distinct proposers 51 -> 34 ms).
            models.Index(
                fields=["year", "state", "category", "author", "submitted_at", "id"],
                include=[
                    "lead_sector",
                    "lead_party",
                    "collective",
                    "lead_member",
                    "is_session_proposal",
                    "key_state",
                    "excellent_state",
                ],
                name="proposal_year_scope",
            ),
            # The merged proposals (3 %) by the proposal they were merged into, for the statistics' ratings given on
            # their behalf; the foreign key's own index also holds every other proposal (NULL), all of which a
            # merge join would read.
            models.Index(fields=["merged_into", "id"], condition=models.Q(state="merged"), name="proposal_merged"),
            # The year's key and excellent proposals (statistics, boards): a few hundred of 30,000.
            models.Index(
                fields=["year"],
                condition=models.Q(key_state="approved") | models.Q(excellent_state="approved"),
                name="proposal_honoured",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def is_collective(self) -> bool:
        return self.collective_id is not None


class Cosignature(ChoiceLabels, models.Model):
    """联名: an invitation to co-sign and the member's answer."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cosignatures")
    state = models.CharField(max_length=16, choices=CosignState.choices, default=CosignState.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The proposal's year (set when the draft is created, never changed): the year's figures count its joint
    # proposals and its proposing members from the year's co-signatures alone.
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("联名")
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="unique_cosigner")]
        indexes = [
            # The year's confirmed co-signers from the index alone on PostgreSQL (at province scale, 19,000 of
            # 192,000 co-signatures), instead of every co-signature matched against the year's proposals.
            models.Index(fields=["year", "state"], include=["proposal", "member"], name="cosignature_year"),
        ]


class Assignment(ChoiceLabels, models.Model):
    """交办: a proposal sent to one handling unit in a role (single, separate, lead or co-handler)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("承办方式"), max_length=16, choices=AssignmentRole.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=AssignmentState.choices, default=AssignmentState.PENDING, db_index=True
    )
    assigned_at = models.DateTimeField()
    dispute_deadline = models.DateField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("办理期限"), db_index=True)
    dispute_reason = models.TextField(blank=True)
    co_opinion = models.TextField(_("会办意见"), blank=True)
    co_opinion_at = models.DateTimeField(null=True, blank=True)
    round = models.PositiveSmallIntegerField(default=1)
    replaced_by_note = models.TextField(blank=True)
    # What the statistics count of the assignment, kept by statistics.refresh_assignment_figures in the transaction
    # of every action that changes a figure: the proposal's year (fixed once it is registered), and of its current
    # reply the final grade, whether it was approved by the due date, and the rating its own proposal gave it ("" for
    # none). The year's figures then read the assignments alone instead of joining each to its replies and ratings.
    year = models.PositiveSmallIntegerField()
    current_grade = models.CharField(max_length=4, blank=True, db_default="")
    replied_on_time = models.BooleanField(db_default=False)
    proposer_rating = models.CharField(max_length=24, blank=True, db_default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("交办")
        indexes = [
            models.Index(fields=["unit", "state", "due_date"]),
            # A unit's board lists its assignments by due date, a page at a time, whatever their state; its tab
            # counts (by year, state and round) read the index alone on PostgreSQL.
            models.Index(
                fields=["unit", "due_date", "id"],
                include=["state", "year", "round"],
                name="assignment_unit_board",
            ),
            # The year's figures by unit, from the index alone on PostgreSQL (at province scale, 41,000 of 390,000
            # assignments).
            models.Index(
                fields=["year", "unit"],
                include=["proposal", "state", "role", "current_grade", "replied_on_time", "proposer_rating"],
                name="assignment_year_figures",
            ),
        ]

    def __str__(self):
        return f"{self.proposal} → {self.unit}"

    @property
    def owes_reply(self) -> bool:
        return self.role != AssignmentRole.CO


class Reply(ChoiceLabels, models.Model):
    """答复: a unit's reply to a proposal, drafted by staff and signed by the unit leader."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("答复内容"))
    grade = models.CharField(_("答复类别"), max_length=4)
    # Every reply letter names whom the proposer may call about it.
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    office_grade = models.CharField(max_length=4, blank=True)
    grade_note = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=ReplyState.choices, default=ReplyState.DRAFT)
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    signed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("答复")

    @property
    def final_grade(self) -> str:
        return self.office_grade or self.grade


class Evaluation(ChoiceLabels, models.Model):
    """满意度测评: a proposer's rating of one approved reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="evaluations")
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="evaluations_given",
        help_text="the (possibly merged) proposal on whose behalf the rating is given",
    )
    evaluator = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField(max_length=24, choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("满意度测评")
        constraints = [models.UniqueConstraint(fields=["reply", "proposal"], name="unique_evaluation")]


class Contact(ChoiceLabels, models.Model):
    """办前沟通: a handling unit's contact with the proposer."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("日期"))
    way = models.CharField(_("方式"), max_length=16, choices=ContactWay.choices)
    summary = models.TextField(_("情况"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("办前沟通")


class ExtensionRequest(ChoiceLabels, models.Model):
    """延期申请: a unit asks for a later due date for a hard case."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    requested_due = models.DateField(_("申请延期至"))
    reason = models.TextField(_("理由"))
    state = models.CharField(max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("延期申请")


class SupervisionActivity(ChoiceLabels, models.Model):
    """督办活动: a supervising leader's site visit, discussion or research on a key proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supervision_activities")
    kind = models.CharField(_("形式"), max_length=16, choices=SupervisionKind.choices)
    date = models.DateField(_("日期"))
    findings = models.TextField(_("督办情况"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("督办活动")


class ExcellentUnitAward(ChoiceLabels, models.Model):
    """优秀承办单位: a yearly award to a handling unit."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="awards")
    note = models.CharField(_("说明"), max_length=255, blank=True)
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("优秀承办单位")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="unique_unit_award")]


class TimelineEntry(ChoiceLabels, models.Model):
    """办理进程: one step of a proposal's life, shown to those who may see the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="timeline")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    # Entries carrying a unit's internal work (drafts, co-opinions) are shown only to the office and that unit.
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理进程")


def attachment_path(instance, filename):
    return f"proposals/{instance.proposal_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """附件: a file attached to a proposal or to a reply; type checked by content, stored with its checksum."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附件")


class ReminderLog(models.Model):
    """提醒记录: a reminder already sent, so a rerun of the reminder job never sends it twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)


class StatisticsChange(models.Model):
    """统计变更记录: one row per write that can change a year's statistics (``statistics.record_change``).

    A year's version is the sum of its rows' weights. Rows are only inserted (no lock is taken, so writers never
    wait on each other or deadlock here) and, in ``statistics.compact_changes``, replaced by one row carrying their
    sum, so a version never goes back and changes exactly when a change commits."""

    year = models.PositiveSmallIntegerField()
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["year", "weight"], name="statistics_change_year")]


class StatisticsSnapshot(models.Model):
    """统计快照: the figures of one scope as the proposal office, leaders and overseers see them, stored with the
    date and the version they were computed for (``statistics/store.py``: a snapshot is used only while both match)."""

    key = models.CharField(max_length=120, unique=True)
    as_of = models.DateField()
    version = models.BigIntegerField()
    computed_at = models.DateTimeField()
    figures = models.JSONField()


class HistoryImportJob(models.Model):
    """历史提案导入任务: a confirmed import of earlier years' proposals, written by a background job so that a file of
    thousands of rows is not bound by the web server's request timeout. The rows stay in the import's batch store
    (``people.imports``) until the job has written them."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("未导入")
        FAILED = "failed", _("出错")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    batch_token = models.CharField(max_length=64)
    filename = models.CharField(_("文件名"), max_length=200)
    row_count = models.PositiveIntegerField(_("行数"))
    skip_errors = models.BooleanField(_("跳过有错误的行"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    counts = models.JSONField(default=dict)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One batch is written by one job at a time: a second click on 确认导入 finds the first job.
            models.UniqueConstraint(
                fields=["batch_token"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_running_job_per_batch",
            )
        ]

    def __str__(self):
        return self.filename


__all__ = [
    "Category",
    "YearCounter",
    "Proposal",
    "Cosignature",
    "Assignment",
    "Reply",
    "Evaluation",
    "Contact",
    "ExtensionRequest",
    "SupervisionActivity",
    "ExcellentUnitAward",
    "TimelineEntry",
    "Attachment",
    "ReminderLog",
    "StatisticsChange",
    "StatisticsSnapshot",
    "HistoryImportJob",
    "Satisfaction",
]
