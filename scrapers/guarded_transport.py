"""An httpx transport whose every new connection goes through the address policy.

httpx's own transport resolves and connects inside httpcore, out of our reach. This one
builds the same httpcore connection pool with a network backend of ours: each TCP
connection (first request, each redirect hop to a new host, robots.txt) first resolves
the host, refuses it if any address is not public (`scrapers.addresses`), then connects to
a checked address itself, so a DNS answer that changes between check and connect (DNS
rebinding) cannot reach an internal address. TLS still verifies the certificate against
the host name. Only public APIs of httpx and httpcore are used.
"""
from __future__ import annotations

import socket
import ssl
import typing

import certifi
import httpcore
import httpx

from scrapers.addresses import AddressPolicy

_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    # most specific first
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _mapped(exc: Exception) -> Exception:
    for source, target in _EXCEPTIONS:
        if isinstance(exc, source):
            return target(str(exc))
    return exc


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks the host, then connects to one of its checked addresses."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self.policy.addresses(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"[Errno {exc.errno}] Name or service not known: {host}") from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(str(address), port, timeout=timeout,
                                                    local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None):
        raise httpcore.ConnectError("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: typing.AsyncIterable[bytes]):
        self.stream = stream

    async def __aiter__(self) -> typing.AsyncIterator[bytes]:
        try:
            async for part in self.stream:
                yield part
        except Exception as exc:
            mapped = _mapped(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        closer = getattr(self.stream, "aclose", None)
        if closer is not None:
            await closer()


class GuardedTransport(httpx.AsyncBaseTransport):
    """`httpx.AsyncClient(transport=GuardedTransport(policy))`: HTTP/1.1, TLS verified."""

    def __init__(self, policy: AddressPolicy, max_connections: int = 100):
        context = ssl.create_default_context(cafile=certifi.where())
        self.pool = httpcore.AsyncConnectionPool(
            ssl_context=context, max_connections=max_connections, max_keepalive_connections=20,
            keepalive_expiry=5.0, http1=True, http2=False, network_backend=GuardedBackend(policy))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        try:
            response = await self.pool.handle_async_request(core_request)
        except Exception as exc:
            mapped = _mapped(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        assert isinstance(response.stream, typing.AsyncIterable)
        return httpx.Response(status_code=response.status, headers=response.headers,
                              stream=_Body(response.stream), extensions=response.extensions)

    async def aclose(self) -> None:
        await self.pool.aclose()
