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
    # The leaders' overview (成果转化总览), its workbook and report: every recommendation of a year (an overseer's
    # overview holds the key proposals' only, as selectors.visible_recommendations decides).
    "followup.overview": {Role.LEADER, Role.SECRETARIAT, Role.OVERSEER},
}
register(RULES)
