"""`rasa data validate`, strict: every warning fails, but one kind that Rasa 3.6 gets wrong.

Rasa warns "The utterance 'utter_x' is not used in any story or rule" for responses that forms
ask (`utter_ask_<slot>`) and that custom actions send (`dispatcher.utter_message(response=...)`),
since it reads neither. Those are checked here instead: a form ask must match a form's slot, and
any other response must be named in the actions' code (or bot/'s, for the fragments it renders:
bot/responses.py). Every other warning fails the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
WARNING_LINE = re.compile(r"UserWarning: (.*)")


def form_asks() -> set[str]:
    asks = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        domain = yaml.safe_load(path.read_text()) or {}
        for form in (domain.get("forms") or {}).values():
            asks.update(f"utter_ask_{slot}" for slot in form.get("required_slots") or [])
    # dynamic slots added by validators' required_slots()
    asks.update(
        {
            "utter_ask_consent",
            "utter_ask_oppose_confirmed",
            "utter_ask_contact_change",
            "utter_ask_new_contact",
        }
    )
    return asks


def domain_responses() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        names.update((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    return names


def referenced_by_actions() -> set[str]:
    """Response names in the actions' code, and in bot/ (tables of fragments it renders)."""
    files = [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").glob("*.py")]
    code = "\n".join(p.read_text() for p in files)
    # "utter_action" is the key under which Rasa keeps a bot message's response name.
    return set(re.findall(r"\"(utter_\w+)\"", code)) - {"utter_action"}


def main() -> int:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    rasa = str(Path(sys.executable).parent / "rasa")
    result = subprocess.run(
        [rasa, "data", "validate", "-d", "bot/domain", "--data", "data", "-c", "config.yml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    explained = form_asks() | referenced_by_actions()
    problems = []
    for line in output.splitlines():
        match = WARNING_LINE.search(line)
        if not match:
            continue
        message = match.group(1)
        unused = UNUSED.search(message)
        if unused and unused.group(1) in explained:
            continue
        problems.append(message)
    missing = referenced_by_actions() - domain_responses()
    problems += [
        f"actions send '{name}', which the domain does not define" for name in sorted(missing)
    ]
    if result.returncode != 0 or problems:
        print(output if result.returncode != 0 else "")
        for problem in problems:
            print(f"warning: {problem}")
        print("rasa data validate: NOT clean")
        return 1
    print("rasa data validate: clean (form asks and responses sent by actions checked here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
