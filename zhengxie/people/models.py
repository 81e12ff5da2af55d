"""Organisation data: the committee, its terms and sessions, members, sectors, parties, special committees,
collective proposers and handling units with their staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxie.core import crypto
from zhengxie.core.fields import EncryptedTextField

from .choices import CollectiveKind, CommitteeLevel, Gender, MemberStatus, UnitKind


class Committee(models.Model):
    """政协委员会: the one committee this deployment serves."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=CommitteeLevel.choices, default=CommitteeLevel.DISTRICT)

    class Meta:
        verbose_name = _("政协委员会")

    def __str__(self):
        return self.name


class Term(models.Model):
    """届: a five-year term, e.g. 第十七届."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    name = models.CharField(_("名称"), max_length=50)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("届")
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="unique_term_number")]

    def __str__(self):
        return self.name


class Session(models.Model):
    """次会议: a yearly plenary session of a term, with its proposal filing window."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("次"))
    name = models.CharField(_("名称"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    opens_on = models.DateField(_("开幕日期"))
    closes_on = models.DateField(_("闭幕日期"))
    proposal_window_opens = models.DateField(_("提案征集开始"), null=True, blank=True)
    proposal_deadline = models.DateField(_("大会提案截止"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("次会议")
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="unique_session_number")]

    def __str__(self):
        return f"{self.term.name}{self.name}"


class Party(models.Model):
    """党派: party affiliation (中国共产党, 民革 …, 无党派人士, 群众)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("党派")

    def __str__(self):
        return self.name


class Sector(models.Model):
    """界别: the constituency group a member belongs to; may have a convener."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    convener = models.ForeignKey(
        "Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convened_sectors",
        verbose_name=_("召集人"),
    )

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("界别")

    def __str__(self):
        return self.name


class SpecialCommittee(models.Model):
    """专门委员会: e.g. 提案委员会, 经济委员会."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("专门委员会")

    def __str__(self):
        return self.name


class Member(models.Model):
    """委员: a committee member. ID number and mobile are encrypted, with keyed digests for exact lookup."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_number_digest = models.CharField(max_length=64, unique=True)
    mobile = EncryptedTextField(_("手机号"))
    mobile_digest = models.CharField(max_length=64, db_index=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="members", verbose_name=_("界别"))
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="members", verbose_name=_("党派"))
    special_committees = models.ManyToManyField(
        SpecialCommittee, blank=True, related_name="members", verbose_name=_("专门委员会")
    )
    is_standing_committee = models.BooleanField(_("常委"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.SERVING, db_index=True
    )
    terms = models.ManyToManyField(Term, blank=True, related_name="members", verbose_name=_("任职届次"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sector__sort_order", "id"]
        verbose_name = _("委员")
        indexes = [
            models.Index(fields=["status", "sector"]),
            # The roster's latest change, read by one index probe on every duty archive page and committee table
            # (duty.points.ensure_year) to tell whether a member was added or changed since the last check.
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self):
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number = value
        self.id_number_digest = crypto.digest(value)

    def set_mobile(self, value: str) -> None:
        self.mobile = value
        self.mobile_digest = crypto.digest(value)


class HandlingUnit(models.Model):
    """承办单位: a department that handles proposals and recommendations."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("承办单位")

    def __str__(self):
        return self.name


class UnitStaff(models.Model):
    """承办单位工作人员: an account working for a handling unit; leaders sign replies."""

    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_posts")
    is_leader = models.BooleanField(_("单位领导"), default=False)
    position = models.CharField(_("职务"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("承办单位工作人员")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="unique_unit_staff")]

    def __str__(self):
        return f"{self.unit} · {self.user}"


class CollectiveProposer(models.Model):
    """集体提案者: a party, people's organisation, sector or special committee that files proposals."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=24, choices=CollectiveKind.choices)
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    special_committee = models.ForeignKey(
        SpecialCommittee, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collectives", verbose_name=_("联系人")
    )

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("集体提案者")

    def __str__(self):
        return self.name
