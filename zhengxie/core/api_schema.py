"""Responses every operation of the API can give, declared once in its OpenAPI instead of on each route.

The API answers these itself, before or around any operation: 401 when an operation needs a signed-in caller and the
token or session is missing or no longer valid; 422 when a parameter or the body does not fit its schema; 413 when a
request declares a body larger than the operation accepts (``core.request_size``). Each operation still declares what
its own code answers (403, 404, 409 …) on its route; a route that declares one of these itself keeps its own.
"""

ERROR_SCHEMA_NAME = "ApiError"

ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "What went wrong, in Chinese, fit to show to the user."},
        "errors": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "message"],
                    },
                },
                {"type": "null"},
            ],
            "description": "The fields at fault, when there are any.",
        },
    },
    "required": ["message"],
}

_DESCRIPTIONS = {
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "413": "The request declares a body larger than this operation accepts; nothing was read.",
    "422": "A parameter or the body does not fit its schema (`errors` names the fields).",
}

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _response(code: str) -> dict:
    return {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}},
    }


def with_common_responses(schema: dict) -> dict:
    """``schema`` (an OpenAPI document) with 401, 413 and 422 declared on each operation that can answer them."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            codes = []
            if operation.get("security"):
                codes.append("401")
            if operation.get("parameters") or "requestBody" in operation:
                codes.append("422")
            if "requestBody" in operation:
                codes.append("413")
            for code in codes:
                if code not in responses and int(code) not in responses:
                    responses[code] = _response(code)
    return schema
