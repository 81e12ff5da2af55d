from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district and the benchmark tiers: data for showing and measuring the platform, kept out of the
    domain apps. An app only so that ``manage.py demo_district`` is found; it has no models."""

    name = "zhengxie.demo"
    verbose_name = "Demo data"
