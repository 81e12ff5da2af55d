"""Prepared reads: a queryset built and compiled to SQL once per database, then run again with other values.

Django builds and compiles a queryset's SQL afresh each time it is evaluated: for the small reads a page makes by
the dozen (a proposal's assignments, its attachments, the signed-in user) that is four fifths of each read's cost —
about 0.3 ms of Python for a one-table read and 0.6 ms for one with joins, where sending the SQL and making the
rows' objects takes 0.1 ms. A ``Prepared`` keeps the compiled SQL and runs it with the new values::

    FILES = Prepared(lambda proposal: Attachment.objects.filter(proposal_id=proposal).order_by("id"), proposal=int)
    files = FILES.list(proposal=p.pk)

The function receives stand-in values for the parameters and must build the whole queryset from them alone: it runs
once per database (twice, with two sets of stand-ins), so anything else it read (the time, a setting, a user's
roles) would be frozen into the SQL. Where a query's shape depends on such things, each shape is its own
``Prepared`` (``variant``). Compiling checks that the stand-ins reach the SQL as parameters and change nothing else
in it; a value that a lookup transforms (``__icontains``) or that changes the SQL (an ``__in`` list's length) is
refused when compiled, never run wrong.

Parameters are ``int``, ``str``, ``datetime.datetime`` or ``datetime.date``, or ``(int, n)``: a list of up to ``n``
ints for an ``__in`` lookup (the list given is padded by repeating its last value; it must not be empty).

What the queryset returns is what ``list`` returns: model instances (with ``select_related``, ``only``/``defer``
and annotations), ``values()`` dicts or ``values_list()`` tuples (``flat`` too); ``prefetch_related`` lookups are
then run on the instances as Django does. ``first``, ``count`` and ``exists`` are the same read with one row, a
count, or an existence test; ``start``/``stop`` slice (each slice is compiled once, as its LIMIT is in the SQL).
Reads only: a queryset that locks rows is refused.

On PostgreSQL a prepared read is also a prepared statement (``settings.DB_PREPARED_STATEMENTS``): it is sent with
its parameters bound on the server, which keeps the statement's plan for the connection, so that a read by key costs
PostgreSQL a third of the CPU time that parsing and planning it each time costs. That suits reads whose best plan is
the same for every value (by key, by a parent's key); a read whose plan should depend on the values (a list filtered
by state and year, where one state has a hundred times the rows of another) passes ``server_plan=False`` and is
planned afresh each time, as Django's own queries are.
"""

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.utils import timezone

try:  # PostgreSQL's driver: its cursors bind on the server (prepared statements)
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format
    from psycopg.types.numeric import Int8
except ImportError:  # pragma: no cover - SQLite alone
    psycopg = None

_SUPPORTED = (int, str, datetime.datetime, datetime.date)
# Stand-in values, two sets: a parameter is found in the SQL's parameters where the two compilations differ. Small
# positive integers, so that no integer field's range check turns the lookup into "no rows" while compiling.
_INT_STANDINS = (31001, 31501)
_COUNT, _EXISTS, _ROWS = "count", "exists", "rows"


