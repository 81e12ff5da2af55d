"""The project uses Django's documented API only: no private names imported from Django, no private attributes of
Django's objects read or written, nothing from its query and SQL compiler modules. Those change between releases
without notice, so an upgrade could break the product silently. (import-linter checks the modules; this test also
catches the attributes, which no import shows.)"""

import re
from pathlib import Path

import zhengxie

ROOT = Path(zhengxie.__file__).parent
HERE = Path(__file__)

# Internals of Django's ORM that code once reached to rerun compiled queries and hand out prefetched rows.
PRIVATE_ATTRIBUTES = (
    "_result_cache",
    "_prefetch_done",
    "_prefetch_related_lookups",
    "_prefetched_objects_cache",
    "_iterable_class",
    "_known_related_objects",
    "_fields",
    "_hints",
    "_db",
    "_sticky_filter",
    "_for_write",
    "klass_info",
    "get_related_populators",
    "annotation_col_map",
    "get_converters",
    "has_extra_select",
    "col_count",
    "queries_logged",
    "wrap_database_errors",
    "debug_sql",
    "_execute_with_wrappers",
)
PRIVATE_ATTRIBUTE = re.compile(r"\.(" + "|".join(re.escape(name) for name in PRIVATE_ATTRIBUTES) + r")\b")
# `from django… import _name`, `from django… import (…, _name)`, `import django…._module`, `django…._name`.
PRIVATE_IMPORT = re.compile(r"^\s*from\s+django[\w.]*\s+import\s+\(?[^#\n]*\b_[A-Za-z]", re.MULTILINE)
PRIVATE_MODULE = re.compile(r"\bdjango(\.\w+)*\._\w+")
INTERNAL_MODULE = re.compile(
    r"\bdjango\.db\.models\.(query|query_utils|sql)\b|\bdjango\.db\.backends\.(utils|postgresql)\b"
)


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if path != HERE and "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def _import_blocks(text: str) -> str:
    """The import statements of a module, parenthesised ones joined onto one line."""
    return re.sub(r"\(([^)]*)\)", lambda m: m.group(0).replace("\n", " "), text)


def test_no_module_imports_private_django_names_or_internal_modules():
    found = []
    for path, text in _sources():
        imports = _import_blocks(text)
        for pattern in (PRIVATE_IMPORT, PRIVATE_MODULE, INTERNAL_MODULE):
            found += [f"{path.relative_to(ROOT)}: {m.group(0).strip()}" for m in pattern.finditer(imports)]
    assert found == []


def test_no_code_reaches_private_attributes_of_django_objects():
    found = []
    for path, text in _sources():
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            found += [f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in PRIVATE_ATTRIBUTE.finditer(code)]
    assert found == []


def test_the_check_finds_what_it_looks_for():
    # given the kinds of line the check exists to refuse
    lines = {
        "queryset._result_cache = rows": PRIVATE_ATTRIBUTE,
        "compiler.klass_info['model']": PRIVATE_ATTRIBUTE,
        "self.iterable = qs._iterable_class": PRIVATE_ATTRIBUTE,
        "from django.db.models.query import get_related_populators": INTERNAL_MODULE,
        "from django.db.models.sql.compiler import SQLCompiler": INTERNAL_MODULE,
        "from django.utils.functional import _lazy_proxy": PRIVATE_IMPORT,
        "from django.db.backends.postgresql.psycopg_any import register_tzloader": INTERNAL_MODULE,
    }
    # then each is found, and documented uses are not
    assert {line: bool(pattern.search(line)) for line, pattern in lines.items()} == dict.fromkeys(lines, True)
    assert not PRIVATE_ATTRIBUTE.search("qs.select_related('unit').prefetch_related(Prefetch('contacts'))")
    assert not PRIVATE_IMPORT.search("from django.db.models import Prefetch, prefetch_related_objects")
