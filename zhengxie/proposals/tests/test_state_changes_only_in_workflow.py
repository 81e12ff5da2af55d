"""The workflow is one table, and only ``workflow.py`` assigns a proposal's or an assignment's state.

The rule checked here, precisely:

* Every ``.py`` file under ``zhengxie/`` is read (tests, migrations and ``proposals/workflow.py`` itself excepted) and
  every *write of a field named ``state``* is found in its syntax tree:
  ``x.state = …`` (also in tuple targets, annotated and augmented assignments), ``setattr(x, "state", …)``,
  ``….update(state=…)``, ``….bulk_update(objs, [..."state"...])``, ``….create(state=…)``,
  ``….get_or_create/update_or_create(defaults={"state": …})``, ``Model(state=…)`` and raw SQL strings that
  ``UPDATE`` the proposal or assignment tables.
* Other models have ``state`` fields of their own (Cosignature, Reply, ExtensionRequest …) that are not the
  workflow's, so each write is attributed to a model by reading the code around it: the receiver is followed back
  through queryset methods (``filter``, ``get``, ``select_for_update`` …), related accessors (``p.cosignatures`` →
  Cosignature, ``ctx.assignment`` → Assignment), ``Model.objects`` and ``Model(...)``, the local variable it was
  bound from (assignment, ``for`` target), a parameter's annotation or name, and a module function's return
  annotation. The model names and accessor names come from Django's app registry, so new models are known at once.
* A write attributed to ``Proposal`` or ``Assignment`` fails the test. So does a write that cannot be attributed
  to any model in a module that imports the proposals app (or is part of it): there the receiver could be a
  proposal, so the line is reported for review — bind the object from its model's manager or a related accessor,
  or annotate the parameter, to make a legitimate write recognisable. A module that never imports the proposals
  app cannot name a proposal or an assignment, so its unattributed writes (another module's own workflow) pass.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

import zhengxie
from zhengxie.proposals import actions, workflow
from zhengxie.proposals.choices import AssignmentState, ProposalState
from zhengxie.proposals.models import Assignment, Proposal

ROOT = Path(zhengxie.__file__).resolve().parent
WORKFLOW_FILE = ROOT / "core" / "workflow.py"  # the engine: every workflow moves its objects there
WORKFLOW_MODELS = frozenset({Proposal, Assignment})

# Queryset and manager methods that return objects (or querysets) of the same model as their receiver.
SAME_MODEL_METHODS = frozenset(
    {
        "objects",
        "all",
        "filter",
        "exclude",
        "get",
        "first",
        "last",
        "earliest",
        "latest",
        "select_for_update",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "order_by",
        "distinct",
        "using",
        "none",
        "annotate",
        "alias",
        "reverse",
        "create",
        "get_or_create",
        "update_or_create",
        "in_bulk",
        "iterator",
        "_base_manager",
        "_default_manager",
        "union",
        "intersection",
        "difference",
    }
)
PASS_THROUGH_CALLS = frozenset({"list", "tuple", "sorted", "reversed", "iter", "next", "set"})
RAW_SQL = re.compile(r"update\s+[\"'`]?proposals_(proposal|assignment)[\"'`]?\s+set", re.IGNORECASE)


def _model_tables():
    by_class = {}
    by_accessor: dict[str, set] = {}
    # (owner model, accessor) -> related models: ``a.replies`` on an Assignment is its Reply rows, not the
    # ``replies`` of any other model that happens to use the same accessor name (e.g. DeliberationPost).
    by_owner: dict[tuple, set] = {}
    for model in apps.get_models():
        by_class[model.__name__] = model
        for f in model._meta.get_fields():
            if not f.is_relation or f.related_model is None or isinstance(f.related_model, str):
                continue
            name = f.get_accessor_name() if f.auto_created and not f.concrete else f.name
            if name and not name.endswith("+"):
                by_accessor.setdefault(name, set()).add(f.related_model)
                by_owner.setdefault((model, name), set()).add(f.related_model)
    # A bare name like ``proposal`` or ``reply`` is read as that model.
    by_lower = {model.__name__.lower(): model for model in apps.get_models()}
    return by_class, by_accessor, by_lower, by_owner


@dataclass(frozen=True)
class StateWrite:
    path: str
    line: int
    code: str
    models: frozenset  # models the receiver was attributed to; empty = unknown

    @property
    def model_names(self) -> str:
        return ", ".join(sorted(m.__name__ for m in self.models)) or "?"


class _Scope:
    """Bindings of the local names of one function (or of the module)."""

    def __init__(self, node, parent=None):
        self.parent = parent
        self.bindings: dict[str, list] = {}
        self.annotations: dict[str, ast.expr | None] = {}
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if a is not None:
                    self.annotations[a.arg] = getattr(a, "annotation", None)
        for child in _walk_own(node):
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self.bindings.setdefault(target.id, []).append(child.value)
            elif isinstance(child, (ast.AnnAssign, ast.NamedExpr)) and isinstance(child.target, ast.Name):
                if child.value is not None:
                    self.bindings.setdefault(child.target.id, []).append(child.value)
                if isinstance(child, ast.AnnAssign):
                    self.annotations.setdefault(child.target.id, child.annotation)
            elif isinstance(child, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(child.target, ast.Name):
                self.bindings.setdefault(child.target.id, []).append(child.iter)
            elif isinstance(child, ast.withitem) and isinstance(child.optional_vars, ast.Name):
                self.bindings.setdefault(child.optional_vars.id, []).append(child.context_expr)


def _walk_own(node):
    """Nodes of a function body, not descending into nested functions or classes (they have their own scope)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(child))


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, source: str, tables):
        self.path, self.lines = path, source.splitlines()
        self.by_class, self.by_accessor, self.by_lower, self.by_owner = tables
        self.writes: list[StateWrite] = []
        self.functions: dict[str, ast.expr | None] = {}
        self.scope: _Scope | None = None

    # Attribution -------------------------------------------------------------------------------------------------
    def _from_annotation(self, ann) -> frozenset:
        if ann is None:
            return frozenset()
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value, mode="eval").body
            except SyntaxError:
                return frozenset()
        if isinstance(ann, ast.BinOp):  # X | None
            return self._from_annotation(ann.left) | self._from_annotation(ann.right)
        if isinstance(ann, ast.Subscript):  # QuerySet[X], list[X]
            return self._from_annotation(ann.slice)
        if isinstance(ann, ast.Tuple):
            return frozenset().union(*(self._from_annotation(e) for e in ann.elts))
        name = ann.attr if isinstance(ann, ast.Attribute) else getattr(ann, "id", None)
        model = self.by_class.get(name)
        return frozenset({model}) if model is not None else frozenset()

    def _from_name(self, name: str) -> frozenset:
        if name in self.by_accessor:
            return frozenset(self.by_accessor[name])
        if name in self.by_lower:
            return frozenset({self.by_lower[name]})
        return frozenset()

    def attribute(self, expr, scope: "_Scope | None", seen=frozenset()) -> frozenset:
        if isinstance(expr, ast.Name):
            if expr.id in self.by_class:
                return frozenset({self.by_class[expr.id]})
            s = scope
            while s is not None:
                if expr.id in s.bindings or expr.id in s.annotations:
                    if (expr.id, id(s)) in seen:
                        return frozenset()
                    seen = seen | {(expr.id, id(s))}
                    found = self._from_annotation(s.annotations.get(expr.id))
                    for value in s.bindings.get(expr.id, []):
                        found |= self.attribute(value, s, seen)
                    return found or self._from_name(expr.id)
                s = s.parent
            return self._from_name(expr.id)
        if isinstance(expr, ast.Attribute):
            if expr.attr in SAME_MODEL_METHODS:
                return self.attribute(expr.value, scope, seen)
            # When the owner is known, the accessor is that owner's own relation; an unknown owner (``ctx``)
            # leaves every model with that accessor name as a candidate.
            owners = self.attribute(expr.value, scope, seen)
            related = frozenset().union(*(self.by_owner.get((o, expr.attr), ()) for o in owners))
            return related or self._from_name(expr.attr)
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name):
                if func.id in self.by_class:
                    return frozenset({self.by_class[func.id]})
                if func.id in PASS_THROUGH_CALLS and expr.args:
                    return self.attribute(expr.args[0], scope, seen)
                if func.id in self.functions:
                    return self._from_annotation(self.functions[func.id])
                return frozenset()
            return self.attribute(func, scope, seen)
        if isinstance(expr, ast.Subscript):
            return self.attribute(expr.value, scope, seen)
        if isinstance(expr, ast.IfExp):
            return self.attribute(expr.body, scope, seen) | self.attribute(expr.orelse, scope, seen)
        if isinstance(expr, ast.BoolOp):
            return frozenset().union(*(self.attribute(v, scope, seen) for v in expr.values))
        return frozenset()

    def _record(self, node, receiver) -> None:
        models = self.attribute(receiver, self.scope) if receiver is not None else frozenset(WORKFLOW_MODELS)
        self.writes.append(StateWrite(self.path, node.lineno, self.lines[node.lineno - 1].strip(), models))

    # Scopes ------------------------------------------------------------------------------------------------------
    def visit_Module(self, node):
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(child.name, child.returns)
        self.scope = _Scope(node)
        self.generic_visit(node)

    def _visit_function(self, node):
        outer, self.scope = self.scope, _Scope(node, self.scope)
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_function

    # Writes ------------------------------------------------------------------------------------------------------
    def _targets(self, target):
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                yield from self._targets(t)
        elif isinstance(target, ast.Starred):
            yield from self._targets(target.value)
        elif isinstance(target, ast.Attribute) and target.attr == "state":
            yield target

    def visit_Assign(self, node):
        for target in node.targets:
            for t in self._targets(target):
                self._record(node, t.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        for t in self._targets(node.target):
            self._record(node, t.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        for t in self._targets(node.target):
            self._record(node, t.value)
        self.generic_visit(node)

    @staticmethod
    def _is_state(expr) -> bool:
        return isinstance(expr, ast.Constant) and expr.value == "state"

    def _dict_has_state(self, expr) -> bool:
        if isinstance(expr, ast.Dict):
            return any(self._is_state(k) for k in expr.keys)
        if isinstance(expr, ast.Call) and getattr(expr.func, "id", None) == "dict":
            return any(k.arg == "state" for k in expr.keywords)
        return False

    def _keywords_have_state(self, node) -> bool:
        return any(k.arg == "state" or (k.arg is None and self._dict_has_state(k.value)) for k in node.keywords)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2 and self._is_state(node.args[1]):
            self._record(node, node.args[0])
        elif isinstance(func, ast.Name) and func.id in self.by_class and self._keywords_have_state(node):
            self._record(node, func)
        elif isinstance(func, ast.Attribute):
            method = func.attr
            if method in ("update", "create") and self._keywords_have_state(node):
                self._record(node, func.value)
            elif method in ("get_or_create", "update_or_create") and any(
                k.arg in ("defaults", "create_defaults") and self._dict_has_state(k.value) for k in node.keywords
            ):
                self._record(node, func.value)
            elif method == "bulk_update":
                fields = (
                    node.args[1]
                    if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "fields"), None)
                )
                if (
                    fields is None
                    or not isinstance(fields, (ast.List, ast.Tuple))
                    or any(self._is_state(e) for e in fields.elts)
                ):
                    self._record(node, func.value)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and RAW_SQL.search(node.value):
            self._record(node, None)


