"""Field encryption and blind indexes for personal data (ID numbers, phones, addresses).

A ciphertext is `<scheme>.<base64url(nonce || ciphertext || tag)>`, so values written
under one scheme stay readable after the configured scheme changes. A blind index is a
keyed hash (HMAC) of the normalised value: equal values give equal indexes, which is how
duplicates are found without decrypting anything.

Schemes: `aes-gcm` (AES-256-GCM, HMAC-SHA256) and `sm4-gcm` (SM4-GCM, HMAC-SM3), the
latter for systems assessed under GB/T 39786 (密评). Both keys are derived from the one
master key (`ZHIYUAN_FIELD_KEY`) with HKDF, one derivation per purpose.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac as std_hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
# base64's standard alphabet to its URL-safe one, as `base64.urlsafe_b64encode` translates.
_URLSAFE = bytes.maketrans(b"+/", b"-_")
TAG_BYTES = 16
SCHEMES = ("aes-gcm", "sm4-gcm")


class DecryptionError(Exception):
    """A stored value cannot be decrypted: wrong key, or the value was tampered with."""


def _derive(master: bytes, purpose: str, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode()).derive(
        master
    )


@dataclass(frozen=True)
class FieldCipher:
    scheme: str
    master_key: bytes

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ImproperlyConfigured(
                f"ZHIYUAN_FIELD_CIPHER must be one of {', '.join(SCHEMES)}, got {self.scheme!r}"
            )
        if len(self.master_key) < 32:
            raise ImproperlyConfigured("ZHIYUAN_FIELD_KEY must decode to at least 32 bytes")

    @property
    def _aes(self) -> AESGCM:
        return _aes_for(self.master_key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        data = plaintext.encode()
        if self.scheme == "aes-gcm":
            sealed = self._aes.encrypt(nonce, data, None)
        else:
            encryptor = Cipher(
                algorithms.SM4(_sm4_key(self.master_key)), modes.GCM(nonce)
            ).encryptor()
            sealed = encryptor.update(data) + encryptor.finalize() + encryptor.tag
        return f"{self.scheme}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def encrypt_many(self, plaintexts: list[str]) -> list[str]:
        """`encrypt` of each value (an import's thousands): the nonces drawn from the system
        in one read, not one each (a fresh random nonce per value, as `encrypt`)."""
        if self.scheme != "aes-gcm":
            return [self.encrypt(text) for text in plaintexts]
        nonces = os.urandom(NONCE_BYTES * len(plaintexts))
        seal = self._aes.encrypt
        encode, urlsafe = binascii.b2a_base64, _URLSAFE
        prefix = f"{self.scheme}."
        tokens = []
        for i, text in enumerate(plaintexts):
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            body = encode(nonce + seal(nonce, text.encode(), None), newline=False)
            tokens.append(prefix + body.translate(urlsafe).decode("ascii"))
        return tokens

    def blind_indexes(self, purpose: str, values: list[str]) -> list[str]:
        """`blind_index` of each value."""
        if self.scheme != "aes-gcm":
            return [self.blind_index(purpose, value) for value in values]
        copy = _sha256_hmac(self.master_key, purpose).copy
        found = []
        for value in values:
            mac = copy()
            mac.update(value.encode())
            found.append(mac.hexdigest())
        return found

    def decrypt(self, token: str) -> str:
        scheme, _, body = token.partition(".")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("not a ciphertext") from exc
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        try:
            if scheme == "aes-gcm":
                return self._aes.decrypt(nonce, sealed, None).decode()
            if scheme == "sm4-gcm":
                decryptor = Cipher(
                    algorithms.SM4(_sm4_key(self.master_key)),
                    modes.GCM(nonce, sealed[-TAG_BYTES:]),
                ).decryptor()
                return (decryptor.update(sealed[:-TAG_BYTES]) + decryptor.finalize()).decode()
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc
        raise DecryptionError(f"unknown scheme {scheme!r}")

    def blind_index(self, purpose: str, value: str) -> str:
        """A hex HMAC of `value` under a key derived for `purpose` ("id_number", "phone")."""
        message = value.encode()
        if self.scheme == "aes-gcm":
            # A keyed HMAC state made once per purpose, copied per value (the key schedule
            # is half the cost of one HMAC of a short value).
            mac = _sha256_hmac(self.master_key, purpose).copy()
            mac.update(message)
            return mac.hexdigest()
        key = _index_key(self.master_key, self.scheme, purpose)
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()


@lru_cache(maxsize=4)
def _aes_for(master: bytes) -> AESGCM:
    return AESGCM(_derive(master, "zhiyuan field aes-256-gcm", 32))


@lru_cache(maxsize=4)
def _sm4_key(master: bytes) -> bytes:
    return _derive(master, "zhiyuan field sm4-gcm", 16)


@lru_cache(maxsize=32)
def _sha256_hmac(master: bytes, purpose: str):
    mac = std_hmac.new(_index_key(master, "aes-gcm", purpose), digestmod=hashlib.sha256)
    # The OpenSSL state inside, where Python has it: its copy() is done in C, twice as fast
    # as hmac.HMAC.copy(); the same digest either way.
    return getattr(mac, "_hmac", None) or mac


@lru_cache(maxsize=32)
def _index_key(master: bytes, scheme: str, purpose: str) -> bytes:
    return _derive(master, f"zhiyuan blind index {scheme} {purpose}", 32)


@lru_cache(maxsize=1)
def field_cipher() -> FieldCipher:
    """The cipher configured in settings (cached; reset when the settings change)."""
    try:
        master = base64.b64decode(settings.FIELD_KEY, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("ZHIYUAN_FIELD_KEY must be base64") from exc
    return FieldCipher(scheme=settings.FIELD_CIPHER, master_key=master)


def reset_on_setting_change(*, setting: str, **kwargs) -> None:
    if setting in {"FIELD_KEY", "FIELD_CIPHER"}:
        field_cipher.cache_clear()


def encrypt(plaintext: str) -> str:
    return field_cipher().encrypt(plaintext)


def decrypt(token: str) -> str:
    return field_cipher().decrypt(token)


def blind_index(purpose: str, value: str) -> str:
    return field_cipher().blind_index(purpose, value)
