"""Alembic environment of ckanext-tangerang's own tables (the layout of CKAN's `ckan generate migration`).

The version table is ``tangerang_alembic_version`` and autogenerate looks only at tables named ``tangerang*``, so
core's and other plugins' tables are never touched from here."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from ckan.model.meta import metadata
from sqlalchemy import engine_from_config, pool

config = context.config
fileConfig(config.config_file_name)
target_metadata = metadata
name = os.path.basename(os.path.dirname(__file__))


def include_object(object, object_name, type_, reflected, compare_to):
    return object_name.startswith(name) if type_ == "table" else True


def _run(**connection: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        version_table=f"{name}_alembic_version",
        include_object=include_object,
        **connection,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        _run(connection=connection)
