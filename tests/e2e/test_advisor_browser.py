"""The advisor console in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.masking import mask_mobile
from bot.sms_text import to_gsm7
from tests.support.advisor_console import PASSWORD, create_advisor
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.support.people import person
from tests.support.twilio_client import SmsPhone

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_an_advisor_takes_over_and_hands_back_from_the_console(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    number = someone["mobile"]
    phone = SmsPhone(stack, number)
    phone.send("Bonjour")
    phone.send("je veux parler à un conseiller")
    name, totp = create_advisor(stack.env, "lucie")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(stack.webhook_url + "/advisor")
            page.get_by_label("Identifiant").fill(name)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_label("Code à usage unique").fill(totp.now())
            page.get_by_role("button", name="Se connecter").click()

            # The queue shows the person's conversation (masked number, step); open it.
            entry = page.locator("#queue button", has_text=mask_mobile(number))
            expect(entry).to_contain_text("Code provisoire")
            entry.click()
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("je veux parler à un conseiller")
            expect(page.locator("#collected")).to_contain_text("demandé par la personne")

            page.get_by_role("button", name="Prendre la main", exact=True).click()
            expect(page.locator("#detail-meta")).to_contain_text("vous avez la main")
            assert twilio_api.messages_to(number)[-1]["body"].startswith("Un conseiller, Lucie")

            # The person writes: the bot is silent, the console shows it (polling).
            assert phone.send("Je ne trouve pas mon code") == ""
            expect(transcript).to_contain_text("Je ne trouve pas mon code")

            reply = "Il est dans l'e-mail de l'Assurance Maladie. Je vous rends à l'assistant."
            page.get_by_label("Votre réponse").fill(reply)
            page.get_by_role("button", name="Envoyer").click()
            expect(transcript.locator("li.advisor").last).to_contain_text(reply)
            assert twilio_api.messages_to(number)[-1]["body"] == to_gsm7(reply)

            page.get_by_role("button", name="Rendre la main", exact=True).click()
            expect(page.locator("#placeholder")).to_contain_text("rendue à l'assistant")
            expect(page.locator("#queue button", has_text=mask_mobile(number))).to_have_count(0)
            resumed = twilio_api.messages_to(number)[-1]["body"]
            assert resumed.startswith("L'assistant reprend là où vous en étiez.")
            assert "code provisoire" in resumed.lower()
        finally:
            browser.close()

    assert "sécurité sociale" in phone.send(code).lower()