def _standin(kind: type, which: int, index: int):
    if kind is int:
        return _INT_STANDINS[which] + index
    if kind is str:
        return f"\x01zx-prepared-{which}-{index}\x01"
    if kind is datetime.datetime:
        return datetime.datetime(1901 + which, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(seconds=index)
    return datetime.date(1901 + which, 1, 1) + datetime.timedelta(days=index)


def _adapter(kind: type, connection) -> Callable[[Any], Any]:
    """How Django hands a value of this kind to the database driver (SQLite is given dates and times as text)."""
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


def _prepares(connection) -> bool:
    return (
        psycopg is not None and connection.vendor == "postgresql" and getattr(settings, "DB_PREPARED_STATEMENTS", False)
    )


def _server_cursor(connection):
    """Django's cursor (its error wrapping, the queries it logs) around a psycopg cursor that binds parameters on
    the server: with the connection's ``prepare_threshold`` of 0 (settings), each statement is prepared the first
    time the connection runs it and its plan kept."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
        loader = connection.connection.adapters.get_loader(1184, Format.TEXT)  # timestamptz
        if connection.timezone != getattr(loader, "timezone", connection.timezone):
            register_tzloader(connection.timezone, raw)
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return _ServerCursorDebugWrapper(raw, connection)
        return CursorWrapper(raw, connection)


class _ServerCursorDebugWrapper(CursorDebugWrapper):
    """Logs the statement as Django logs its own (the SQL with its values), which psycopg does not keep for a
    statement bound on the server."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


class _Compiled:
    """One read compiled for one database: the SQL, where each value goes, and how rows become results."""

    def __init__(self, prepared: "Prepared", connection, alias: str, mode: str, start: int, stop: int | None):
        querysets = [prepared.build(**prepared.standins(which)) for which in (0, 1)]
        for qs in querysets:
            if not isinstance(qs, QuerySet):
                raise ImproperlyConfigured(f"{prepared}: the function must return a QuerySet, not {type(qs)}")
            if qs.query.select_for_update:
                raise ImproperlyConfigured(f"{prepared}: a prepared read cannot lock rows")
            if qs._known_related_objects:
                raise ImproperlyConfigured(f"{prepared}: querysets of a related manager are not supported")
        shaped = [self._shape(qs, mode, start, stop) for qs in querysets]
        compilers = [qs.query.get_compiler(using=alias) for qs in shaped]
        compiled = []
        for compiler in compilers:
            try:
                compiled.append(compiler.as_sql())
            except EmptyResultSet:
                compiled.append(None)
        self.empty = compiled == [None, None]  # no values could give it rows (e.g. a slice [0:0])
        self.mode = mode
        if self.empty:
            return
        if None in compiled:
            raise ImproperlyConfigured(f"{prepared}: the parameters' values change the SQL, not only its values")
        (sql, params), (sql_b, params_b) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise ImproperlyConfigured(f"{prepared}: the parameters' values change the SQL, not only its values")
        self.sql = f"SELECT COUNT(*) FROM ({sql}) zx_counted" if mode == _COUNT else sql
        self.params = list(params)
        self.slots: list[tuple[int, str, int, Callable]] = []
        expected = {
            (name, index): (_adapter(kind, connection)(_standin(kind, 0, number)), _adapter(kind, connection))
            for name, index, kind, number in prepared.slots()
        }
        found = set()
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            slot = next((key for key, (value, _) in expected.items() if value == a), None)
            if slot is None:
                raise ImproperlyConfigured(f"{prepared}: a parameter reaches the SQL transformed ({a!r})")
            self.slots.append((position, slot[0], slot[1], expected[slot][1]))
            found.add(slot)
        missing = sorted({name for name, index in expected if (name, index) not in found})
        if missing:
            raise ImproperlyConfigured(f"{prepared}: parameters not found in the SQL: {', '.join(missing)}")
        self.alias = alias
        compiler = compilers[0]
        self.col_count = compiler.col_count
        self.trim = compiler.has_extra_select
        self.converters = list(compiler.get_converters([s[0] for s in compiler.select[0 : compiler.col_count]]).items())
        if mode != _ROWS:
            return
        qs = querysets[0]
        self.iterable = qs._iterable_class
        self.prefetch = qs._prefetch_related_lookups
        if self.iterable is ModelIterable:
            klass_info, select = compiler.klass_info, compiler.select
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.model_slice = slice(fields[0], fields[-1] + 1)
            self.init_list = [f[0].target.attname for f in select[self.model_slice]]
            self.populators = get_related_populators(klass_info, select, alias)
            self.annotations = list(compiler.annotation_col_map.items())
        elif self.iterable is ValuesIterable:
            query = qs.query
            self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        elif self.iterable in (ValuesListIterable, FlatValuesListIterable):
            query = qs.query
            if qs._fields and [*query.extra_select, *query.values_select, *query.annotation_select] != [
                *qs._fields,
                *(f for f in query.annotation_select if f not in qs._fields),
            ]:
                raise ImproperlyConfigured(f"{prepared}: values_list() that reorders its annotations is not supported")
        else:
            raise ImproperlyConfigured(f"{prepared}: {self.iterable.__name__} results are not supported")

    @staticmethod
    def _shape(qs: QuerySet, mode: str, start: int, stop: int | None) -> QuerySet:
        if mode == _COUNT:
            return qs.order_by().values_list("pk")
        if mode == _EXISTS:
            return qs.order_by().values_list("pk")[:1]
        if start or stop is not None:
            return qs[start:stop]
        return qs

    def execute(self, values: dict, server_plan: bool) -> list:
        if self.empty:
            return [(0,)] if self.mode == _COUNT else []
        params = list(self.params)
        for position, name, index, adapt in self.slots:
            value = values[name]
            if isinstance(value, list | tuple):
                value = value[min(index, len(value) - 1)]
            params[position] = adapt(value)
        connection = connections[self.alias]
        on_server = server_plan and _prepares(connection)
        if on_server:
            # psycopg types an int by its size (int2, int4, int8): the same statement would be prepared once per
            # combination of sizes. As bigint it is prepared once (PostgreSQL compares it with any integer column
            # through the same indexes).
            params = [Int8(p) if type(p) is int else p for p in params]
        with _server_cursor(connection) if on_server else connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.mode == _COUNT:
            return rows
        if self.trim:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            converted = []
            for row in rows:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
                converted.append(row)
            rows = converted
        return rows

    def results(self, rows: list) -> list:
        if self.empty:
            return []
        if self.iterable is ModelIterable:
            out = []
            from_db, alias, init_list, model_slice = self.model.from_db, self.alias, self.init_list, self.model_slice
            for row in rows:
                obj = from_db(alias, init_list, row[model_slice])
                for populator in self.populators:
                    populator.populate(row, obj)
                for name, position in self.annotations:
                    setattr(obj, name, row[position])
                out.append(obj)
            if self.prefetch and out:
                prefetch_related_objects(out, *self.prefetch)
            return out
        if self.iterable is ValuesIterable:
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]


