"""The demo's opinion reports (社情民意信息): a year of reports at every stage, made through the module's real
services and actions, dated over the past year: drafts, submitted, being edited (with an edited version to compare),
signed off, archived with a reason, reported to the city and the province, some adopted by the city and the
province, one with a leader's instruction; demo-member writes several (one jointly with demo-member2, who has
confirmed), so their pages and duty archives show each level's fate. The secretariat has printed the signed-off and
reported ones in an issue of the bulletin (社情民意专报, ``bulletins.bulletin_create``), with its .docx and PDF."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from zhengxie.opinions import duty_events
from zhengxie.opinions.bulletins import PRINTABLE, bulletin_create
from zhengxie.opinions.categories import ensure_default_categories
from zhengxie.opinions.models import Instruction, OpinionCategory, OpinionReport, ReportLevel
from zhengxie.opinions.services import report_act, report_create_draft
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member

TITLES = [
    ("关于老旧小区加装电梯补贴政策落地难的建议", "城乡建设"),
    ("关于规范校外培训机构预收费监管的建议", "教育文化"),
    ("关于解决城区菜市场周边停车难的建议", "城乡建设"),
    ("关于加强农村独居老人助餐服务的建议", "社会民生"),
    ("关于社区卫生服务中心延时服务的建议", "医疗卫生"),
    ("关于赣江沿岸垂钓垃圾治理的建议", "生态环境"),
    ("关于新能源汽车充电桩进小区的建议", "经济发展"),
    ("关于预制菜企业食品安全追溯的建议", "经济发展"),
    ("关于电动自行车集中充电设施建设的建议", "社会治理"),
    ("关于中小学课后服务师资不足的建议", "教育文化"),
    ("关于农村饮用水水质监测的建议", "生态环境"),
    ("关于优化企业开办一网通办流程的建议", "经济发展"),
    ("关于加强网约车司机权益保障的建议", "社会民生"),
    ("关于推动乡村医生队伍建设的建议", "医疗卫生"),
    ("关于规范物业服务收费公示的建议", "社会治理"),
    ("关于建设湿地观鸟步道的建议", "生态环境"),
]
# How far each report went: (stage, days ago it was submitted)
PLAN = [
    ("draft", 0),
    ("submitted", 3),
    ("editing", 6),
    ("signed_off", 12),
    ("archived", 40),
    ("reported_city", 60),
    ("adopted_city", 120),
    ("adopted_city", 150),
    ("adopted_province", 200),
    ("instruction", 240),
    ("reported_both", 90),
    ("submitted", 2),
    ("editing", 8),
    ("adopted_city", 280),
    ("signed_off", 20),
    ("archived", 300),
]
BULLETIN_REPORTS = 5


def _user(username):
    return get_user_model().objects.get(username=username)


def build_demo_opinions() -> dict:
    editor, leader, staff = _user("demo-editor"), _user("demo-leader"), _user("demo-staff")
    member = Member.objects.get(user__username="demo-member")
    member2 = Member.objects.get(user__username="demo-member2")
    others = list(
        Member.objects.filter(status=MemberStatus.SERVING, user__isnull=False, user__is_active=True)
        .exclude(pk__in=[member.pk, member2.pk])
        .select_related("user")
        .order_by("pk")[:12]
    )
    authors = [member, member, member] + others
    ensure_default_categories()  # a flushed test database has lost what the data migration installed
    categories = dict(OpinionCategory.objects.values_list("name", "pk"))
    now = timezone.now()
    made = []
    for index, ((title, category), (stage, days)) in enumerate(zip(TITLES, PLAN, strict=True)):
        lead = authors[index % len(authors)]
        at = now - datetime.timedelta(days=days)
        data = {
            "title": title,
            "content": f"{title.removeprefix('关于').removesuffix('的建议')}问题群众反映较多。"
            "经走访调研，目前主要存在政策落实不到位、部门协同不够、群众知晓率不高等问题。",
            "suggestions": "一、明确牵头部门和完成时限；二、加大财政支持；三、加强宣传引导。",
            "category_id": categories.get(category),
        }
        if index == 0 or index == 6:
            data["coauthor_ids"] = [member2.pk] if lead.pk != member2.pk else []
        report = report_create_draft(author=lead.user, data=data)
        made.append(report)
        if stage == "draft":
            continue

        def act(action, who, when, report=report, **payload):
            return report_act(report_id=report.pk, action=action, actor=who, payload=payload, now=when)

        act("submit", lead.user, at)
        if report.coauthors.exists():
            act("confirm_coauthor", member2.user, at + datetime.timedelta(hours=3))
        if stage == "submitted":
            continue
        day = datetime.timedelta(days=1)
        edited = data["content"].replace("经走访调研，", "据调研，").replace("群众知晓率不高", "群众政策知晓率偏低")
        act("edit", editor, at + day, title=title, content=edited, suggestions=data["suggestions"], note="精简文字")
        if stage == "editing":
            continue
        if stage == "archived":
            act("archive", editor, at + 2 * day, reason="内容与已报送信息重复，暂不采用")
            continue
        act("sign_off", leader, at + 2 * day)
        if stage == "signed_off":
            continue
        levels = ["city", "province"] if stage in ("reported_both", "adopted_province") else ["city"]
        act("report", staff, at + 3 * day, levels=levels)
        adopted_on = timezone.localdate(at + 15 * day)
        if stage in ("adopted_city", "instruction"):
            act(
                "record_adoption",
                staff,
                at + 15 * day,
                level="city",
                date=adopted_on.isoformat(),
                publication=f"南昌政协社情民意专报{adopted_on.year}年第{index + 3}期",
            )
        if stage == "adopted_province":
            act(
                "record_adoption",
                staff,
                at + 15 * day,
                level="province",
                date=adopted_on.isoformat(),
                publication=f"江西政协信息{adopted_on.year}年第{index + 10}期",
            )
        if stage == "instruction":
            when = at + 20 * day
            act(
                "record_instruction",
                staff,
                when,
                level="city",
                leader="市委副书记",
                date=timezone.localdate(when).isoformat(),
                text="此件反映的问题具有普遍性，请市住建局会同有关部门研究落实。",
            )
    # The demo runs its jobs at once: the duty records the background job would write (it writes each once).
    ids = [r.pk for r in made]
    for report_id in ids:
        duty_events.record(duty_events.SUBMITTED, report_id)
    for level_id in ReportLevel.objects.filter(report_id__in=ids, adopted_on__isnull=False).values_list(
        "pk", flat=True
    ):
        duty_events.record(duty_events.ADOPTED, level_id)
    for instruction_id in Instruction.objects.filter(report_id__in=ids).values_list("pk", flat=True):
        duty_events.record(duty_events.INSTRUCTION, instruction_id)
    reports = OpinionReport.objects.filter(pk__in=ids)
    # This year's first issue of the bulletin: the reports signed off or reported, the newest first, as the
    # secretariat selects them on the bulletin page.
    printable = list(reports.filter(state__in=PRINTABLE).order_by("-submitted_at", "-pk").values_list("pk", flat=True))
    bulletin = bulletin_create(
        actor=staff,
        data={"kind": "special", "title": "民生关切专辑", "report_ids": printable[:BULLETIN_REPORTS]},
    )
    return {
        "bulletins": 1,
        "bulletin reports": bulletin.items.count(),
        "reports": reports.count(),
        "adopted": ReportLevel.objects.filter(report_id__in=ids, adopted_on__isnull=False).count(),
        "instructions": Instruction.objects.filter(report_id__in=ids).count(),
    }
