"""Identity stage (path A): provisional code + NIR → the backend opens an activation.

Its refusal table is also path B's, whose checks refuse the same way.
"""

from __future__ import annotations

from actions import metrics
from actions.backend_client import BackendError
from actions.flow.base import ERROR_CODE, OTHER, Context, Outcome, Step, apply, refused
from actions.identity_guard import guarded_identity_check

#: Already locked (the handoff was said): say so again, without the hours.
LOCKED_BEFORE = Outcome(
    "Pour votre sécurité, l'identification est bloquée après trop d'essais. Un "
    "conseiller va vous répondre ici ; vous pouvez aussi appeler le 34 22.",
    route="handoff",
)

IDENTITY_REFUSED: dict[str, Outcome] = {
    "identity_mismatch": Outcome(
        "Le code provisoire ou le numéro de sécurité sociale ne correspond pas. "
        "Vérifiez votre code provisoire et écrivez-le à nouveau (si c'est le numéro qui "
        "est faux, écrivez CORRIGER).",
        clear=("provisional_code",),
        route="identity",
    ),
    "identity_locked": Outcome(
        "Pour votre sécurité, l'identification est bloquée après trop d'essais. Un "
        "conseiller va vous répondre ici ; vous pouvez aussi appeler le 34 22 (lun-ven "
        "8h30-17h).",
        sets=(("handoff_reason", "locked"),),
        route="handoff",
    ),
    "code_expired": Outcome(
        "Votre code provisoire a expiré (il est valable 6 semaines). Un conseiller "
        "peut vous en donner un nouveau : écrivez CONSEILLER.",
        clear=("provisional_code",),
        route="paused",
    ),
    "already_activated": Outcome(
        "Votre espace Mon espace santé est déjà activé. Connectez-vous sur "
        "monespacesante.fr avec votre identifiant et votre mot de passe.",
        route="done",
    ),
    OTHER: Outcome(
        "Votre espace ne peut pas être activé ici. Un conseiller va vous aider : "
        "écrivez CONSEILLER.",
        sets=(("handoff_reason", ERROR_CODE),),
        route="paused",
    ),
}


def greeting(first_name: str) -> str:
    return f"Merci {first_name.title()}" if first_name else "Merci"


async def stage(ctx: Context) -> Step:
    slots = ctx.slots
    if slots.get("handoff_reason") == "locked":
        return apply(ctx, LOCKED_BEFORE)
    if slots.get("activation_ref"):
        return Step()
    code, nir = await ctx.reveal("provisional_code"), await ctx.reveal("nir")
    if not code or not nir:
        # A value whose vault entry expired is asked again; nothing else is touched.
        expired = tuple(
            name
            for name, value in (("provisional_code", code), ("nir", nir))
            if slots.get(name) and not value
        )
        return apply(ctx, Outcome(clear=expired, route="identity"))
    try:
        identity = await guarded_identity_check(
            ctx.tracker.sender_id, ctx.tracker.events, nir, code
        )
    except BackendError as error:
        return refused(ctx, IDENTITY_REFUSED, error)
    metrics.step_completed("identity")
    ctx.say(f"{greeting(identity.first_name)}, votre identité est vérifiée.")
    checked = Outcome(
        sets=(
            ("activation_ref", await ctx.keep("tok", identity.activation_id)),
            ("first_name", identity.first_name),
        )
    )
    return apply(ctx, checked)
