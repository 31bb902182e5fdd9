"""Harvest holds and the stewards' decisions on them (logic/harvest_decisions.py): holds are recorded by the
harvesters, decisions are append-only (the audit trail).

Revision ID: 9c1d7e52a3f0
Revises: 4b716cbdeae8
Create Date: 2026-12-01 14:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "9c1d7e52a3f0"
down_revision = "4b716cbdeae8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tangerang_harvest_hold",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("source_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("job_id", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("guid", sa.UnicodeText, index=True),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("closed", sa.DateTime),
        sa.Column("superseded_by", sa.UnicodeText),
    )
    op.create_table(
        "tangerang_harvest_decision",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "hold_id", sa.UnicodeText, sa.ForeignKey("tangerang_harvest_hold.id"), nullable=False, unique=True
        ),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False, index=True),
        sa.Column("choice", sa.UnicodeText, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    )


def downgrade():
    op.drop_table("tangerang_harvest_decision")
    op.drop_table("tangerang_harvest_hold")
