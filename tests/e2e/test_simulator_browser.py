"""The local simulator in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.support.people import person, spaced

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_a_person_texts_the_assistant_from_the_simulator(simulator_url, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(simulator_url + "/")
            expect(page.get_by_role("heading", name="Simulateur SMS")).to_be_visible()
            page.get_by_label("Votre numéro de téléphone").fill("+33611223344")

            def text(message: str) -> None:
                page.get_by_label("Votre message").fill(message)
                page.get_by_role("button", name="Envoyer").click()

            text("Bonjour")
            expect(page.locator(".msg.bot").last).to_contain_text("code provisoire")
            text(code)
            expect(page.locator(".msg.bot").last).to_contain_text("sécurité sociale")
            text(spaced(someone["nir"]))
            expect(page.locator(".msg.bot").last).to_contain_text("identité est vérifiée")
            assert page.locator(".msg.me").count() == 3
        finally:
            browser.close()
