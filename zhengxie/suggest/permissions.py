from zhengxie.core.access import register
from zhengxie.core.roles import Role

# The office assigns proposals, so it is the one asking which unit should handle one (智能交办).
RULES = {"suggest.use": {Role.PROPOSAL_OFFICE}}
register(RULES)
