from zhengxie.core.access import register
from zhengxie.core.roles import Role

# Pages. Which reports each person sees is decided by selectors.visible_reports; which actions, by workflow.py.
RULES = {
    # The list and detail: authors (members, collectives' contacts), the secretariat, its editors, the leaders.
    "opinions.view": {Role.MEMBER, Role.SECRETARIAT, Role.OPINION_EDITOR, Role.LEADER},
    # Writing a report in one's own name (the services decide whose name: a member, a collective, the staff).
    "opinions.write": {Role.MEMBER, Role.SECRETARIAT, Role.OPINION_EDITOR},
    # The editor's queue (信息员).
    "opinions.edit_queue": {Role.OPINION_EDITOR},
    # The leader's sign-off queue.
    "opinions.sign_off_queue": {Role.LEADER},
    # Reporting upward, adoptions and instructions: the secretariat and its editors.
    "opinions.report_queue": {Role.SECRETARIAT, Role.OPINION_EDITOR},
    # The statistics, the bulletins (社情民意专报) and their documents (views_outputs.py, api_outputs.py).
    "opinions.statistics": {Role.SECRETARIAT, Role.OPINION_EDITOR, Role.LEADER},
    "opinions.bulletins": {Role.SECRETARIAT, Role.OPINION_EDITOR, Role.LEADER},
    # Compiling an issue (bulletins.bulletin_create allows the same roles).
    "opinions.bulletins_manage": {Role.SECRETARIAT, Role.OPINION_EDITOR},
}
register(RULES)
