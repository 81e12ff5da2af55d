"""The access matrix's rows of the later modules, one file each, so that the modules keep their own rows.

Each module file defines, like ``tests/test_access_matrix.py`` itself: ``PAGES`` and ``API`` (url name or operation →
one status per role of ``tests.builders.org.ROLE_KEYS``), ``URL_KWARGS`` (url name → function of the matrix's
``Objects`` giving the URL's arguments), ``API_OBJECTS`` (path parameter → function of ``Objects`` giving an id),
``API_PATH_PARAMS`` (operation → fixed path parameters), ``MULTIPART_API`` (operations whose body is a form) and
``api_body(op, org, objects)`` (the body of an operation, or None). A module's objects are made through the real
services on first use and kept on the ``Objects`` of that test with ``objects.once(key, make)``.
"""

from importlib import import_module

MODULE_NAMES = ("followup", "consultations", "supervision", "deliberations", "opinions", "training")
MODULES = [import_module(f"tests.access.{name}") for name in MODULE_NAMES]
