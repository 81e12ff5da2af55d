"""The democratic supervision API under ``/api/v1/``."""

from ninja import Router

router = Router(tags=["supervision"])
