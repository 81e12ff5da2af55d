"""Which roles are granted explicitly, and which need two-factor sign-in. The roles themselves are named in
``core.roles`` (the access rules below every app are written in them)."""

from zhengxie.core.roles import Role

GRANTABLE = (Role.PROPOSAL_OFFICE, Role.SECRETARIAT, Role.OPINION_EDITOR, Role.LEADER, Role.OVERSEER, Role.ADMIN)
# Roles whose holders see other people's personal data and act for the committee: two-factor sign-in applies.
STAFF_ROLES = frozenset(
    {
        Role.PROPOSAL_OFFICE,
        Role.SECRETARIAT,
        Role.OPINION_EDITOR,
        Role.LEADER,
        Role.OVERSEER,
        Role.ADMIN,
        Role.UNIT_STAFF,
        Role.UNIT_LEADER,
    }
)
