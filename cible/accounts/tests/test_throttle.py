"""Sign-in throttling: failed passwords slow the address that guesses, with a back-off
that doubles, and never the right password from another address (cible/accounts/throttle.py).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory

from cible.accounts import throttle
from cible.tests.concurrency import race
from conftest import PASSWORD

LOGIN_URL = "/accounts/login/"
ALICE = "alice@acme.test"
ATTACKER = "203.0.113.66"
ALICE_HOME = "198.51.100.20"


class Clock:
    def __init__(self) -> None:
        self.time = 1_800_000_000.0

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    cache.clear()
    clock = Clock()
    monkeypatch.setattr(throttle, "now", clock)
    yield clock
    cache.clear()


def sign_in(address: str, password: str, login: str = ALICE, **headers: Any) -> Client:
    client = Client(REMOTE_ADDR=address, **headers)
    client.response = client.post(LOGIN_URL, {"login": login, "password": password})  # type: ignore[attr-defined]
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def refused_for(client: Client) -> str:
    errors = client.response.context["form"].non_field_errors()  # type: ignore[attr-defined]
    return " ".join(errors)


@pytest.mark.django_db
def test_the_first_failures_are_free_then_the_address_waits_a_second(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE):
        assert "Wait" not in refused_for(sign_in(ATTACKER, "guess"))

    client = sign_in(ATTACKER, PASSWORD)

    assert not signed_in(client)
    assert "Wait 1 second before trying again." in refused_for(client)


@pytest.mark.django_db
def test_the_back_off_doubles_with_each_failure(world, clock) -> None:
    waits = []
    for _ in range(throttle.PAIR_FREE + 5):
        sign_in(ATTACKER, "guess")
        waits.append(throttle.wait_for(request_from(ATTACKER), ALICE))
        clock.advance(waits[-1])

    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32]


@pytest.mark.django_db
def test_the_back_off_stops_at_the_longest_wait(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE + 20):
        throttle.failed(request_from(ATTACKER), ALICE)

    assert throttle.wait_for(request_from(ATTACKER), ALICE) == throttle.LONGEST_WAIT
    assert "Wait 15 minutes before trying again." in refused_for(sign_in(ATTACKER, "guess"))


@pytest.mark.django_db
def test_during_the_back_off_no_password_is_checked(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE + 3):
        throttle.failed(request_from(ATTACKER), ALICE)
    failures = cache.get(throttle._keys(request_from(ATTACKER), ALICE)["pair"])[0]

    for _ in range(10):
        sign_in(ATTACKER, "guess")

    # Refused guesses are not even counted: the password was not tried.
    assert cache.get(throttle._keys(request_from(ATTACKER), ALICE)["pair"])[0] == failures
    clock.advance(throttle.FIRST_WAIT * 2**3)
    assert signed_in(sign_in(ATTACKER, PASSWORD))


@pytest.mark.django_db
def test_the_right_password_from_a_new_address_passes_during_an_attack(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE + 10):
        sign_in(ATTACKER, "guess")
        clock.advance(throttle.LONGEST_WAIT)

    assert signed_in(sign_in(ALICE_HOME, PASSWORD))


@pytest.mark.django_db
def test_the_right_password_from_a_new_address_passes_an_attack_from_many(world, clock) -> None:
    for n in range(throttle.ACCOUNT_FREE + 10):
        throttle.failed(request_from(f"203.0.113.{n % 250}"), ALICE)

    assert signed_in(sign_in(ALICE_HOME, PASSWORD))


@pytest.mark.django_db
def test_under_an_attack_from_many_addresses_each_waits_after_its_first_failure(
    world, clock
) -> None:
    for n in range(throttle.ACCOUNT_FREE):
        throttle.failed(request_from(f"203.0.113.{n}"), ALICE)

    sign_in("192.0.2.1", "guess")

    assert "Wait 1 second" in refused_for(sign_in("192.0.2.1", "guess"))


@pytest.mark.django_db
def test_one_address_guessing_many_accounts_waits_for_all_of_them(world, clock) -> None:
    for n in range(throttle.ADDRESS_FREE):
        sign_in(ATTACKER, "guess", login=f"person{n}@acme.test")

    assert "Wait 1 second" in refused_for(sign_in(ATTACKER, PASSWORD))
    assert signed_in(sign_in(ALICE_HOME, PASSWORD))


@pytest.mark.django_db
def test_the_right_password_clears_the_failures_of_its_address(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE - 1):
        sign_in(ALICE_HOME, "typo")
    assert signed_in(sign_in(ALICE_HOME, PASSWORD))

    for _ in range(throttle.PAIR_FREE - 1):
        sign_in(ALICE_HOME, "typo")

    assert signed_in(sign_in(ALICE_HOME, PASSWORD))


@pytest.mark.django_db
def test_an_ipv6_client_counts_as_its_whole_64_block(world, clock) -> None:
    for n in range(throttle.PAIR_FREE):
        throttle.failed(request_from(f"2001:db8:1:2::{n + 1}"), ALICE)

    assert throttle.wait_for(request_from("2001:db8:1:2:ffff::9"), ALICE) == 1
    assert throttle.wait_for(request_from("2001:db8:1:3::1"), ALICE) == 0


@pytest.mark.django_db
def test_the_failures_of_an_account_are_counted_whatever_its_case(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE):
        sign_in(ATTACKER, "guess", login="ALICE@acme.test")

    assert throttle.wait_for(request_from(ATTACKER), " alice@acme.test") == 1


@pytest.mark.django_db
def test_the_message_is_in_french(world, clock) -> None:
    for _ in range(throttle.PAIR_FREE + 1):
        throttle.failed(request_from(ATTACKER), ALICE)

    client = sign_in(ATTACKER, PASSWORD, HTTP_ACCEPT_LANGUAGE="fr")

    assert "Attendez 2 secondes avant de réessayer." in refused_for(client)


def test_long_waits_are_told_in_minutes() -> None:
    assert throttle.message(1).endswith("Wait 1 second before trying again.")
    assert throttle.message(119).endswith("Wait 119 seconds before trying again.")
    assert throttle.message(121).endswith("Wait 3 minutes before trying again.")


# Simultaneous correct sign-ins to one account: allauth's limit counted each attempt
# before checking it, so the sixth sign-in in flight was refused.


def request_from(address: str) -> HttpRequest:
    return RequestFactory().post(LOGIN_URL, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_correct_sign_ins_in_flight_together_are_all_accepted(world) -> None:
    adapter = get_adapter()
    requests = [request_from(ALICE_HOME) for _ in range(12)]
    credentials = {"email": ALICE, "password": PASSWORD}

    for request in requests:  # every request has started before any has finished
        try:
            adapter.pre_authenticate(request, **credentials)
        except ValidationError as error:
            pytest.fail(f"a correct sign-in was refused: {error}")

    assert all(adapter.authenticate(request, **credentials) for request in requests)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_parallel_correct_sign_ins_all_pass(world) -> None:
    """Real threads (PostgreSQL: SQLite's in-memory test database locks fail at once)."""
    results = race(lambda: signed_in(sign_in(ALICE_HOME, PASSWORD)), runners=8)

    assert results == [True] * 8
