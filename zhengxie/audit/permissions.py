from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    "audit.view": {Role.ADMIN},
}
register(RULES)