class Prepared:
    """A read whose SQL is compiled once per database (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet], *, name: str = "", server_plan: bool = True, **params):
        self.build = build
        self.server_plan = server_plan
        self.name = name or getattr(build, "__qualname__", "prepared read")
        self.params: dict[str, tuple[type, int, bool]] = {}  # kind, size, whether a list
        for key, spec in params.items():
            listed = isinstance(spec, tuple)
            kind, size = spec if listed else (spec, 1)
            if kind not in _SUPPORTED or not 1 <= size <= 400 or (listed and kind is not int):
                raise ImproperlyConfigured(f"{self.name}: parameter {key}: unsupported type {spec!r}")
            self.params[key] = (kind, size, listed)
        if sum(size for _, size, _ in self.params.values()) > 400:
            raise ImproperlyConfigured(f"{self.name}: at most 400 values")
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __str__(self):
        return f"prepared read {self.name}"

    def slots(self):
        """(parameter, index in it, kind, number) of each value: ``number`` tells its stand-ins apart."""
        number = 0
        for key, (kind, size, _listed) in self.params.items():
            for index in range(size):
                yield key, index, kind, number
                number += 1

    def standins(self, which: int) -> dict:
        out: dict = {}
        for key, _index, kind, number in self.slots():
            value = _standin(kind, which, number)
            if self.params[key][2]:
                out.setdefault(key, []).append(value)
            else:
                out[key] = value
        return out

    def _get(self, mode: str, start: int = 0, stop: int | None = None, using: str = "default") -> _Compiled:
        connection = connections[using]
        key = (using, connection.vendor, mode, start, stop)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or _Compiled(self, connection, using, mode, start, stop)
                if len(self._compiled) > 64:  # many slices: keep the newest
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[key] = compiled
        return compiled

    def _values(self, values: dict) -> dict:
        if values.keys() != self.params.keys():
            raise TypeError(f"{self}: expected the parameters {sorted(self.params)}, got {sorted(values)}")
        for key, value in values.items():
            kind, size, listed = self.params[key]
            items = value if listed else [value]
            if listed and (not isinstance(value, list | tuple) or not 0 < len(value) <= size):
                raise ValueError(f"{self}: {key} must be a list of 1 to {size} values")
            for item in items:
                wrong = (kind is int and isinstance(item, bool)) or (
                    kind is datetime.date and isinstance(item, datetime.datetime)
                )
                if not isinstance(item, kind) or wrong:
                    raise TypeError(f"{self}: {key} must be {kind.__name__}, not {type(item).__name__}")
                if kind is datetime.datetime and timezone.is_naive(item):
                    raise ValueError(f"{self}: {key} must be an aware datetime")
        return values

    def list(self, *, start: int = 0, stop: int | None = None, using: str = "default", **values) -> list:
        compiled = self._get(_ROWS, start, stop, using)
        return compiled.results(compiled.execute(self._values(values), self.server_plan))

    def first(self, *, using: str = "default", **values):
        rows = self.list(start=0, stop=1, using=using, **values)
        return rows[0] if rows else None

    def count(self, *, using: str = "default", **values) -> int:
        return self._get(_COUNT, using=using).execute(self._values(values), self.server_plan)[0][0]

    def exists(self, *, using: str = "default", **values) -> bool:
        return bool(self._get(_EXISTS, using=using).execute(self._values(values), self.server_plan))


class Variants:
    """Prepared reads whose shape depends on something besides their parameters (the reader's roles, which filters
    are set): one ``Prepared`` per key, the most recently used 256 kept."""

    def __init__(self, size: int = 256):
        self.size = size
        self._by_key: OrderedDict[tuple, Prepared] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, build: Callable[..., QuerySet], *, server_plan: bool = True, **params) -> Prepared:
        with self._lock:
            prepared = self._by_key.get(key)
            if prepared is None:
                name = f"{getattr(build, '__qualname__', 'variant')}{key}"
                prepared = Prepared(build, name=name, server_plan=server_plan, **params)
                self._by_key[key] = prepared
                if len(self._by_key) > self.size:
                    self._by_key.popitem(last=False)
            else:
                self._by_key.move_to_end(key)
            return prepared


class SlicedRows:
    """A list as Django's ``Paginator`` (or an API's offset and limit) reads it: its count, and slices of it."""

    ordered = True

    def count(self) -> int:
        raise NotImplementedError

    def read(self, start: int, stop: int | None) -> list:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        if not isinstance(key, slice) or key.step is not None or (key.start or 0) < 0:
            raise TypeError("a list is read in slices")
        return self.read(key.start or 0, key.stop)


def give_prefetched(parents: list, name: str, children: list, *, key: str) -> None:
    """Hand each parent the children read for all of them (``getattr(child, key)`` is the parent's pk) as
    ``prefetch_related(name)`` would: ``parent.<name>.all()`` then gives them without a query, each child knows its
    parent, and anything chained on it (``.filter()``) is still a query of that parent's children alone."""
    by_parent: dict = {}
    for child in children:
        by_parent.setdefault(getattr(child, key), []).append(child)
    for parent in parents:
        manager = getattr(parent, name)
        field = manager.field
        found = by_parent.get(parent.pk, [])
        for child in found:
            field.set_cached_value(child, parent)
        queryset = manager.get_queryset()  # its filter is built only if something is chained on it
        queryset._result_cache = found
        queryset._prefetch_done = True
        if not hasattr(parent, "_prefetched_objects_cache"):
            parent._prefetched_objects_cache = {}
        parent._prefetched_objects_cache[field.remote_field.cache_name] = queryset
