from zhengxie.accounts.roles import Role
from zhengxie.core.access import register

RULES = {
    # Everyone reads their own notifications (selectors restrict to the recipient).
    "notifications.own": set(Role),
}
register(RULES)
