"""Alembic migrations, shipped as package data so an installed wheel can migrate its database."""
