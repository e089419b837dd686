"""Field encryption at rest for confidential text (AES-256-GCM, not Fernet).

A value is stored as ``t2e1:<base64url(nonce || ciphertext+tag)>``:

- the key is the workshop's data key (app.workshops.service.data_key), itself wrapped by the
  master key that lives outside the database (app.security.keys);
- every write draws a fresh 96-bit random nonce;
- the associated data binds the ciphertext to its place: version, table, row id and column.
  Ciphertext copied into another row or column fails to decrypt, and so does any change to it.

Fernet is not used: its tokens carry a plaintext time stamp, which would store a time finer
than the agenda item (DESIGN.md, Anonymity 4). Archiving deletes the workshop key, after which
nothing encrypted under it can be read by anyone (crypto-shredding).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "t2e1:"
NONCE_BYTES = 12
AAD_LABEL = b"tracktwo/field/v1"


class DecryptionFailed(Exception):
    """The value was tampered with, moved from another row, or its key is gone."""


def _aad(table: str, row_id: str, column: str) -> bytes:
    for part in (table, row_id, column):
        if not part or "\x00" in part:
            raise ValueError("table, row id and column must be non-empty and free of NUL")
    return b"\x00".join((AAD_LABEL, table.encode(), row_id.encode(), column.encode()))


def _check_key(key: bytes) -> None:
    if len(key) != 32:
        raise ValueError("field encryption needs a 32-byte key (AES-256)")


def is_encrypted(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def encrypt_text(key: bytes, table: str, row_id: str, column: str, plaintext: str) -> str:
    """Encrypt `plaintext` for one cell; a fresh nonce every call."""
    _check_key(key)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _aad(table, row_id, column))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def decrypt_text(key: bytes, table: str, row_id: str, column: str, stored: str) -> str:
    """Decrypt a value written by encrypt_text for exactly this table, row and column."""
    _check_key(key)
    if not stored.startswith(PREFIX):
        raise DecryptionFailed("not an encrypted value (unknown or missing version prefix)")
    body = stored[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionFailed("malformed encrypted value") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionFailed("malformed encrypted value")
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = AESGCM(key).decrypt(nonce, sealed, _aad(table, row_id, column))
    except InvalidTag as exc:
        raise DecryptionFailed("the value does not belong here or was altered") from exc
    return plain.decode("utf-8")


def encrypted_length(plaintext_bytes: int) -> int:
    """The stored length of a value whose UTF-8 plaintext has this many bytes."""
    raw = NONCE_BYTES + plaintext_bytes + 16
    return len(PREFIX) + (raw * 4 + 2) // 3
