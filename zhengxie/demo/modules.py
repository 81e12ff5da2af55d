"""The demo work of the later modules (consultation, supervision, follow-up, deliberation, opinion reports, study
and training), each made through its module's real services after the proposals and activities of ``work.py``.

Each entry is ``(name, build)``: ``build()`` runs once, inside the demo's transaction, and returns a dict of counts
that the command prints after the name.
"""

from collections.abc import Callable

MODULE_BUILDERS: list[tuple[str, Callable[[], dict]]] = []

from zhengxie.demo.followup import build_demo_followup  # noqa: E402

MODULE_BUILDERS.append(("followup", build_demo_followup))

from zhengxie.demo.consultations import build_demo_consultations  # noqa: E402

MODULE_BUILDERS.append(("consultations", build_demo_consultations))

from zhengxie.demo.supervision import build_demo_supervision  # noqa: E402

MODULE_BUILDERS.append(("supervision", build_demo_supervision))

from zhengxie.demo.deliberations import build_demo_deliberations  # noqa: E402

MODULE_BUILDERS.append(("deliberations", build_demo_deliberations))

from zhengxie.demo.opinions import build_demo_opinions  # noqa: E402

MODULE_BUILDERS.append(("opinions", build_demo_opinions))

from zhengxie.demo.training import build_demo_training  # noqa: E402

MODULE_BUILDERS.append(("training", build_demo_training))
