from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # Members take part in those they are invited to (selectors.visible_deliberations); the secretariat manages
    # them; leaders read every one.
    "deliberations.view": {Role.MEMBER, Role.SECRETARIAT, Role.LEADER},
    "deliberations.manage": {Role.SECRETARIAT},
}
register(RULES)