def scan_source(source: str, path: str = "<string>") -> list[StateWrite]:
    scanner = _Scanner(path, source, _model_tables())
    scanner.visit(ast.parse(source))
    return scanner.writes


def _imports_proposals(source: str, path: Path) -> bool:
    if path.is_relative_to(ROOT / "proposals"):
        return True
    return bool(re.search(r"^\s*(from|import)\s+zhengxie\.proposals\b", source, re.MULTILINE))


def _project_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if {"tests", "migrations", "static"} & set(rel.parts) or path.name.startswith("test_"):
            continue
        if path == WORKFLOW_FILE or path.name == "conftest.py":
            continue
        yield path


def violations() -> list[StateWrite]:
    found = []
    for path in _project_files():
        source = path.read_text(encoding="utf-8")
        if "state" not in source and not RAW_SQL.search(source):
            continue
        reachable = _imports_proposals(source, path)
        for w in scan_source(source, str(path.relative_to(ROOT.parent))):
            if w.models & WORKFLOW_MODELS or (not w.models and reachable):
                found.append(w)
    return found


# The scanner itself -------------------------------------------------------------------------------------------


def _flagged(source: str) -> list[tuple[int, str]]:
    return [(w.line, w.model_names) for w in scan_source(source)]


def test_scanner_attributes_writes_to_the_workflow_models():
    source = """
from zhengxie.proposals.models import Assignment, Proposal

def f(ctx, proposal: Proposal, assignment_id):
    proposal.state = "closed"
    ctx.proposal.state, ctx.proposal.seq = "registered", 1
    p = Proposal.objects.select_for_update().get(pk=1)
    p.state = "draft"
    Proposal.objects.filter(pk=1).update(state="closed")
    a = ctx.proposal.assignments.get(pk=assignment_id)
    setattr(a, "state", "replied")
    Assignment.objects.bulk_update([a], ["due_date", "state"])
    Assignment.objects.create(state="replied", proposal=proposal)
    Proposal(state="closed", title="x")
    Proposal.objects.update_or_create(pk=1, defaults={"state": "closed"})
    for x in Assignment.objects.filter(proposal=proposal):
        x.state = "accepted"
    cursor.execute("UPDATE proposals_proposal SET state = 'closed'")
"""
    assert _flagged(source) == [
        (5, "Proposal"),
        (6, "Proposal"),
        (8, "Proposal"),
        (9, "Proposal"),
        (11, "Assignment"),
        (12, "Assignment"),
        (13, "Assignment"),
        (14, "Proposal"),
        (15, "Proposal"),
        (17, "Assignment"),
        (18, "Assignment, Proposal"),
    ]


