"""Links other modules show to opinion reports: the duty ledger's rows of a report (its submission and adoptions)
or of an instruction on it link to the report when the reader may open it (``OpinionsConfig.ready``)."""

from django.urls import reverse

from .models import Instruction
from .selectors import visible_reports


def report_links(user, ids: set[int]) -> dict[int, str]:
    visible = visible_reports(user).filter(pk__in=ids).values_list("pk", flat=True)
    return {pk: reverse("opinions:detail", args=[pk]) for pk in visible}


def instruction_links(user, ids: set[int]) -> dict[int, str]:
    rows = Instruction.objects.filter(pk__in=ids, report__in=visible_reports(user)).values_list("pk", "report_id")
    return {pk: reverse("opinions:detail", args=[report_id]) for pk, report_id in rows}
