from zhengxie.core.access import register
from zhengxie.core.roles import Role

# Everyone signed in may search; what each person finds is what the lists show them (each source's own selector).
RULES = {"search.use": set(Role)}
register(RULES)
