"""Scaffolding kept apart from the domain apps: the demo district (``manage.py demo_district``, ``make demo``) and
the scale tiers of the benchmarks (``bench/generate.py``), built through the domain apps' models and services."""
