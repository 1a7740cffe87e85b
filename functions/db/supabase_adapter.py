"""`Database` through the Supabase API: PostgREST RPC calls, POST <url>/rest/v1/rpc/<function>.

The request is built by the `postgrest` package (the client supabase-py uses for `rpc`): the
service-role key as `apikey`, `Authorization: Bearer` with the service key or, for a caller,
the caller's own token so that PostgREST runs the function as that user; the schema in the
Accept-Profile/Content-Profile headers. It is postgrest's client rather than supabase-py's
`create_client`, which would also build auth, storage and realtime clients on every cold start.

The response is read here rather than by postgrest's `execute()`, which drops the HTTP status
and turns both a void function's 204 and an empty set into `[]`: the apps need void as None
and a status for errors that are not PostgREST's (a gateway's 502, a 503 without a body).
Error bodies are parsed as postgrest does (`APIErrorFromJSON`, `generate_default_error_message`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .port import UNREACHABLE_CODES, Caller, DatabaseError, DatabaseUnavailable

if TYPE_CHECKING:
    import httpx
    from postgrest import SyncPostgrestClient


class SupabaseDatabase:
    def __init__(self, url: str, service_key: str, *, timeout: float = 10.0, http_client: httpx.Client | None = None):
        import httpx
        from postgrest import SyncPostgrestClient

        self._http = http_client or httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True)
        self._client: SyncPostgrestClient = SyncPostgrestClient(
            f"{url.rstrip('/')}/rest/v1",
            headers={
                "apikey": service_key,
                "Authorization": f"Bearer {service_key}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
            http_client=self._http,
        )

    def rpc(
        self,
        function: str,
        params: Mapping[str, Any] | None = None,
        *,
        schema: str = "public",
        caller: Caller | None = None,
    ) -> Any:
        import httpx
        from httpx import Headers

        client = self._client.schema(schema)  # shares the HTTP session; its own headers
        if caller is not None:
            client.auth(caller.token)
        request = client.rpc(function, dict(params or {})).request
        try:
            response = request.send(Headers())
        except httpx.TimeoutException as error:
            raise DatabaseUnavailable(f"rpc {schema}.{function}: timed out ({error})") from error
        except httpx.TransportError as error:
            raise DatabaseUnavailable(f"rpc {schema}.{function}: {type(error).__name__}: {error}") from error

        if response.is_success:
            if response.status_code == 204 or not response.content:
                return None  # PostgREST answers a void function with 204 No Content
            return response.json()
        raise _error_from(response, f"{schema}.{function}")

    def close(self) -> None:
        self._http.close()


def _error_from(response: httpx.Response, target: str) -> Exception:
    from postgrest.exceptions import APIErrorFromJSON, generate_default_error_message
    from pydantic import ValidationError

    try:
        body = dict(APIErrorFromJSON.model_validate_json(response.content))
        from_postgrest = body.get("code") is not None
    except ValidationError:
        body, from_postgrest = generate_default_error_message(response), False

    status = response.status_code
    if not from_postgrest:
        # Not PostgREST's answer: a gateway's page, a bare 5xx, Kong's {"message": ...}.
        if status >= 500 or status == 429:
            return DatabaseUnavailable(f"rpc {target}: HTTP {status} {response.reason_phrase}")
        return DatabaseError(str(status), str(body.get("message") or response.reason_phrase), _text(body), None, status)

    code = str(body["code"])
    message = str(body.get("message") or "")
    if code in UNREACHABLE_CODES:
        return DatabaseUnavailable(f"rpc {target}: {code} {message}")
    # PostgREST's status, as a frontend gets it (the Postgres adapter computes the same one).
    return DatabaseError(code, message, _text(body, "details"), _text(body, "hint"), status)


def _text(body: Mapping[str, Any], key: str = "details") -> str | None:
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
