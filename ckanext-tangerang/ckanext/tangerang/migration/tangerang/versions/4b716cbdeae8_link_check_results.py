"""Link check results: one row per resource, the last check of its URL (logic/link_check.py).

Revision ID: 4b716cbdeae8
Revises:
Create Date: 2026-12-01 12:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "4b716cbdeae8"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tangerang_link_check",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("url", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("status", sa.UnicodeText, nullable=False, index=True),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.UnicodeText),
        sa.Column("checked_at", sa.DateTime, nullable=False, index=True),
        sa.Column("duration_ms", sa.Integer),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade():
    op.drop_table("tangerang_link_check")
