from zhengxie.accounts.roles import Role
from zhengxie.core.access import register

RULES = {
    # Everyone with any role reaches the home page; an account with no role sees an explanation.
    "core.home": set(Role),
}
register(RULES)
