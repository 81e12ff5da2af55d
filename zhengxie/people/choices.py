from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class MemberStatus(models.TextChoices):
    SERVING = "serving", _("在任")
    RESIGNED = "resigned", _("辞去")
    REMOVED = "removed", _("撤销")


class CommitteeLevel(models.TextChoices):
    DISTRICT = "district", _("区县")
    CITY = "city", _("市")
    PROVINCE = "province", _("省")
    NATIONAL = "national", _("全国")


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    PARTY = "party", _("党委部门")
    JUDICIAL = "judicial", _("司法机关")
    ENTERPRISE = "enterprise", _("企事业单位")
    OTHER = "other", _("其他")


class CollectiveKind(models.TextChoices):
    PARTY = "party", _("党派")
    ORGANISATION = "organisation", _("人民团体")
    SECTOR = "sector", _("界别")
    SPECIAL_COMMITTEE = "special_committee", _("专门委员会")
