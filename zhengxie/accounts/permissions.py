from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    "accounts.manage": {Role.ADMIN},
}
register(RULES)
