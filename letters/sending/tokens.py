"""Confirmation tokens for "Send it for me": the server keeps no pending letter, the page does.

When a person asks the page to send their letter, the server emails them a 6-digit code and
gives the page a token: the email address, the letter's digest, the letter's date, the expiry
and a random id, signed with HMAC-SHA256 (`cryptography`) over the token *and the code*. The
code is not in the token, so the page alone cannot confirm: only someone who read the email can.
When the code comes back with the same letter, the server checks, in this order, that it made
the token (the key id), that the code and token match the signature, that it has not expired,
that it was not used, and that the letter and address are the ones the code was sent for.

"Used" means once: spent ids are kept in memory (`SpentIds`), bounded, each only until its
token would have expired anyway. Nothing is written to disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac

from ..errors import InputError

LIFETIME = 24 * 3600
CODE_DIGITS = 6
WRONG_CODES = 5  # wrong codes per token before it is spent
_DOMAIN = b"letters send-it-for-me v1\0"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenKeys:
    """The signing keys: the first signs, every one verifies (so a key can be rotated without
    refusing the codes already sent). Each key has a short public id in the token."""

    keys: tuple[bytes, ...]

    @classmethod
    def generate(cls) -> TokenKeys:
        """A key for this process only: a restart refuses the codes sent before it."""
        return cls((secrets.token_bytes(32),))

    @classmethod
    def from_file(cls, path: Path) -> TokenKeys:
        """One key per line, hex (64 characters or more: 32 bytes); the first line signs."""
        keys = []
        try:
            lines = Path(path).read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"cannot read {path}", field="--token-keys", fix="give a readable file"
            ) from error
        for number, line in enumerate(lines, 1):
            try:
                key = bytes.fromhex(line)
            except ValueError:
                key = b""
            if len(key) < 32:
                raise InputError(
                    f"line {number} is not a key of 32 bytes or more in hex",
                    field="--token-keys",
                    fix="make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'",
                )
            keys.append(key)
        if not keys:
            raise InputError(
                f"{path} holds no key",
                field="--token-keys",
                fix="make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'",
            )
        return cls(tuple(keys))

    @staticmethod
    def key_id(key: bytes) -> str:
        return hashlib.sha256(_DOMAIN + key).hexdigest()[:12]

    def find(self, key_id: str) -> bytes | None:
        return next((k for k in self.keys if secrets.compare_digest(self.key_id(k), key_id)), None)


@dataclass(frozen=True)
class Pending:
    """What a token binds: who confirms, which letter, of which date, until when."""

    id: str
    email: str
    digest: str  # sha256 of the letter as composed
    day: str  # the letter's date (YYYY-MM-DD): the same letter is sent after midnight
    expires: int  # Unix time


class TokenRefused(Exception):
    """Why a code cannot be used: one of the `REASONS`, which the page words for a person."""

    REASONS = ("malformed", "other-server", "wrong-code", "expired", "used", "changed")

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _mac(key: bytes, body: str, code: str) -> bytes:
    signer = hmac.HMAC(key, hashes.SHA256())
    signer.update(_DOMAIN + body.encode("ascii") + b"\0" + code.encode("ascii"))
    return signer.finalize()


def issue(
    keys: TokenKeys, *, email: str, digest: str, day: str, now: float | None = None
) -> tuple[str, str]:
    """A new (token, code) for this letter and address."""
    now = time.time() if now is None else now
    pending = Pending(secrets.token_urlsafe(12), email, digest, day, int(now) + LIFETIME)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    body = _b64(
        json.dumps(
            {"v": 1, "k": TokenKeys.key_id(keys.keys[0]), **pending.__dict__},
            separators=(",", ":"),
            sort_keys=True,
        ).encode("utf-8")
    )
    return f"{body}.{_b64(_mac(keys.keys[0], body, code))}", code


def peek(token: str) -> Pending | None:
    """The token's contents, *not verified*: only to choose the letter's date before checking."""
    try:
        fields = json.loads(_unb64(token.split(".")[0]))
        return Pending(
            str(fields["id"]),
            str(fields["email"]),
            str(fields["digest"]),
            str(fields["day"]),
            int(fields["expires"]),
        )
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error):
        return None


def check(
    keys: TokenKeys,
    token: str,
    *,
    code: str,
    email: str,
    digest: str,
    spent: SpentIds,
    now: float | None = None,
) -> Pending:
    """The token's `Pending` if `code` confirms this letter to this address, now, for the first
    time; otherwise `TokenRefused`. A success is spent at once: a second post gets "used"."""
    now = time.time() if now is None else now
    body, _, mac = (token or "").partition(".")
    pending = peek(token or "")
    try:
        key_id = json.loads(_unb64(body))["k"]
        signature = _unb64(mac)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TokenRefused("malformed") from None
    if pending is None or not isinstance(key_id, str):
        raise TokenRefused("malformed")
    key = keys.find(key_id)
    if key is None:
        raise TokenRefused("other-server")
    code = "".join(ch for ch in code if ch.isdigit())[:CODE_DIGITS]
    if not secrets.compare_digest(_mac(key, body, code), signature):
        if now < pending.expires and spent.wrong_code(pending.id, pending.expires):
            raise TokenRefused("used")  # too many wrong codes: this one is spent
        raise TokenRefused("wrong-code")
    if now >= pending.expires:
        raise TokenRefused("expired")
    if pending.email.casefold() != email.strip().casefold() or pending.digest != digest:
        raise TokenRefused("changed")
    if not spent.spend(pending.id, pending.expires):
        raise TokenRefused("used")
    return pending


class SpentIds:
    """The ids of tokens already used (and wrong-code counts), in memory only.

    Bounded: at most `limit` ids, each kept until its token's expiry (after which the token is
    refused as expired anyway). When full, the id expiring soonest is dropped and every token
    expiring no later than it is refused from then on, so dropping never lets a code be used
    twice. Spent ids die with the process; so do the keys made without --token-keys. With a
    shared key file and several processes, each keeps its own set: run one process (the
    default) for "once" to hold everywhere.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.floor = 0  # tokens expiring at or before this are refused
        self._ids: OrderedDict[str, tuple[int, int]] = OrderedDict()  # id -> (expires, wrong)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    def _forget(self, now: float) -> None:
        for key, (expires, _wrong) in list(self._ids.items()):
            if expires <= now:
                del self._ids[key]
        while len(self._ids) >= self.limit:
            key = min(self._ids, key=lambda k: self._ids[k][0])
            self.floor = max(self.floor, self._ids.pop(key)[0])

    def spend(self, token_id: str, expires: int, now: float | None = None) -> bool:
        """Mark as used; False if it already was (or may have been: below the floor)."""
        with self._lock:
            state = self._ids.get(token_id)
            if expires <= self.floor or (state is not None and state[1] < 0):
                return False
            if state is None:
                self._forget(time.time() if now is None else now)
            self._ids[token_id] = (expires, -1)
            return True

    def release(self, token_id: str) -> None:
        """Un-spend after a send that failed, so the same code can be tried again."""
        with self._lock:
            self._ids.pop(token_id, None)

    def wrong_code(self, token_id: str, expires: int, now: float | None = None) -> bool:
        """Count a wrong code; True once the token has had too many (it is then spent)."""
        with self._lock:
            state = self._ids.get(token_id)
            if state is not None and state[1] < 0:
                return True
            if state is None:
                self._forget(time.time() if now is None else now)
            wrong = (state[1] if state else 0) + 1
            self._ids[token_id] = (expires, -1 if wrong >= WRONG_CODES else wrong)
            return wrong >= WRONG_CODES
