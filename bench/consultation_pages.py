"""Timing of the consultation pages and API on the demo district: run with
``DATABASE_URL=sqlite:////tmp/zxcons.db manage.py shell < bench/consultation_pages.py`` after ``demo_district``."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhengxie.consultations.models import Consultation, ConsultationPlan

u = get_user_model().objects.get(username="demo-staff")
c = Client()
c.force_login(u)
plan = ConsultationPlan.objects.get(version=2)
gas = Consultation.objects.get(title="数字燃气安全")
for url in [
    "/consultations/plans/",
    f"/consultations/plans/{plan.pk}/",
    "/consultations/",
    f"/consultations/{gas.pk}/",
    f"/api/v1/consultation-plans/{plan.pk}",
    f"/api/v1/consultations/{gas.pk}",
]:
    c.get(url)
    times = []
    for _ in range(40):
        t = time.perf_counter()
        r = c.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as q:
        c.get(url)
    times.sort()
    print(
        f"{url:45s} median {statistics.median(times):6.1f} ms  "
        f"p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms  queries {len(q)}"
    )
