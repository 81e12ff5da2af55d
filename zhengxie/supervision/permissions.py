from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # The pages and reads: what each reader sees is narrowed by the selectors (leaders and the secretariat all;
    # members the published plan and their own topics).
    "supervision.view": {Role.SECRETARIAT, Role.LEADER, Role.MEMBER},
    # Drafting the plan, recording its approval, running the topics through their phases.
    "supervision.manage": {Role.SECRETARIAT},
}
register(RULES)
