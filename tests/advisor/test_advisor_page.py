"""The page at /advisor: plain HTML, its script and style sheet, strict security headers."""

from __future__ import annotations

from flask import Flask


def test_the_console_page_has_the_login_form_and_the_controls(app: Flask) -> None:
    response = app.test_client().get("/advisor")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Identifiant",
        "Mot de passe",
        "Code à usage unique",
        "File d'attente",
        "Prendre la main",
        "Rendre la main",
        "Votre réponse",
        "/static/advisor.js",
        "/static/advisor.css",
    ):
        assert text in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_script_and_style_sheet_are_served(app: Flask) -> None:
    client = app.test_client()
    script = client.get("/static/advisor.js")
    assert script.status_code == 200 and b"/advisor/api" in script.data
    assert b"innerHTML" not in script.data  # what people wrote is shown as text, never HTML
    assert client.get("/static/advisor.css").status_code == 200
