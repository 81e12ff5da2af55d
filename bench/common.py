"""Shared by the benchmark scripts: where the project is, and database URLs that mean the same in every process."""

import os
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent


def absolute_database_url(url: str) -> str:
    """``sqlite:///relative/path`` is relative to the working directory; make it absolute (against the caller's
    working directory) so that gunicorn, started elsewhere, opens the same file."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        return url
    path = parts.path[1:]  # what django-environ takes as the file name
    if not path or path == ":memory:" or os.path.isabs(path):
        return url
    return f"sqlite:///{os.path.abspath(path)}"
