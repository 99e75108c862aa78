"""The simulator's call mode in Debian's chromium (Playwright): a call by keypad and typed
speech, through the phone face's own call logic, with the read-backs shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.spelled_code import spell_code_groups
from bot.voice_text import digits_spoken, nir_groups, serial_groups
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.support.people import person
from tests.support.twilio_client import next_number

pytestmark = [pytest.mark.stack, pytest.mark.browser]

KEY_NAMES = {"*": "étoile", "#": "dièse"}


def press(page: Page, keys: str) -> None:
    for key in keys:
        page.get_by_role("button", name=f"Touche {KEY_NAMES.get(key, key)}", exact=True).click()


def say(page: Page, words: str) -> None:
    page.get_by_label("Ce que vous dites").fill(words)
    page.get_by_role("button", name="Dire", exact=True).click()


def test_a_call_from_the_simulator_with_keypad_and_typed_speech(simulator_url, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(simulator_url + "/")
            page.get_by_label("Votre numéro de téléphone").fill(next_number())
            page.get_by_role("button", name="Appel téléphonique").click()
            expect(page.get_by_role("button", name="Appel téléphonique")).to_have_attribute(
                "aria-pressed", "true"
            )
            expect(page.get_by_label("Votre message")).to_be_hidden()
            page.get_by_role("button", name="Appeler l'assistant").click()
            bot = page.locator("#call-log .msg.bot")
            expect(bot.last).to_contain_text("code provisoire")
            expect(page.locator("#call-expect")).to_contain_text("code")

            # The code said (typed speech), read back spelled in its three groups.
            say(page, code)
            readbacks = page.locator("#call-log .msg.readback")
            expect(readbacks.last).to_have_text(" / ".join(spell_code_groups(code)))
            expect(bot.last).to_contain_text("Tapez 1 si c'est exact")
            press(page, "1")  # one key: sent at once, as in a menu
            expect(bot.last).to_contain_text("sécurité sociale")

            # The NIR by keypad: keys gather until #, then the read-back in the card's groups.
            press(page, someone["nir"])
            expect(page.locator("#call-keys")).to_have_text(someone["nir"])
            press(page, "#")
            expect(page.locator("#call-log .msg.me").last).to_contain_text(someone["nir"] + " #")
            nir_heard = " / ".join(digits_spoken(g) for g in nir_groups(someone["nir"]))
            expect(readbacks.last).to_have_text(nir_heard)
            press(page, "1")
            expect(bot.last).to_contain_text("photo")
            expect(page.locator("#call-log")).to_contain_text("identité est vérifiée")
            expect(page.locator("#call-expect")).to_contain_text("une touche")

            # Silence, then "répéter" by the star key: the card question again.
            page.get_by_role("button", name="Silence").click()
            expect(bot.last).to_contain_text("photo")
            expect(page.locator("#call-log")).to_contain_text("Je n'ai rien entendu")
            press(page, "*")
            expect(page.locator("#call-log .msg.bot", has_text="Je répète")).to_have_count(1)
            say(page, "avec photo")
            expect(bot.last).to_contain_text("numéro de série")

            # Keyboard only: focus on a key, type on the keyboard.
            page.get_by_role("button", name="Touche 5", exact=True).focus()
            page.keyboard.type(someone["card_serial"])
            expect(page.locator("#call-keys")).to_have_text(someone["card_serial"])
            page.keyboard.press("#")
            serial = someone["card_serial"]
            serial_heard = " / ".join(digits_spoken(g) for g in serial_groups(serial))
            expect(readbacks.last).to_have_text(serial_heard)
            assert readbacks.count() == 3
            expect(bot.last).to_contain_text("Tapez 1 si c'est exact")

            page.get_by_role("button", name="Raccrocher").click()
            expect(page.locator("#call-status")).to_contain_text("Vous avez raccroché")
            expect(page.get_by_role("button", name="Touche 1", exact=True)).to_be_disabled()
        finally:
            browser.close()
