"""The online deliberation API under ``/api/v1/``: the list and one deliberation (its conversation and the caller's
allowed actions, from the page's read model), posting, and the workflow's actions on a deliberation and on a post."""

import enum

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from zhengxie.core.access import has_perm
from zhengxie.core.api_body import json_object
from zhengxie.core.api_errors import refusals
from zhengxie.core.api_types import Id, InstantYear, PageNumber
from zhengxie.core.exceptions import NotAllowed, NotVisible
from zhengxie.core.workflow import SYSTEM

from . import read_models, selectors, services
from .choices import DeliberationState
from .workflow import DELIBERATION, POST

router = Router(tags=["deliberations"])

DeliberationAction = enum.StrEnum(
    "DeliberationAction",
    {n: n for n, s in DELIBERATION.actions.items() if SYSTEM not in s.who and n not in ("edit", "post")},
)
PostAction = enum.StrEnum("PostAction", {n: n for n in POST.actions})
StateFilter = enum.StrEnum("StateFilter", {s: s for s in DeliberationState.values})


class ListFilters(Schema):
    year: InstantYear | None = None
    state: StateFilter | None = None
    limit: PageNumber = 50
    offset: PageNumber = 0


def _instant(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _require_view(user):
    if not has_perm(user, "deliberations.view"):
        raise NotAllowed(_("您的角色不参加网络议政。"))


def _post_out(view: read_models.PostView, *, with_replies: bool = True) -> dict:
    p = view.post
    out = {
        "id": p.pk,
        "author": p.author.name,
        "author_sector": p.author.sector.name if p.author.sector_id else None,
        "text": p.text,
        "created_at": _instant(p.created_at),
        "selected": view.selected,
        "allowed_actions": view.allowed_actions,
    }
    if with_replies:
        out["replies"] = [_post_out(r, with_replies=False) for r in view.replies]
    return out


def detail_out(user, d, *, page: int = 1) -> dict:
    """The deliberation's read model (``read_models.deliberation_detail``) as the API writes it."""
    detail = read_models.deliberation_detail(user, d, page=page)
    return {
        "id": d.pk,
        "title": d.title,
        "background": d.background,
        "state": detail.state,
        "state_label": detail.state_label,
        "opens_at": _instant(d.opens_at),
        "closes_at": _instant(d.closes_at),
        "accepting_posts": detail.accepting_posts,
        "invited": detail.invited,
        "invited_count": detail.invited_count,
        "post_count": detail.post_count,
        "selected_count": detail.selected_count,
        "opinion_count": detail.opinion_count,
        "page": detail.page,
        "pages": detail.pages,
        "allowed_actions": detail.allowed_actions,
        "posts": [_post_out(t) for t in detail.threads],
        "summary": d.summary,
        "outcome_documents": [
            {
                "id": doc.id,
                "title": doc.title,
                "kind": doc.kind,
                "kind_label": doc.kind_label,
                "url": doc.url,
                "progress": None if doc.progress is None else str(doc.progress),
            }
            for doc in detail.documents
        ],
    }


def _visible(user, deliberation_id: int):
    d = selectors.visible_deliberations(user).filter(pk=deliberation_id).first()
    if d is None:
        raise NotVisible(_("网络议政不存在或您无权查看。"))
    return d


@router.get(
    "/deliberations",
    response={200: dict, **refusals(403)},
    summary="Online deliberations the caller may see (网络议政)",
    description="Paginated `{count, items}`, newest first. A member sees those they are invited to; the secretariat "
    "and leaders every one. Filters: `year` (of the opening time), `state`. An item's `state` is computed on read: "
    "an open deliberation past its closing time is `closed`.",
)
def list_deliberations(request, filters: Query[ListFilters]):
    _require_view(request.user)
    qs = selectors.list_rows(request.user, year=filters.year, state=filters.state.value if filters.state else None)
    limit, offset = max(1, min(filters.limit, 200)), max(0, filters.offset)
    now = timezone.now()
    items = [
        {
            "id": d.pk,
            "title": d.title,
            "state": read_models.shown_state(d, now),
            "state_label": str(DeliberationState(read_models.shown_state(d, now)).label),
            "opens_at": _instant(d.opens_at),
            "closes_at": _instant(d.closes_at),
            "invited_count": d.n_invited,
            "post_count": d.n_posts,
            "selected_count": d.n_selected,
            "posted_by_me": bool(d.i_posted),
        }
        for d in qs[offset : offset + limit]
    ]
    return {"count": qs.count(), "items": items}


class DetailQuery(Schema):
    page: PageNumber = 1


@router.get(
    "/deliberations/{deliberation_id}",
    response={200: dict, **refusals(403, 404)},
    summary="One deliberation with its posts and the caller's allowed actions",
    description="`posts`: the opinions of page `page` (50 a page, oldest first; `pages` says how many), each with "
    "all its replies; `post_count`, `opinion_count` and `selected_count` count the whole deliberation.",
)
def get_deliberation(request, deliberation_id: Id, query: Query[DetailQuery]):
    _require_view(request.user)
    return detail_out(request.user, _visible(request.user, deliberation_id), page=query.page)


@router.post(
    "/deliberations/{deliberation_id}/posts",
    response={201: dict, **refusals(403, 404, 409)},
    summary="Post an opinion or a reply (invited members, while open)",
    description="Body `{text, reply_to}`: `reply_to` is the id of a post of this deliberation (a reply to a reply "
    "joins its opinion's thread), or null for a new opinion. 403 not invited (staff and leaders read only), 404 not "
    "visible, 409 not open or outside its window (the message says why: not started yet, or closed at …), 422 bad "
    "input. Answers 201 with the deliberation, `new_post_id` naming the post.",
    openapi_extra=DELIBERATION.openapi_body(["post"]),
)
def create_post(request, deliberation_id: Id):
    payload = _post_payload(request)  # a body that is no JSON object, or holds text no database stores: 422 first
    _require_view(request.user)
    post = services.post_create(deliberation_id=deliberation_id, actor=request.user, **payload)
    out = detail_out(request.user, _visible(request.user, deliberation_id))
    out["new_post_id"] = post.pk
    return Status(201, out)


def _post_payload(request) -> dict:
    data = json_object(request)
    return {"text": data.get("text"), "reply_to": data.get("reply_to")}


def _actions_doc(flow, names) -> str:
    lines = []
    for name in names:
        step = flow[name]
        sources = ", ".join(sorted(str(s) for s in step.sources))
        fields = ", ".join(
            f"`{f}`" + ("" if info.is_required() else " optional") for f, info in step.schema.model_fields.items()
        )
        lines.append(f"- `{name}` ({step.label}) — from: {sources}. Body: " + (fields or "none") + ".")
    return "\n".join(lines)


_STATUSES = (
    "403 the caller may see it but the action is not theirs; 404 not visible (or no such object); 409 the state or a "
    "rule of the workflow refuses it (the message says why); 422 the body does not match the action's schema "
    "(`errors` names the fields). Nothing changes on any refusal."
)


@router.post(
    "/deliberations/{deliberation_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Take a workflow action on a deliberation (secretariat)",
    description="Open it (invitations and notices go out), close it early, or summarise it once closed: the summary "
    "becomes a follow-up outcome document (网络议政综述) with the recommendations given. Answers 200 with the "
    "deliberation. " + _STATUSES + "\n\n" + _actions_doc(DELIBERATION, [a.value for a in DeliberationAction]),
    openapi_extra=DELIBERATION.openapi_body([a.value for a in DeliberationAction]),
)
def deliberation_action(request, deliberation_id: Id, action: DeliberationAction):
    payload = json_object(request)
    _require_view(request.user)
    services.deliberation_act(deliberation_id=deliberation_id, action=action.value, actor=request.user, payload=payload)
    return detail_out(request.user, _visible(request.user, deliberation_id))


@router.post(
    "/deliberation-posts/{post_id}/actions/{action}",
    response={200: dict, **refusals(403, 404, 409)},
    summary="Select an opinion into the outcome, or unselect it (secretariat)",
    description="`select` (选用) records duty points for the post's author in the duty ledger, once; `unselect` "
    "reverses them. Neither takes a body. Refused (409) once the deliberation is summarised. Answers 200 with the "
    "deliberation. " + _STATUSES + "\n\n" + _actions_doc(POST, [a.value for a in PostAction]),
    openapi_extra=POST.openapi_body([a.value for a in PostAction]),
)
def post_action(request, post_id: Id, action: PostAction):
    payload = json_object(request)
    _require_view(request.user)
    post = services.post_act(post_id=post_id, action=action.value, actor=request.user, payload=payload)
    return detail_out(request.user, _visible(request.user, post.deliberation_id))
