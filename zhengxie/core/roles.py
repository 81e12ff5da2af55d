"""The roles of overview.md. A person may hold several; most are derived from organisation data.

- ``member``: the account belongs to a serving member.
- ``sector_convener``: that member convenes a sector.
- ``unit_staff`` / ``unit_leader``: the account is staff (or a leader) of a handling unit.
- the office, secretariat, opinion editor, leader, overseer and admin roles are granted explicitly
  (``accounts.models.RoleGrant``).

They live in core because the access rules (``core.access``) and every app's ``permissions.py`` are written in
them; which roles a person holds is read from grants and organisation data (``people.principal``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("委员")
    SECTOR_CONVENER = "sector_convener", _("界别召集人")
    PROPOSAL_OFFICE = "proposal_office", _("提案委")
    SECRETARIAT = "secretariat", _("机关干部")
    # 信息员: the secretariat's editors of opinion reports (社情民意信息).
    OPINION_EDITOR = "opinion_editor", _("信息员")
    UNIT_STAFF = "unit_staff", _("承办单位")
    UNIT_LEADER = "unit_leader", _("承办单位领导")
    LEADER = "leader", _("领导")
    OVERSEER = "overseer", _("督查")
    ADMIN = "admin", _("系统管理员")
