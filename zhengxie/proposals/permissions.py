from zhengxie.core.access import register
from zhengxie.core.roles import Role

# Pages. Which proposals each person sees is decided by selectors.visible_proposals; which actions, by workflow.py.
RULES = {
    "proposals.view": {
        Role.MEMBER,
        Role.PROPOSAL_OFFICE,
        Role.LEADER,
        Role.OVERSEER,
        Role.UNIT_STAFF,
        Role.UNIT_LEADER,
    },
    "proposals.write": {Role.MEMBER, Role.PROPOSAL_OFFICE},
    "proposals.review": {Role.PROPOSAL_OFFICE},
    "proposals.unit_board": {Role.UNIT_STAFF, Role.UNIT_LEADER},
    "proposals.boards": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER},
    "proposals.key_board": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER},
    "proposals.excellent": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.MEMBER},
    # Nominations under review are shown to those who nominate and decide; members see the published list.
    "proposals.excellent_nominations": {Role.PROPOSAL_OFFICE, Role.LEADER},
    # The excellent-unit award form (services.excellent_unit_award allows the office only).
    "proposals.award_unit": {Role.PROPOSAL_OFFICE},
    "proposals.statistics": {Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER},
    "proposals.manage_settings": {Role.PROPOSAL_OFFICE, Role.ADMIN},
    # Importing earlier years' proposals from spreadsheets (history_import.py).
    "proposals.import_history": {Role.PROPOSAL_OFFICE},
}
register(RULES)
