"""The kept aiohttp sessions encode an action call's body with ujson: the same JSON values as
the json module gives (what the action server reads), numbers out of the ordinary included."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import numpy as np
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.kept_sessions import close_pooled_sessions, encoded_body, kept_session


def a_call_body() -> dict[str, Any]:
    tracker = DialogueStateTracker("+33612345678", [])
    for event in [
        ActionExecuted("action_listen", timestamp=1796282245.0062897),
        UserUttered(
            "mon numéro c'est 1 85 05 78 006 084 36 / « merci » \u2019 \u00e9\u00e8 \U0001f600",
            {"name": "inform", "confidence": 0.8978483633804547},
            entities=[{"entity": "nir", "value": "secretnir0123456789abcdef", "start": 0}],
            timestamp=1796282246.5,
        ),
        SlotSet("tries", 1e-7, timestamp=1796282247.25),
        SlotSet("flow_step", None, timestamp=1796282248),
        BotUttered("Votre numéro de sécurité sociale ?", {"buttons": []}, timestamp=2.0),
    ]:
        tracker.update(event)
    return {
        "next_action": "validate_nir_form",
        "tracker": tracker.current_state(EventVerbosity.ALL),
    }


def test_the_body_reads_as_the_json_modules() -> None:
    body = a_call_body()
    assert json.loads(encoded_body(body)) == json.loads(json.dumps(body))


def test_numbers_out_of_the_ordinary_read_the_same() -> None:
    assert json.loads(encoded_body({"big": 10**40})) == {"big": 10**40}
    assert math.isnan(json.loads(encoded_body({"x": math.nan}))["x"])  # both write NaN
    assert json.loads(encoded_body({"x": -math.inf})) == {"x": -math.inf}
    assert json.loads(encoded_body({"x": np.float64(0.25)})) == {"x": 0.25}


def test_the_kept_session_encodes_with_it() -> None:
    async def check() -> None:
        session = kept_session(EndpointConfig(url="http://127.0.0.1:9"))
        async with session as client:
            assert client.json_serialize is encoded_body
        await close_pooled_sessions()

    asyncio.run(check())


def test_what_ujson_refuses_fails_as_with_the_json_module() -> None:
    """A body that cannot be sent fails with the json module's error, as it did before."""
    import pytest

    looped: dict[str, Any] = {}
    looped["self"] = looped
    with pytest.raises(ValueError, match="Circular reference"):
        encoded_body(looped)
    with pytest.raises(TypeError, match="not JSON serializable"):
        encoded_body({"when": object()})
