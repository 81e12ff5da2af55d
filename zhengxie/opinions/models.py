"""社情民意信息: members' opinion reports, their editing, sign-off, reporting upward, adoption and instructions.
States change only through the workflow engine (``workflow.py``, handlers in ``actions.py``)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from zhengxie.core.models import ChoiceLabels
from zhengxie.people.models import CollectiveProposer, Member, Sector

from .choices import CoAuthorState, LeaderLevel, Level, ProposerKind, ReportState

User = settings.AUTH_USER_MODEL


class OpinionCategory(models.Model):
    """社情民意类别: 经济发展, 社会民生 … (an editable list of its own, apart from the proposals' categories)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("社情民意类别")

    def __str__(self):
        return self.name


class ReportCounter(models.Model):
    """社情民意编号计数器: the last number given in a year, locked while a report is submitted."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.PositiveIntegerField(default=0)


class OpinionReport(ChoiceLabels, models.Model):
    """社情民意信息: one report, by a member (with co-authors), a collective or the secretariat's staff."""

    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("编号"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    suggestions = models.TextField(_("建议"), blank=True)
    category = models.ForeignKey(
        OpinionCategory, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("类别")
    )
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    proposer_kind = models.CharField(
        _("报送方式"), max_length=16, choices=ProposerKind.choices, default=ProposerKind.MEMBER
    )
    # Who filed it: the lead member's account, a collective's contact, or a member of staff.
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="opinion_reports", verbose_name=_("填报人"))
    lead_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="led_opinions", verbose_name=_("第一作者")
    )
    collective = models.ForeignKey(
        CollectiveProposer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
        verbose_name=_("集体报送者"),
    )
    # The lead member's sector when submitted, so the statistics do not move when a member changes sector.
    lead_sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_reason = models.TextField(_("存档理由"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # How many authors share its duty records (the lead and the co-authors who had not declined when submitted).
    share_count = models.PositiveSmallIntegerField(default=1)
    # 转为社情民意: the proposal it came from (proposals own it; its id, number and title are copied, not joined).
    proposal_id = models.BigIntegerField(_("原提案"), null=True, blank=True)
    proposal_number = models.CharField(_("原提案案号"), max_length=20, blank=True)
    proposal_title = models.CharField(_("原提案案由"), max_length=200, blank=True)
    # Adopted at each level: a copy of its ReportLevel's adoption (set by the workflow's record_adoption, never
    # cleared), so the list filtered by adoption reads the reports alone (ADOPTED_FLAGS).
    adopted_city = models.BooleanField(default=False)
    adopted_province = models.BooleanField(default=False)
    adopted_national = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "-seq", "-id"]
        verbose_name = _("社情民意信息")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="unique_opinion_seq_per_year"),
            # A converted proposal arrives once, however often the hook runs.
            models.UniqueConstraint(
                fields=["proposal_id"], condition=Q(proposal_id__isnull=False), name="unique_opinion_from_proposal"
            ),
        ]
        indexes = [
            # The list's order: a page is read in index order and stops after its rows (200,000 reports).
            models.Index(F("year").desc(), Coalesce("seq", Value(0)).desc(), F("id").desc(), name="opinion_list_order"),
            models.Index(fields=["state", "year"], name="opinion_state_year"),
            # A year's count, plain or by adoption, read from the index alone (20,000 reports a year).
            models.Index(
                fields=["year", "state"],
                include=["author", "id", "adopted_city", "adopted_province", "adopted_national"],
                name="opinion_year_state_cover",
            ),
            models.Index(fields=["year", "category"], name="opinion_year_category"),
            models.Index(fields=["author", "state"], name="opinion_author_state"),
            models.Index(fields=["lead_member", "year"], name="opinion_lead_year"),
            models.Index(fields=["year", "lead_sector"], name="opinion_year_sector"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title


# OpinionReport's adoption flag for each level (Level's codes).
ADOPTED_FLAGS = {"city": "adopted_city", "province": "adopted_province", "national": "adopted_national"}


class CoAuthor(ChoiceLabels, models.Model):
    """联名作者: a member invited to write a report jointly, and their answer."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="coauthors")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="opinion_coauthorships")
    state = models.CharField(max_length=16, choices=CoAuthorState.choices, default=CoAuthorState.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("联名作者")
        constraints = [models.UniqueConstraint(fields=["report", "member"], name="unique_opinion_coauthor")]
        indexes = [models.Index(fields=["member", "state", "report"], name="opinion_coauthor_member")]


class OpinionVersion(models.Model):
    """版本: the text of a report as submitted, and after every edit by an editor (信息员); never changed."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    suggestions = models.TextField(_("建议"), blank=True)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("社情民意版本")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_opinion_version")]


class ReportLevel(ChoiceLabels, models.Model):
    """报送与采用: a report sent up to one level (市政协, 省政协, 全国政协), and its adoption there if it was."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("报送层级"), max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    reported_on = models.DateField(_("报送日期"))
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(_("采用日期"), null=True, blank=True)
    publication = models.CharField(_("采用刊物"), max_length=200, blank=True)
    adoption_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("报送层级")
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="unique_opinion_level")]
        indexes = [
            models.Index(fields=["year", "level", "adopted_on"], name="opinion_level_year"),
            models.Index(fields=["level", "report"], name="opinion_level_report"),
        ]


class Instruction(ChoiceLabels, models.Model):
    """批示: a leader's written instruction on a report, with the leader's level, the date and the text."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    level = models.CharField(_("领导层级"), max_length=16, choices=LeaderLevel.choices)
    leader = models.CharField(_("批示领导"), max_length=100)
    date = models.DateField(_("批示日期"))
    text = models.TextField(_("批示内容"))
    year = models.PositiveSmallIntegerField(_("年度"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "date", "id"]
        verbose_name = _("领导批示")
        indexes = [models.Index(fields=["year", "level"], name="opinion_instruction_year")]


class OpinionEvent(models.Model):
    """办理进程: one step of a report's life (submitted, edited, signed off, reported, adopted …)."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("社情民意进程")
        # The authors' news on their home page reads the last two weeks' events (todo.py), not every event.
        indexes = [models.Index(fields=["at"], name="opinion_event_at")]


def attachment_path(instance, filename):
    return f"opinions/{instance.report_id}/{instance.sha256[:2]}/{instance.sha256}"


class OpinionAttachment(models.Model):
    """附件: a file attached to a report; type checked by content (``core.uploads``), stored with its checksum."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="attachments")
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


# 社情民意专报 (the bulletins of opinions-outputs), kept in their own module and registered here.
from .models_bulletins import Bulletin, BulletinItem  # noqa: E402, F401
