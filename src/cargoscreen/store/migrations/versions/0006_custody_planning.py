"""Custody ledger (append-only, guarded by triggers) and its anchor; scanners and scan plans.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

New tables only; indexes are created inside ``batch_alter_table`` so the same code runs on SQLite and
PostgreSQL. Constraint names follow the naming convention.

The custody ledger is append-only in the database itself: triggers refuse every UPDATE and DELETE of a
ledger row (and TRUNCATE on PostgreSQL), and every deletion of the anchor or move of it back to an earlier
entry. They are created after the indexes, since a SQLite batch operation that rebuilt a table would lose
them. Whoever may drop a trigger can still tamper: that is what the signed hash chain and
``cargoscreen custody verify`` are for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("custody_ledger", "custody_anchor", "scanners", "plan_runs", "plan_slots")

_LEDGER_REFUSED = "custody_ledger is append-only"
_ANCHOR_REFUSED = "custody_anchor only moves forward"

_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER custody_ledger_no_update BEFORE UPDATE ON custody_ledger
    BEGIN SELECT RAISE(ABORT, '{_LEDGER_REFUSED}: UPDATE refused'); END""",
    f"""CREATE TRIGGER custody_ledger_no_delete BEFORE DELETE ON custody_ledger
    BEGIN SELECT RAISE(ABORT, '{_LEDGER_REFUSED}: DELETE refused'); END""",
    f"""CREATE TRIGGER custody_anchor_no_rewind BEFORE UPDATE ON custody_anchor
    WHEN NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) OR NEW.id <> OLD.id
    BEGIN SELECT RAISE(ABORT, '{_ANCHOR_REFUSED}: rewind refused'); END""",
    f"""CREATE TRIGGER custody_anchor_no_delete BEFORE DELETE ON custody_anchor
    BEGIN SELECT RAISE(ABORT, '{_ANCHOR_REFUSED}: DELETE refused'); END""",
)

_POSTGRESQL_TRIGGERS = (
    f"""CREATE FUNCTION custody_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_LEDGER_REFUSED}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER custody_ledger_append_only BEFORE UPDATE OR DELETE ON custody_ledger
    FOR EACH ROW EXECUTE FUNCTION custody_ledger_refuse()""",
    """CREATE TRIGGER custody_ledger_no_truncate BEFORE TRUNCATE ON custody_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION custody_ledger_refuse()""",
    f"""CREATE FUNCTION custody_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
           OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION '{_ANCHOR_REFUSED}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER custody_anchor_forward_only BEFORE UPDATE OR DELETE ON custody_anchor
    FOR EACH ROW EXECUTE FUNCTION custody_anchor_forward()""",
    """CREATE TRIGGER custody_anchor_no_truncate BEFORE TRUNCATE ON custody_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION custody_anchor_forward()""",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def _column(name: str, kind: sa.types.TypeEngine[Any], *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, kind, nullable=nullable)


def _text(name: str, length: int, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _time(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def _custody() -> None:
    op.create_table(
        "custody_ledger",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        _text("prev_hash", 64),
        _column("payload", sa.Text()),
        _text("hash", 64),
        _text("case_number", 40),
        _text("kind", 16),
        _time("occurred_at"),
        _time("recorded_at"),
        _pk("custody_ledger", "seq"),
        sa.UniqueConstraint("hash", name=op.f("uq_custody_ledger_hash")),
    )
    _indexes("custody_ledger", "case_number", "kind", "occurred_at")
    op.create_table(
        "custody_anchor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        _column("seq", sa.BigInteger()),
        _text("hash", 64),
        _time("updated_at"),
        _pk("custody_anchor"),
    )


def _planning() -> None:
    op.create_table(
        "scanners",
        _id(),
        _text("scanner_id", 40),
        _text("terminal", 6),
        _column("scan_minutes", sa.Integer()),
        _column("move_minutes", sa.Integer()),
        _column("shifts", sa.JSON()),
        _column("available", sa.Boolean()),
        _time("updated_at"),
        _pk("scanners"),
        sa.UniqueConstraint("scanner_id", name=op.f("uq_scanners_scanner_id")),
    )
    op.create_table(
        "plan_runs",
        _id(),
        _column("plan_date", sa.Date()),
        _column("selection_run_id", sa.Integer(), nullable=True),
        _text("method", 8),
        _time("horizon_start"),
        _time("horizon_end"),
        _column("objective", sa.Integer()),
        _text("status", 40),
        _column("solve_seconds", sa.Double()),
        _column("metrics", sa.JSON()),
        _column("unplanned", sa.JSON()),
        _text("created_by", 80),
        _time("created_at"),
        _pk("plan_runs"),
    )
    _indexes("plan_runs", "plan_date")
    op.create_table(
        "plan_slots",
        _id(),
        _column("run_id", sa.Integer()),
        _text("container_number", 11),
        _text("scanner_id", 40),
        _text("terminal", 6),
        _time("starts_at"),
        _time("ends_at"),
        _column("fixed", sa.Boolean()),
        _text("event_id", 200),
        _pk("plan_slots"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["plan_runs.id"], name=op.f("fk_plan_slots_run_id_plan_runs"), ondelete="CASCADE"
        ),
        sa.UniqueConstraint("run_id", "container_number", name=op.f("uq_plan_slots_run_id_container_number")),
    )
    _indexes("plan_slots", "container_number")


def upgrade() -> None:
    _custody()
    _planning()
    dialect = op.get_bind().dialect.name
    triggers = _POSTGRESQL_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # drops the tables' triggers with them
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION custody_anchor_forward()")
        op.execute("DROP FUNCTION custody_ledger_refuse()")
