from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # Activities: members see those they are invited to (activities.visible_activities); the secretariat organises.
    "duty.activities": {Role.MEMBER, Role.SECRETARIAT},
    "duty.manage_activities": {Role.SECRETARIAT},
    # Archives: a member their own, a convener their sector's, the secretariat and leaders everyone's (duty.md).
    # Admins set the rule table but do not read members' records.
    "duty.archive": {Role.MEMBER, Role.SECTOR_CONVENER, Role.SECRETARIAT, Role.LEADER},
    # "My archive" exists only for those who are members themselves.
    "duty.own_archive": {Role.MEMBER},
    # Following up the committee: members short of the minimum duties, and alerts (e.g. repeated absences).
    "duty.monitor": {Role.SECRETARIAT, Role.LEADER},
    "duty.committee_table": {Role.SECRETARIAT, Role.LEADER, Role.SECTOR_CONVENER},
    "duty.add_other": {Role.SECRETARIAT},
    "duty.manage_rules": {Role.ADMIN},
}
register(RULES)
