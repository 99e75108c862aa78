"""The French texts the backend sends to people (SMS and e-mail bodies)."""

from __future__ import annotations

from bot.provisional_code import CODE_LENGTH


def format_provisional_code(code: str) -> str:
    """`ABCDEFGHJK23` → `ABCD EFGH JK23`: groups of 4 are easier to read and type."""
    return " ".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def new_provisional_code_sms(code: str) -> str:
    return (
        f"Mon espace santé : votre nouveau code provisoire est {format_provisional_code(code)}. "
        "Il est valable 6 semaines. Ne le communiquez à personne."
    )


def login_code_sms(code: str) -> str:
    return (
        f"Mon espace santé : votre code de connexion est {code}. "
        "Il est valable 15 minutes. Ne le communiquez à personne."
    )


LOGIN_CODE_EMAIL_SUBJECT = "Mon espace santé : votre code de connexion"


def login_code_email(code: str) -> str:
    return (
        "Bonjour,\n\n"
        f"Votre code de connexion à Mon espace santé est : {code}\n\n"
        "Il est valable 15 minutes et ne peut servir qu'une fois. "
        "Ne le communiquez à personne, pas même à un conseiller.\n\n"
        "Si vous n'avez pas demandé à vous connecter, ignorez ce message.\n\n"
        "Mon espace santé"
    )
