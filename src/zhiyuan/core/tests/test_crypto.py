"""Field encryption, blind indexes and masking."""

import base64
import os

import pytest

from zhiyuan.core.crypto import DecryptionError, FieldCipher
from zhiyuan.core.masking import mask_identifier, mask_phone

KEY = os.urandom(32)


@pytest.mark.parametrize("scheme", ["aes-gcm", "sm4-gcm"])
def test_round_trip_and_fresh_nonce(scheme):
    cipher = FieldCipher(scheme=scheme, master_key=KEY)
    first = cipher.encrypt("11010519491231002X")
    second = cipher.encrypt("11010519491231002X")
    assert first != second
    assert "11010519491231002X" not in first
    assert first.startswith(scheme + ".")
    assert cipher.decrypt(first) == "11010519491231002X"


@pytest.mark.parametrize("scheme", ["aes-gcm", "sm4-gcm"])
def test_many_values_at_once_are_each_encrypted_and_hashed_as_one_at_a_time(scheme):
    cipher = FieldCipher(scheme=scheme, master_key=KEY)
    values = ["11010519491231002X", "13800138000", "13800138000", "王"]
    tokens = cipher.encrypt_many(values)
    assert [cipher.decrypt(token) for token in tokens] == values
    assert all(token.startswith(scheme + ".") for token in tokens)
    assert [len(token) for token in tokens] == [len(cipher.encrypt(value)) for value in values]
    # A fresh nonce for each value: the same value twice gives two ciphertexts.
    assert tokens[1] != tokens[2]
    nonces = {base64.urlsafe_b64decode(token.split(".")[1])[:12] for token in tokens}
    assert len(nonces) == len(values)
    assert cipher.blind_indexes("phone", values) == [
        cipher.blind_index("phone", value) for value in values
    ]
    assert cipher.encrypt_many([]) == cipher.blind_indexes("phone", []) == []


@pytest.mark.parametrize("scheme", ["aes-gcm", "sm4-gcm"])
def test_tampered_ciphertext_is_refused(scheme):
    cipher = FieldCipher(scheme=scheme, master_key=KEY)
    token = cipher.encrypt("13800138000")
    prefix, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        cipher.decrypt(prefix + "." + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_wrong_key_cannot_decrypt():
    token = FieldCipher(scheme="aes-gcm", master_key=KEY).encrypt("secret")
    with pytest.raises(DecryptionError):
        FieldCipher(scheme="aes-gcm", master_key=os.urandom(32)).decrypt(token)


def test_values_written_under_one_scheme_stay_readable_after_switching():
    old = FieldCipher(scheme="aes-gcm", master_key=KEY).encrypt("13800138000")
    assert FieldCipher(scheme="sm4-gcm", master_key=KEY).decrypt(old) == "13800138000"


def test_blind_index_is_stable_and_separated_by_purpose_and_scheme():
    aes = FieldCipher(scheme="aes-gcm", master_key=KEY)
    sm4 = FieldCipher(scheme="sm4-gcm", master_key=KEY)
    assert aes.blind_index("phone", "13800138000") == aes.blind_index("phone", "13800138000")
    assert aes.blind_index("phone", "13800138000") != aes.blind_index("id_number", "13800138000")
    assert aes.blind_index("phone", "13800138000") != sm4.blind_index("phone", "13800138000")
    assert len(sm4.blind_index("phone", "x")) == 64


def test_unknown_scheme_or_short_key_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        FieldCipher(scheme="des", master_key=KEY)
    with pytest.raises(ImproperlyConfigured):
        FieldCipher(scheme="aes-gcm", master_key=b"short")


def test_masking_keeps_first_three_and_last_four():
    assert mask_identifier("110105194912311234") == "110***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_identifier("1234567") == "*******"
    assert mask_identifier("") == ""
