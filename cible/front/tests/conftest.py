"""Fixtures of the backup and fault tests: a real installation, outside pytest-django's
test database (see instance.py)."""

from collections.abc import Iterator

import pytest

from cible.front.tests.instance import Instance, new_instance, postgres_url, throwaway_name


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """Migrated, with the demo organisation: built once, copied for each test."""
    template = new_instance(tmp_path_factory.mktemp("template"))
    yield template
    template.destroy()


@pytest.fixture
def instance(
    demo_template: Instance, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Instance]:
    """A fresh copy of the demo installation: its own data folder and database."""
    pg_name = throwaway_name("copy") if postgres_url() else None
    copy = demo_template.copy_to(tmp_path_factory.mktemp("cible"), pg_name)
    yield copy
    copy.destroy()
