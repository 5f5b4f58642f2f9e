"""`python build_pdf.py serve`: the download site on localhost, to preview it as a host would.

The standard library's file server, bound to 127.0.0.1 only: nothing here is meant to be
reachable from another machine.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class _Server(ThreadingHTTPServer):
    verbose = False


class _QuietHandler(SimpleHTTPRequestHandler):
    server: _Server

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".webp": "image/webp", ".js": "text/javascript", ".zip": "application/zip"}

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if self.server.verbose:
            super().log_message(format, *args)


def make_server(site_dir: Path, port: int = DEFAULT_PORT, *, verbose: bool = False
                ) -> _Server:
    """A server for site_dir on 127.0.0.1:port (0 picks a free port); call serve_forever()."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir / 'index.html'}: no site to serve; build it first "
                                "(`python build_pdf.py site` or the default build)")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = _Server((HOST, port), handler)
    server.verbose = verbose
    return server


def url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"


def serve(site_dir: Path, port: int = DEFAULT_PORT) -> None:
    """Serve until Ctrl+C."""
    with make_server(site_dir, port, verbose=True) as server:
        print(f"Serving {site_dir} at {url(server)} (Ctrl+C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nstopped")
