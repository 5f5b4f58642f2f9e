"""The print-shop output profile: FOGRA39 made by colprof at setup, the same bytes every time,
and the one profile print-shop PDFs embed.

Making it takes about a minute (colprof); the test that makes it again compares with the one
setup made (`make setup`), so the suite pays for one generation.
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from handouts import outputprofile
from handouts.render import printshop
from tests.conftest import PROJECT

#: The ICC's own sRGB profile (shipped by WeasyPrint): an ICC v2 profile that carries an ID.
SRGB2014 = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


@pytest.fixture(scope="module")
def installed() -> bytes:
    path = outputprofile.profile_path()
    assert path.exists(), f"{path}: {outputprofile.how_to_make(path)}"
    return path.read_bytes()


def test_profile_id_is_the_md5_of_icc_1_2010_7_2_18():
    assert outputprofile.profile_id(SRGB2014) == SRGB2014[84:100]


def test_reproducible_fixes_the_date_and_recomputes_an_id():
    made_later = bytearray(SRGB2014)
    made_later[24:36] = bytes.fromhex("07ea000c0001001700280009")  # 2026-12-01 23:40:09
    fixed = outputprofile.reproducible(bytes(made_later))
    assert fixed[24:36] == bytes.fromhex("07d6000c0001000000000000")  # 2006-12-01 00:00:00
    assert fixed[84:100] == outputprofile.profile_id(fixed) != SRGB2014[84:100]
    assert fixed[:24] == SRGB2014[:24] and fixed[100:] == SRGB2014[100:]


def test_reproducible_keeps_the_reserved_zeros_of_a_profile_without_an_id(installed):
    assert installed[84:100] == bytes(16)
    assert outputprofile.reproducible(installed) == installed


def test_reproducible_refuses_what_is_not_an_icc_profile():
    with pytest.raises(outputprofile.ProfileError, match="not an ICC profile"):
        outputprofile.reproducible(b"%PDF-1.6" + bytes(200))


def test_the_installed_profile_is_fogra39_cmyk_output(installed):
    assert installed[12:20] == b"prtrCMYK" and installed[20:24] == b"Lab "
    assert installed[24:36] == bytes.fromhex("07d6000c0001000000000000")
    assert outputprofile.DESCRIPTION.encode() in installed
    assert b"Fogra" in installed and b"zlib" in installed       # the data's origin, credited


def test_two_generations_are_byte_identical(tmp_path, installed):
    again = outputprofile.make_profile(tmp_path / "again.icc")
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(installed).hexdigest()
    assert (tmp_path / "again.icc").read_bytes() == again


def test_the_profile_is_found_where_the_environment_says(tmp_path, monkeypatch):
    planted = tmp_path / "elsewhere.icc"
    monkeypatch.setenv(outputprofile.ENV_VARIABLE, str(planted))
    assert outputprofile.profile_path() == planted
    assert printshop.profile_digest() == "absent"
    planted.write_bytes(SRGB2014)
    assert printshop.profile_digest(planted) == hashlib.sha256(SRGB2014).hexdigest()


def test_a_missing_profile_says_how_to_make_it(tmp_path):
    with pytest.raises(printshop.PrintShopError,
                       match=r"none\.icc: .*python -m handouts\.outputprofile .*none\.icc"
                             r".*argyll icc-profiles-free"):
        printshop.cmyk_profile(tmp_path / "none.icc")


def test_without_colprof_the_message_names_the_packages(tmp_path, monkeypatch):
    monkeypatch.setattr(outputprofile.shutil, "which", lambda name: None)
    assert outputprofile.main([str(tmp_path / "x.icc")]) == 1
    with pytest.raises(outputprofile.ProfileError, match="argyll icc-profiles-free"):
        outputprofile.make_profile(tmp_path / "x.icc")
    assert not (tmp_path / "x.icc").exists()


def test_the_readme_shows_the_command_the_generator_runs(installed):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\ncolprof ", 1)[1].split("\n```", 1)[0]
    shown = shlex.split("colprof " + block.replace("\\\n", " "))
    assert shown == ["colprof", *outputprofile.COLPROF_OPTIONS, "-S",
                     str(outputprofile.SOURCE_GAMUT), "FOGRA39L"]
    assert f"about {round(len(installed) / 1000)} KB" in " ".join(readme.split())
    ti3 = outputprofile.CHARACTERIZATION.read_text(encoding="ascii")
    assert "NUMBER_OF_SETS 1617" in ti3 and "1617 patches" in readme


def test_by_default_made_and_found_inside_the_environment(monkeypatch, tmp_path):
    """`python -m handouts.outputprofile` with no path writes where the build then looks."""
    monkeypatch.delenv(outputprofile.ENV_VARIABLE, raising=False)
    expected = Path(sys.prefix) / "share" / "handouts" / "FOGRA39-argyll.icc"
    assert outputprofile.profile_path() == expected
    written = []
    monkeypatch.setattr(outputprofile, "make_profile",
                        lambda path: written.append(path) or SRGB2014)
    assert outputprofile.main([]) == 0 and written == [expected]
