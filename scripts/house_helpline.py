"""Rule `helpline`: the helpline's number and hours are typed once, in bot/helpline.py.

Everywhere else they are variables: `{helpline_number}`, `{helpline_hours}`... in the domain's
responses (rasa_addons/helpline_nlg.py fills them), `HELPLINE.number`, `HELPLINE.hours_text`...
in code. This rule looks for the number ("34 22", "3422") and the opening and closing times
("8h30", "8 h 30", "8:30", "17h", "17 h 00", "17:00") in the domain's YAML and in the string
literals of the dialogue's code (docstrings and comments may explain them). The training data
(`data/`) and tests quote what people write: not scanned.
"""

from __future__ import annotations

import ast
import re
import sys
from datetime import time
from pathlib import Path

from house_violation import Violation


def helpline_facts() -> tuple[str, time, time]:
    """The number and hours as this repository's bot/helpline.py defines them."""
    root = str(Path(__file__).resolve().parents[1])
    sys.path.insert(0, root)
    try:
        from bot.helpline import HELPLINE
    finally:
        sys.path.remove(root)
    return HELPLINE.number, HELPLINE.opens, HELPLINE.closes


def time_pattern(moment: time) -> str:
    hour = rf"(?<![\d:,.]){moment.hour}"
    if moment.minute:
        return rf"{hour}\s?[h:]\s?{moment.minute:02d}(?!\d)"
    return rf"{hour}\s?h(?:\s?00)?(?![\w])|{hour}:00(?!\d)"


def facts_pattern(number: str, opens: time, closes: time) -> re.Pattern[str]:
    digits = r"\s?".join(re.escape(part) for part in number.split())
    return re.compile(
        rf"(?<![\d+]){digits}(?!\d)|{time_pattern(opens)}|{time_pattern(closes)}", re.IGNORECASE
    )


def typed_in_yaml(relative: str, text: str, pattern: re.Pattern[str]) -> list[Violation]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in pattern.finditer(line):
            found.append(Violation(relative, number, "helpline", typed(match.group())))
    return found


def typed_in_python(relative: str, tree: ast.Module, pattern: re.Pattern[str]) -> list[Violation]:
    comments = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in comments:
                continue
            for match in pattern.finditer(node.value):
                found.append(Violation(relative, node.lineno, "helpline", typed(match.group())))
    return found


def typed(fact: str) -> str:
    return f"{fact!r} typed: use the helpline's variables (bot/helpline.py)"
