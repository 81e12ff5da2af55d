"""Key proposals' supervision records recommendations to the proposal's handling units: they land in the follow-up
(one outcome document per key proposal, made on first use) and appear on the unit's follow-up page."""

import pytest

from tests.builders import proposals as make
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.followup import services as followup
from zhengxie.followup.choices import Source
from zhengxie.proposals.models import TimelineEntry


def _key(org, category):
    p = make.assigned(org, category, title="关于加快新能源汽车充电桩建设的建议")
    make.act(p, "propose_key", org.users["office"], supervising_leader_id=org.users["leader"].pk)
    make.act(p, "approve_key", org.users["leader"])
    return p


def test_the_office_and_overseer_record_recommendations_into_one_document(org, category, client_for):
    p = _key(org, category)
    make.act(p, "record_recommendation", org.users["office"], unit_id=org.unit.pk, text="加快充电桩进小区")
    make.act(p, "record_recommendation", org.users["overseer"], unit_id=org.unit.pk, text="公布充电桩布点规划")
    (doc,) = followup.documents_for_sources(source=Source.KEY_PROPOSAL, source_ids=[p.pk])[p.pk]
    assert (doc.title, doc.kind_label, doc.recommendation_count) == (
        "《关于加快新能源汽车充电桩建设的建议》督办意见",
        "重点提案督办意见",
        2,
    )
    recs = followup.recommendations_for_sources(source=Source.KEY_PROPOSAL, source_ids=[p.pk])[p.pk]
    assert [(r.text, r.unit_id, r.state) for r in recs] == [
        ("加快充电桩进小区", org.unit.pk, "not_answered"),
        ("公布充电桩布点规划", org.unit.pk, "not_answered"),
    ]
    assert TimelineEntry.objects.filter(proposal=p, action="record_recommendation").count() == 2
    page = client_for(org.users["unit"]).get("/followup/department/?tab=to_answer").content.decode()
    assert "加快充电桩进小区" in page and "重点提案督办" in page
    # and the proposal's page links to the document with its recommendations' count
    detail = client_for(org.users["office"]).get(f"/proposals/{p.pk}/").content.decode()
    assert f'href="{doc.url}"' in detail
    assert "《关于加快新能源汽车充电桩建设的建议》督办意见</a> · 2 条建议" in detail


def test_a_recommendation_goes_only_to_one_of_the_proposal_s_units_and_only_on_a_key_proposal(org, category):
    p = _key(org, category)
    with pytest.raises(InvalidInput):
        make.act(p, "record_recommendation", org.users["office"], unit_id=org.other_unit.pk, text="不相关单位")
    plain = make.assigned(org, category, title="关于改造老旧小区的建议")
    with pytest.raises(StateConflict):
        make.act(plain, "record_recommendation", org.users["office"], unit_id=org.unit.pk, text="非重点提案")
    with pytest.raises(NotAllowed):
        make.act(p, "record_recommendation", org.users["leader"], unit_id=org.unit.pk, text="领导")
    assert followup.documents_for_sources(source=Source.KEY_PROPOSAL, source_ids=[p.pk, plain.pk]) == {
        p.pk: [],
        plain.pk: [],
    }
