"""The credentials page a caller opens from the SMS link, in a real browser (Debian chromium)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from tests.e2e.test_sms_activation import PASSWORD, login_works
from tests.e2e.test_voice_calls import (
    caller,
    card_and_decision_by_keypad,
    identify_by_keypad,
    spoken_code,
)
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.support.people import person
from tests.support.voice_call import link_from, local_url

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_password_chosen_on_the_link_page_activates_the_account(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    identify_by_keypad(call, stack, someone, code)
    link_turn = card_and_decision_by_keypad(call, someone)
    assert "lien" in link_turn.text
    url = local_url(stack, link_from(twilio_api.messages_to(someone["mobile"])[-1]["body"]))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            identifier = page.get_by_label("Identifiant", exact=True)
            password = page.get_by_label("Mot de passe", exact=True)
            confirmation = page.get_by_label("Confirmer le mot de passe", exact=True)
            size = password.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 20, "large legible text"

            page.get_by_label("Code dit pendant l'appel").fill(spoken_code(link_turn))
            identifier.fill("camille.page85")
            password.fill("motdepasse")  # the rules turn red as the person types
            expect(page.locator('li[data-rule="no_uppercase"]')).to_have_class("ko")
            expect(page.locator('li[data-rule="too_short"][data-field="password"]')).to_have_class(
                "ok"
            )
            page.get_by_label("Afficher le mot de passe").check()
            expect(password).to_have_attribute("type", "text")
            password.fill(PASSWORD)
            expect(page.locator('li[data-rule="no_uppercase"]')).to_have_class("ok")
            confirmation.fill(PASSWORD + "x")
            expect(page.locator('li[data-rule="same"]')).to_have_class("ko")
            page.get_by_role("button", name="Valider mon choix").click()
            expect(page.get_by_role("alert")).to_contain_text(
                "pas identiques"
            )  # checked server-side too

            page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
            page.get_by_label("Confirmer le mot de passe", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Valider mon choix").click()
            expect(page.get_by_role("heading", name="C'est fait !")).to_be_visible()
            expect(page.get_by_role("status")).to_contain_text("activé")
        finally:
            browser.close()

    turn = call.press("1")
    assert "activé" in turn.text and turn.hangup
    status = backend.insured(someone["nir"])
    assert status["status"] == "activated" and status["identifier"] == "camille.page85"
    assert login_works(stack, twilio_api, "camille.page85", PASSWORD, someone["mobile"])
    assert requests.get(url, timeout=10).status_code == 410  # single use
