"""Per-client rate limit on PDF generation: an in-memory token bucket, nothing written anywhere."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """`burst` PDFs at once, then one every `60 / per_minute` seconds, per client key.

    Keys (client addresses) live only in memory and only while their bucket is not full again;
    `per_minute <= 0` turns the limit off (for a load test on 127.0.0.1).
    """

    MAX_KEYS = 10_000

    def __init__(self, per_minute: float = 10, burst: int = 5) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token; return 0 when allowed, else the seconds to wait before retrying."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60
        with self._lock:
            bucket = self._buckets.get(key) or _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            self._buckets[key] = bucket
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(now, rate)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate

    def _forget_full(self, now: float, rate: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * rate >= self.burst:
                del self._buckets[key]
