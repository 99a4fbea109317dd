"""Custody ledger (append-only, guarded by triggers) and its anchor; scanners and scan plans.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

New tables only. Columns, keys and indexes are built with :mod:`cargoscreen.store.migrations.helpers`.

The custody ledger is append-only in the database itself: triggers refuse every UPDATE and DELETE of a
ledger row (and TRUNCATE on PostgreSQL), and every deletion of the anchor or move of it back to an earlier
entry. They are created after the indexes, since a SQLite batch operation that rebuilt a table would lose
them. Whoever may drop a trigger can still tamper: that is what the signed hash chain and
``cargoscreen custody verify`` are for.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cargoscreen.store.migrations.helpers import column, fk, id_column, indexes, pk, string, unique, utc

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


def _custody() -> None:
    op.create_table(
        "custody_ledger",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        string("prev_hash", 64),
        column("payload", sa.Text()),
        string("hash", 64),
        string("case_number", 40),
        string("kind", 16),
        utc("occurred_at"),
        utc("recorded_at"),
        pk("custody_ledger", "seq"),
        unique("custody_ledger", "hash"),
    )
    indexes("custody_ledger", "case_number", "kind", "occurred_at")
    op.create_table(
        "custody_anchor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        column("seq", sa.BigInteger()),
        string("hash", 64),
        utc("updated_at"),
        pk("custody_anchor"),
    )


def _planning() -> None:
    op.create_table(
        "scanners",
        id_column(),
        string("scanner_id", 40),
        string("terminal", 6),
        column("scan_minutes", sa.Integer()),
        column("move_minutes", sa.Integer()),
        column("shifts", sa.JSON()),
        column("available", sa.Boolean()),
        utc("updated_at"),
        pk("scanners"),
        unique("scanners", "scanner_id"),
    )
    op.create_table(
        "plan_runs",
        id_column(),
        column("plan_date", sa.Date()),
        column("selection_run_id", sa.Integer(), nullable=True),
        string("method", 8),
        utc("horizon_start"),
        utc("horizon_end"),
        column("objective", sa.Integer()),
        string("status", 40),
        column("solve_seconds", sa.Double()),
        column("metrics", sa.JSON()),
        column("unplanned", sa.JSON()),
        string("created_by", 80),
        utc("created_at"),
        pk("plan_runs"),
    )
    indexes("plan_runs", "plan_date")
    op.create_table(
        "plan_slots",
        id_column(),
        column("run_id", sa.Integer()),
        string("container_number", 11),
        string("scanner_id", 40),
        string("terminal", 6),
        utc("starts_at"),
        utc("ends_at"),
        column("fixed", sa.Boolean()),
        string("event_id", 200),
        pk("plan_slots"),
        fk("run_id", "plan_slots", "plan_runs", cascade=True),
        unique("plan_slots", "run_id", "container_number"),
    )
    indexes("plan_slots", "container_number")


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
