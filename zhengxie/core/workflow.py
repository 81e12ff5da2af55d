"""The workflow engine every module's workflow runs on.

An action is declared once (``Workflow.action``): its name and label, the states it starts from and may move to, who
may take it (relations of the person to the object), its conditions (named predicates returning the reason a person
is shown when they fail), its input as one typed schema, whether it is irreversible (the confirmation text), who acts
next while the object waits for it (``Due``), what the person is told once it is done (``done``), and its handler
(attached with ``Workflow.handler``).
``Workflow.perform`` is the one entry point that takes an action: it locks the row, refuses with 404 (not visible),
403 (not theirs), 409 (state or a condition, with its reason) or 422 (input), runs the handler, and writes the audit
row — all in one transaction, so a refusal writes nothing. ``Workflow.move`` is the only code that assigns a workflow
object's state.

The pages' buttons and forms, the API's ``allowed_actions`` and its OpenAPI bodies, the timeline's labels, "what is
due next", the to-do lists and the reminders all read the declarations; nothing else is keyed by action name.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict

SYSTEM = "system"  # the relation of scheduled jobs: actions only they take are never offered as buttons


@dataclass(frozen=True)
class Condition:
    """A named predicate over ``(obj, user, now)``: ``None`` when met, else the reason shown to the person (409)."""

    name: str
    test: Callable[[Any, Any, datetime.datetime], Any]

    def __call__(self, obj, user, now):
        return self.test(obj, user, now)


def condition(fn: Callable) -> Condition:
    """Declares a condition; its name is the function's, without a leading underscore."""
    return Condition(fn.__name__.lstrip("_"), fn)


# Input ----------------------------------------------------------------------------------------------------------

BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True)
class Label:
    """The field's name as people read it (errors name it); ``pick``: chosen from a list rather than typed."""

    text: Any
    pick: bool = False


def _as_text(value):
    return "" if value is None else value if isinstance(value, str) else str(value)


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError("date_format", "expected a date as YYYY-MM-DD") from None


def Text(label, *, max_length: int = 5000, required: bool = True, description: str = ""):  # noqa: N802 - a type
    """Free text: trimmed; required means not empty."""
    return Annotated[
        str,
        BeforeValidator(_as_text),
        Field(min_length=1 if required else 0, max_length=max_length, description=description or None),
        Label(label),
    ]


def _as_required_date(value):
    if value in (None, ""):
        raise PydanticCustomError("missing", "Field required")
    return _as_date(value)


def Date(label, *, required: bool = False, description: str = ""):  # noqa: N802 - a type
    """A day as ``YYYY-MM-DD``; an empty value is ``None`` unless required."""
    if required:
        return Annotated[
            datetime.date, BeforeValidator(_as_required_date), Field(description=description or None), Label(label)
        ]
    return Annotated[
        datetime.date | None, BeforeValidator(_as_date), Field(description=description or None), Label(label)
    ]


def _blank_as_missing(value):
    if value in (None, ""):
        raise PydanticCustomError("missing", "Field required")
    return value


def _blank_as_none(value):
    return None if value == "" else value


@dataclass(frozen=True)
class Options:
    """The codes of a ``Choice`` with the words a page shows for each."""

    pairs: tuple


def _pairs(values) -> tuple:
    if hasattr(values, "choices"):  # a TextChoices class
        return tuple((str(v), label) for v, label in values.choices)
    return tuple((str(v[0]), v[1]) if isinstance(v, tuple) else (str(v), str(v)) for v in values)


def Choice(label, values, *, required: bool = True, description: str = ""):  # noqa: N802 - a type
    """One of the given codes (a ``TextChoices`` class, codes, or (code, words) pairs); an empty value is "not
    chosen" (``None`` unless required)."""
    pairs = _pairs(values)
    codes = Literal[tuple(code for code, _words in pairs)]
    doc = Field(description=description or None)
    if required:
        return Annotated[codes, BeforeValidator(_blank_as_missing), doc, Label(label, True), Options(pairs)]
    return Annotated[codes | None, BeforeValidator(_blank_as_none), doc, Label(label, True), Options(pairs)]


