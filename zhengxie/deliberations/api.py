"""The online deliberation API under ``/api/v1/``."""

from ninja import Router

router = Router(tags=["deliberations"])
