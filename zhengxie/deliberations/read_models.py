"""One read model per screen: what the deliberation's page shows, built once from the reader and the deliberation,
rendered by the page and written out by the API.

The state shown is computed on read: a deliberation still ``open`` in the table whose closing time has passed is
shown closed (the ``expire`` job writes it within minutes; posting is refused from ``closes_at`` on either way)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from zhengxie.followup.choices import Source
from zhengxie.followup.services import documents_for_sources

from . import selectors
from .choices import DeliberationState as S
from .choices import PostState as P
from .models import Deliberation, DeliberationPost
from .workflow import DELIBERATION, POST, is_staff


def shown_state(d: Deliberation, now: datetime.datetime) -> str:
    if d.state == S.OPEN and now >= d.closes_at:
        return S.CLOSED
    return d.state


def window_words_key(d: Deliberation, now: datetime.datetime) -> str:
    """Where the window stands: ``before`` it opens, ``open`` now, ``after`` it closed."""
    if now < d.opens_at:
        return "before"
    return "open" if now < d.closes_at else "after"


@dataclass
class PostView:
    post: DeliberationPost
    allowed_actions: list[str]
    replies: list["PostView"] = field(default_factory=list)

    @property
    def selected(self) -> bool:
        return self.post.state == P.SELECTED

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The reader's actions on the post with their labels (the page's buttons)."""
        return [(name, str(POST[name].label)) for name in self.allowed_actions]


@dataclass
class DeliberationDetail:
    deliberation: Deliberation
    state: str  # computed on read (shown_state)
    state_label: str
    window: str  # before / open / after
    staff: bool
    invited: bool
    allowed_actions: list[str]
    threads: list[PostView]  # the page's opinions, each with its replies
    invited_count: int
    documents: list  # followup.services.DocumentSummary of the summary's outcome document
    post_count: int
    selected_count: int
    opinion_count: int
    page: int
    pages: int

    @property
    def accepting_posts(self) -> bool:
        return "post" in self.allowed_actions


THREADS_PER_PAGE = 50


def deliberation_detail(
    user, d: Deliberation, *, page: int = 1, now: datetime.datetime | None = None
) -> DeliberationDetail:
    """``d``: one ``user`` may see (``selectors.visible_deliberations``); ``page``: which 50 opinions (oldest
    first), each with all its replies."""
    now = now or timezone.now()
    staff = is_staff(user)
    state = shown_state(d, now)

    def view(post) -> PostView:
        post.deliberation = d  # the selection's conditions read it: no query per post
        allowed = POST.allowed(post, user, now=now) if staff else []
        return PostView(post, allowed)

    counts = selectors.post_counts(d)
    pages = max(1, -(-counts["opinions"] // THREADS_PER_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * THREADS_PER_PAGE
    threads = []
    for top in selectors.threads(d)[start : start + THREADS_PER_PAGE]:
        item = view(top)
        item.replies = [view(r) for r in top.replies.all()]
        threads.append(item)
    documents = documents_for_sources(source=Source.DELIBERATION, source_ids=[d.pk]).get(d.pk, [])
    return DeliberationDetail(
        deliberation=d,
        state=state,
        state_label=str(S(state).label),
        window=window_words_key(d, now),
        staff=staff,
        invited=selectors.is_invited(d, user),
        allowed_actions=DELIBERATION.allowed(d, user, now=now),
        threads=threads,
        invited_count=d.invitations.count(),
        documents=documents,
        post_count=counts["posts"],
        selected_count=counts["selected"],
        opinion_count=counts["opinions"],
        page=page,
        pages=pages,
    )
