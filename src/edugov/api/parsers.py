"""The API's JSON parser: every body it refuses gets a Chinese 400, including bodies nested so deep
that Python's decoder raises RecursionError (which DRF lets through as a 500)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import exceptions, parsers

INVALID_MESSAGE = "请求体不是合法的JSON，请检查格式与编码（UTF-8）"
MAX_DEPTH = 64  # the deepest body this API takes is 4 levels; far deeper is an attack or a mistake
DEPTH_MESSAGE = f"请求体的JSON嵌套层数过多（最多{MAX_DEPTH}层）"


def nesting_depth(value: Any, *, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a decoded body; stops counting once past `limit`.
    Iterative, so measuring a deep body cannot itself exhaust the stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's parser with Chinese messages and a nesting limit. DRF's own parse error is English and
    echoes the decoder's message; a body thousands of levels deep escapes it as RecursionError, and
    one just under the interpreter's limit would break the first recursive walk after parsing."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(DEPTH_MESSAGE) from None
        except exceptions.ParseError:
            raise exceptions.ParseError(INVALID_MESSAGE) from None
        if nesting_depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(DEPTH_MESSAGE)
        return data
