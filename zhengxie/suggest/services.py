"""Unit suggestion (智能交办): training the model from past assignments, storing it for every worker, and answering
"which units should handle this proposal, and why".

The suggestion sits below the domain apps: the proposals app tells it where the past assignments are
(``register_source``, from its ``AppConfig.ready``), so this module reads no other app's tables."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.people.models import HandlingUnit

from .engine import Example, Model, train
from .models import UnitSuggestionModel

MODEL_KEY = "unit"
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_LIMIT = 10
MAX_SUGGESTED_UNITS = 20


@dataclass(frozen=True)
class Source:
    """Where the past assignments are: ``examples()`` every past proposal with its lead or sole units, and the
    newest assignment id among them; ``count_after(id)`` how many such assignments came after ``id``;
    ``category_names()`` the categories' names by id."""

    examples: Callable[[], tuple[list[Example], int]]
    count_after: Callable[[int], int]
    category_names: Callable[[], dict[int, str]]


_source: dict[str, Source] = {}


def register_source(source: Source) -> None:
    _source["assignments"] = source


def _get_source() -> Source:
    try:
        return _source["assignments"]
    except KeyError:
        raise RuntimeError("no source of past assignments registered") from None


def retrain_after() -> int:
    """How many new lead or sole assignments make the model out of date (settings.SUGGEST_RETRAIN_AFTER)."""
    return max(1, int(getattr(settings, "SUGGEST_RETRAIN_AFTER", 50)))


# -- storage -----------------------------------------------------------------------------------------------------


def store_model(*, model: Model, validation: dict, last_assignment_id: int, proposals: int | None = None) -> int:
    """Stores a trained model as the one every worker uses; returns its version."""
    with transaction.atomic():
        UnitSuggestionModel.objects.get_or_create(key=MODEL_KEY)
        UnitSuggestionModel.objects.filter(key=MODEL_KEY).update(
            version=F("version") + 1,
            trained_at=timezone.now(),
            assignments=sum(len(d["units"]) for d in model.docs),
            proposals=model.examples if proposals is None else proposals,
            last_assignment_id=last_assignment_id,
            validation=validation,
            payload=model.dumps(),
        )
        return UnitSuggestionModel.objects.values_list("version", flat=True).get(key=MODEL_KEY)


def train_model(*, force: bool = False) -> dict:
    """Learns the model from every past lead or sole assignment and stores it. Does nothing when no assignment came
    since the stored model was trained (unless ``force``), so running it twice is the same as once."""
    source = _get_source()
    current = UnitSuggestionModel.objects.filter(key=MODEL_KEY).values("version", "last_assignment_id").first()
    examples, newest = source.examples()
    if not force and current and current["version"] and current["last_assignment_id"] == newest:
        return {"trained": False, "version": current["version"], "proposals": None}
    if not any(e.units for e in examples):
        return {"trained": False, "version": current["version"] if current else 0, "proposals": 0}
    model, validation = train(examples)
    version = store_model(model=model, validation=validation, last_assignment_id=newest)
    return {"trained": True, "version": version, "proposals": model.examples, "validation": validation}


def retrain_if_due() -> dict:
    """The background job: retrains when at least ``retrain_after()`` new lead or sole assignments arrived since the
    stored model learned, or when there is none yet and there is history to learn from."""
    source = _get_source()
    current = UnitSuggestionModel.objects.filter(key=MODEL_KEY).values("version", "last_assignment_id").first()
    since = current["last_assignment_id"] if current and current["version"] else 0
    new = source.count_after(since)
    if (current and current["version"] and new < retrain_after()) or new == 0:
        return {"trained": False, "new_assignments": new}
    return {**train_model(), "new_assignments": new}


# -- reading -----------------------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict = {}


def _loaded() -> Model | None:
    """The stored model, loaded once per process and per training (one small query per call to see which)."""
    stamp = (
        UnitSuggestionModel.objects.filter(key=MODEL_KEY, version__gt=0).values_list("version", "trained_at").first()
    )
    if stamp is None:
        return None
    cached = _cache.get("model")
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _cache_lock:
        cached = _cache.get("model")
        if cached is not None and cached[0] == stamp:
            return cached[1]
        row = UnitSuggestionModel.objects.filter(key=MODEL_KEY).values_list("version", "trained_at", "payload").first()
        if row is None or not row[0]:
            return None
        model = Model.loads(row[2])
        _cache["model"] = ((row[0], row[1]), model)
        return model


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    unit: str
    score: float
    reasons: list[str]


_ROLE_WORDS = {"lead": gettext_lazy("主办"), "single": gettext_lazy("单办"), "separate": gettext_lazy("分办")}


