from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # The member roster; conveners see only their sector's members (selectors.member_list).
    "people.view_member_list": {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.LEADER, Role.ADMIN, Role.SECTOR_CONVENER},
    # Unmasked ID numbers and mobiles.
    "people.view_personal_data": {Role.SECRETARIAT, Role.ADMIN},
    "people.manage_members": {Role.SECRETARIAT, Role.ADMIN},
    "people.view_unit_list": {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER, Role.ADMIN},
    "people.manage_units": {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.ADMIN},
    "people.view_organisation": set(Role),
}
register(RULES)
