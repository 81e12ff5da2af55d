"""The similar-proposals index (提案查重) and its query.

Writes: ``index_on_commit(ids)`` from the proposals' write paths (the same hook as the search), ``index_proposals``
now, ``rebuild`` for all (``manage.py rebuild_similarity_index``). Each proposal keeps its shingle set
(``ProposalSketch``) and its LSH band keys (``ProposalBand``).

Read: ``similar_proposals`` turns a text into band keys, takes the proposals sharing most of them as candidates
(one indexed query), keeps those the reader may list, and ranks them by the exact score (``sketch.jaccard``)."""

import hashlib
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from . import registry, sketch
from .models import ProposalBand, ProposalSketch

log = logging.getLogger(__name__)
BATCH = 500
# How many of the proposals sharing band keys with the text are scored exactly, those sharing most first.
CANDIDATES = 200
MAX_LIMIT = 50


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _rows(pairs: Iterable[tuple[int, str]]) -> tuple[list[ProposalSketch], list[ProposalBand]]:
    sketches, bands = [], []
    for pid, text in pairs:
        shingles = sketch.shingles(text)
        sketches.append(ProposalSketch(proposal_id=pid, shingles=sketch.to_bytes(shingles), text_digest=_digest(text)))
        if len(shingles):
            keys = sketch.band_keys(sketch.signature(shingles))
            bands.extend(ProposalBand(proposal_id=pid, band=b, key=k) for b, k in enumerate(keys))
    return sketches, bands


@transaction.atomic
def index_proposals(ids: Iterable[int]) -> int:
    """Rewrites these proposals' entries from their committed text now (a deleted one loses its entry). Returns
    how many were written."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    pairs = list(registry.source().texts(ids))
    sketches, bands = _rows(pairs)
    ProposalBand.objects.filter(proposal_id__in=ids).delete()
    ProposalSketch.objects.filter(proposal_id__in=ids).delete()
    ProposalSketch.objects.bulk_create(sketches)
    ProposalBand.objects.bulk_create(bands, batch_size=BATCH)
    return len(sketches)


def index_on_commit(ids: Iterable[int]) -> None:
    """Index these proposals once the current transaction commits (never if it rolls back). A failure never fails
    the write that asked for it: it is logged, and the rebuild command repairs the index."""
    ids = sorted(set(ids))

    def run():
        try:
            index_proposals(ids)
        except Exception:
            log.exception("similarity index update failed for proposals %s", ids)

    transaction.on_commit(run)


def rebuild(*, log_to=None) -> int:
    """Empties and refills the whole index in one transaction. Returns how many proposals it holds."""
    count = 0
    with transaction.atomic():
        ProposalBand.objects.all().delete()
        ProposalSketch.objects.all().delete()
        pairs = iter(registry.source().texts(None))
        while batch := list(itertools.islice(pairs, BATCH)):
            sketches, bands = _rows(batch)
            ProposalSketch.objects.bulk_create(sketches)
            ProposalBand.objects.bulk_create(bands, batch_size=2000)
            count += len(sketches)
            if log_to is not None:
                log_to(count)
    return count


@dataclass(frozen=True)
class Match:
    id: int
    number: str
    title: str
    year: int
    score: float


def similar_proposals(*, user, title: str, text: str, limit: int = 10, exclude: int | None = None) -> list[Match]:
    """The proposals ``user`` may list (never a draft, never ``exclude``) most similar to this title and text:
    score (Jaccard of the shingle sets, 0–1) at least ``sketch.MIN_SCORE``, best first, at most ``limit``."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    shingles = sketch.shingles(sketch.proposal_text(title, text))
    if not len(shingles):
        return []
    keys = sketch.band_keys(sketch.signature(shingles))
    match = Q()
    for band, key in enumerate(keys):
        match |= Q(band=band, key=key)
    candidates = list(
        ProposalBand.objects.filter(match)
        .values("proposal_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "-proposal_id")
        .values_list("proposal_id", flat=True)[:CANDIDATES]
    )
    if not candidates:
        return []
    rows = {r["id"]: r for r in registry.source().listable(user, candidates, exclude)}
    if not rows:
        return []
    scored = []
    for pid, data in ProposalSketch.objects.filter(proposal_id__in=list(rows)).values_list("proposal_id", "shingles"):
        score = sketch.jaccard(shingles, sketch.from_bytes(data))
        if score >= sketch.MIN_SCORE:
            scored.append((score, pid))
    scored.sort(key=lambda s: (-s[0], -rows[s[1]]["year"], s[1]))
    return [
        Match(id=pid, number=rows[pid]["number"], title=rows[pid]["title"], year=rows[pid]["year"], score=score)
        for score, pid in scored[:limit]
    ]
