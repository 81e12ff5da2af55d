from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # Plans: the secretariat drafts and takes them through their steps, leaders review them, members read the
    # published versions (selectors.visible_plans).
    "consultations.view_plans": {Role.SECRETARIAT, Role.LEADER, Role.MEMBER},
    "consultations.view_consultations": {Role.SECRETARIAT, Role.LEADER},
    # Topic suggestions: members suggest and see their own; the secretariat enters the others and selects.
    "consultations.view_suggestions": {Role.SECRETARIAT, Role.LEADER, Role.MEMBER},
    "consultations.suggest": {Role.MEMBER, Role.SECRETARIAT},
    "consultations.manage": {Role.SECRETARIAT},
}
register(RULES)