def test_scanner_tells_other_state_fields_apart_and_leaves_unknown_receivers_unattributed():
    source = """
from zhengxie.proposals.models import Reply

def _signed(a) -> Reply:
    return a.replies.get(state="signed")

def g(ctx, p, obj):
    sig = p.cosignatures.select_for_update().get(member__user=1)
    sig.state, sig.answered_at = "confirmed", None
    ext = ctx.assignment.extensions.get(state="pending")
    ext.state = "approved"
    reply = _signed(ctx.assignment)
    reply.state = "approved"
    p.cosignatures.filter(state="invited").update(state="lapsed")
    Proposal.objects.filter(state="draft").update(title="")
    obj.state = "x"
"""
    writes = scan_source(source)
    assert [(w.line, w.model_names) for w in writes] == [
        (9, "Cosignature"),
        (11, "ExtensionRequest"),
        (13, "Reply"),
        (14, "Cosignature"),
        (16, "?"),
    ]


def test_scanner_reads_an_accessor_on_a_known_owner_as_that_owners_relation_only():
    """``replies`` is the accessor of Assignment (Reply) and of DeliberationPost (its answers): on an assignment it
    is a Reply; a proposal reached through a known owner's accessor is still the workflow's and is caught."""
    source = """
from zhengxie.proposals.models import Assignment, Reply

def h(ctx, a: Assignment, r: Reply, obj):
    reply = a.replies.get(pk=1)
    reply.state = "signed"
    a.proposal.state = "closed"
    r.assignment.state = "replied"
    obj.replies.filter(pk=1).update(state="x")
"""
    assert _flagged(source) == [
        (6, "Reply"),
        (7, "Proposal"),
        (8, "Assignment"),
        (9, "DeliberationPost, Reply"),
    ]


