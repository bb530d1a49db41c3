"""The one HTTP client for every request the server makes to another host: webhooks, chat
messages, data sources, single sign-on discovery; and, with the guard off, the check-in
command and the local cluster's health checks.

The guard: the host name is resolved once, every address it gives is checked, and the
connection goes to the address that was checked (the Host header, TLS server name and
certificate check keep the name), so a name that answers differently the second time
(DNS rebinding) gains nothing. Loopback, private, shared, link-local (cloud metadata
services live there), multicast, unspecified and reserved addresses are refused, in IPv4
and IPv6 alike (an IPv6 address that embeds an IPv4 one is judged by it), unless the
operator lists the host, the address or its network in CIBLE_OUTBOUND_ALLOW. Each redirect
followed is checked the same way, and their number is bounded, as are the answer's size
and the time it takes.

Errors are `OutboundError`s whose text says what went wrong in a few words, in the active
language. It never quotes what the other host answered, nor the address's path, query or
credentials (a webhook's address is a secret).
"""

import ipaddress
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext
from urllib3.exceptions import (
    ConnectTimeoutError as Urllib3ConnectTimeout,
)
from urllib3.exceptions import (
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)


def _(message: str) -> str:
    # The local cluster's health checks run outside any Django project: no translation.
    return gettext(message) if settings.configured else message


TIMEOUT = 10.0  # seconds to connect, and for each read
MAX_BYTES = 5_000_000  # what is read of an answer at most
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "Cible"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Addresses that are reachable from the Internet in name only: the shared address space of
# carrier-grade NAT (where some clouds put their metadata service) and the IPv6 ranges that
# carry an IPv4 address.
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_COMPATIBLE = ipaddress.ip_network("::/96")


class OutboundError(Exception):
    """The request went nowhere, or came back unusable; `kind` says how, in one word:
    bad_address, refused (by the guard), not_found, connection_refused, unreachable,
    timeout, tls, disconnected, protocol, too_large, redirect."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class OutboundRefused(OutboundError):
    """The address is on a network the guard keeps the server away from."""

    def __init__(self, host: str) -> None:
        super().__init__(
            "refused",
            _(
                "The address %(host)s is on a private or internal network; the operator "
                "can allow it with CIBLE_OUTBOUND_ALLOW."
            )
            % {"host": host},
        )
        self.host = host


@dataclass
class Response:
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    # Where the answer came from, after the redirects followed.
    url: str
    # The redirects followed to get there, in order.
    history: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("Content-Type") or ""
        for part in content_type.split(";")[1:]:
            name, _sep, value = part.strip().partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


# The guard -------------------------------------------------------------------------------


def _embedded_v4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _NAT64_LOCAL or address in _COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_internal(address: IPAddress) -> bool:
    """True for an address the guard refuses unless the operator allows it."""
    embedded = _embedded_v4(address)
    if embedded is not None and is_internal(embedded):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.teredo is not None:
        return True  # Teredo hides the client's address: nothing to judge it by.
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or address in _SHARED
        or not address.is_global
    )


@dataclass(frozen=True)
class Allowed:
    """What CIBLE_OUTBOUND_ALLOW lets through: host names, addresses and networks."""

    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, items: Iterable[str]) -> "Allowed":
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for item in items:
            text = item.strip().strip("[]")
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                names.add(text.lower().rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def address(self, address: IPAddress) -> bool:
        candidates: list[IPAddress] = [address]
        embedded = _embedded_v4(address)
        if embedded is not None:
            candidates.append(embedded)
        return any(
            candidate.version == network.version and candidate in network
            for candidate in candidates
            for network in self.networks
        )


def allowed() -> Allowed:
    return Allowed.parse(getattr(settings, "OUTBOUND_ALLOW", []) or [])


def resolve(host: str, port: int) -> list[IPAddress]:
    """The host's addresses, in the resolver's order, each once."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise OutboundError(
            "not_found", _("The name %(host)s could not be found.") % {"host": host}
        ) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(host: str, port: int, guard: bool) -> list[IPAddress]:
    """Where to connect: the host's addresses, all of them checked. A name with one
    internal address among public ones is refused whole: it is how a rebinding starts."""
    addresses = resolve(host, port)
    if not addresses:
        raise OutboundError(
            "not_found", _("The name %(host)s could not be found.") % {"host": host}
        )
    if not guard:
        return addresses
    rules = allowed()
    if rules.host(host):
        return addresses
    for address in addresses:
        if is_internal(address) and not rules.address(address):
            raise OutboundRefused(host)
    return addresses


