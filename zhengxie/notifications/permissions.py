from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # Everyone reads their own notifications (selectors restrict to the recipient).
    "notifications.own": set(Role),
}
register(RULES)