@dataclass(frozen=True)
class Page:
    """How a page form asks for a field of an action's input: the schema says what the value is, this only how it
    is shown. ``help`` and ``options`` may be callables (read when the form is built: settings can change)."""

    label: Any = None  # the page's words when they differ from the field's name in errors
    rows: int | None = None  # a text area of this many rows
    radio: bool = False  # radio buttons instead of a select
    empty: Any = None  # the words of "nothing chosen" in a select
    help: Any = None
    options: Callable | None = None  # () -> [(code, words)]: choices read from the settings
    required: bool | None = None  # the page insists where the API may leave it out (one reply among several)
    box: bool = False  # an id typed in a text box (a proposal's number) rather than chosen from a list
    max_length: int | None = None
    attrs: dict | None = None
    initial: Any = None  # a value, or a callable () -> value (today's date)


def metadata_of(schema: type[BaseModel], name: str, kind: type):
    info = schema.model_fields.get(name)
    for item in info.metadata if info is not None else ():
        if isinstance(item, kind):
            return item
    return None


def Id(label, *, description: str = ""):  # noqa: N802 - a type
    """The id of a record (a positive 64-bit integer)."""
    return Annotated[int, Field(ge=1, le=BIGINT_MAX, description=description or None), Label(label, True)]


def label_of(schema: type[BaseModel], name: str) -> Label:
    return metadata_of(schema, name, Label) or Label(name)


