from zhengxie.core.access import register
from zhengxie.core.roles import Role

# Pages. Which documents and recommendations each person sees is decided by selectors.visible_*; which actions, by
# workflow.py.
RULES = {
    "followup.view": {
        Role.SECRETARIAT,
        Role.LEADER,
        Role.PROPOSAL_OFFICE,
        Role.OVERSEER,
        Role.UNIT_STAFF,
        Role.UNIT_LEADER,
    },
    # The department's page: the recommendations addressed to the signed-in person's department.
    "followup.department": {Role.UNIT_STAFF, Role.UNIT_LEADER},
}
register(RULES)
