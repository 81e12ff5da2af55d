from zhengxie.accounts.roles import Role


def home_context(*, user, roles) -> dict:
    """What each role's home page shows beside the to-do list."""
    from zhengxie.people.choices import MemberStatus
    from zhengxie.people.models import HandlingUnit, Member, Sector, UnitStaff

    ctx: dict = {}
    if roles & {Role.SECRETARIAT, Role.PROPOSAL_OFFICE, Role.LEADER, Role.ADMIN, Role.OVERSEER}:
        ctx["org_figures"] = {
            "members": Member.objects.filter(status=MemberStatus.SERVING).count(),
            "standing": Member.objects.filter(status=MemberStatus.SERVING, is_standing_committee=True).count(),
            "sectors": Sector.objects.count(),
            "units": HandlingUnit.objects.filter(is_active=True).count(),
        }
    if Role.MEMBER in roles:
        ctx["my_member"] = (
            Member.objects.select_related("sector", "party")
            .prefetch_related("special_committees")
            .filter(user=user)
            .first()
        )
    if Role.SECTOR_CONVENER in roles:
        ctx["convened_sectors"] = list(Sector.objects.filter(convener__user=user))
    if roles & {Role.UNIT_STAFF, Role.UNIT_LEADER}:
        ctx["my_posts"] = list(UnitStaff.objects.select_related("unit").filter(user=user, unit__is_active=True))
    return ctx
