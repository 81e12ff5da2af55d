"""The roles of overview.md. A person may hold several; most are derived from organisation data.

- ``member``: the account belongs to a serving member.
- ``sector_convener``: that member convenes a sector.
- ``unit_staff`` / ``unit_leader``: the account is staff (or a leader) of a handling unit.
- the office, secretariat, leader, overseer and admin roles are granted explicitly (``RoleGrant``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("委员")
    SECTOR_CONVENER = "sector_convener", _("界别召集人")
    PROPOSAL_OFFICE = "proposal_office", _("提案委")
    SECRETARIAT = "secretariat", _("机关干部")
    UNIT_STAFF = "unit_staff", _("承办单位")
    UNIT_LEADER = "unit_leader", _("承办单位领导")
    LEADER = "leader", _("领导")
    OVERSEER = "overseer", _("督查")
    ADMIN = "admin", _("系统管理员")


GRANTABLE = (Role.PROPOSAL_OFFICE, Role.SECRETARIAT, Role.LEADER, Role.OVERSEER, Role.ADMIN)
# Roles whose holders see other people's personal data and act for the committee: two-factor sign-in applies.
STAFF_ROLES = frozenset(
    {Role.PROPOSAL_OFFICE, Role.SECRETARIAT, Role.LEADER, Role.OVERSEER, Role.ADMIN, Role.UNIT_STAFF, Role.UNIT_LEADER}
)
