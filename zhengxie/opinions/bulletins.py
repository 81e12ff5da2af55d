"""The bulletin (社情民意专报 / 社情民意信息): staff select signed-off reports into a numbered issue that is printed
(.docx and PDF, ``documents``). Reads that know the user, the one write (``bulletin_create``), and the issue's sheet.

An issue's number is the next of its kind and year: the unique constraint on (kind, year, number) decides between
two members of staff numbering at once, and the loser takes the next number (a savepoint per attempt).
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.access import has_perm
from zhengxie.core.exceptions import InvalidInput, NotAllowed

from . import documents
from .choices import ReportState
from .models import OpinionReport
from .models_bulletins import Bulletin, BulletinItem, BulletinKind
from .selectors import report_list, visible_reports

PRINTABLE = (ReportState.SIGNED_OFF, ReportState.REPORTED)
MAX_REPORTS = 60
CANDIDATES_SHOWN = 200
NUMBER_ATTEMPTS = 5


def issue_label(bulletin: Bulletin) -> str:
    return _("%(year)s年第%(number)s期") % {"year": bulletin.year, "number": bulletin.number}


# Reads -----------------------------------------------------------------------------------------------------------


def visible_bulletins(user) -> QuerySet[Bulletin]:
    """Every issue to those who may read the bulletins (the secretariat, its editors, the leaders); none to others."""
    if not has_perm(user, "opinions.bulletins"):
        return Bulletin.objects.none()
    return Bulletin.objects.all()


def bulletin_list(*, user) -> QuerySet[Bulletin]:
    return (
        visible_bulletins(user)
        .select_related("created_by")
        .annotate(report_count=Count("items"))
        .order_by("-year", "-number", "-id")
    )


def bulletin_get(*, user, pk: int) -> Bulletin | None:
    if not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    return visible_bulletins(user).select_related("created_by").filter(pk=pk).first()


def _report_fields(qs: QuerySet) -> QuerySet:
    return qs.select_related("category", "lead_member", "collective", "author")


def bulletin_reports(bulletin: Bulletin) -> list[OpinionReport]:
    """The issue's reports in their printed order (the reports an issue holds are shown whatever their state now)."""
    items = bulletin.items.select_related(
        "report__category", "report__lead_member", "report__collective", "report__author"
    ).order_by("position")
    return [item.report for item in items]


def reports_of(bulletin_ids: list[int]) -> dict[int, list[OpinionReport]]:
    """The reports of several issues in their printed order, in one read."""
    out: dict[int, list[OpinionReport]] = {}
    items = BulletinItem.objects.filter(bulletin_id__in=bulletin_ids).select_related("report").order_by("position")
    for item in items:
        out.setdefault(item.bulletin_id, []).append(item.report)
    return out


def candidates(*, user) -> list[OpinionReport]:
    """Signed-off and reported reports the user may put into an issue, newest first."""
    qs = report_list(user=user, filters={"states": list(PRINTABLE)})
    return list(qs[:CANDIDATES_SHOWN])


# The write -------------------------------------------------------------------------------------------------------


def _clean(data: dict) -> tuple[str, str, list[int]]:
    errors = {}
    kind = data.get("kind") or BulletinKind.SPECIAL
    if kind not in BulletinKind.values:
        errors["kind"] = _("请选择刊物。")
    title = (data.get("title") or "").strip()
    if len(title) > 200:
        errors["title"] = _("过长（最多%(n)d字）。") % {"n": 200}
    ids = list(data.get("report_ids") or [])
    if not ids:
        errors["report_ids"] = _("请至少选择一篇已签发的信息。")
    elif len(ids) > MAX_REPORTS:
        errors["report_ids"] = _("一期最多收录%(n)d篇。") % {"n": MAX_REPORTS}
    elif len(set(ids)) != len(ids):
        errors["report_ids"] = _("同一篇信息只能收录一次。")
    if errors:
        raise InvalidInput(_("输入有误：") + "；".join(str(v) for v in errors.values()), errors)
    return kind, title, ids


@transaction.atomic
def bulletin_create(*, actor, data: dict) -> Bulletin:
    """A new issue of ``data["kind"]`` holding ``data["report_ids"]`` in that order, numbered next in this year."""
    if not has_perm(actor, "opinions.bulletins_manage"):
        raise NotAllowed(_("只有机关干部和信息员可以编发专报。"))
    kind, title, ids = _clean(data)
    found = set(visible_reports(actor).filter(pk__in=ids, state__in=PRINTABLE).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(_("只能收录已签发或已报送的信息。"), {"report_ids": _("只能收录已签发或已报送的信息。")})
    today = timezone.localdate()
    for _attempt in range(NUMBER_ATTEMPTS):
        last = Bulletin.objects.filter(kind=kind, year=today.year).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                bulletin = Bulletin.objects.create(
                    kind=kind, year=today.year, number=last + 1, title=title, issued_on=today, created_by=actor
                )
        except IntegrityError:
            continue  # another issue took the number meanwhile: take the next
        break
    else:
        raise InvalidInput(_("编号冲突，请重试。"), {"number": _("编号冲突")})
    BulletinItem.objects.bulk_create(
        [BulletinItem(bulletin=bulletin, report_id=pk, position=i) for i, pk in enumerate(ids, start=1)]
    )
    audit_record(
        actor=actor,
        action="opinion_bulletin.create",
        obj=bulletin,
        changes={"number": [None, f"{today.year}-{bulletin.number}"], "bulletin_reports": [None, ids]},
    )
    return bulletin


# The sheet -------------------------------------------------------------------------------------------------------


def bulletin_sheet(bulletin: Bulletin, *, committee: str) -> documents.BulletinSheet:
    reports = bulletin_reports(bulletin)
    coauthors = documents.confirmed_coauthors([r.pk for r in reports])
    return documents.BulletinSheet(
        committee=committee,
        kind=bulletin.get_kind_display(),
        year=bulletin.year,
        number=bulletin.number,
        title=bulletin.title,
        date=documents.chinese_date(bulletin.issued_on),
        reports=[documents.report_sheet(r, coauthors.get(r.pk, [])) for r in reports],
    )
