"""The opinion reports API under ``/api/v1/``."""

from ninja import Router

router = Router(tags=["opinions"])
