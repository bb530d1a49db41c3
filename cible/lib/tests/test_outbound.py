"""The outbound client and its guard. Every socket here is on 127.0.0.1: the refused
addresses are given by a stubbed resolver, and any attempt to connect to them fails the
test before a packet leaves."""

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import urllib3.util.connection
from django.utils import translation

from cible.lib import outbound

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "127.0.0.1",
    "0.0.0.0",
    "224.0.0.251",
    "255.255.255.255",
    "240.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::10.0.0.1",
    "64:ff9b::a00:1",
    "2002:a00:1::",
    "2001:db8::1",
]


class Server:
    """A loopback HTTP server: answers each path as `routes` says, keeps what it got."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.seen.append((self.command, self.path, dict(self.headers)))
                status, headers, body = server.routes.get(self.path, (404, {}, b"nothing"))
                if status == 0:  # Not HTTP at all.
                    self.wfile.write(body)
                    return
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.thread.start()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()
    running.thread.join(timeout=5)


@pytest.fixture
def no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test, whatever the guard decided."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def answer_with(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """The resolver gives these addresses for any name; returns the names asked."""
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
        asked.append(host)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port) if ":" not in a else (a, port, 0, 0),
            )
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize("address", REFUSED)
def test_each_internal_address_class_is_refused_without_connecting(
    monkeypatch: pytest.MonkeyPatch, no_connection: None, address: str
) -> None:
    answer_with(monkeypatch, address)
    with pytest.raises(outbound.OutboundRefused) as refused:
        outbound.request("POST", "https://hooks.example.test/services/s3cr3t?token=abc", body=b"{}")
    assert refused.value.kind == "refused"
    assert "hooks.example.test" in str(refused.value)
    assert "CIBLE_OUTBOUND_ALLOW" in str(refused.value)
    assert "s3cr3t" not in str(refused.value) and "abc" not in str(refused.value)


@pytest.mark.parametrize("literal", ["10.0.0.1", "[::1]", "[::ffff:169.254.169.254]", "0.0.0.0"])
def test_an_internal_address_written_in_the_url_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_connection: None, literal: str
) -> None:
    answer_with(monkeypatch, literal.strip("[]"))
    with pytest.raises(outbound.OutboundRefused):
        outbound.request("GET", f"http://{literal}:8080/latest/meta-data/")


def test_a_name_with_one_internal_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_connection: None
) -> None:
    answer_with(monkeypatch, "93.184.216.34", "10.0.0.7")
    with pytest.raises(outbound.OutboundRefused):
        outbound.checked_addresses("mixed.example.test", 443, guard=True)


def test_a_public_address_passes_the_guard(
    monkeypatch: pytest.MonkeyPatch, no_connection: None
) -> None:
    answer_with(monkeypatch, "93.184.216.34", "2606:2800:220:1::1")
    addresses = outbound.checked_addresses("example.test", 443, guard=True)
    assert [str(a) for a in addresses] == ["93.184.216.34", "2606:2800:220:1::1"]


def test_a_listed_network_host_or_address_is_allowed(
    monkeypatch: pytest.MonkeyPatch, settings: Any, no_connection: None
) -> None:
    answer_with(monkeypatch, "10.0.8.20")
    settings.OUTBOUND_ALLOW = ["10.0.8.0/24"]
    assert [str(a) for a in outbound.checked_addresses("mm.internal", 443, True)] == ["10.0.8.20"]
    settings.OUTBOUND_ALLOW = ["MM.internal"]
    assert outbound.checked_addresses("mm.internal.", 443, True)
    settings.OUTBOUND_ALLOW = ["10.0.8.20"]
    assert outbound.checked_addresses("mm.internal", 443, True)
    settings.OUTBOUND_ALLOW = ["10.0.9.0/24", "other.internal"]
    with pytest.raises(outbound.OutboundRefused):
        outbound.checked_addresses("mm.internal", 443, True)


def test_an_allowed_ipv4_network_covers_its_mapped_ipv6_form(
    monkeypatch: pytest.MonkeyPatch, settings: Any, no_connection: None
) -> None:
    answer_with(monkeypatch, "::ffff:10.0.8.20")
    settings.OUTBOUND_ALLOW = ["10.0.8.0/24"]
    assert outbound.checked_addresses("mm.internal", 443, True)


def test_a_loopback_server_is_refused_by_default(server: Server) -> None:
    server.routes["/"] = (200, {}, b"ok")
    with pytest.raises(outbound.OutboundRefused):
        outbound.request("GET", server.url("/"))
    assert server.seen == []


def test_a_loopback_server_is_reached_when_the_operator_allows_it(
    server: Server, settings: Any
) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/v"] = (200, {"Content-Type": "application/json; charset=UTF-8"}, b'{"v":1}')
    answer = outbound.request("POST", server.url("/v"), body=b"{}", headers={"X-A": "b"})
    assert (answer.status, answer.body, answer.charset) == (200, b'{"v":1}', "utf-8")
    method, path, headers = server.seen[0]
    assert (method, path, headers["X-A"]) == ("POST", "/v", "b")


def test_the_guard_off_reaches_the_servers_own_loopback_address(server: Server) -> None:
    server.routes["/healthz"] = (200, {}, b"ok")
    assert outbound.request("GET", server.url("/healthz"), guard=False).body == b"ok"


def test_a_redirect_to_a_loopback_address_not_allowed_is_refused(
    server: Server, settings: Any
) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/go"] = (302, {"Location": f"http://127.0.0.2:{server.port}/in"}, b"")
    with pytest.raises(outbound.OutboundRefused):
        outbound.request("GET", server.url("/go"), redirects=5)
    assert [path for _m, path, _h in server.seen] == ["/go"]


def test_redirects_are_followed_checked_and_bounded(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/a"] = (301, {"Location": "/b"}, b"")
    server.routes["/b"] = (200, {}, b"there")
    server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    server.routes["/ftp"] = (302, {"Location": "file:///etc/passwd"}, b"")
    answer = outbound.request("GET", server.url("/a"), redirects=5)
    assert (answer.body, answer.url) == (b"there", server.url("/b"))
    with pytest.raises(outbound.OutboundError) as looping:
        outbound.request("GET", server.url("/loop"), redirects=3)
    assert looping.value.kind == "redirect"
    with pytest.raises(outbound.OutboundError) as elsewhere:
        outbound.request("GET", server.url("/ftp"), redirects=3)
    assert elsewhere.value.kind == "redirect"


def test_without_redirects_a_redirect_is_the_answer(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/a"] = (302, {"Location": "/b"}, b"")
    assert outbound.request("POST", server.url("/a"), body=b"x").status == 302
    assert [path for _m, path, _h in server.seen] == ["/a"]


def test_the_name_is_resolved_once_and_its_checked_address_is_the_one_connected(
    server: Server, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers an allowed address first, another one after."""
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/"] = (200, {}, b"first")
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2"])
    asked: list[str] = []

    def rebinding(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            asked.append(host)
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    answer = outbound.request("GET", f"http://rebind.test:{server.port}/")
    assert answer.body == b"first"
    assert asked == ["rebind.test"]
    assert server.seen[0][2]["Host"] == f"rebind.test:{server.port}"


def test_an_answer_too_large_fails_or_is_cut(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(outbound.OutboundError) as large:
        outbound.request("GET", server.url("/big"), max_bytes=1000)
    assert large.value.kind == "too_large"
    assert outbound.request("GET", server.url("/big"), max_bytes=10, truncate=True).body == (
        b"x" * 10
    )


def test_errors_never_quote_what_the_host_answered(server: Server, settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    server.routes["/garbage?key=s3cr3t"] = (0, {}, b"hunter2 is the password\r\n\r\n")
    with pytest.raises(outbound.OutboundError) as garbled:
        outbound.request("GET", server.url("/garbage?key=s3cr3t"))
    assert garbled.value.kind == "protocol"
    assert "hunter2" not in str(garbled.value) and "s3cr3t" not in str(garbled.value)


def test_a_closed_port_is_unreachable_and_https_to_plain_http_fails_tls(
    server: Server, settings: Any
) -> None:
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(outbound.OutboundError) as unreachable:
        outbound.request("GET", f"http://127.0.0.1:{closed}/")
    assert unreachable.value.kind == "connection_refused"
    assert "127.0.0.1 refused the connection." in str(unreachable.value)
    with pytest.raises(outbound.OutboundError) as tls:
        outbound.request("GET", f"https://127.0.0.1:{server.port}/", timeout=3)
    assert tls.value.kind in ("tls", "protocol")


def test_a_url_that_is_not_http_is_refused_before_anything(no_connection: None) -> None:
    for url in ("file:///etc/passwd", "ftp://example.test/", "http://", "http://a:99999/"):
        with pytest.raises(outbound.OutboundError) as bad:
            outbound.request("GET", url)
        assert bad.value.kind == "bad_address"


def test_the_refusal_is_translated(monkeypatch: pytest.MonkeyPatch, no_connection: None) -> None:
    answer_with(monkeypatch, "10.0.0.1")
    with translation.override("fr"), pytest.raises(outbound.OutboundRefused) as refused:
        outbound.request("GET", "http://wiki.internal/")
    assert "réseau privé" in str(refused.value)


def test_the_requests_session_goes_through_the_guard(
    server: Server, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import requests

    server.routes["/.well-known/openid-configuration"] = (200, {}, b'{"issuer": "x"}')
    server.routes["/moved"] = (302, {"Location": f"http://127.0.0.2:{server.port}/x"}, b"")
    session = outbound.session()
    with pytest.raises(requests.ConnectionError):
        session.get(server.url("/.well-known/openid-configuration"), timeout=3)
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    answer = session.get(server.url("/.well-known/openid-configuration"), timeout=3)
    assert answer.json() == {"issuer": "x"}
    with pytest.raises(requests.ConnectionError):
        session.get(server.url("/moved"), timeout=3)


def test_single_sign_on_discovery_goes_through_the_guard(server: Server, settings: Any) -> None:
    import requests
    from django.test import RequestFactory

    from cible.accounts.sso import SocialAccountAdapter

    server.routes["/.well-known/openid-configuration"] = (200, {}, b'{"issuer": "x"}')
    discovery = server.url("/.well-known/openid-configuration")
    adapter = SocialAccountAdapter(RequestFactory().get("/"))
    with adapter.get_requests_session() as session, pytest.raises(requests.ConnectionError):
        session.get(discovery)
    assert server.seen == []
    settings.OUTBOUND_ALLOW = ["127.0.0.1"]
    with adapter.get_requests_session() as session:
        assert session.get(discovery).json() == {"issuer": "x"}
