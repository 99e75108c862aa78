"""`flask --app webhook advisor …`: advisor accounts, made by an operator on the server.

There is no sign-up page: an account exists only if someone with access to the server made it,
and its TOTP secret is shown once, as an `otpauth://` URI for an authenticator app.
"""

from __future__ import annotations

import click
import redis
from flask.cli import AppGroup

from webhook.advisor.accounts import AccountError
from webhook.advisor.console import console

advisor_cli = AppGroup("advisor", help="Advisor accounts of the console (/advisor).")


@advisor_cli.command("create")
@click.argument("name")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 12 characters (asked when not given: then it stays out of the shell history).",
)
@click.option("--supervisor", is_flag=True, help="Sees every conversation and the audit log.")
@click.option("--first-name", default=None, help="Told to the person (default: from NAME).")
def create(name: str, password: str, supervisor: bool, first_name: str | None) -> None:
    """Creates an advisor and prints the otpauth:// URI of their one-time codes."""
    role = "supervisor" if supervisor else "advisor"
    try:
        uri = console().accounts.create(name, password, role, first_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    except redis.RedisError as error:
        raise click.ClickException(
            f"Redis does not answer ({error}): is the stack running?"
        ) from error
    click.echo(f"Advisor {name.lower()} created ({role}). Add this to an authenticator app:")
    click.echo(uri)


@advisor_cli.command("list")
def list_advisors() -> None:
    """Lists the advisors: name, role, first name, creation time."""
    for advisor in console().accounts.all():
        click.echo(
            f"{advisor.username}\t{advisor.role}\t{advisor.first_name}\t{advisor.created_at}"
        )


@advisor_cli.command("delete")
@click.argument("name")
def delete(name: str) -> None:
    """Deletes an advisor; their open sessions end at their next request."""
    if not console().accounts.delete(name):
        raise click.ClickException(f"no advisor named {name!r}")
    click.echo(f"Advisor {name.lower()} deleted.")
