"""The consultation module's services: what its pages, API, demo and other apps call to write. The handlers of the
workflows' actions are in ``actions.py``; every action is taken through ``plan_act`` / ``consultation_act``."""

from .actions import (
    MATERIAL_MAX_BYTES,
    consultation_act,
    consultation_create,
    material_add,
    plan_act,
    plan_create,
    suggestion_submit,
)

__all__ = [
    "MATERIAL_MAX_BYTES",
    "consultation_act",
    "consultation_create",
    "material_add",
    "plan_act",
    "plan_create",
    "suggestion_submit",
]
