"""Workshop data keys wrapped by the master key (AES-GCM), and per-contribution author tags.

author tag = HMAC(workshop key, participant secret || kind || contribution id). The participant
secret is derived from the recovery code, which only the participant holds; the server keeps a
hash of the code to find the participant, never the secret itself.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import Settings

WRAP_AAD = b"tracktwo/workshop-key/v1/"


def master_key(settings: Settings) -> bytes:
    """32 bytes from TRACKTWO_MASTER_KEY (hex or any passphrase), or derived in development."""
    raw = settings.master_key or ("dev-master-key:" + settings.secret_key)
    try:
        key = bytes.fromhex(raw)
        if len(key) == 32:
            return key
    except ValueError:
        pass
    return hashlib.sha256(raw.encode("utf-8")).digest()


def new_workshop_key() -> bytes:
    return os.urandom(32)


def wrap(settings: Settings, workshop_id: str, key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(master_key(settings)).encrypt(nonce, key, WRAP_AAD + workshop_id.encode())


def unwrap(settings: Settings, workshop_id: str, wrapped: bytes) -> bytes:
    nonce, ciphertext = wrapped[:12], wrapped[12:]
    return AESGCM(master_key(settings)).decrypt(nonce, ciphertext, WRAP_AAD + workshop_id.encode())


def participant_secret(recovery_code: str) -> bytes:
    """The authorship secret, derived from the recovery code (never stored on the server)."""
    return hashlib.sha256(b"tracktwo/participant-secret/v1/" + recovery_code.encode()).digest()


def recovery_lookup_hash(recovery_code: str) -> str:
    """What the server stores to find the participant from a recovery code."""
    return hashlib.sha256(b"tracktwo/recovery-lookup/v1/" + recovery_code.encode()).hexdigest()


def author_tag(workshop_key: bytes, secret: bytes, kind: str, contribution_id: str) -> str:
    message = secret + b"|" + kind.encode() + b"|" + contribution_id.encode()
    return hmac.new(workshop_key, message, hashlib.sha256).hexdigest()


def is_mine(
    workshop_key: bytes, secret: bytes | None, kind: str, cid: str, tag: str | None
) -> bool:
    if secret is None or tag is None:
        return False
    return hmac.compare_digest(author_tag(workshop_key, secret, kind, cid), tag)
