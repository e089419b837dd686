"""Field encryption: AES-GCM with a fresh nonce per write, bound to table, row and column."""

from __future__ import annotations

import base64
import os

import pytest

from app.config import Settings
from app.security import crypto, keys

KEY = os.urandom(32)


def test_round_trip_keeps_unicode() -> None:
    text = "Needs and fears: الأمن — ביטחון — безопасность"
    stored = crypto.encrypt_text(KEY, "note", "a" * 32, "body", text)
    assert stored.startswith("t2e1:")
    assert "الأمن" not in stored
    assert crypto.decrypt_text(KEY, "note", "a" * 32, "body", stored) == text


def test_fresh_nonce_every_write() -> None:
    values = {crypto.encrypt_text(KEY, "note", "r1", "body", "same text") for _ in range(50)}
    assert len(values) == 50
    nonces = {base64.urlsafe_b64decode(v[5:] + "==")[:12] for v in values}
    assert len(nonces) == 50


@pytest.mark.parametrize(
    ("table", "row_id", "column"),
    [("note", "row-2", "body"), ("proposal", "row-1", "body"), ("note", "row-1", "title")],
)
def test_ciphertext_moved_elsewhere_fails(table: str, row_id: str, column: str) -> None:
    stored = crypto.encrypt_text(KEY, "note", "row-1", "body", "only here")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(KEY, table, row_id, column, stored)


def test_tampering_is_detected() -> None:
    stored = crypto.encrypt_text(KEY, "note", "r", "body", "do not alter")
    raw = bytearray(base64.urlsafe_b64decode(stored[5:] + "=" * (-len(stored[5:]) % 4)))
    for index in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        altered = bytearray(raw)
        altered[index] ^= 0x01
        forged = "t2e1:" + base64.urlsafe_b64encode(bytes(altered)).decode().rstrip("=")
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt_text(KEY, "note", "r", "body", forged)
    truncated = stored[:-4]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(KEY, "note", "r", "body", truncated)


def test_wrong_key_and_wrong_version_fail() -> None:
    stored = crypto.encrypt_text(KEY, "note", "r", "body", "secret")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(os.urandom(32), "note", "r", "body", stored)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(KEY, "note", "r", "body", "t2e2:" + stored[5:])
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(KEY, "note", "r", "body", "plain text")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt_text(KEY, "note", "r", "body", "t2e1:!!!")


def test_bad_keys_and_places_are_refused() -> None:
    with pytest.raises(ValueError):
        crypto.encrypt_text(b"short", "note", "r", "body", "x")
    with pytest.raises(ValueError):
        crypto.encrypt_text(KEY, "note", "", "body", "x")
    with pytest.raises(ValueError):
        crypto.encrypt_text(KEY, "no\x00te", "r", "body", "x")


def test_encrypted_length_is_exact() -> None:
    for text in ("", "a", "é" * 7, "x" * 1000):
        stored = crypto.encrypt_text(KEY, "note", "r", "body", text)
        assert len(stored) == crypto.encrypted_length(len(text.encode()))


def test_workshop_key_wrapping_uses_fresh_nonce_and_workshop_id() -> None:
    settings = Settings(env="test", master_key="00" * 32)
    data_key = keys.new_workshop_key()
    first = keys.wrap(settings, "w1", data_key)
    second = keys.wrap(settings, "w1", data_key)
    assert first[:12] != second[:12]
    assert data_key not in first
    assert keys.unwrap(settings, "w1", first) == data_key
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):
        keys.unwrap(settings, "w2", first)  # bound to its workshop
    with pytest.raises(InvalidTag):
        keys.unwrap(Settings(env="test", master_key="11" * 32), "w1", first)
