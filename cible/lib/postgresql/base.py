"""Cible's PostgreSQL backend: Django's own, with statements bound on the server (and so
prepared once a connection has run them a few times: settings, CIBLE_DB_PREPARE), except
a statement with more parameters than PostgreSQL's protocol carries with them (65,535).
That one goes with its values written into it, as every statement does when binding stays
on the client. A whole-cycle read at 100,000 people is such a statement: a prefetch of the
key results of 220,000 objectives lists their ids."""

from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorWrapper as BaseCursorWrapper
from psycopg import adapters
from psycopg.pq import Format

# The Bind message of PostgreSQL's protocol counts its parameters in 16 bits.
MAX_BOUND_PARAMETERS = 2**16 - 1
TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid


class ClientBindingWhenTooMany:
    """For Django's cursor wrappers: swaps the cursor for a client-binding one before a
    statement with too many parameters."""

    cursor: Any
    db: "DatabaseWrapper"

    def execute(self, sql: Any, params: Any = None) -> Any:
        too_many = params is not None and len(params) > MAX_BOUND_PARAMETERS
        if too_many and not isinstance(self.cursor, (base.Cursor, base.ServerSideCursor)):
            name = getattr(self.cursor, "name", "")  # a named cursor: .iterator()
            self.cursor.close()
            self.cursor = self.db.client_binding_cursor(name)
        return super().execute(sql, params)  # type: ignore[misc]


class CursorWrapper(ClientBindingWhenTooMany, BaseCursorWrapper):
    pass


class CursorDebugWrapper(ClientBindingWhenTooMany, base.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def make_cursor(self, cursor: Any) -> CursorWrapper:
        return CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor: Any) -> CursorDebugWrapper:
        return CursorDebugWrapper(cursor, self)

    def client_binding_cursor(self, name: str = "") -> Any:
        """The cursor Django makes without server-side binding, named or not."""
        django_base: Any = base  # its stubs know these cursors without their arguments
        cursor: Any
        if name:
            cursor = django_base.ServerSideCursor(
                self.connection, name=name, scrollable=False, withhold=self.connection.autocommit
            )
        else:
            cursor = django_base.Cursor(self.connection)
        loader = self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if self.timezone != loader.timezone:
            register_tzloader(self.timezone, cursor)
        return cursor