# Requests --------------------------------------------------------------------------------


def redacted(text: str, url: str) -> str:
    """The text without the address's credentials, path or query (they may hold a token)."""
    parts = urlsplit(url)
    secrets = [url, parts.path, parts.query]
    if parts.username or parts.password:
        secrets.append(parts.netloc.rpartition("@")[0])
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    host_header: str


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        port, parts = None, None  # type: ignore[assignment]
    if parts is None or parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise OutboundError("bad_address", _("The address is not an http:// or https:// address."))
    scheme = parts.scheme.lower()
    host = parts.hostname
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = shown if port in (None, default) else f"{shown}:{port}"
    return _Target(scheme, host, port or default, path, host_header)


def _pool(target: _Target, address: IPAddress, timeout: float) -> urllib3.HTTPConnectionPool:
    """A connection to `address` that speaks to `target.host`: Host header, TLS server
    name and certificate all name the host, never the address."""
    options: dict[str, Any] = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if target.scheme == "https":
        try:
            ipaddress.ip_address(target.host)
            server_name = None
        except ValueError:
            server_name = target.host
        return urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            assert_hostname=target.host,
            server_hostname=server_name,
            **options,
        )
    return urllib3.HTTPConnectionPool(str(address), target.port, **options)


def _failure(error: BaseException, host: str, timeout: float) -> OutboundError:
    # urllib3's NewConnectionError is a kind of ConnectTimeoutError: it comes first.
    if isinstance(error, (NewConnectionError, NameResolutionError, ProxyError)):
        if isinstance(error.__cause__ or error.__context__, ConnectionRefusedError):
            return OutboundError(
                "connection_refused", _("%(host)s refused the connection.") % {"host": host}
            )
        return OutboundError("unreachable", _("%(host)s could not be reached.") % {"host": host})
    if isinstance(error, (Urllib3ConnectTimeout, ReadTimeoutError, TimeoutError)):
        return OutboundError(
            "timeout",
            _("%(host)s did not answer within %(seconds)s seconds.")
            % {"host": host, "seconds": f"{timeout:g}"},
        )
    if isinstance(error, SSLError):
        return OutboundError("tls", _("The secure connection to %(host)s failed.") % {"host": host})
    cause = error.args[1] if isinstance(error, ProtocolError) and len(error.args) > 1 else error
    if isinstance(cause, ConnectionResetError):
        return OutboundError(
            "disconnected",
            _("%(host)s closed the connection without answering.") % {"host": host},
        )
    if isinstance(error, ConnectionError):
        return OutboundError("unreachable", _("%(host)s could not be reached.") % {"host": host})
    return OutboundError("protocol", _("%(host)s did not answer in HTTP.") % {"host": host})


def _read(
    answer: urllib3.BaseHTTPResponse, max_bytes: int, truncate: bool, deadline: float
) -> bytes:
    body = bytearray()
    for chunk in answer.stream(CHUNK):
        body += chunk
        if len(body) > max_bytes:
            if truncate:
                return bytes(body[:max_bytes])
            raise OutboundError(
                "too_large",
                _("The answer is larger than %(limit)s bytes.") % {"limit": max_bytes},
            )
        if time.monotonic() > deadline:
            raise TimeoutError
    return bytes(body)


