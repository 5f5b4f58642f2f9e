"""The package as a new user gets it: `pip install .` into a fresh virtual environment, then the
`handouts` command from a folder that is not the checkout, makes the checkout's exact bytes."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from handouts import cli
from tests.conftest import PROJECT

ARGS = ["--locale", "es", "--handout", "287g-basics", "--paper", "letter", "--no-site"]


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out),
                str(PROJECT)], PROJECT)
    assert done.returncode == 0, done.stderr[-3000:]
    (found,) = out.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel (not editable) and its dependencies."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    done = run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
               home)
    assert done.returncode == 0, done.stderr[-3000:]
    return home


def test_wheel_ships_templates_catalogs_and_contacts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("handouts/templates/base.html", "handouts/templates/site/index.html",
                    "handouts/templates/handouts.css", "handouts/locales/messages.pot",
                    "handouts/locales/es/LC_MESSAGES/messages.po",
                    "handouts/locales/glossary.toml", "handouts/locales/mam/locale.toml",
                    "handouts/contacts/default.toml",
                    "handouts/render/pdf.py", "handouts/catalogs/rules.py"):
        assert shipped in names


def test_installed_command_outside_the_checkout_makes_the_same_bytes(installed, tmp_path):
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    done = run([str(installed / "bin" / "handouts"), *ARGS, "--out", "OUT"], elsewhere)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    theirs = elsewhere / "OUT" / "es" / "287g-basics-letter.pdf"
    here = tmp_path / "checkout"
    assert cli.main([*ARGS, "--out", str(here), "--jobs", "1"]) == 0
    ours = here / "es" / "287g-basics-letter.pdf"
    assert theirs.read_bytes() == ours.read_bytes()
    # and it read the shipped catalogs and templates, not this checkout's
    where = run([str(installed / "bin" / "python"), "-c",
                 "from handouts.sources import shipped; print(shipped('locales'))"], elsewhere)
    assert where.stdout.strip().startswith(str(installed)), where.stdout


def test_installed_catalog_commands_work_without_a_checkout(installed, tmp_path):
    done = run([str(installed / "bin" / "handouts"), "catalog", "check", "es"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0 error(s)" in done.stdout
    done = run([str(installed / "bin" / "handouts"), "catalog", "extract", "--check"], tmp_path)
    assert done.returncode == 0, done.stderr
