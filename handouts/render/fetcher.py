"""The only way a document may load anything: files inside templates/, nothing else.

Translations and contact details are untrusted; even if a URL slipped into the HTML, this
fetcher refuses http(s), data:, and file:// paths outside the templates directory (symlinks
resolved), and every refusal is recorded so the build can report it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_ASSET_BYTES = 5_000_000


class RefusedURL(ValueError):
    """A URL outside the project's own assets."""


class AssetFetcher(URLFetcher):
    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file"}, timeout=1)
        self.root = root.resolve()
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused to load {url!r}: only the project's own assets may load")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused to load {url!r}: not a file inside {self.root}")
        return path

    def fetch(self, url, headers=None):
        try:
            path = self.resolve(url)
        except RefusedURL as exc:
            self.refused.append(url)
            raise exc
        data = path.read_bytes()[:MAX_ASSET_BYTES]
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})
