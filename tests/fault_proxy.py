"""A fault-injecting HTTP proxy for reliability tests (127.0.0.1 only, stdlib asyncio).

Each incoming request takes the next fault from `schedule` (then `default` once it is empty):
  pass      forward to the upstream server and relay its answer
  500       answer 500 without forwarding
  429       answer 429 with `Retry-After: <retry_after>`
  stall     say nothing for `stall_s` seconds (past the client's timeout), then hang up
  truncate  forward, relay the headers and half the body, then hang up (body shorter than
            its Content-Length)
  bad_json  forward, relay half the body with a matching Content-Length (well-formed HTTP,
            broken JSON)
  drop      hang up as soon as the request is read
One request per connection (`Connection: close`), which keeps the relay simple. The proxy runs
its own event loop in a daemon thread so a test can drive a synchronous client against it.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field

FAULTS = ("pass", "500", "429", "stall", "truncate", "bad_json", "drop")


@dataclass
class FaultProxy:
    upstream_port: int
    schedule: list[str] = field(default_factory=list)
    default: str = "pass"
    retry_after: float = 1.0
    stall_s: float = 5.0
    port: int = 0
    seen: Counter = field(default_factory=Counter)  # fault -> times injected
    auth_headers: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        bad = [f for f in [*self.schedule, self.default] if f not in FAULTS]
        if bad:
            raise ValueError(f"unknown faults {bad}")
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> FaultProxy:
        ready = threading.Event()

        def main() -> None:
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        assert self._thread is not None
        self._thread.join(10)
        self._loop = None

    def set(self, *, schedule: list[str] | None = None, default: str | None = None) -> None:
        with self._lock:
            if schedule is not None:
                self.schedule = list(schedule)
            if default is not None:
                self.default = default

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> int:
        return sum(self.seen.values())

    def _next_fault(self) -> str:
        with self._lock:
            fault = self.schedule.pop(0) if self.schedule else self.default
            self.seen[fault] += 1
            return fault

    # ------------------------------------------------------------------ HTTP
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.paths.append(lines[0].split(" ")[1] if " " in lines[0] else "")
            self.auth_headers.append(headers.get("authorization", ""))
            fault = self._next_fault()
            if fault == "drop":
                return
            if fault == "stall":
                await asyncio.sleep(self.stall_s)
                return
            if fault in ("500", "429"):
                extra = f"Retry-After: {self.retry_after:g}\r\n" if fault == "429" else ""
                payload = b'{"error": {"message": "injected fault"}}'
                writer.write((f"HTTP/1.1 {fault} Injected\r\nContent-Type: application/json\r\n"
                              f"Content-Length: {len(payload)}\r\n{extra}Connection: close\r\n\r\n"
                              ).encode() + payload)
                await writer.drain()
                return
            status_line, resp_headers, resp_body = await self._forward(lines[0], headers, body)
            if fault == "pass":
                cut, length = resp_body, len(resp_body)
            elif fault == "truncate":
                cut, length = resp_body[: len(resp_body) // 2], len(resp_body)
            else:  # bad_json
                cut = resp_body[: len(resp_body) // 2]
                length = len(cut)
            out = [status_line] + [f"{k}: {v}" for k, v in resp_headers
                                   if k.lower() not in ("content-length", "connection",
                                                        "transfer-encoding")]
            out += [f"Content-Length: {length}", "Connection: close", "", ""]
            writer.write("\r\n".join(out).encode("latin-1") + cut)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _forward(self, request_line: str, headers: dict[str, str],
                       body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        r, w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            fwd = {k: v for k, v in headers.items() if k not in ("connection", "host")}
            fwd["host"] = f"127.0.0.1:{self.upstream_port}"
            fwd["connection"] = "close"
            fwd["content-length"] = str(len(body))
            w.write((request_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fwd.items())
                     + "\r\n").encode("latin-1") + body)
            await w.drain()
            raw = await asyncio.wait_for(r.read(), 300)
        finally:
            w.close()
        head, _, rest = raw.partition(b"\r\n\r\n")
        hlines = head.decode("latin-1").split("\r\n")
        resp_headers = [tuple(x.strip() for x in h.split(":", 1)) for h in hlines[1:] if ":" in h]
        if any(k.lower() == "transfer-encoding" and "chunked" in v.lower()
               for k, v in resp_headers):
            rest = _dechunk(rest)
        return hlines[0], resp_headers, rest  # type: ignore[return-value]


def _dechunk(data: bytes) -> bytes:
    out, i = b"", 0
    while True:
        j = data.index(b"\r\n", i)
        size = int(data[i:j].split(b";")[0], 16)
        if size == 0:
            return out
        out += data[j + 2 : j + 2 + size]
        i = j + 2 + size + 2
