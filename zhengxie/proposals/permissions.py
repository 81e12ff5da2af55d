from zhengxie.accounts.roles import Role
from zhengxie.core.access import register

# Pages. Which proposals each person sees is decided by selectors.visible_proposals; which actions, by workflow.py.
RULES = {
    "proposals.view": {Role.MEMBER, Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER, Role.UNIT_STAFF,
                       Role.UNIT_LEADER},
    "proposals.write": {Role.MEMBER, Role.PROPOSAL_OFFICE},
    "proposals.review": {Role.PROPOSAL_OFFICE},
    "proposals.unit_board": {Role.UNIT_STAFF, Role.UNIT_LEADER},
    "proposals.boards": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER},
    "proposals.statistics": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER},
    "proposals.manage_settings": {Role.PROPOSAL_OFFICE, Role.ADMIN},
}
register(RULES)
