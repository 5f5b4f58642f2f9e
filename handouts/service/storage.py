"""Content-addressed storage for editions, previews and uploads, capped in size (LRU).

An object is a folder named by the digest of what made it, so the same request is answered
from disk and a URL can only name objects, never paths. An object is complete once its
`.complete` marker exists (written last); anything without it is unfinished work, hidden from
readers and removed when the service starts again. When the folder grows past its cap the
least recently used complete objects go first; objects in use by a running job are pinned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

KINDS = ("editions", "previews", "translations")
COMPLETE = ".complete"
_ID_RE = re.compile(r"^[0-9a-f]{32}$")
#: What a URL may name inside an object: plain names, no dot files, no '..'.
_INNER_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")


def digest(*parts: object) -> str:
    """An object id: 128 bits of SHA-256 over the JSON of what made it."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def valid_id(object_id: str) -> bool:
    return bool(_ID_RE.match(object_id))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class Store:
    def __init__(self, root: Path, cap_bytes: int):
        self.root = Path(root)
        self.cap_bytes = cap_bytes
        self._lock = threading.Lock()
        self._pinned: set[tuple[str, str]] = set()
        for kind in KINDS:
            (self.root / kind).mkdir(parents=True, exist_ok=True)
        self._discard_unfinished()

    def _discard_unfinished(self) -> None:
        """Work a stopped service left half done is never served, and its space comes back."""
        for kind in KINDS:
            for folder in (self.root / kind).iterdir():
                if folder.is_dir() and not (folder / COMPLETE).exists():
                    shutil.rmtree(folder, ignore_errors=True)

    def folder(self, kind: str, object_id: str) -> Path:
        if kind not in KINDS or not valid_id(object_id):
            raise ValueError(f"not an object: {kind}/{object_id}")
        return self.root / kind / object_id

    def complete(self, kind: str, object_id: str) -> Path | None:
        """The object's folder if it is finished (and marks it used), else None."""
        try:
            folder = self.folder(kind, object_id)
        except ValueError:
            return None
        marker = folder / COMPLETE
        if not marker.exists():
            return None
        os.utime(marker)  # least recently used is by this marker's time
        return folder

    def file(self, kind: str, object_id: str, inner: str) -> Path | None:
        """A file inside a finished object, or None: the only way a URL reaches the disk."""
        folder = self.complete(kind, object_id)
        if folder is None or not _INNER_RE.match(inner) or ".." in inner.split("/"):
            return None
        path = (folder / inner).resolve()
        if not path.is_file() or not path.is_relative_to(folder.resolve()):
            return None
        return path

    def start(self, kind: str, object_id: str) -> Path:
        """A fresh, pinned folder to build the object in (an unfinished one is cleared)."""
        folder = self.folder(kind, object_id)
        with self._lock:
            self._pinned.add((kind, object_id))
        if folder.exists() and not (folder / COMPLETE).exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def finish(self, kind: str, object_id: str) -> None:
        """Mark the object complete (the last write), unpin it, then keep under the cap."""
        folder = self.folder(kind, object_id)
        (folder / COMPLETE).write_text(json.dumps({"finished": time.time(),
                                                   "bytes": _size(folder)}))
        self.release(kind, object_id)
        self.evict()

    def release(self, kind: str, object_id: str) -> None:
        with self._lock:
            self._pinned.discard((kind, object_id))

    def abandon(self, kind: str, object_id: str) -> None:
        """A build that failed outright: nothing of it stays."""
        self.release(kind, object_id)
        folder = self.folder(kind, object_id)
        if not (folder / COMPLETE).exists():
            shutil.rmtree(folder, ignore_errors=True)

    def usage(self) -> list[tuple[float, int, str, str]]:
        """(last used, bytes, kind, id) of every complete object."""
        found = []
        for kind in KINDS:
            for marker in (self.root / kind).glob(f"*/{COMPLETE}"):
                try:
                    size = int(json.loads(marker.read_text()).get("bytes", 0))
                    found.append((marker.stat().st_mtime, size, kind, marker.parent.name))
                except (OSError, ValueError, AttributeError):
                    continue
        return found

    def evict(self) -> list[tuple[str, str]]:
        """Remove least recently used objects until the total is under the cap."""
        removed = []
        with self._lock:
            objects = sorted(self.usage())
            total = sum(size for _, size, _, _ in objects)
            for _, size, kind, object_id in objects:
                if total <= self.cap_bytes:
                    break
                if (kind, object_id) in self._pinned:
                    continue
                folder = self.root / kind / object_id
                (folder / COMPLETE).unlink(missing_ok=True)  # unreadable first, then gone
                shutil.rmtree(folder, ignore_errors=True)
                total -= size
                removed.append((kind, object_id))
        return removed
