"""The codes of opinion reports other modules may share (states, levels, how a report was proposed)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    EDITING = "editing", _("编辑中")
    SIGNED_OFF = "signed_off", _("已签发")
    REPORTED = "reported", _("已报送")
    ARCHIVED = "archived", _("存档不用")


class ProposerKind(models.TextChoices):
    MEMBER = "member", _("委员")
    COLLECTIVE = "collective", _("集体")
    STAFF = "staff", _("机关")


class Level(models.TextChoices):
    """The levels a report is sent up to (报送) and adopted by (采用)."""

    CITY = "city", _("市政协")
    PROVINCE = "province", _("省政协")
    NATIONAL = "national", _("全国政协")


class LeaderLevel(models.TextChoices):
    """The level of the leader who gave an instruction (批示): the district's own leaders too."""

    DISTRICT = "district", _("区级领导")
    CITY = "city", _("市级领导")
    PROVINCE = "province", _("省级领导")
    NATIONAL = "national", _("国家级领导")


class CoAuthorState(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("已谢绝")
    LAPSED = "lapsed", _("未确认")


LIVE_STATES = (ReportState.SUBMITTED, ReportState.EDITING, ReportState.SIGNED_OFF, ReportState.REPORTED)
