"""The console page at `/advisor`: plain HTML, a small script and a style sheet, no build step.

The page holds no data of its own: it logs in, then reads and acts through the JSON API. Its
Content-Security-Policy allows only this origin's script and styles (no inline code), so a
person's message shown in the transcript can never run as script.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

blueprint = Blueprint("advisor_page", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@blueprint.get("/advisor")
def page() -> Response:
    response = Response(render_template("advisor.html"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
