"""Authenticated encryption of personal fields and keyed digests for exact-value lookup.

Ciphertext format: ``v1:<key id>:<base64(nonce || AES-GCM ciphertext)>``. The key id lets keys rotate: the first
configured key encrypts, every configured key decrypts. The digest is an HMAC-SHA256 under a separate key so that an
exact value (an ID number, a mobile) can be found without decrypting every row.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, b64 = part.partition(":")
        if not sep:
            raise ImproperlyConfigured("ZHENGXIE_FIELD_KEYS entries must look like 'id:base64key'.")
        raw = base64.b64decode(b64)
        if len(raw) not in (16, 24, 32):
            raise ImproperlyConfigured(f"Field key {key_id!r} must be 16, 24 or 32 bytes.")
        keys.append((key_id, raw))
    if not keys:
        raise ImproperlyConfigured("ZHENGXIE_FIELD_KEYS is empty.")
    return tuple(keys)


def _keys() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.FIELD_ENCRYPTION_KEYS)


def current_key_id() -> str:
    return _keys()[0][0]


def encrypt(plaintext: str) -> str:
    key_id, key = _keys()[0]
    nonce = os.urandom(12)
    # The key id is bound as associated data so a ciphertext cannot be relabelled to another key.
    ct = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode("ascii"))
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct).decode('ascii')}"


def decrypt(token: str) -> str:
    try:
        prefix, key_id, b64 = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not an encrypted value") from exc
    if prefix != PREFIX:
        raise DecryptionError(f"unknown format {prefix!r}")
    key = dict(_keys()).get(key_id)
    if key is None:
        raise DecryptionError(f"no key with id {key_id!r} is configured")
    blob = base64.b64decode(b64)
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], key_id.encode("ascii")).decode("utf-8")
    except Exception as exc:  # InvalidTag: tampered or wrong key
        raise DecryptionError("ciphertext failed authentication") from exc


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def digest(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match lookups."""
    normalised = value.strip().upper()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
