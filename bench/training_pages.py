import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhengxie.people.models import Member
from zhengxie.training.models import Seminar, TrainingClass, TrainingPlan

U = get_user_model()
staff = U.objects.get(username="demo-staff")
member = U.objects.get(username="demo-member")
plan = TrainingPlan.objects.first()
sem = Seminar.objects.first()
tc = TrainingClass.objects.first()
print("members", Member.objects.count())


def run(user, url, n=30):
    c = Client()
    c.force_login(user)
    c.get(url)
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        r = c.get(url, HTTP_HOST="localhost")
        ts.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as q:
        c.get(url)
    ts.sort()
    print(f"{url:45s} p50 {statistics.median(ts):6.1f} ms  p95 {ts[int(len(ts) * 0.95) - 1]:6.1f} ms  queries {len(q)}")


run(staff, "/training/")
run(staff, f"/training/plans/{plan.pk}/")
run(staff, f"/training/classes/{tc.pk}/")
run(staff, f"/training/seminars/{sem.pk}/")
run(staff, "/training/study-hours/")
run(staff, "/training/study-hours/export/", n=10)
run(member, "/activities/archive/")
run(staff, f"/api/v1/training-plans/{plan.pk}")
