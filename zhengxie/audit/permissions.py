from zhengxie.accounts.roles import Role
from zhengxie.core.access import register

RULES = {
    "audit.view": {Role.ADMIN},
}
register(RULES)
