"""Online deliberation pages and API on the demo district, with one large deliberation added (300 opinions, each
with a reply: 600 posts, every 10th opinion selected), through the real services.

    DATABASE_URL=sqlite:////tmp/delib.db ALLOWED_HOSTS='*' .venv/bin/python manage.py shell < bench/deliberations.py
"""

import datetime
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengxie.accounts.services import api_token_issue
from zhengxie.deliberations.models import Deliberation, DeliberationInvitation
from zhengxie.deliberations.services import deliberation_act, deliberation_create, post_act, post_create

U = get_user_model()
staff = U.objects.get(username="demo-staff")
member = U.objects.get(username="demo-member")

big = Deliberation.objects.filter(title="基层经济发展（压力测试）").first()
if big is None:
    now = timezone.now()
    big = deliberation_create(
        actor=staff,
        data={
            "title": "基层经济发展（压力测试）",
            "background": "压力测试",
            "opens_at": (now - datetime.timedelta(days=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=7)).isoformat(),
            "invitees": {"all": True},
        },
    )
    deliberation_act(deliberation_id=big.pk, action="open", actor=staff)
    users = [
        i.member.user
        for i in DeliberationInvitation.objects.filter(deliberation=big, member__user__isnull=False)
        .select_related("member__user")
        .order_by("member_id")
    ]
    started = time.perf_counter()
    for n in range(300):
        p = post_create(
            deliberation_id=big.pk, actor=users[n % len(users)], text=f"关于发展基层经济的第{n}条意见。" * 5
        )
        post_create(deliberation_id=big.pk, actor=users[(n + 1) % len(users)], text="同意，补充一点。", reply_to=p.pk)
        if n % 10 == 0:
            post_act(post_id=p.pk, action="select", actor=staff)
    print(f"600 posts and 30 selections written in {time.perf_counter() - started:.1f} s")
print("invited", big.invitations.count(), "posts", big.posts.count())


def run(user, url, n=30, api=False):
    c = Client()
    headers = {}
    if api:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_issue(user=user)[0]}"
    else:
        c.force_login(user)
    c.get(url, **headers)
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        r = c.get(url, HTTP_HOST="localhost", **headers)
        ts.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as q:
        c.get(url, **headers)
    ts.sort()
    print(f"{url:40s} p50 {statistics.median(ts):6.1f} ms  p95 {ts[int(len(ts) * 0.95) - 1]:6.1f} ms  queries {len(q)}")


small = Deliberation.objects.get(title="数字燃气安全")
run(staff, "/deliberations/")
run(member, "/deliberations/")
run(staff, f"/deliberations/{small.pk}/")
run(member, f"/deliberations/{small.pk}/")
run(staff, f"/deliberations/{big.pk}/", n=15)
run(member, f"/deliberations/{big.pk}/", n=15)
run(member, "/api/v1/deliberations", api=True)
run(staff, f"/api/v1/deliberations/{big.pk}", n=15, api=True)
