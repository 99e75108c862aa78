"""`python -m backend.seed`: builds the app from the settings (migrating its database) and seeds."""

from __future__ import annotations

from backend.app import create_app
from backend.seed import print_results, seed


def main() -> None:
    print_results(seed(create_app()))


if __name__ == "__main__":
    main()
