"""Answers of repeated GraphQL queries, kept per worker (HUB_RESPONSE_CACHE_BYTES; off by
default).

An answer is kept under the key of its ETag (`http_cache.cache_key`: data stamp, today in
Vietnam, who asks, the request), the data stamp being read from the request's database
before anything else. Every committed write, in any process, changes the stamp and so
every key: a kept answer is never older than the data its key names. When a request sees
a new stamp the answers kept under the old one are dropped at once (no request would find
them again). Only answers without errors are kept; the whole is bounded by the bytes of
the answers, least recently used out.
"""

from __future__ import annotations

from collections import OrderedDict


class ResponseCache:
    """Serialized answers by cache key, within `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._stamp: str | None = None
        self.hits = 0
        self.misses = 0

    def seen(self, stamp: str) -> None:
        """The data stamp a request read: answers of any other stamp are dropped."""
        if stamp != self._stamp:
            self._answers.clear()
            self._bytes = 0
            self._stamp = stamp

    def get(self, key: str) -> bytes | None:
        found = self._answers.get(key)
        if found is None:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: str, stamp: str, answer: bytes) -> None:
        """Keep `answer`, computed on data of `stamp` (unless a newer stamp came since, or
        it alone exceeds the bound)."""
        if stamp != self._stamp or len(answer) > self.max_bytes or key in self._answers:
            return
        self._answers[key] = answer
        self._bytes += len(answer)
        while self._bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def size(self) -> int:
        """Bytes of the answers kept."""
        return self._bytes
