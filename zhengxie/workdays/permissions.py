from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    "workdays.view": {Role.ADMIN, Role.PROPOSAL_OFFICE, Role.SECRETARIAT},
    "workdays.manage": {Role.ADMIN},
}
register(RULES)
