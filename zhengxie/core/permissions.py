from zhengxie.core.access import register
from zhengxie.core.roles import Role

RULES = {
    # Everyone with any role reaches the home page; an account with no role sees an explanation.
    "core.home": set(Role),
}
register(RULES)
