from django.core.cache import cache

from .access import roles_of
from .navigation import nav_for


def committee_name() -> str:
    name = cache.get("zhengxie:committee_name")
    if name is None:
        from zhengxie.people.models import Committee

        committee = Committee.objects.only("name").first()
        name = committee.name if committee else "政协履职工作平台"
        cache.set("zhengxie:committee_name", name, 300)
    return name


def shell(request):
    user = getattr(request, "user", None)
    context = {"committee_name": committee_name()}
    if user is not None and user.is_authenticated:
        from zhengxie.accounts.selectors import unread_notifications

        roles = roles_of(user)
        context.update(
            nav_items=nav_for(user),
            user_roles=sorted(roles, key=lambda r: list(type(r)).index(r)),
            unread_notifications=unread_notifications(user),
        )
    return context
