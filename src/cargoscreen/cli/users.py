"""`cargoscreen users ...` — people who log into the workstation, and API tokens for systems."""

from __future__ import annotations

import secrets
import sys

import typer
from rich.table import Table

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.store.repositories.users import AuthError, Role

app = typer.Typer(
    help="Users (password and roles) and API tokens (partner ports, devices).", no_args_is_help=True
)
ROLES = ", ".join(role.value for role in Role)


@app.command()
def add(
    username: str = typer.Argument(..., help="Login name: lower case letters, digits, '.', '_', '-'"),
    role: list[str] = typer.Option(..., "--role", "-r", help=f"Role (repeat for several): {ROLES}"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of standard input"
    ),
) -> None:
    """Add a user; the password is asked twice (or read from stdin) and stored as an argon2 hash."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    db = load_context().ready_database()
    try:
        with db.unit_of_work() as uow:
            user = uow.users.add(username, password, role)
            uow.audit.record(
                actor="cli",
                action="add_user",
                object_kind="user",
                object_id=user.username,
                detail={"roles": [str(r) for r in user.roles]},
            )
    except AuthError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(f"user [bold]{user.username}[/bold] added with roles {', '.join(user.roles)}")


@app.command("list")
def list_users() -> None:
    """List users, their roles and whether they are disabled."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        users = uow.users.list()
    table = Table(title="Users")
    for column in ("username", "roles", "state", "created (UTC)"):
        table.add_column(column)
    for user in users:
        state = "disabled" if user.disabled else "active"
        table.add_row(user.username, ", ".join(user.roles), state, f"{user.created_at:%Y-%m-%d %H:%M}")
    console.print(table)


@app.command()
def disable(
    username: str = typer.Argument(..., help="The user to disable (their sessions end at once)"),
) -> None:
    """Disable a user: they can no longer log in, and open sessions are refused."""
    db = load_context().ready_database()
    with db.unit_of_work() as uow:
        found = uow.users.set_disabled(username, True)
        if found:
            uow.audit.record(actor="cli", action="disable_user", object_kind="user", object_id=username)
    if not found:
        err_console.print(f"[red]error:[/red] no user {username!r}")
        raise typer.Exit(1)
    console.print(f"user [bold]{username}[/bold] disabled")


@app.command()
def token(
    owner: str = typer.Argument(..., help="Who holds the token, e.g. 'ECGYE partner gateway'"),
    role: str = typer.Option(..., "--role", "-r", help=f"One role: {ROLES}"),
    partner_port: str | None = typer.Option(
        None, "--partner-port", help="UN/LOCODE of the partner port (partner_port tokens only)"
    ),
) -> None:
    """Issue an API token; the secret is printed once and only its hash is stored."""
    db = load_context().ready_database()
    try:
        with db.unit_of_work() as uow:
            issued, secret = uow.tokens.issue(owner, role, partner_port=partner_port)
            uow.audit.record(
                actor="cli",
                action="issue_token",
                object_kind="token",
                object_id=str(issued.id),
                detail={"owner": issued.owner, "role": str(issued.role), "partner_port": issued.partner_port},
            )
    except (AuthError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(
        f"token {issued.id} for [bold]{issued.owner}[/bold] ({issued.role}); keep the secret, it is not shown again:"
    )
    typer.echo(secret)


#: The demo's people: one login per desk of the workstation.
DEMO_USERS = {
    "analyst": (Role.TARGETING_ANALYST, Role.IMAGE_ANALYST),
    "officer": (Role.INSPECTION_OFFICER,),
    "custody": (Role.CUSTODY_OFFICER,),
    "supervisor": (Role.SUPERVISOR,),
    "admin": (Role.ADMIN,),
}


@app.command()
def demo() -> None:
    """Create (or reset) the demo users; the password is CARGOSCREEN_WEB__DEMO_PASSWORD or a random one."""
    ctx = load_context()
    if ctx.settings.environment == "production":
        err_console.print("[red]error:[/red] demo users are refused in production")
        raise typer.Exit(2)
    configured = ctx.settings.web.demo_password
    password = configured.get_secret_value() if configured else secrets.token_urlsafe(12)
    db = ctx.ready_database()
    with db.unit_of_work() as uow:
        for name, roles in DEMO_USERS.items():
            if uow.users.get(name) is None:
                uow.users.add(name, password, roles)
            else:
                uow.users.set_password(name, password)
                uow.users.set_disabled(name, False)
            uow.audit.record(actor="cli", action="demo_user", object_kind="user", object_id=name)
    url = f"http://{ctx.settings.web.host}:{ctx.settings.web.port}/"
    console.print(
        f"demo users: {', '.join(DEMO_USERS)}; start the workstation with `cargoscreen serve`, then"
    )
    console.print(
        f"open [bold]{url}[/bold] and log in as [bold]analyst[/bold] with password [bold]{password}[/bold]"
    )
