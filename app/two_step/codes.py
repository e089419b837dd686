"""TOTP (RFC 6238, through pyotp) and recovery codes for staff accounts: no I/O here.

- The secret is 160 random bits in base32 (pyotp.random_base32), stored only as AES-GCM
  ciphertext (app.security.crypto) under the account-secrets key, which is derived from the
  master key (app.security.keys.account_secrets_key); the associated data binds it to its
  row, so a seed copied to another account does not decrypt.
- A code is accepted for the current 30-second step or one step either side, and only for a
  step later than the last one accepted (`matching_step`): the same code never counts twice.
- Recovery codes are 16 symbols (80 bits) from the unambiguous alphabet, shown once; the
  server keeps SHA-256 of the account id and the normalised code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp

from app.config import Settings
from app.security import crypto, keys
from app.security.tokens import RECOVERY_ALPHABET

ISSUER = "Tracktwo"
STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of the current one
DIGITS = 6
RECOVERY_COUNT = 10
RECOVERY_SYMBOLS = 16
TABLE = "staff_totp"


def new_secret() -> str:
    return pyotp.random_base32()


def seal(settings: Settings, user_id: str, secret: str) -> str:
    """The secret as stored: ciphertext bound to this account's row."""
    return crypto.encrypt_text(keys.account_secrets_key(settings), TABLE, user_id, "secret", secret)


def unseal(settings: Settings, user_id: str, stored: str) -> str:
    return crypto.decrypt_text(keys.account_secrets_key(settings), TABLE, user_id, "secret", stored)


def otpauth_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=ISSUER
    )


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def clean_code(code: str) -> str:
    """What was typed, without spaces or dashes (authenticator apps show `123 456`)."""
    return "".join(ch for ch in code if ch.isalnum())[:64]


def matching_step(
    secret: str, code: str, *, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step whose code this is (within the window and after `last_step`), or None."""
    typed = clean_code(code)
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step = current_step(now)
    found = None
    for candidate in range(step - WINDOW, step + WINDOW + 1):  # every candidate, no early exit
        if hmac.compare_digest(totp.generate_otp(candidate), typed):
            found = candidate
    if found is None or (last_step is not None and found <= last_step):
        return None
    return found


def new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_SYMBOLS))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_SYMBOLS, 4)))
    return codes


def normalise_recovery(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())[:64]
    return cleaned.replace("0", "O").replace("1", "I")


def recovery_hash(user_id: str, code: str) -> str:
    message = b"tracktwo/staff-recovery/v1/" + user_id.encode() + b"/"
    return hashlib.sha256(message + normalise_recovery(code).encode()).hexdigest()


def looks_like_recovery(code: str) -> bool:
    return len(normalise_recovery(code)) == RECOVERY_SYMBOLS
