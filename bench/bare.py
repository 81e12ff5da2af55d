"""The bare reference endpoint: a WSGI app with no Django in it that runs the SQL a real endpoint ran and answers
with the JSON that endpoint answered.

bench/run_bare.py captures, in its own process, the statements each timed request of the real API makes (SQL,
parameters, and whether psycopg bound them on the client or on the server), and the response it gave; it writes them
to a pickle file and serves this module with gunicorn (``bench.bare:application``, same workers as the real app),
naming the file in ``ZX_BARE_CAPTURE``. Per request this app checks the ``Authorization`` header, runs every captured
statement on its worker's one psycopg connection (opened with the connection parameters Django used, kept open as
Django keeps its own for ``CONN_MAX_AGE``) with the same kind of cursor, fetches every row, and returns the captured
body. That is the least work a server can do to answer the same request from the same database: the time the real
endpoint takes beyond it is Python spent in Django, django-ninja and the project's code.
"""

import os
import pickle

import psycopg

READY_PATH = "/ready"  # answered without the database: gunicorn is up

_capture: dict | None = None
_connection: psycopg.Connection | None = None


def capture() -> dict:
    """What bench/run_bare.py captured: ``{"connection": {...}, "timezone": str, "routes": {path: route}}``, where
    a route is ``{"authorization": str, "status": int, "content_type": str, "body": bytes, "statements": [(sql,
    params, many, server_bound), ...]}`` and path includes its query string."""
    global _capture
    if _capture is None:
        with open(os.environ["ZX_BARE_CAPTURE"], "rb") as f:
            _capture = pickle.load(f)
    return _capture


def connection() -> psycopg.Connection:
    """One connection per worker, reopened if it broke; in autocommit, as Django runs outside ``atomic``."""
    global _connection
    if _connection is None or _connection.closed or _connection.broken:
        params = capture()["connection"]
        _connection = psycopg.connect(**params, autocommit=True)
        # Django sets the connection's time zone once when it opens it (UTC with USE_TZ); the same here, so that
        # rows with times are read as Django reads them.
        _connection.execute("SELECT set_config('TimeZone', %s, false)", [capture()["timezone"]])
    return _connection


def replay(statements: list) -> int:
    """Run the statements as the real endpoint ran them, fetching every row; returns the number of rows."""
    conn = connection()
    rows = 0
    for sql, params, many, server_bound in statements:
        # Django's own queries go through a ClientCursor (parameters bound on the client); a statement bound on the
        # server goes through a plain cursor, which prepares it as the connection's prepare_threshold says.
        with conn.cursor() if server_bound else psycopg.ClientCursor(conn) as cursor:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    return rows


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == READY_PATH:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    query = environ.get("QUERY_STRING", "")
    route = capture()["routes"].get(f"{path}?{query}" if query else path)
    if route is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    if environ.get("HTTP_AUTHORIZATION") != route["authorization"]:
        start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("Content-Length", "12")])
        return [b"unauthorized"]
    replay(route["statements"])
    body = route["body"]
    status = f"{route['status']} {'OK' if route['status'] == 200 else 'Captured'}"
    start_response(status, [("Content-Type", route["content_type"]), ("Content-Length", str(len(body)))])
    return [body]