def test_scanner_finds_the_one_assignment_in_workflow_py():
    """The allowed file is the proof that the scanner reads real code: it holds exactly one state write."""
    source = WORKFLOW_FILE.read_text(encoding="utf-8")
    writes = scan_source(source, "workflow.py")
    assert [w.code for w in writes] == ["obj.state = target"]
    tree = ast.parse(source)
    move = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_move")
    assert move.lineno < writes[0].line <= move.end_lineno


def test_scanner_attributes_every_state_write_in_actions_py_to_another_model():
    """actions.py changes co-signatures, replies and extension requests directly (they are not the workflow's);
    each of those writes is recognised, so a proposal or assignment write there would stand out."""
    writes = scan_source(Path(actions.__file__).read_text(encoding="utf-8"), "actions.py")
    assert writes, "actions.py writes the state of co-signatures, replies and extension requests"
    assert {m.__name__ for w in writes for m in w.models} <= {"Cosignature", "Reply", "ExtensionRequest"}
    assert all(w.models for w in writes)


# The rule ------------------------------------------------------------------------------------------------------


def test_state_of_proposals_and_assignments_is_assigned_only_in_workflow_py():
    found = violations()
    report = "\n".join(f"{w.path}:{w.line}: {w.code}  [{w.model_names}]" for w in found)
    assert found == [], (
        "A proposal's or an assignment's state may change only through workflow.py (proposal_act / "
        "assignment_act). Writes of a `state` field found elsewhere ([?] = could not tell which model; make the "
        "receiver recognisable or move the change into the workflow):\n" + report
    )


