"""Action endpoints take a free-form JSON object whose keys depend on the action; this reads it strictly."""

import json

from zhengxie.core.exceptions import InvalidInput

ACTION_BODY_OPENAPI = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


def json_object(request) -> dict:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求体不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求体应为 JSON 对象。")
    return data
