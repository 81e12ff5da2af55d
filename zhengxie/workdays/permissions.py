from zhengxie.accounts.roles import Role
from zhengxie.core.access import register

RULES = {
    "workdays.view": {Role.ADMIN, Role.PROPOSAL_OFFICE, Role.SECRETARIAT},
    "workdays.manage": {Role.ADMIN},
}
register(RULES)
