"""Reads of the follow-up that know the reader: which documents and recommendations a person may see.

The secretariat and the leaders see every one; the proposal office and the overseers those of key proposals'
supervision (they run it); a department's staff see the recommendations addressed to their department and the
documents holding one of them. Nobody else sees any."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.people.principal import units_of
from zhengxie.workdays.services import add_working_days

from .choices import OPEN_STATES, Source
from .models import OutcomeDocument, Recommendation

SEE_ALL = frozenset({Role.SECRETARIAT, Role.LEADER})
SEE_KEY_PROPOSALS = frozenset({Role.PROPOSAL_OFFICE, Role.OVERSEER})


def stale_working_days() -> int:
    return int(getattr(settings, "ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS", 20))


def stale_cutoff(today: datetime.date | None = None) -> datetime.datetime:
    """An open recommendation last updated before this moment is stale: the start of the day after the day lying
    the set number of working days before today (so a whole ``n`` working days have passed without an update)."""
    today = today or timezone.localdate()
    day = add_working_days(today, -stale_working_days()) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def stale_q(cutoff: datetime.datetime) -> Q:
    return Q(state__in=OPEN_STATES, last_update_at__lt=cutoff)


def is_stale(recommendation, cutoff: datetime.datetime) -> bool:
    return recommendation.state in OPEN_STATES and recommendation.last_update_at < cutoff


def _see(user) -> tuple[bool, bool, list[int]]:
    """(sees all, sees key proposals', own unit ids)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, False, []
    roles = roles_of(user)
    return bool(roles & SEE_ALL), bool(roles & SEE_KEY_PROPOSALS), units_of(user)


def visible_recommendations(user) -> QuerySet[Recommendation]:
    everything, key_proposals, units = _see(user)
    qs = Recommendation.objects.all()
    if everything:
        return qs
    q = Q(unit_id__in=units) if units else Q(pk__in=[])
    if key_proposals:
        q |= Q(source=Source.KEY_PROPOSAL)
    return qs.filter(q)


def visible_documents(user) -> QuerySet[OutcomeDocument]:
    everything, key_proposals, units = _see(user)
    qs = OutcomeDocument.objects.all()
    if everything:
        return qs
    q = Q(pk__in=Recommendation.objects.filter(unit_id__in=units).values("document_id")) if units else Q(pk__in=[])
    if key_proposals:
        q |= Q(source=Source.KEY_PROPOSAL)
    return qs.filter(q)


def sees_any(user) -> bool:
    everything, key_proposals, units = _see(user)
    return everything or key_proposals or bool(units)


def managers_of(source: str) -> QuerySet:
    """The active accounts that manage this source's outcome documents (told of answers, reminded of stale ones)."""
    from django.contrib.auth import get_user_model

    roles = [Role.SECRETARIAT]
    if source == Source.KEY_PROPOSAL:
        roles.append(Role.PROPOSAL_OFFICE)
    return get_user_model().objects.filter(role_grants__role__in=roles, is_active=True).distinct()