def _role_word(roles: Iterable[str]) -> str:
    roles = set(roles)
    if len(roles) == 1:
        (role,) = roles
        if role in _ROLE_WORDS:
            return str(_ROLE_WORDS[role])
    return _("承办")


def suggest_units(
    *, title: str, text: str, category: int | None = None, suggested: Iterable[int] = (), limit: int = 5
) -> list[Suggestion]:
    """The most likely handling units for a proposal, best first, each with its reasons in words. Empty when there
    is no trained model yet (``status()`` says why) or nothing in the text or the proposal points to a unit."""
    case = {"title": title, "text": text, "category": category, "suggested": suggested}
    return suggest_many([case], limit=limit)[0]


def suggest_many(cases: list[dict], *, limit: int = 5) -> list[list[Suggestion]]:
    """``suggest_units`` for several proposals (``title``, ``text``, ``category``, ``suggested`` each) with the same
    few queries however many there are (a page of the assignment queue)."""
    model = _loaded()
    if model is None:
        return [[] for _c in cases]
    limit = max(1, min(MAX_LIMIT, int(limit)))
    scored_all = []
    for c in cases:
        title, text = (c.get("title") or "")[:MAX_TITLE_CHARS], (c.get("text") or "")[:MAX_TEXT_CHARS]
        suggested = list(c.get("suggested") or ())[:MAX_SUGGESTED_UNITS]
        # A few more than shown: a unit closed since the training is left out.
        scored_all.append(model.suggest(title, text, category=c.get("category"), suggested=suggested, limit=limit + 5))
    wanted = {s.unit for scored in scored_all for s in scored}
    units = HandlingUnit.objects.filter(pk__in=wanted, is_active=True).only("name", "short_name") if wanted else []
    names = {u.pk: (u.name, u.short_name or u.name) for u in units}
    needs_category = any(c.get("category") is not None for c in cases) and wanted
    category_names = _get_source().category_names() if needs_category else {}
    return [
        _worded(scored, names, category_names.get(c.get("category")), limit)
        for c, scored in zip(cases, scored_all, strict=True)
    ]


def _worded(scored, names: dict, category_name: str | None, limit: int) -> list[Suggestion]:
    out = []
    for s in scored:
        if s.unit not in names:
            continue
        name, short = names[s.unit]
        reasons = []
        if s.neighbours:
            reasons.append(
                _("类似提案 %(numbers)s 由%(unit)s%(role)s")
                % {
                    "numbers": "、".join(label for label, _sim, _role in s.neighbours),
                    "unit": short,
                    "role": _role_word(role for _l, _s, role in s.neighbours),
                }
            )
        if s.suggested:
            reasons.append(_("提案人建议由%(unit)s承办") % {"unit": short})
        if s.category_share and category_name and s.category_share[0]:
            reasons.append(
                _("以往“%(category)s”类提案 %(all)s 件中有 %(count)s 件由%(unit)s承办")
                % {"category": category_name, "all": s.category_share[1], "count": s.category_share[0], "unit": short}
            )
        if not reasons:
            reasons.append(_("与%(unit)s以往承办的提案用词相近") % {"unit": short})
        out.append(Suggestion(unit_id=s.unit, unit=name, score=round(s.score, 4), reasons=reasons))
        if len(out) == limit:
            break
    return out


@dataclass(frozen=True)
class Status:
    ready: bool
    reason: str
    version: int
    trained_at: object
    proposals: int
    assignments: int
    new_assignments: int
    retrain_after: int
    validation: dict


def status() -> Status:
    """Whether suggestions can be made, and why not in words when they cannot."""
    row = UnitSuggestionModel.objects.filter(key=MODEL_KEY).first()
    source = _source.get("assignments")
    since = row.last_assignment_id if row and row.version else 0
    new = source.count_after(since) if source else 0
    if row and row.version:
        reason = _("已从 %(n)s 件以往提案的交办中学习，可以推荐承办单位。") % {"n": row.proposals}
        return Status(
            True,
            reason,
            row.version,
            row.trained_at,
            row.proposals,
            row.assignments,
            new,
            retrain_after(),
            row.validation,
        )
    if new:
        reason = _("已有 %(n)s 次交办，推荐模型尚未训练，后台任务将很快完成训练。") % {"n": new}
    else:
        reason = _("还没有以往提案的交办记录（可导入往年提案），暂无法推荐承办单位。")
    return Status(False, reason, 0, None, 0, 0, new, retrain_after(), {})


def why_none() -> str:
    """In words, why a proposal got no suggestion: no model yet (``status``), or nothing in what was learned points
    to a unit for it."""
    current = status()
    return current.reason if not current.ready else _("以往的交办中没有与本提案相近的，暂无推荐。")
