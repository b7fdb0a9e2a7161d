"""How the GraphQL endpoint refuses a malformed HTTP request: a JSON error, never plain text.

Strawberry answers an unreadable body, a missing query, a batch or a wrong content type with
a plain-text reason; these give the same `{"errors": [{message, extensions: {code}}]}` shape
as every other refusal of the hub, with the status strawberry chose (400, 404, 405).
"""

from __future__ import annotations

import orjson
from cross_web import HTTPException  # what strawberry's views raise
from starlette.responses import Response

BATCH_REFUSED = (
    "batched operations (a JSON array of requests) are not supported: send one operation, "
    'as a JSON object {"query": ..., "variables": {...}}, per request'
)
_JSON_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean"}
_JSON_KINDS[type(None)] = "null"
_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
# Strawberry's reasons, said more helpfully.
_REASONS = {
    "Unsupported content type": "unsupported content type: POST application/json, or GET "
    "with ?query=",
    "Batching is not enabled": BATCH_REFUSED,
}


def read_json(data: str | bytes) -> object:
    """A request body or parameter as JSON: an object, else a 400 saying what is wrong."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        # orjson also refuses invalid UTF-8, lone surrogates, NaN, 1e400 and huge integers.
        raise HTTPException(400, f"not valid JSON: {error}") from None
    if isinstance(value, list):
        raise HTTPException(400, BATCH_REFUSED)
    if not isinstance(value, dict):
        raise HTTPException(400, f"expected a JSON object, got {_JSON_KINDS[type(value)]}")
    return value


def error_response(error: HTTPException) -> Response:
    """The JSON answer to one of strawberry's HTTP refusals."""
    message = _REASONS.get(error.reason, error.reason)
    code = _CODES.get(error.status_code, "BAD_REQUEST")
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(
        orjson.dumps(body), status_code=error.status_code, media_type="application/json"
    )
