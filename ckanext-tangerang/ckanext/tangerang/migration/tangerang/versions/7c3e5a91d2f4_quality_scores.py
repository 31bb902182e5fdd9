"""Quality scores: one row per dataset, its last computed score and parts (logic/quality.py).

Revision ID: 7c3e5a91d2f4
Revises: 9c1d7e52a3f0
Create Date: 2026-12-01 14:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "7c3e5a91d2f4"
down_revision = "9c1d7e52a3f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tangerang_quality",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("score", sa.Integer, nullable=False, index=True),
        sa.Column("parts", JSONB, nullable=False),
        sa.Column("computed_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("tangerang_quality")
