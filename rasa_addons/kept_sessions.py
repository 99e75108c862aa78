"""One kept aiohttp session per Rasa endpoint, for `compat.pooled_endpoint_connections`.

Rasa's `EndpointConfig.request` enters `async with self.session()` for every call: a new
connector, a new TCP connection and its teardown for each action a turn runs. `kept_session`
builds the session as Rasa 3.6 builds it (headers, basic auth, timeout) once per endpoint and
event loop, with a connector keeping idle connections `KEEPALIVE_SECONDS`, and entering it no
longer closes it. Only public attributes of the endpoint are read here.

The body of each call (the tracker's recent events, ~5-20 KB) is encoded by ujson (a dependency
of Rasa's, ~4x faster than the json module here: encoding was ~5 % of the Rasa server's CPU),
falling back to the json module for what ujson refuses (NaN, infinities, other types), so that
what can be sent, and the JSON values the action server reads, stay the same.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import ujson

#: aiohttp sessions kept open, one per endpoint and event loop (`pooled_endpoint_connections`)
_SESSIONS: dict[tuple[int, int], Any] = {}

#: seconds an idle connection is kept: under the action server's keep-alive (Sanic: 5 s), so
#: the client never reuses a connection the server is closing
KEEPALIVE_SECONDS = 4.0


def encoded_body(value: Any) -> str:
    """`value` as JSON, by ujson when it can (same values as `json.dumps`)."""
    try:
        return ujson.dumps(value)
    except (OverflowError, TypeError, ValueError):
        return json.dumps(value)


class _KeptSession:
    """`async with` on a session that outlives the block (Rasa's callers close what they enter)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *_: Any) -> None:
        return None


def kept_session(endpoint: Any) -> _KeptSession:
    """`EndpointConfig.session` as compat installs it: the endpoint's kept session."""
    import aiohttp
    from rasa.utils import endpoints

    key = (id(endpoint), id(asyncio.get_running_loop()))
    kept = _SESSIONS.get(key)
    if kept is None or kept.closed:
        auth = (
            aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            if endpoint.basic_auth
            else None
        )
        kept = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=endpoints.DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            json_serialize=encoded_body,
        )
        _SESSIONS[key] = kept
    return _KeptSession(kept)


async def close_pooled_sessions(*_: Any) -> None:
    """Closes the kept sessions of the running loop (a Sanic `after_server_stop` listener)."""
    loop_id = id(asyncio.get_running_loop())
    for key in [key for key in _SESSIONS if key[1] == loop_id]:
        await _SESSIONS.pop(key).close()
