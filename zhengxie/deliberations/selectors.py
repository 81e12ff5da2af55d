"""Reads of online deliberations on someone's behalf: the secretariat (who manage them) and leaders see every one;
a member sees those they are invited to (invitations are made when a deliberation opens, so never a draft);
everyone else none."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role

from .models import Deliberation, DeliberationInvitation, DeliberationPost


def sees_all(user) -> bool:
    roles = roles_of(user)
    return Role.SECRETARIAT in roles or Role.LEADER in roles


def visible_deliberations(user):
    """The one restricted queryset every read of deliberations on someone's behalf starts from."""
    if user is None:  # the scheduled jobs
        return Deliberation.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Deliberation.objects.none()
    if sees_all(user):
        return Deliberation.objects.all()
    if Role.MEMBER not in roles_of(user):
        return Deliberation.objects.none()
    return Deliberation.objects.filter(
        Exists(DeliberationInvitation.objects.filter(deliberation=OuterRef("pk"), member__user=user))
    )


def is_invited(deliberation, user) -> bool:
    return DeliberationInvitation.objects.filter(deliberation=deliberation, member__user=user).exists()


def visible_posts(user):
    return DeliberationPost.objects.filter(deliberation__in=visible_deliberations(user))


def list_rows(user, *, year: int | None = None, state: str | None = None):
    """The list's rows, newest first, each with its invitation and post counts (and, for a member, whether they
    have posted) read in the same statement."""
    qs = visible_deliberations(user)
    if year:
        qs = qs.filter(opens_at__year=year)
    if state:
        qs = qs.filter(state=state)
    qs = qs.annotate(
        n_invited=Count("invitations", distinct=True),
        n_posts=Count("posts", distinct=True),
        n_selected=Count("posts", filter=Q(posts__state="selected"), distinct=True),
    )
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(
            i_posted=Exists(DeliberationPost.objects.filter(deliberation=OuterRef("pk"), author__user=user))
        )
    return qs.order_by("-opens_at", "-id")


def threads(deliberation) -> list[DeliberationPost]:
    """The opinions (top-level posts), oldest first, each with its replies and every author's sector."""
    replies = DeliberationPost.objects.select_related("author__sector").order_by("created_at", "id")
    return list(
        deliberation.posts.filter(reply_to__isnull=True)
        .select_related("author__sector")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def post_links(user, ids: set[int]) -> dict[int, str]:
    """Where the duty archive links a selected opinion: the post on its deliberation's page, if ``user`` sees it."""
    rows = visible_posts(user).filter(pk__in=ids).values_list("pk", "deliberation_id")
    return {pk: f"/deliberations/{d}/#post-{pk}" for pk, d in rows}
