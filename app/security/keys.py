"""Workshop data keys wrapped by the master key (AES-GCM), and per-contribution author tags.

The master key is 64 hex digits, or a passphrase stretched by scrypt with a stored salt.

author tag = HMAC(workshop key, participant secret || kind || contribution id). The participant
secret is derived from the recovery code, which only the participant holds; the server keeps a
hash of the code to find the participant, never the secret itself.

proposal tag = HMAC(workshop key, participant secret || "proposal-seq" || workshop id || n)
for the participant's n-th proposal in the workshop (n = 1, 2, ...): under its own kind label,
so it equals no author tag. It binds the workshop and the number, not the row id, so the
author finds their own proposals by computing their first tags and asking for those
(app/policy/mine.py) instead of testing every row. Without the secret two tags of one author
are as unlinkable as before. Workshops with proposals from before it keep the per-id author
tag (Workshop.proposal_tags == "legacy"). A withdrawn proposal's tag is erased; its number
stays taken by a tombstone tag = HMAC(workshop key, participant secret || "proposal-withdrawn"
|| workshop id || n), which without the secret cannot be matched to the erased tag, not even
by someone who kept that tag (an earlier dump or backup).

pairing tag = HMAC(workshop key, PAIRING_DOMAIN || participant secret || survey id): the same
for one person's survey answers at every moment of one survey (so a change can be computed),
under its own domain label, so it equals no author tag; without the secret (never stored) it
cannot be recomputed from a participant id, a party or the recovery hash, and once the
workshop key is destroyed not even with the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.config import Settings

WRAP_AAD = b"tracktwo/workshop-key/v1/"
PAIRING_DOMAIN = b"tracktwo/survey-pairing/v1/"


# scrypt's cost: about 0.1 s and 32 MiB once per process and passphrase (the result is cached).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


def master_key(settings: Settings) -> bytes:
    """32 bytes: TRACKTWO_MASTER_KEY itself when it is 64 hex digits; otherwise the passphrase
    through scrypt with TRACKTWO_MASTER_KEY_SALT (Settings.validate requires the salt); with no
    master key (development only: production refuses to start) derived from the secret key."""
    if not settings.master_key:
        return hashlib.sha256(("dev-master-key:" + settings.secret_key).encode("utf-8")).digest()
    if settings.master_key_is_raw:
        return bytes.fromhex(settings.master_key)
    return derive_master_key(settings.master_key, settings.master_key_salt)


@lru_cache(maxsize=4)
def derive_master_key(passphrase: str, salt_hex: str) -> bytes:
    """scrypt(passphrase, salt): a passphrase guessed from a stolen database costs scrypt's work
    per guess, not one SHA-256."""
    if not salt_hex:
        raise ValueError("a passphrase master key needs a salt (TRACKTWO_MASTER_KEY_SALT)")
    kdf = Scrypt(salt=bytes.fromhex(salt_hex), length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode("utf-8"))


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


PROPOSAL_SEQ_KIND = "proposal-seq"
WITHDRAWN_KIND = "proposal-withdrawn"


def proposal_tag(
    workshop_key: bytes, secret: bytes, workshop_id: str, number: int, *, withdrawn: bool = False
) -> str:
    """The tag of the participant's `number`-th proposal in the workshop (from 1), or of its
    tombstone once withdrawn."""
    kind = WITHDRAWN_KIND if withdrawn else PROPOSAL_SEQ_KIND
    message = b"|".join((secret, kind.encode(), workshop_id.encode(), str(number).encode()))
    return hmac.new(workshop_key, message, hashlib.sha256).hexdigest()


def is_mine(
    workshop_key: bytes, secret: bytes | None, kind: str, cid: str, tag: str | None
) -> bool:
    if secret is None or tag is None:
        return False
    return hmac.compare_digest(author_tag(workshop_key, secret, kind, cid), tag)


ACCOUNT_SECRETS_INFO = b"tracktwo/account-secrets/v1"


def account_secrets_key(settings: Settings) -> bytes:
    """The key of staff accounts' own secrets (their TOTP seeds): HKDF-SHA256 of the master key,
    so a database dump without the master key holds no usable seed, and rotating the master
    key re-encrypts them (app.workshops.rotation)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=ACCOUNT_SECRETS_INFO)
    return hkdf.derive(master_key(settings))


def pairing_tag(workshop_key: bytes, secret: bytes, survey_id: str) -> str:
    """The tag that pairs one person's answers to one survey across its moments."""
    message = PAIRING_DOMAIN + secret + b"|" + survey_id.encode()
    return hmac.new(workshop_key, message, hashlib.sha256).hexdigest()
