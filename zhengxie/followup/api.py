"""The outcome follow-up API under ``/api/v1/``."""

from ninja import Router

router = Router(tags=["followup"])
