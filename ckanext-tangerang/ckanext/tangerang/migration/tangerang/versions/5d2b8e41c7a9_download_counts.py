"""Download counts: one row per resource per day, incremented on every download through the portal
(logic/downloads.py).

Revision ID: 5d2b8e41c7a9
Revises: 7c3e5a91d2f4
Create Date: 2026-12-01 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5d2b8e41c7a9"
down_revision = "7c3e5a91d2f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tangerang_download",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("tangerang_download")