# The table -----------------------------------------------------------------------------------------------------

RELATIONS = {
    workflow.AUTHOR,
    workflow.INVITED,
    workflow.EVALUATOR,
    workflow.OFFICE,
    workflow.LEADER,
    workflow.SUPERVISOR,
    workflow.UNIT,
    workflow.UNIT_LEADER,
    workflow.OVERSEER,
    workflow.SYSTEM,
}


def test_every_action_of_the_table_has_a_handler_and_every_handler_an_action():
    table = set(workflow.PROPOSAL_ACTIONS) | set(workflow.ASSIGNMENT_ACTIONS)
    handled = {n for t in (workflow.PROPOSAL_ACTIONS, workflow.ASSIGNMENT_ACTIONS) for n, s in t.items() if s.handler}
    # "edit" is the draft form (services.proposal_update_draft), not an executor action.
    assert actions.Ctx is workflow.PROPOSAL.context is workflow.ASSIGNMENT.context
    assert table - handled == {"edit"}
    assert set(workflow.PROPOSAL_ACTIONS).isdisjoint(workflow.ASSIGNMENT_ACTIONS)
    assert set(workflow.SYSTEM_PROPOSAL_MOVES).isdisjoint(table)


@pytest.mark.parametrize(
    "table,states",
    [
        (workflow.PROPOSAL_ACTIONS, ProposalState),
        (workflow.ASSIGNMENT_ACTIONS, AssignmentState),
    ],
    ids=["proposal", "assignment"],
)
def test_every_source_and_target_is_a_state_of_the_right_model(table, states):
    valid = set(states.values)
    for name, step in table.items():
        assert step.sources, name
        assert set(step.sources) <= valid, name
        assert set(step.targets) <= valid, name
        assert step.who and step.who <= RELATIONS, name
        assert step.style in {"primary", "secondary", "danger"}, name
    for name, (sources, target) in workflow.SYSTEM_PROPOSAL_MOVES.items():
        assert set(sources) <= set(ProposalState.values) and target in ProposalState.values, name


def test_every_page_facing_action_has_its_own_chinese_label():
    for table in (workflow.PROPOSAL_ACTIONS, workflow.ASSIGNMENT_ACTIONS):
        page_facing = {name: str(step.label) for name, step in table.items() if workflow.SYSTEM not in step.who}
        for name, label in page_facing.items():
            assert re.search(r"[\u4e00-\u9fff]", label), f"{name}: {label!r}"
        assert len(set(page_facing.values())) == len(page_facing), "two buttons with the same label"
    system_only = {
        name
        for t in (workflow.PROPOSAL_ACTIONS, workflow.ASSIGNMENT_ACTIONS)
        for name, step in t.items()
        if workflow.SYSTEM in step.who
    }
    assert system_only == {"lapse_cosign", "auto_accept"}
    for name in system_only:
        step = workflow.PROPOSAL_ACTIONS.get(name) or workflow.ASSIGNMENT_ACTIONS[name]
        assert step.who == {workflow.SYSTEM}, f"{name} is the scheduler's alone"


def test_every_state_is_reached_and_only_the_final_ones_have_no_way_on():
    targets = {t for s in workflow.PROPOSAL_ACTIONS.values() for t in s.targets}
    targets |= {t for _s, t in workflow.SYSTEM_PROPOSAL_MOVES.values()}
    assert set(ProposalState.values) - targets == set()  # drafts are also made by save_draft
    sources = {s for step in workflow.PROPOSAL_ACTIONS.values() for s in step.sources}
    sources |= {s for srcs, _t in workflow.SYSTEM_PROPOSAL_MOVES.values() for s in srcs}
    assert set(ProposalState.values) - sources == {
        ProposalState.MERGED,
        ProposalState.CONVERTED,
        ProposalState.REJECTED,
        ProposalState.WITHDRAWN,
    }
    a_targets = {t for s in workflow.ASSIGNMENT_ACTIONS.values() for t in s.targets}
    assert set(AssignmentState.values) - a_targets == {AssignmentState.PENDING}  # created by assign
    a_sources = {s for step in workflow.ASSIGNMENT_ACTIONS.values() for s in step.sources}
    assert set(AssignmentState.values) - a_sources == {
        AssignmentState.REPLIED,
        AssignmentState.OPINION_SENT,
        AssignmentState.REASSIGNED,
    }
