"""The activation backend: a stand-in for the national Mon espace santé service.

`create_app` is the only entry point others need (`flask --app backend …` finds it too).
"""

from backend.app import create_app

__all__ = ["create_app"]
