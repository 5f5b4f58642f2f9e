"""A translator's uploaded catalog, set beside copies of the shipped template and glossaries.

The upload never touches the project's locales folder: it goes into its own storage object
(locales/<code>/LC_MESSAGES/messages.po next to copies of messages.pot and the glossaries),
and the check and preview read that folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..catalogs import LocaleError, locale_info
from ..sources import catalog_path


class UploadError(ValueError):
    """An upload that cannot be checked; str() says why in plain words."""


def decode(data: bytes, max_bytes: int) -> str:
    if not data:
        raise UploadError("The file is empty. Choose your messages.po file.")
    if len(data) > max_bytes:
        raise UploadError(f"The file is {len(data) // 1024} KB; the limit is "
                          f"{max_bytes // 1024} KB.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UploadError(f"Line {line} is not UTF-8. Save the file as UTF-8 and try "
                          "again.") from None


def known_locale(code: str) -> str:
    """The code, if the build can lay it out (CLDR knows it); else UploadError."""
    if not code:
        raise UploadError("Choose the language, or set the Language header of the file.")
    try:
        locale_info(code)
    except LocaleError:
        raise UploadError(f"{code!r} is not a locale code CLDR knows (examples: es, pt_BR, "
                          "zh_Hant).") from None
    return code


def overlay(folder: Path, code: str, data: bytes, shipped_locales: Path) -> Path:
    """folder/locales: the shipped template and glossaries, and the upload as <code>'s
    catalog. Returns that locales folder."""
    locales = folder / "locales"
    target = catalog_path(locales, code)
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in ("messages.pot", "glossary.toml"):
        if (shipped_locales / name).exists():
            shutil.copyfile(shipped_locales / name, locales / name)
    for name in ("glossary.toml", "locale.toml"):
        if (shipped_locales / code / name).is_file():
            shutil.copyfile(shipped_locales / code / name, locales / code / name)
    target.write_bytes(data)
    return locales
