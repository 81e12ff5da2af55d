"""Opinion reports at every stage, made through the real services (drafts) and actions (``report_act``), for the
tests of the statistics, documents, bulletins and exports."""

from dataclasses import dataclass

from django.utils import timezone

from zhengxie.opinions.models import OpinionCategory, OpinionReport
from zhengxie.opinions.services import report_act, report_create_draft

CONTENT = "近年来，我区老旧小区加装电梯需求日益增长。\n但在实施中存在资金分摊难、协调难等问题。"
SUGGESTIONS = "一是完善资金补贴政策。\n二是建立协调议事机制。"


def category(name: str) -> OpinionCategory:
    return OpinionCategory.objects.get_or_create(name=name)[0]


def make_report(author, *, title: str, cat: OpinionCategory | None = None, coauthors=(), submit=True, **data):
    """A report by ``author`` (a member's, a collective contact's or staff's account), submitted unless told."""
    report = report_create_draft(
        author=author,
        data={
            "title": title,
            "content": data.pop("content", CONTENT),
            "suggestions": data.pop("suggestions", SUGGESTIONS),
            "category_id": (cat or category("社会民生")).pk,
            "coauthor_ids": [m.pk for m in coauthors],
            **data,
        },
    )
    for member in coauthors:
        report_act(report_id=report.pk, action="confirm_coauthor", actor=member.user)
    if submit:
        report_act(report_id=report.pk, action="submit", actor=author)
    return OpinionReport.objects.get(pk=report.pk)


def signed_off(org, author, **kwargs) -> OpinionReport:
    report = make_report(author, **kwargs)
    report_act(report_id=report.pk, action="sign_off", actor=org.users["leader"])
    return OpinionReport.objects.get(pk=report.pk)


def reported(org, author, levels=("city",), **kwargs) -> OpinionReport:
    report = signed_off(org, author, **kwargs)
    report_act(report_id=report.pk, action="report", actor=org.users["staff"], payload={"levels": list(levels)})
    return OpinionReport.objects.get(pk=report.pk)


def adopt(org, report, level="city", publication="南昌政协社情民意专报第12期") -> None:
    today = timezone.localdate().isoformat()
    report_act(
        report_id=report.pk,
        action="record_adoption",
        actor=org.users["staff"],
        payload={"level": level, "date": today, "publication": publication},
    )


def instruct(org, report, level="city", leader="市委副书记", text="请市民政局研究落实。") -> None:
    report_act(
        report_id=report.pk,
        action="record_instruction",
        actor=org.users["staff"],
        payload={"level": level, "leader": leader, "date": timezone.localdate().isoformat(), "text": text},
    )


@dataclass
class Scenario:
    year: int
    economy: OpinionCategory
    livelihood: OpinionCategory
    joint: OpinionReport  # member with member2: reported to city and province, adopted by the city, an instruction
    archived: OpinionReport  # member alone: archived
    solo2: OpinionReport  # member2 alone: reported to the city, not adopted
    by_staff: OpinionReport  # the secretariat's own: submitted only
    draft: OpinionReport  # member's draft: not counted


def scenario(org) -> Scenario:
    economy, livelihood = category("经济发展"), category("社会民生")
    joint = reported(
        org,
        org.users["member"],
        levels=("city", "province"),
        title="关于加快老旧小区加装电梯的建议",
        cat=economy,
        coauthors=[org.member2],
    )
    adopt(org, joint)
    instruct(org, joint)
    archived = make_report(org.users["member"], title="关于规范共享单车停放的建议", cat=livelihood)
    report_act(
        report_id=archived.pk, action="archive", actor=org.users["leader"], payload={"reason": "已有同类信息报送"}
    )
    solo2 = reported(org, org.users["member2"], title="关于增加中小学课后服务供给的建议", cat=economy)
    by_staff = make_report(org.users["staff"], title="关于群众反映农贸市场秩序的情况", cat=livelihood, as_staff=True)
    draft = make_report(org.users["member"], title="草稿：关于社区养老的建议", cat=economy, submit=False)
    return Scenario(
        year=joint.year,
        economy=economy,
        livelihood=livelihood,
        joint=OpinionReport.objects.get(pk=joint.pk),
        archived=OpinionReport.objects.get(pk=archived.pk),
        solo2=solo2,
        by_staff=by_staff,
        draft=draft,
    )
