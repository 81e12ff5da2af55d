from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # The yearly plan and its execution: members read the published plan; the secretariat makes it; leaders follow it.
    "training.plans": {Role.MEMBER, Role.SECRETARIAT, Role.LEADER},
    "training.manage": {Role.SECRETARIAT},
    # Seminar papers: members submit and see their own; the secretariat reviews and selects.
    "training.seminars": {Role.MEMBER, Role.SECRETARIAT},
    # Members short of the year's required study hours, and the requirement itself.
    "training.shortfall": {Role.SECRETARIAT, Role.LEADER},
    # A member's study hours: their own; the secretariat and leaders everyone's.
    "training.study_hours": {Role.MEMBER, Role.SECRETARIAT, Role.LEADER},
}
register(RULES)
