"""Trackers this Rasa server saved, handed back at the conversation's next turn.

Rebuilding a tracker at the start of every turn (every stored event decrypted, parsed, made an
event and replayed) was about 13 % of the Rasa server's CPU under load. The tracker the server
saved at the end of a turn is exactly what that rebuild would give, as long as nobody wrote
since: the store (rasa_addons/tracker_store.py) checks that with the last chunk stored, in one
small Redis read, before using an entry.

An entry is *taken* (removed) when handed out and put back when the turn saves: a turn that
fails leaves nothing behind, and two readers never share a tracker through here. An entry whose
tracker changed since it was kept (events added and not saved) is refused. Entries are bounded
in number and age: an erased conversation does not linger in memory past `max_age`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Kept:
    tracker: Any
    #: the last chunk stored when the tracker was saved: still the last one means no write since
    chunk: str
    count: int
    last_event: Any
    at: float

    def unchanged(self) -> bool:
        """The tracker holds what was saved: no event added since."""
        events = self.tracker.events
        return len(events) == self.count and (not events or events[-1] is self.last_event)


class KeptTrackers:
    def __init__(
        self, size: int, max_age: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size = size
        self.max_age = max_age
        self.clock = clock
        self.entries: OrderedDict[str, Kept] = OrderedDict()

    def keep(self, sender_id: str, tracker: Any, chunk: str) -> None:
        self.entries.pop(sender_id, None)
        if self.size <= 0:
            return
        events = tracker.events
        self.entries[sender_id] = Kept(
            tracker, chunk, len(events), events[-1] if events else None, self.clock()
        )
        self._forget_old()

    def take(self, sender_id: str) -> Kept | None:
        """The entry, removed; None when there is none, it is too old or its tracker changed."""
        self._forget_old()
        kept = self.entries.pop(sender_id, None)
        return kept if kept is not None and kept.unchanged() else None

    def drop(self, sender_id: str) -> None:
        self.entries.pop(sender_id, None)

    def _forget_old(self) -> None:
        oldest_allowed = self.clock() - self.max_age
        while self.entries:
            first = next(iter(self.entries.values()))
            if first.at >= oldest_allowed and len(self.entries) <= self.size:
                break
            self.entries.popitem(last=False)
