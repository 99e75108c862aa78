"""`flask --app webhook outbox show [--to ADDRESS]`: the encrypted outbox, read on the server.

With a Twilio account but no SMTP host, e-mails (login and contact-check codes) land in the
encrypted outbox, and the HTTP route that shows it in local mode does not exist: an operator
reads it here, on the server, where `.env` (hence `VAULT_KEY`) and Redis are at hand.
"""

from __future__ import annotations

import click
import redis
from flask import current_app
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="The local outbox (SMS and e-mails not sent out).")


@outbox_cli.command("show")
@click.option("--to", "to", default=None, help="Only messages to this E.164 number or e-mail.")
@click.option("--last", default=20, show_default=True, help="How many of the newest to show.")
def show(to: str | None, last: int) -> None:
    """Prints the messages, oldest first: time, recipient, subject, body."""
    box = current_app.extensions["mes"].messenger.outbox
    if box is None:
        raise click.ClickException("no outbox: Twilio and SMTP are both configured")
    try:
        messages = box.list(to)
    except redis.RedisError as error:
        raise click.ClickException(f"Redis does not answer ({error}): is it running?") from error
    if not messages:
        click.echo("The outbox is empty" + (f" for {to}." if to else "."))
    for message in messages[-last:] if last > 0 else messages:
        subject = f" [{message['subject']}]" if message.get("subject") else ""
        click.echo(f"{message['sent_at']}  {message['to']}{subject}\n  {message['body']}")
