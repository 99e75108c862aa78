"""The house rules a reviewer should not have to police by eye (issue 15); `make test` and
`make lint` run this, and so does tests/test_house.py.

- `size`: no Python module over 400 lines (tests included): a module that long does several
  jobs; split it by job.
- `rasa-private` / `rasa-patch`: Rasa's private parts (`_`-prefixed names of `rasa` and
  `rasa_sdk`) and assignments onto Rasa's objects only in `rasa_addons/compat/`, the one package
  that checks the pinned Rasa version (scripts/house_rasa.py says what is tracked).
- `french`: a French sentence of the dialogue is written in the domain (`bot/domain/*.yml`) or in
  the webhook's text module (`webhook/texts.py`), not in code (scripts/house_french.py says what
  looks like a sentence).
- `helpline`: the helpline's number and hours are typed in bot/helpline.py only; the domain and
  the code use its variables (scripts/house_helpline.py).

Usage: `python scripts/check_house.py [ROOT]`; prints one line per violation, exit status 1 when
there is any.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from house_french import french_sentences  # noqa: E402
from house_helpline import (  # noqa: E402
    facts_pattern,
    helpline_facts,
    typed_in_python,
    typed_in_yaml,
)
from house_rasa import RasaSources, rasa_private_uses  # noqa: E402
from house_violation import Violation  # noqa: E402

MAX_LINES = 400
#: Folders that are not ours to keep (environments, generated data, vendored code).
SKIPPED_DIRS = frozenset(
    {
        ".venv",
        "venv",
        "var",
        "models",
        ".git",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        "vendor",
        "vendored",
        "third_party",
        ".pytest_cache",
        ".ruff_cache",
        ".rasa",
        "results",
    }
)
#: The one package allowed to reach into Rasa (helper `rasa`, issue 15 point 3).
COMPAT_PACKAGE = "rasa_addons/compat/"
#: Where the dialogue's code lives; the backend (`backend/`) is a stand-in for the national
#: service, whose own messages (`backend/texts.py`) are not the dialogue's: out of the `french`
#: rule. Tests, scripts and the bench hold French as inputs and expectations: out too.
DIALOGUE_DIRS = ("actions", "bot", "webhook", "rasa_addons", "messaging")
#: The homes of sentences in code (the domain's are YAML, never scanned).
TEXT_MODULES = frozenset({"webhook/texts.py"})
#: Where the helpline's number and hours are typed; everything else uses its variables.
HELPLINE_MODULE = "bot/helpline.py"


def python_files(root: Path) -> Iterator[Path]:
    """Every Python module of the repository, in a stable order, without environments/data."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def oversized(relative: str, text: str) -> list[Violation]:
    lines = len(text.splitlines())
    if lines <= MAX_LINES:
        return []
    return [Violation(relative, 1, "size", f"{lines} lines (at most {MAX_LINES}): split by job")]


def check_file(
    root: Path, path: Path, sources: RasaSources, helpline: re.Pattern[str]
) -> list[Violation]:
    relative = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8")
    found = oversized(relative, text)
    try:
        tree = ast.parse(text, filename=relative)
    except SyntaxError as error:
        return [*found, Violation(relative, error.lineno or 1, "syntax", str(error.msg))]
    if not relative.startswith(COMPAT_PACKAGE):
        found += rasa_private_uses(relative, tree, root, sources)
    if relative.split("/", 1)[0] in DIALOGUE_DIRS:
        if relative not in TEXT_MODULES:
            found += french_sentences(relative, tree)
        if relative != HELPLINE_MODULE:
            found += typed_in_python(relative, tree, helpline)
    return found


def check(root: Path) -> list[Violation]:
    """All violations under `root`, sorted by file and line."""
    root = root.resolve()
    sources = RasaSources(root)
    helpline = facts_pattern(*helpline_facts())
    found: set[Violation] = set()
    for path in python_files(root):
        found.update(check_file(root, path, sources, helpline))
    for path in sorted((root / "bot" / "domain").glob("*.yml")):
        relative = path.relative_to(root).as_posix()
        found.update(typed_in_yaml(relative, path.read_text(encoding="utf-8"), helpline))
    return sorted(found)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(
            f"{len(violations)} house rule violation(s) (scripts/check_house.py)", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
