"""The declarations: every action a person takes has a handler and a documented input, and the state diagrams in
docs/deliberations.md are drawn from them."""

from pathlib import Path

from zhengxie.core.workflow import SYSTEM
from zhengxie.deliberations import services  # noqa: F401 - importing the handlers attaches them
from zhengxie.deliberations.workflow import DELIBERATION, POST

DOCS = Path(__file__).resolve().parents[3] / "docs" / "deliberations.md"


def test_every_action_has_a_handler_and_a_documented_input():
    for flow in (DELIBERATION, POST):
        for name, step in flow.actions.items():
            if name == "edit":  # the draft's form (services.deliberation_update)
                continue
            assert step.handler is not None, name
            schema = flow.input_json_schema(name)
            assert schema["title"] == name and "$ref" not in str(schema), name


def test_only_the_closing_job_takes_the_system_action():
    assert [n for n, s in DELIBERATION.actions.items() if SYSTEM in s.who] == ["expire"]


def test_the_state_diagrams_in_the_docs_are_drawn_from_the_declarations():
    text = DOCS.read_text(encoding="utf-8")
    for flow in (DELIBERATION, POST):
        assert f"```mermaid\n{flow.mermaid()}\n```" in text, flow.name
