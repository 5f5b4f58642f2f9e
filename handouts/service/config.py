"""The service's settings: each one a flag of `build_pdf.py web` and an environment variable.

Defaults suit one machine behind nothing: bound to localhost, small queues, short time limits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

ENV_PREFIX = "HANDOUTS_"


@dataclass(frozen=True)
class ServiceConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Finished editions, previews and uploads, content-addressed (see storage.py).
    storage: Path = Path("service-data")
    storage_mb: int = 2000
    #: Worker processes for whole editions, and for previews (kept apart so a long edition
    #: never delays a translator's preview).
    build_workers: int = 1
    preview_workers: int = 1
    #: Jobs waiting beyond the ones running; when full the service answers 503 + Retry-After.
    queue_size: int = 8
    job_seconds: int = 900
    preview_seconds: int = 60
    #: Requests and uploads.
    max_request_kb: int = 1024
    max_upload_kb: int = 512
    #: Per client address (X-Forwarded-For is trusted only from `trusted_proxy`).
    rate_per_minute: int = 120
    posts_per_minute: int = 20
    trusted_proxy: str = ""
    #: Signs the CSRF cookie; a random one per start when unset (forms then expire on restart).
    secret: str = ""
    #: Largest edition a form may ask for, in documents.
    max_documents: int = 200
    #: A Redis URL: editions' documents are laid out by `build_pdf.py worker` processes there
    #: (the edition task itself still runs in a build worker here, and writes the files).
    queue: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 **overrides: object) -> "ServiceConfig":
        """Defaults, then HANDOUTS_<NAME> variables, then explicit overrides (the flags)."""
        variables: Mapping[str, str] = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = variables.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            kind: type = type(f.default)
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: "
                                 f"not a valid {kind.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def documented() -> list[tuple[str, str, str]]:
    """(flag, environment variable, default) for each setting: the README's table."""
    return [(f"--{f.name.replace('_', '-')}", ENV_PREFIX + f.name.upper(), str(f.default))
            for f in fields(ServiceConfig)]