class ActionInput(BaseModel):
    """Base of every action's input schema: surrounding spaces are trimmed, unknown keys are ignored (forms and older
    clients send more than an action reads), and each field's ``title`` is the label errors name."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")


class NoInput(ActionInput):
    """An action that takes no input."""


@dataclass(frozen=True)
class Due:
    """What the people an action is for must do while the object waits in one of its source states: the words of
    "what is due next" (``%(u)s``: the unit, where an assignment's), the short words of their to-do item, and the
    date it is due by (``deadline(obj)``, or none)."""

    what: Any
    todo: Any = None
    deadline: Callable | None = None

    def by(self, obj):
        return self.deadline(obj) if self.deadline is not None else None


@dataclass(eq=False)
class Action:
    workflow: "Workflow"
    name: str
    label: str
    sources: frozenset
    targets: tuple  # the states it may move to; () = the state does not change
    who: frozenset
    conditions: tuple[Condition, ...] = ()
    schema: type[ActionInput] = NoInput
    confirm: str = ""  # irreversible: the question a page asks before taking it
    style: str = "primary"  # how a page shows its button
    example: dict = field(default_factory=dict)  # an example body for the API's documentation
    due: Due | None = None  # who must act next, and by when, while the object waits for this action
    # What happened, in words, once it is done ("已立案，案号 %(number)s"): a text whose %(name)s are read from the
    # input sent, then the object's attributes; or a function (obj, input dict) -> text.
    done: Any = ""
    handler: Callable | None = None

    def done_message(self, obj, payload: dict | None = None) -> str:
        """The success message a person reads after taking the action on ``obj`` (as it is after the action)."""
        if callable(self.done):
            return str(self.done(obj, payload or {}))
        if not self.done:
            return _("已完成：%(a)s。") % {"a": self.label}
        return str(self.done) % _Words(obj, payload or {})

    @property
    def takes_input(self) -> bool:
        return bool(self.schema.model_fields)

    def first_failure(self, obj, user, now) -> str | None:
        for cond in self.conditions:
            reason = cond(obj, user, now)
            if reason:
                return str(reason)
        return None


class _Words(dict):
    """The values a ``done`` text names: the input sent first, then the object's attributes (as text)."""

    def __init__(self, obj, payload: dict):
        super().__init__(payload)
        self.obj = obj

    def __missing__(self, key):
        value = getattr(self.obj, key, "")
        return "" if value is None else value


class Context:
    """What a handler gets: the locked object, the actor, the validated input, the time, and the changes the audit
    row records. Workflows subclass it to add their own helpers."""

    def __init__(self, *, workflow, action: Action, obj, actor, data: ActionInput, now: datetime.datetime):
        self.workflow, self.step, self.obj, self.actor, self.data, self.now = workflow, action, obj, actor, data, now
        self.action = action.name
        self.changes: dict = {}

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    @property
    def payload(self) -> dict:
        """The validated input as a dict (fields not sent are absent)."""
        return self.data.model_dump(exclude_unset=True)

    def move(self, target: str) -> str:
        old = self.workflow.move(self.obj, self.step, target)
        self.changes[self.workflow.state_change_key] = [old, target]
        return old


def input_errors(schema: type[BaseModel], exc: PydanticValidationError) -> InvalidInput:
    """A pydantic error as the platform's refusal: the first problem in words naming the field's label, and each
    field's short message (the API lists them; pages put them under the field)."""
    errors: dict[str, str] = {}
    first = ""
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        key = ".".join(loc) if loc else ""
        named = label_of(schema, loc[0]) if loc else Label(_("请求"))
        label = named.text
        kind = err["type"]
        ctx = err.get("ctx") or {}
        # An explicit null where a value is required counts as not given.
        blank = kind == "missing" or (err.get("input") is None and kind.endswith("_type"))
        # Something that is no id at all, where a record is to be chosen, is "nothing chosen".
        blank = blank or (named.pick and kind in ("int_parsing", "int_type", "int_from_float"))
        if blank or (kind in ("string_too_short", "too_short") and ctx.get("min_length") == 1):
            short = _("必填")
            long = (_("请选择%(f)s。") if named.pick else _("请填写%(f)s。")) % {"f": label}
        elif kind in ("string_too_long", "too_long"):
            short = _("过长")
            long = _("%(f)s过长（最多%(n)d字）。") % {"f": label, "n": ctx.get("max_length", 0)}
        elif kind.startswith("date"):
            short, long = _("日期格式错误"), _("%(f)s格式应为 YYYY-MM-DD。") % {"f": label}
        elif kind in ("literal_error", "enum"):
            expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
            short, long = _("可选值：%(v)s") % {"v": expected}, _("%(f)s无效。") % {"f": label}
        elif kind == "value_error":
            short = long = str(ctx.get("error", err["msg"]))
        else:
            short, long = _("无效"), _("%(f)s无效。") % {"f": label}
        errors.setdefault(key, short)
        first = first or long
    return InvalidInput(first or _("输入有误，请检查标记的项目。"), errors)


def validate_input(schema: type[ActionInput], payload: dict | None) -> ActionInput:
    try:
        return schema.model_validate(payload or {})
    except PydanticValidationError as exc:
        raise input_errors(schema, exc) from None


class Workflow:
    """One workflow: its actions, and how to find, lock, relate to and audit its objects.

    ``relations(obj, user)`` gives the person's relations to the object (``{SYSTEM}`` for ``user=None``). Set with
    ``configure``: ``lock(pk, actor)`` returns the object locked for update, or raises ``NotVisible``;
    ``audit(actor=, action=, obj=, changes=)`` appends the audit row (the audit app's ``audit_record``, which sits
    above core); ``after(ctx)`` runs once after each performed action, in its transaction (derived figures)."""

    state_change_key = "state"

    def __init__(
        self,
        name: str,
        *,
        relations: Callable,
        state_refusal=None,
    ):
        self.name = name
        self.relations = relations
        # The 409 a person reads when the object's state does not allow the action (%(s)s state, %(a)s action).
        self.state_refusal = state_refusal
        self.actions: dict[str, Action] = {}
        self.system_moves: dict[str, tuple[frozenset, str]] = {}
        self.arrivals: dict[str, frozenset] = {}
        self.labels: dict[str, Any] = {}  # what a timeline calls each step: actions, system moves, other events
        # How to act: set by the module that holds the handlers (``configure``), which may import what the
        # declarations must not (models, selectors, the audit trail).
        self.lock: Callable | None = None
        self.audit: Callable | None = None
        self.context: type[Context] = Context
        self.after: Callable | None = None
        self.audit_action: Callable[[Action], str] = lambda step: f"{name}.{step.name}"
        self.audit_object: Callable = lambda ctx: ctx.obj

    def configure(
        self,
        *,
        lock: Callable,
        audit: Callable,
        context: type[Context] | None = None,
        after: Callable | None = None,
        audit_action: Callable[[Action], str] | None = None,
        audit_object: Callable | None = None,
    ) -> None:
        self.lock, self.audit, self.after = lock, audit, after
        if context is not None:
            self.context = context
        if audit_action is not None:
            self.audit_action = audit_action
        if audit_object is not None:
            self.audit_object = audit_object
        _CONFIGURED[self.name] = self

    # Declaring ------------------------------------------------------------------------------------------------

    def action(
        self,
        name: str,
        label,
        *,
        sources: Iterable,
        targets: Iterable = (),
        who: Iterable,
        conditions: Iterable[Condition] = (),
        schema: type[ActionInput] = NoInput,
        confirm="",
        style: str = "primary",
        example: dict | None = None,
        due: Due | None = None,
        done="",
    ) -> Action:
        if name in self.actions:
            raise ValueError(f"{self.name}: action {name!r} declared twice")
        step = Action(
            workflow=self,
            name=name,
            label=label,
            sources=frozenset(sources),
            targets=tuple(targets),
            who=frozenset(who),
            conditions=tuple(conditions),
            schema=schema,
            confirm=confirm,
            style=style,
            example=example or {},
            due=due,
            done=done,
        )
        self.actions[name] = step
        self.labels[name] = label
        return step

    def system_move(self, name: str, label, *, sources: Iterable, target: str) -> None:
        """A move that follows from other actions (never taken on its own, never a button)."""
        self.system_moves[name] = (frozenset(sources), target)
        self.labels[name] = label

    def arrival(self, name: str, label, *, targets: Iterable) -> None:
        """A way in for objects made outside the actions in a settled state (an earlier year's records brought in
        from a spreadsheet): the states such objects may be made in. Never a button, never a move."""
        self.arrivals[name] = frozenset(targets)
        self.labels[name] = label

    def arrive(self, model, name: str, target: str, **fields):
        """An unsaved ``model(**fields)`` in ``target``, one of the arrival ``name``'s states; the caller saves it
        (in bulk, with the other rows of its import)."""
        if target not in self.arrivals[name]:
            raise AssertionError(f"{target!r} is not a state of the arrival {name} ({self.arrivals[name]!r})")
        obj = model(**fields)
        _move(obj, target, save=False)
        return obj

    def event(self, name: str, label) -> None:
        """A step a timeline records that is neither an action nor a move (a side effect of an action)."""
        self.labels[name] = label

    def label(self, name: str):
        """What the timeline calls this step, or ``None`` for a name the workflow does not know."""
        return self.labels.get(name)

    def handler(self, name: str):
        """Attaches the decorated function ``fn(ctx)`` to the declared action ``name``."""

        def attach(fn):
            step = self.actions[name]
            if step.handler is not None:
                raise ValueError(f"{self.name}: action {name!r} has two handlers")
            step.handler = fn
            return fn

        return attach

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def __contains__(self, name) -> bool:
        return name in self.actions

    # Reading --------------------------------------------------------------------------------------------------

    def allowed(self, obj, user, *, now=None) -> list[str]:
        """The actions this person may take on the object now (the buttons; the API's ``allowed_actions``)."""
        now = now or timezone.now()
        rel = self.relations(obj, user)
        out = []
        for name, step in self.actions.items():
            if SYSTEM in step.who or not step.who & rel or obj.state not in step.sources:
                continue
            if step.first_failure(obj, user, now) is None:
                out.append(name)
        return out

    def refusal(self, step: Action, obj, user, *, now=None):
        """Why this person may not take the action now (403 or 409), or ``None``."""
        now = now or timezone.now()
        if not step.who & self.relations(obj, user):
            return NotAllowed(_("您无权执行“%(a)s”。") % {"a": step.label})
        if obj.state not in step.sources:
            template = str(self.state_refusal) if self.state_refusal else _("当前状态（%(s)s）不能执行“%(a)s”。")
            return StateConflict(template % {"s": obj.get_state_display(), "a": step.label})
        reason = step.first_failure(obj, user, now)
        return StateConflict(reason) if reason else None

    def check(self, step: Action, obj, user, *, now=None) -> None:
        refused = self.refusal(step, obj, user, now=now)
        if refused is not None:
            raise refused

    def get(self, name: str) -> Action:
        step = self.actions.get(name)
        if step is None:
            raise NotVisible(_("没有这个操作：%(a)s") % {"a": name})
        return step

    # Acting ---------------------------------------------------------------------------------------------------

    def perform(self, *, pk: int, action: str, actor, payload: dict | None = None, now=None):
        """Take one action: lock, check (404/403/409), validate its input (422), handle, audit — one transaction."""
        step = self.get(action)
        if step.handler is None or self.lock is None:
            raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
        now = now or timezone.now()
        with transaction.atomic():
            obj = self.lock(pk, actor)
            self.check(step, obj, actor, now=now)
            data = validate_input(step.schema, payload)
            ctx = self.context(workflow=self, action=step, obj=obj, actor=actor, data=data, now=now)
            changes = step.handler(ctx)
            if changes:  # a handler may return the changes it made instead of writing them to ctx.changes
                ctx.changes.update(changes)
            if self.after is not None:
                self.after(ctx)
            self.audit(actor=actor, action=self.audit_action(step), obj=self.audit_object(ctx), changes=ctx.changes)
        return obj

    def move(self, obj, step: Action | str, target: str) -> str:
        """Moves the object to one of the action's declared targets (or a system move's target, from one of its
        sources); returns the old state."""
        name = step.name if isinstance(step, Action) else step
        if name in self.actions:
            allowed = self.actions[name].targets
        else:
            sources, system_target = self.system_moves[name]
            if obj.state not in sources:
                raise AssertionError(f"{name} cannot start from {obj.state}")
            allowed = (system_target,)
        if target not in allowed:
            raise AssertionError(f"{target!r} is not a next state of {name} ({allowed!r})")
        return _move(obj, target)

    # Documenting ----------------------------------------------------------------------------------------------

    def transitions(self) -> list[tuple[str, str, str]]:
        """(from state, action, to state) for every declared move, in declaration order: the state diagram."""
        out = []
        for step in self.actions.values():
            for source in sorted(str(s) for s in step.sources):
                for target in step.targets or (source,):
                    out.append((source, step.name, str(target)))
        for name, (sources, target) in self.system_moves.items():
            out.extend((str(source), name, str(target)) for source in sorted(sources))
        return out

    def input_json_schema(self, name: str) -> dict:
        """The JSON schema of the action's input, self-contained (nested models inlined), titled by the action."""
        schema = self.actions[name].schema.model_json_schema()
        defs = schema.pop("$defs", {})

        def inline(node):
            if isinstance(node, dict):
                ref = node.get("$ref", "")
                if ref.startswith("#/$defs/"):
                    return inline(defs[ref.removeprefix("#/$defs/")])
                return {k: inline(v) for k, v in node.items()}
            if isinstance(node, list):
                return [inline(v) for v in node]
            return node

        schema = inline(schema)
        schema["title"] = name
        return schema

    def openapi_body(self, names: Iterable[str]) -> dict:
        """An action endpoint's request body for the OpenAPI document: any one of the actions' input schemas, with
        an example body per action."""
        names = list(names)
        media = {
            "schema": {"anyOf": [self.input_json_schema(n) for n in names]},
            "examples": {n: {"summary": n, "value": self.actions[n].example} for n in names},
        }
        return {"requestBody": {"required": False, "content": {"application/json": media}}}

    def mermaid(self) -> str:
        """The state diagram drawn from the declarations (Mermaid ``stateDiagram-v2``)."""
        lines = ["stateDiagram-v2"]
        for source, name, target in self.transitions():
            if source != target:
                lines.append(f"    {source} --> {target}: {name}")
        return "\n".join(lines)


# The workflows that take actions (configured), by name: the audit trail names their actions with their labels.
_CONFIGURED: dict[str, Workflow] = {}


def audit_action_labels() -> dict[str, Any]:
    """The audit trail's code of every action of every configured workflow (``proposal.register``), with the
    action's label (立案): the audit page shows the words the buttons show, from the one declaration."""
    return {flow.audit_action(step): step.label for flow in _CONFIGURED.values() for step in flow.actions.values()}


def _move(obj, target: str, *, save: bool = True) -> str:
    """The only code that assigns the state of a workflow's object (a test checks this); ``save=False`` for an
    object not yet saved (``Workflow.arrive``)."""
    old = obj.state
    obj.state = target
    if save:
        obj.save(update_fields=["state"])
    return old