def _send_once(
    method: str,
    target: _Target,
    body: bytes | None,
    headers: Mapping[str, str],
    timeout: float,
    max_bytes: int,
    truncate: bool,
    guard: bool,
) -> tuple[int, str, dict[str, str], bytes]:
    addresses = checked_addresses(target.host, target.port, guard)
    all_headers = {"User-Agent": USER_AGENT, **headers, "Host": target.host_header}
    # The whole exchange, not each read, is bounded: a host that trickles bytes stops too.
    deadline = time.monotonic() + 2 * timeout
    last: BaseException | None = None
    for address in addresses:
        pool = _pool(target, address, timeout)
        try:
            answer = pool.urlopen(
                method,
                target.path,
                body=body,
                headers=all_headers,
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
            )
            try:
                data = _read(answer, max_bytes, truncate, deadline)
                return answer.status, answer.reason or "", dict(answer.headers.items()), data
            finally:
                answer.release_conn()
        except NewConnectionError as error:
            last = error  # Try the next address the name gave, all of them checked.
        except (HTTPError, OSError, ValueError) as error:
            raise _failure(error, target.host, timeout) from None
        finally:
            pool.close()
    assert last is not None
    raise _failure(last, target.host, timeout) from None


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    truncate: bool = False,
    redirects: int = 0,
    guard: bool = True,
) -> Response:
    """Send one request and read its answer (at most `max_bytes`: beyond, an error, or the
    first bytes with `truncate`). Follows up to `redirects` redirects, each one checked as
    the first address was; with 0, a redirect is returned as the answer it is. `guard=False`
    is for the server's own addresses only (the check-in command, the local cluster)."""
    current = url
    history: list[str] = []
    sent_method, sent_body = method.upper(), body
    while True:
        target = _target(current)
        status, reason, answer_headers, data = _send_once(
            sent_method, target, sent_body, headers or {}, timeout, max_bytes, truncate, guard
        )
        location = answer_headers.get("Location") or answer_headers.get("location")
        if status not in REDIRECTS or not location or redirects <= 0:
            return Response(status, reason, answer_headers, data, current, history)
        if len(history) >= redirects:
            raise OutboundError(
                "redirect",
                _("The address redirects more than %(count)s times.") % {"count": redirects},
            )
        following = urljoin(current, location)
        if urlsplit(following).scheme.lower() not in SCHEMES:
            raise OutboundError(
                "redirect",
                _("The address redirects to an address that is not http:// or https://."),
            )
        history.append(current)
        if status == 303 or (status in (301, 302) and sent_method == "POST"):
            sent_method, sent_body = "GET", None
        current = following


# requests, for libraries that take a session (single sign-on discovery) ------------------


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """A requests transport that sends each request (each redirect too, as requests
    follows them one by one) through `request`, guard on."""

    def send(  # type: ignore[override]
        self,
        prepared: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        seconds = timeout[0] if isinstance(timeout, tuple) else timeout
        raw = prepared.body
        body = raw.encode() if isinstance(raw, str) else raw if isinstance(raw, bytes) else None
        try:
            answer = request(
                prepared.method or "GET",
                prepared.url or "",
                body=body,
                headers={
                    name: value if isinstance(value, str) else value.decode("latin-1")
                    for name, value in prepared.headers.items()
                },
                timeout=float(seconds or TIMEOUT),
            )
        except OutboundError as error:
            raise requests.ConnectionError(str(error), request=prepared) from None
        response = requests.Response()
        response.status_code = answer.status
        response.reason = answer.reason
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.url = answer.url
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.request = prepared
        response.connection = self
        return response


def session() -> requests.Session:
    """A requests session whose every request goes through the guard."""
    guarded = requests.Session()
    guarded.trust_env = False  # No proxy from the environment: the guard must see the host.
    adapter = GuardedAdapter()
    guarded.mount("http://", adapter)
    guarded.mount("https://", adapter)
    return guarded
