"""Democratic supervision's pages and API on the demo district (``manage.py shell < bench/supervision_pages.py``,
against a database made by ``manage.py demo_district``): p50 and p95 of 40 requests each as demo-staff, in-process
through Django's test client, and the statements each reads."""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client

from zhengxie.supervision.models import SupervisionPlan, SupervisionTopic

settings.DEBUG = True  # count the statements
client = Client()
client.force_login(get_user_model().objects.get(username="demo-staff"))
plan = SupervisionPlan.objects.order_by("-year").first()
closed = SupervisionTopic.objects.get(title="制造业和服务业高质量发展")
open_topic = SupervisionTopic.objects.get(title="西部物流园建设")
print("| page | p50 ms | p95 ms | statements |\n|---|---|---|---|")
for name, url in [
    ("`/supervision/` (plans)", "/supervision/"),
    ("`/supervision/plans/{id}/` (topics with their five haves)", f"/supervision/plans/{plan.pk}/"),
    ("`/supervision/topics/{id}/` (closed: activities, findings, answers)", f"/supervision/topics/{closed.pk}/"),
    ("`/supervision/topics/{id}/` (in 调研评议, with its forms)", f"/supervision/topics/{open_topic.pk}/"),
    ("`GET /api/v1/supervision-topics/{id}`", f"/api/v1/supervision-topics/{closed.pk}"),
    ("`GET /api/v1/supervision-topics`", "/api/v1/supervision-topics"),
]:
    client.get(url)
    reset_queries()
    assert client.get(url).status_code == 200, url
    statements = len(connection.queries)
    times = []
    for _ in range(40):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"| {name} | {statistics.median(times):.1f} | {times[37]:.1f} | {statements} |")
