"""Checks shared by the proposal tests."""

from django.utils import timezone

from zhengxie.proposals.models import Assignment, Evaluation
from zhengxie.proposals.selectors import current_replies


def assert_stored_figures_follow_the_replies():
    """What each assignment carries for the statistics (statistics.assignment_figures, stored by every action) is
    what the selectors' current reply says: its final grade, approval by the due date, its own proposal's rating."""
    assignments = list(Assignment.objects.select_related("proposal").order_by("pk"))
    assert assignments
    for a in assignments:
        current = [r for r in current_replies(a.proposal) if r.assignment_id == a.pk]
        assert len(current) <= 1
        reply = current[0] if current else None
        ratings = Evaluation.objects.filter(reply=reply, proposal=a.proposal_id) if reply else Evaluation.objects.none()
        rating = ratings.values_list("satisfaction", flat=True).first()
        expected = (
            a.proposal.year,
            (reply.office_grade or reply.grade) if reply else "",
            bool(reply and timezone.localdate(reply.approved_at) <= a.due_date),
            rating or "",
        )
        assert (a.year, a.current_grade, a.replied_on_time, a.proposer_rating) == expected, a
