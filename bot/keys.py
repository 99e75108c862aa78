"""One master secret, a separate key for each purpose (HKDF-SHA256).

`VAULT_KEY` is the operator's one master secret. Using it as is for several jobs (the HMAC of
conversation ids, the Flask session signature…) would let a weakness in one use help against
another, and make it impossible to rotate one without the others. Each use therefore derives its
own key with HKDF from the master secret and a purpose label; the vault, the tracker store and
the one-time codes already do the same (`bot.vault.derive_fernet_key`,
`bot.one_time_codes.derive_key`).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Purposes with a key of their own (the label is part of the derivation: never reuse one).
CONVERSATION_ID = "conversation-id"
FLASK_SESSION = "flask-session"


def derive_subkey(master: str, purpose: str, length: int = 32) -> bytes:
    """`length` bytes for `purpose`, derived from the master secret; ValueError when it is empty."""
    if not master:
        raise ValueError("the master secret must not be empty")
    info = f"mon-espace-sante/{purpose}/v1".encode()
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(
        master.encode("utf-8")
    )


def derive_subkey_hex(master: str, purpose: str) -> str:
    """`derive_subkey` as hex text, for settings that expect a string (Flask's SECRET_KEY)."""
    return derive_subkey(master, purpose).hex()
