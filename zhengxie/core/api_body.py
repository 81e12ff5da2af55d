"""Action endpoints take a JSON object (the action's input schema validates it); this reads it strictly."""

import json

from zhengxie.core.exceptions import InvalidInput


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
