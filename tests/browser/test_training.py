"""Study and training in the browser: a member attended half of a 6-hour training class — the secretariat records
3 hours on the class page (laptop, 1366 px) after the class closed, and the member's duty archive (phone, 390 px)
shows 3 study hours, once; a member submits a seminar paper on a phone, the secretariat accepts and selects it, and
the archive shows it, linked to the seminar's papers."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.builders import training as make

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_half_a_training_class_and_a_selected_paper_reach_the_archive(
    live_org, sign_in, page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    org = live_org
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(days=2)
    activity, tc = make.training_class(org, hours="6", start=start, member_ids=[org.member.pk, org.member2.pk])
    make.mark_present_and_close(org, activity, [org.member, org.member2], start=start)
    sem = make.seminar(org, member_ids=[org.member.pk])

    # The secretariat, on a laptop: demo-member left at midday — 3 of the class's 6 hours.
    page.set_viewport_size(LAPTOP)
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/training/classes/{tc.pk}/")
    row = page.locator(f"[data-testid=attendee][data-member='{org.member.pk}']")
    expect(row.get_by_test_id("attendee-hours")).to_contain_text("6")
    row.get_by_label("的实际学时").fill("3")
    row.get_by_placeholder("如：下午请假").fill("下午请假")
    row.get_by_test_id("save-hours").click()
    expect(page.get_by_text("已登记实际学时：3")).to_be_visible()
    expect(
        page.locator(f"[data-testid=attendee][data-member='{org.member.pk}']").get_by_test_id("attendee-hours")
    ).to_contain_text("部分")
    assert _no_sideways_scroll(page)

    # The member, on a phone: submits a paper to the seminar, with its file.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in("demo-member")
    page.goto(f"{live_server.url}/training/")
    page.get_by_role("link", name="人民政协协商民主理论研讨").click()
    page.get_by_label("论文题目").fill("协商民主在基层的实践")
    page.get_by_label("摘要").fill("总结本区基层协商的做法。")
    page.get_by_label("论文文件（PDF 或 Word）").set_input_files(
        {"name": "论文.pdf", "mimeType": "application/pdf", "buffer": make.PDF}
    )
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("论文已提交，等待审核")).to_be_visible()
    expect(page.get_by_test_id("paper-state")).to_have_text("待审核")
    assert _no_sideways_scroll(page)

    # The secretariat, on a laptop: accepts, then selects (confirmed).
    page.context.clear_cookies()
    page.set_viewport_size(LAPTOP)
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/training/seminars/{sem.pk}/")
    page.get_by_test_id("accept").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("select").click()
    expect(page.get_by_text("已评为入选论文，已记入作者的履职档案")).to_be_visible()
    expect(page.get_by_test_id("paper-state")).to_have_text("入选")

    # The member's archive, on a phone: 3 study hours (the 6 reversed once), and the selected paper, linked.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in("demo-member")
    page.goto(f"{live_server.url}/activities/archive/?year={start.year}")
    section = page.locator("[data-testid=archive-section][data-key=study_hours]")
    expect(section.locator("[data-testid=section-value]").first).to_have_text("3")
    hours = page.locator("[data-testid=record][data-kind=training_hours]")
    expect(hours).to_have_count(3)  # 6, its reversal, 3
    expect(page.locator("[data-testid=record][data-kind=training_hours][data-reversal='1']")).to_have_count(1)
    paper = page.locator("[data-testid=record][data-kind=seminar_paper_selected]")
    expect(paper).to_have_count(1)
    expect(paper).to_contain_text("理论研讨论文入选")
    paper.get_by_test_id("source-link").click()
    expect(page.get_by_test_id("seminar-title")).to_have_text("人民政协协商民主理论研讨")
    assert _no_sideways_scroll(page)
