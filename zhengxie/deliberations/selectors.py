"""Reads of online deliberations on someone's behalf: the secretariat (who manage them) and leaders see every one;
a member sees those they are invited to (invitations are made when a deliberation opens, so never a draft);
everyone else none."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

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


def _count(rows):
    counted = rows.order_by().values("deliberation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def list_rows(user, *, year: int | None = None, state: str | None = None):
    """The list's rows, newest first, each with its invitation and post counts (and, for a member, whether they
    have posted) read in the same statement."""
    qs = visible_deliberations(user)
    if year:
        qs = qs.filter(opens_at__year=year)
    if state:
        qs = qs.filter(state=state)
    # One correlated count each: joining invitations and posts together would count their product.
    qs = qs.annotate(
        n_invited=_count(DeliberationInvitation.objects.filter(deliberation=OuterRef("pk"))),
        n_posts=_count(DeliberationPost.objects.filter(deliberation=OuterRef("pk"))),
        n_selected=_count(DeliberationPost.objects.filter(deliberation=OuterRef("pk"), state="selected")),
    )
    if getattr(user, "is_authenticated", False):
        qs = qs.annotate(
            i_posted=Exists(DeliberationPost.objects.filter(deliberation=OuterRef("pk"), author__user=user))
        )
    return qs.order_by("-opens_at", "-id")


POST_FIELDS = ("id", "deliberation_id", "reply_to_id", "text", "state", "created_at")
AUTHOR_FIELDS = ("author__id", "author__name", "author__sector__id", "author__sector__name")


def _posts():
    # Only what a post shows of its author: a member row decodes its encrypted personal fields when it is loaded.
    return DeliberationPost.objects.select_related("author__sector").only(*POST_FIELDS, *AUTHOR_FIELDS)


def threads(deliberation):
    """The opinions (top-level posts), oldest first, each with its replies and every author's name and sector
    (a queryset: the page slices it)."""
    replies = _posts().order_by("created_at", "id")
    return (
        _posts()
        .filter(deliberation=deliberation, reply_to__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


def post_counts(deliberation) -> dict:
    """How many posts, opinions (top-level posts) and selected posts, in one statement."""
    return deliberation.posts.aggregate(
        posts=Count("pk"),
        opinions=Count("pk", filter=Q(reply_to__isnull=True)),
        selected=Count("pk", filter=Q(state="selected")),
    )


def post_links(user, ids: set[int]) -> dict[int, str]:
    """Where the duty archive links a selected opinion: the post on its deliberation's page, if ``user`` sees it."""
    rows = visible_posts(user).filter(pk__in=ids).values_list("pk", "deliberation_id")
    return {pk: f"/deliberations/{d}/#post-{pk}" for pk, d in rows}
