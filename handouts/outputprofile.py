"""The CMYK output ("prtr") profile of print-shop PDFs: FOGRA39, made here, never committed.

Ghostscript's `default_cmyk.icc` is AGPL-3+ data (Debian's copyright file for libgs-common), and
every print-shop PDF embeds its output profile. So setup makes one instead, from free data:
Fogra's FOGRA39 characterization (ISO 12647-2:2004 coated offset), shipped under the zlib
licence by Debian's icc-profiles-free, turned into a profile by ArgyllCMS's `colprof` (Debian's
argyll), whose profiles carry no claim of ArgyllCMS's authors (README, Print shop).

colprof stamps the creation time into the header; `reproducible()` sets it to a fixed date (the
characterization data's) and recomputes the profile ID if there is one, so every generation
writes the same bytes. Run `python -m handouts.outputprofile [PATH]` (`make setup` does).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Where the build looks for the profile: $HANDOUTS_CMYK_PROFILE, else inside the environment
#: (the virtual environment's share/, so it goes with the installed package).
ENV_VARIABLE = "HANDOUTS_CMYK_PROFILE"
DEFAULT_PATH = Path(sys.prefix) / "share" / "handouts" / "FOGRA39-argyll.icc"
#: Fogra's measurements, from Debian's icc-profiles-free (zlib licence).
CHARACTERIZATION = Path("/usr/share/color/icc/FOGRA39L.ti3")
PACKAGES = "argyll icc-profiles-free"
DESCRIPTION = ("FOGRA39 (ISO 12647-2:2004 coated), made with ArgyllCMS colprof from "
               "icc-profiles-free")
COPYRIGHT = ("Characterization data FOGRA39L by Fogra, distributed by Kai-Uwe Behrmann in "
             "icc-profiles-free under the zlib licence")
#: A medium-quality CMYK profile: black generated on a ramp (the usual GCR), the total ink
#: limited to 330 % as FOGRA39 presses expect, perceptual and saturation tables gamut-mapped
#: from sRGB (the palette's colour space), the measurements not copied into the profile.
COLPROF_OPTIONS = ("-qm", "-kr", "-l330", "-nc", "-M", "FOGRA39", "-D", DESCRIPTION,
                   "-C", COPYRIGHT)
SOURCE_GAMUT = Path("/usr/share/color/icc/sRGB.icc")
#: The header's creation date (ICC.1 7.2.1 dateTimeNumber): FOGRA39L.ti3's CREATED date.
FIXED_DATE = (2006, 12, 1, 0, 0, 0)
DATE_OFFSET, ID_OFFSET, HEADER_SIZE = 24, 84, 128


class ProfileError(RuntimeError):
    """The profile cannot be made: the message says what to install."""


def profile_path() -> Path:
    return Path(os.environ.get(ENV_VARIABLE) or DEFAULT_PATH)


def how_to_make(path: Path) -> str:
    return (f"make it with `python -m handouts.outputprofile {path}` (`make setup` "
            f"does; it needs the Debian packages {PACKAGES}, which scripts/system-deps.sh "
            f"installs), or point {ENV_VARIABLE} at a FOGRA39 CMYK output profile")


def profile_id(data: bytes) -> bytes:
    """ICC.1:2010 7.2.18: MD5 of the profile with the flags, rendering intent and ID zeroed."""
    zeroed = bytearray(data)
    zeroed[44:48] = zeroed[64:68] = bytes(4)
    zeroed[ID_OFFSET:ID_OFFSET + 16] = bytes(16)
    return hashlib.md5(bytes(zeroed)).digest()


def reproducible(data: bytes) -> bytes:
    """The profile with the fixed creation date, and its ID recomputed when it has one (an
    ICC v2 profile, as colprof writes, keeps the reserved zeros there)."""
    if len(data) < HEADER_SIZE or data[36:40] != b"acsp":
        raise ProfileError("not an ICC profile (no 'acsp' signature in the header)")
    fixed = bytearray(data)
    fixed[DATE_OFFSET:DATE_OFFSET + 12] = b"".join(v.to_bytes(2, "big") for v in FIXED_DATE)
    if any(fixed[ID_OFFSET:ID_OFFSET + 16]):
        fixed[ID_OFFSET:ID_OFFSET + 16] = profile_id(bytes(fixed))
    return bytes(fixed)


def colprof_command(basename: str) -> list[str]:
    colprof = shutil.which("colprof")
    if colprof is None or not CHARACTERIZATION.exists() or not SOURCE_GAMUT.exists():
        raise ProfileError(f"colprof or {CHARACTERIZATION} is missing: install the Debian "
                           f"packages {PACKAGES} (scripts/system-deps.sh does)")
    return [colprof, *COLPROF_OPTIONS, "-S", str(SOURCE_GAMUT), basename]


def make_profile(path: Path) -> bytes:
    """Run colprof on a copy of the characterization data; write the reproducible profile to
    path (atomically) and return its bytes."""
    with tempfile.TemporaryDirectory(prefix="handouts-icc-") as folder:
        work = Path(folder)
        shutil.copyfile(CHARACTERIZATION, work / "FOGRA39L.ti3")
        done = subprocess.run(colprof_command("FOGRA39L"), cwd=work, capture_output=True,
                              text=True)
        if done.returncode != 0 or not (work / "FOGRA39L.icc").exists():
            raise ProfileError(f"colprof failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-500:]}")
        data = reproducible((work / "FOGRA39L.icc").read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else profile_path()
    try:
        data = make_profile(path)
    except (ProfileError, OSError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
