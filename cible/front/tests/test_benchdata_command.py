"""`cible benchdata`: a generated organisation, then fresh planner statistics."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cible.okrs.models import Objective
from cible.orgs.models import Organization


@pytest.mark.django_db(transaction=True)
def test_it_builds_the_organisation_and_prints_a_sign_in() -> None:
    # Outside a transaction: on PostgreSQL the statistics come with a VACUUM, which
    # refuses to run inside one.
    out = StringIO()

    call_command("benchdata", "--people", "12", "--org", "tiny", stdout=out)

    org = Organization.objects.get(slug="tiny")
    assert Objective.objects.filter(organization=org).exists()
    assert "person1@tiny.cible.test" in out.getvalue()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'okrs_objective'"
            )
            assert cursor.fetchone()[0] is not None


@pytest.mark.django_db
def test_too_few_people_or_a_taken_name_is_refused() -> None:
    with pytest.raises(CommandError, match="at least 4 people"):
        call_command("benchdata", "--people", "2", "--org", "few")
    call_command("benchdata", "--people", "4", "--org", "taken", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("benchdata", "--people", "4", "--org", "taken")
