from zhengxie.core.access import register

from .roles import Role

RULES = {
    "accounts.manage": {Role.ADMIN},
}
register(RULES)
