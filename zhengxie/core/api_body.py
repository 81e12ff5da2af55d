"""Reading API request bodies. Every JSON body — schema-typed ones through the API's parser, action bodies through
``json_object`` — is read by ``read_json``, which refuses before anything is stored what would otherwise fail deep
inside: nesting deeper than any input of the API (the parser's recursion would give out), and text holding a NUL
character (PostgreSQL cannot store it) or a lone UTF-16 surrogate such as ``"\\ud800"`` (it cannot be encoded as
UTF-8 for the database, the field encryption or the search digests). The refusal is 422 naming the field."""

import json
import re

from django.utils.translation import gettext as _
from ninja.parser import Parser

from zhengxie.core.exceptions import InvalidInput

# No input of the API nests deeper than a few levels; 32 leaves room and stays far below Python's recursion limit.
MAX_JSON_DEPTH = 32

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]")
# A surrogate code point can only come from an escape (``\ud800``): the body is decoded as UTF-8, which has none.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _too_deep(text: str) -> bool:
    # Counted on the text with its strings removed, so a "[" inside a string is not a level.
    depth = 0
    for ch in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def _unstorable_text(value, path: tuple) -> tuple | None:
    """The path of the first key or string in ``value`` holding a NUL or a lone surrogate, else None."""
    if isinstance(value, str):
        return path if _UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _UNSTORABLE.search(key):
                return (*path, key.encode("unicode_escape").decode("ascii"))
            found = _unstorable_text(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unstorable_text(item, (*path, index))
            if found is not None:
                return found
    return None


def read_json(body: bytes):
    """The body parsed as JSON, or InvalidInput (422) naming what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(_("请求体不是有效的 JSON。")) from None
    if _too_deep(text):
        raise InvalidInput(_("请求体嵌套过深（最多 %(n)d 层）。") % {"n": MAX_JSON_DEPTH})
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(_("请求体不是有效的 JSON。")) from None
    path = _unstorable_text(data, ())
    if path is not None:
        field = ".".join(str(p) for p in path) or None
        message = _("文本含有不允许的字符（空字符或不成对的代理字符）。")
        raise InvalidInput(message, {field: _("含有不允许的字符")} if field else None)
    return data


def json_object(request) -> dict:
    """An action endpoint's body: a JSON object (the action's input schema validates it); empty is ``{}``."""
    if not request.body:
        return {}
    data = read_json(request.body)
    if not isinstance(data, dict):
        raise InvalidInput(_("请求体应为 JSON 对象。"))
    return data


class CheckedParser(Parser):
    """The API's parser: schema-typed bodies are read by ``read_json`` too. Ninja turns any error of a parser into
    its own 400 (``raise HttpError(400, ...) from error``); the API's error handler answers the refusal it was raised
    from (``refusal_behind``) instead, so the client gets the 422 naming the field."""

    def parse_body(self, request):
        return read_json(request.body)

    def parse_querydict(self, data, list_fields, request):
        # Query and form fields are text too: a NUL in a search would reach the database (PostgreSQL refuses it).
        for key, values in data.lists():
            if any(isinstance(v, str) and _UNSTORABLE.search(v) for v in values):
                raise InvalidInput(
                    _("文本含有不允许的字符（空字符或不成对的代理字符）。"), {key: _("含有不允许的字符")}
                )
        return super().parse_querydict(data, list_fields, request)


def refusal_behind(exc) -> InvalidInput | None:
    cause = exc.__cause__
    return cause if isinstance(cause, InvalidInput) else None
