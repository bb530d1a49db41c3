"""Sign-in throttling that slows password guessing and never locks out the right person.

Failures are counted in the cache, per (account, address) pair, per address and per
account. Past a few free failures a counter imposes an exponential back-off (1 s, 2 s,
4 s ... up to LONGEST_WAIT) measured from its latest failure; while it lasts the password
is not even checked, which is what stops the guessing. Nothing is counted before a password
is checked, so simultaneous correct sign-ins to one account are never refused.

What slows a pair or an address never slows another address: a guess from address A
delays the right password from address B only if the account has failed so often from so
many addresses (ACCOUNT_FREE) that every pair backs off from its first failure. Even then
the right password from a new address is checked and accepted: the attacker's guesses cost
the right person nothing more than one attempt per address costs the attacker.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

PAIR_FREE = 5  # failures of one account from one address before it waits
ADDRESS_FREE = 20  # failures from one address, all accounts together
ACCOUNT_FREE = 50  # failures of one account, all addresses together
FIRST_WAIT = 1  # seconds
LONGEST_WAIT = 15 * 60
MEMORY = 24 * 3600  # a counter is forgotten after a day without a failure

PREFIX = "cible:signin:"


@dataclass
class Count:
    failures: int = 0
    last: float = 0.0

    def wait(self, free: int, now: float) -> int:
        """Seconds left before the next attempt, once `free` failures are used up."""
        if self.failures < free:
            return 0
        backoff = min(FIRST_WAIT * 2 ** (self.failures - free), LONGEST_WAIT)
        return max(math.ceil(self.last + backoff - now), 0)


def now() -> float:
    return time.time()


def _digest(*parts: str) -> str:
    """Cache keys carry no address or account in clear (and stay short for memcached)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (ALLAUTH_TRUSTED_PROXY_COUNT); an IPv6
    address counts as its /64, which one client usually holds whole."""
    address = get_adapter(request).get_client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(request: HttpRequest, login: str) -> dict[str, str]:
    account = login.strip().lower()
    address = client_address(request)
    return {
        "pair": PREFIX + "pair:" + _digest(account, address),
        "address": PREFIX + "address:" + _digest(address),
        "account": PREFIX + "account:" + _digest(account),
    }


def _get(key: str) -> Count:
    value = cache.get(key)
    return Count(*value) if isinstance(value, tuple) else Count()


def wait_for(request: HttpRequest, login: str) -> int:
    """Seconds this address must wait before trying a password for `login`; 0: go ahead."""
    keys, moment = _keys(request, login), now()
    # Under a wide attack on the account every pair backs off from its first failure, but a
    # pair that has not failed yet (the right person on a new address) still gets its try.
    besieged = _get(keys["account"]).failures >= ACCOUNT_FREE
    pair_free = 1 if besieged else PAIR_FREE
    return max(
        _get(keys["pair"]).wait(pair_free, moment),
        _get(keys["address"]).wait(ADDRESS_FREE, moment),
    )


def failed(request: HttpRequest, login: str) -> None:
    # Two failures at the same instant may count as one: a few guesses more, never a
    # refusal of the right password.
    moment = now()
    for key in _keys(request, login).values():
        count = _get(key)
        cache.set(key, (count.failures + 1, moment), MEMORY)


def succeeded(request: HttpRequest, login: str) -> None:
    """The right password from this address: its pair starts afresh. The address's and the
    account's counts stay, or an attacker could wipe them with sign-ins of their own."""
    cache.delete(_keys(request, login)["pair"])


def message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many failed sign-ins from this address. Wait %(count)d second before "
            "trying again.",
            "Too many failed sign-ins from this address. Wait %(count)d seconds before "
            "trying again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed sign-ins from this address. Wait %(count)d minute before trying again.",
        "Too many failed sign-ins from this address. Wait %(count)d minutes before trying again.",
        minutes,
    ) % {"count": minutes}
