"""The deploy linters (kubernetes-validate, checkov) in their own venv, var/deploy-lint-venv.

They validate deploy/k8s offline (kubernetes-validate bundles the API schemas; checkov runs with
`--skip-download`). They cannot live in .venv: checkov pulls some fifty packages, and both need
newer attrs/jsonschema/referencing than Rasa 3.6 pins. So `ensure` builds a venv from the first
Python 3.9-3.12 it finds (`DEPLOY_LINT_PYTHON`, python3.11, python3.12, python3.10, python3),
installs deploy/lint-requirements.txt with the pins of deploy/lint-constraints.txt, and stamps it
with their hash: it is built again only when they change. tests/deploy/test_manifests.py calls
it, so a fresh clone's `make test` builds it (2-3 minutes on 2 cores), then reuses it.

    python scripts/deploy_lint.py ensure     # prints the venv's bin directory
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "deploy" / "lint-requirements.txt"
CONSTRAINTS = ROOT / "deploy" / "lint-constraints.txt"
CANDIDATES = ("python3.11", "python3.12", "python3.10", "python3")


def venv_dir() -> Path:
    var_dir = Path(os.environ.get("VAR_DIR") or ROOT / "var")
    return (ROOT / var_dir).resolve() / "deploy-lint-venv"


def suitable(python: str) -> bool:
    """checkov 3.3 supports Python 3.9 to 3.12."""
    check = "import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 12) else 1)"
    try:
        return subprocess.run([python, "-c", check], capture_output=True).returncode == 0
    except OSError:
        return False


def find_python() -> str:
    names = [os.environ.get("DEPLOY_LINT_PYTHON", "")] + list(CANDIDATES)
    for name in filter(None, names):
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path and suitable(path):
            return path
    raise SystemExit("no Python 3.9-3.12 for the deploy linters: set DEPLOY_LINT_PYTHON")


def wanted_stamp() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + CONSTRAINTS.read_bytes())
    return digest.hexdigest()


def ensure() -> Path:
    """The bin directory of an up-to-date venv with both linters, built when missing.

    Under an exclusive file lock: pytest-xdist workers (or two `make test` runs) asking at
    once would otherwise build the same venv on top of each other (a fresh clone's CI failed
    so, in ensurepip)."""
    venv = venv_dir()
    stamp = venv / ".lint-stamp"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "deploy-lint-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text().strip() == wanted_stamp():
            return venv / "bin"
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([find_python(), "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + ["-r", str(REQUIREMENTS), "-c", str(CONSTRAINTS)], check=True)
        stamp.write_text(wanted_stamp() + "\n")
    return venv / "bin"


if __name__ == "__main__":
    if sys.argv[1:] != ["ensure"]:
        raise SystemExit(__doc__)
    print(ensure())
