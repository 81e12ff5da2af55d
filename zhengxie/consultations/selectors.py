"""Reads of consultations on someone's behalf: each starts from the reader's restricted queryset.

- Plans: the secretariat and leaders see every version; everyone else who may read plans (members) only published
  versions.
- Consultations: the secretariat and leaders.
- Topic suggestions: the secretariat and leaders all; a member their own.
"""

from django.db.models import Prefetch

from zhengxie.core.access import has_perm, roles_of
from zhengxie.core.roles import Role

from .choices import PlanState
from .models import Consultation, ConsultationPlan, PlanItem, TopicSuggestion


def sees_every_plan(user) -> bool:
    return bool({Role.SECRETARIAT, Role.LEADER} & roles_of(user))


def visible_plans(user):
    if not has_perm(user, "consultations.view_plans"):
        return ConsultationPlan.objects.none()
    if sees_every_plan(user):
        return ConsultationPlan.objects.all()
    return ConsultationPlan.objects.filter(state=PlanState.PUBLISHED)


def visible_consultations(user):
    if not has_perm(user, "consultations.view_consultations"):
        return Consultation.objects.none()
    return Consultation.objects.all()


def visible_suggestions(user):
    if not has_perm(user, "consultations.view_suggestions"):
        return TopicSuggestion.objects.none()
    if sees_every_plan(user):
        return TopicSuggestion.objects.all()
    return TopicSuggestion.objects.filter(submitted_by=user)


def plan_list(user, *, year=None, state=None):
    qs = visible_plans(user).select_related("created_by")
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-year", "-version")


def items_of(plans) -> dict[int, list[PlanItem]]:
    """The items of each plan (one query), in the plan's order."""
    out: dict[int, list[PlanItem]] = {p.pk: [] for p in plans}
    for item in PlanItem.objects.filter(plan__in=list(out)).select_related("lead_committee"):
        out[item.plan_id].append(item)
    return out


def plan_get(user, pk: int) -> ConsultationPlan | None:
    return (
        visible_plans(user)
        .select_related("previous", "created_by")
        .prefetch_related(
            Prefetch("items", queryset=PlanItem.objects.select_related("lead_committee", "suggestion")),
            "steps__recorded_by",
        )
        .filter(pk=pk)
        .first()
    )


def versions_of(user, plan) -> list[ConsultationPlan]:
    return list(visible_plans(user).filter(year=plan.year).order_by("version").only("id", "version", "state", "year"))


def consultation_list(user, *, year=None, state=None, kind=None):
    qs = visible_consultations(user).select_related("lead_committee")
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-year", "-id")


def consultation_get(user, pk: int) -> Consultation | None:
    return (
        visible_consultations(user)
        .select_related("lead_committee", "plan_item__plan", "created_by")
        .prefetch_related("group__member", "group__user", "visits", "materials")
        .filter(pk=pk)
        .first()
    )


def suggestion_list(user, *, year=None, source=None):
    qs = visible_suggestions(user).select_related("member", "special_committee", "submitted_by")
    if year:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-submitted_at", "-id")
