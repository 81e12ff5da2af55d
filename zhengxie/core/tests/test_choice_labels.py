"""``ChoiceLabels``: the labels of a field's choices, built once, in the language of the moment."""

from django.utils import translation

from zhengxie.proposals.choices import AssignmentState, ContactWay
from zhengxie.proposals.models import Assignment, Contact


def test_display_gives_the_label_in_the_active_language_and_the_value_when_unknown():
    a = Assignment(state=AssignmentState.ACCEPTED)
    with translation.override("zh-hans"):
        chinese = a.get_state_display()
    with translation.override("en"):
        english = a.get_state_display()
    with translation.override("zh-hans"):
        assert chinese == translation.gettext(AssignmentState.ACCEPTED.label)
    with translation.override("en"):
        assert english == translation.gettext(AssignmentState.ACCEPTED.label)
    assert chinese != english  # the table keeps the lazy labels, translated at each call
    assert Assignment(state="no-such-state").get_state_display() == "no-such-state"
    assert Assignment(state="").get_state_display() == ""


def test_every_choice_of_a_field_is_displayed_as_django_would():
    for way in ContactWay:
        c = Contact(way=way.value)
        assert c.get_way_display() == str(dict(Contact._meta.get_field("way").flatchoices)[way.value])
