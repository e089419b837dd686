"""Random tokens (>= 128 bits) and their storage hashes; the raw token is never stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """SHA-256 hex of a high-entropy token (no salt needed: the token is random)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 hex, for rate-limit keys that must not store the raw value."""
    return hmac.new(secret.encode(), value.encode("utf-8"), hashlib.sha256).hexdigest()


RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_recovery_code() -> str:
    """A 130-bit code in 5 groups of 5 (32 symbols = 5 bits each, 26 symbols)."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(26))
    return "-".join(chars[i : i + 5] for i in range(0, 26, 5))


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I")
    return "-".join(cleaned[i : i + 5] for i in range(0, len(cleaned), 5))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
