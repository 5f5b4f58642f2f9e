"""The README documents what the code has: every command and option, every module."""

from __future__ import annotations

import argparse
import re

from handouts.cli.parser import make_parser
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def _between(start: str, end: str) -> str:
    return README[README.index(start):README.index(end)]


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings
            if o.startswith("--") and o != "--help"}


def parser_commands() -> dict[str, set[str]]:
    """'build' -> its options, ..., 'catalog check' -> its options."""
    found = {}
    for name, sub in _subparsers(make_parser()).choices.items():
        if name == "catalog":
            for action, parser in _subparsers(sub).choices.items():
                found[f"catalog {action}"] = _options(parser)
        else:
            found[name] = _options(sub)
    return found


def readme_commands() -> dict[str, set[str]]:
    table = _between("<!-- commands:start", "<!-- commands:end")
    found = {}
    for row in re.findall(r"^\| `([a-z ]+)` \|[^|]*\|([^|]*)\|$", table, re.MULTILINE):
        found[row[0]] = set(re.findall(r"`(--[a-z-]+)`", row[1]))
    return found


def test_readme_lists_every_command_and_option_of_the_parser():
    assert readme_commands() == parser_commands()


def test_readme_lists_every_module_of_the_package():
    block = _between("<!-- modules:start", "<!-- modules:end")
    listed, folder = set(), ""
    for line in block.splitlines():
        if match := re.match(r"^  (\w+)/\s", line):
            folder = match[1] + "/"
        elif match := re.match(r"^    (\w+\.py)\s", line):
            listed.add(folder + match[1])
        elif match := re.match(r"^  (\w+\.py)\s", line):
            listed.add(match[1])
            folder = ""
    package = PROJECT / "handouts"
    actual = {p.relative_to(package).as_posix() for p in package.rglob("*.py")
              if "__pycache__" not in p.parts and not p.name.startswith("__")}
    assert listed == actual


def test_babel_cfg_and_the_built_in_mapping_agree():
    """pybabel users read babel.cfg; the package extracts with the same mapping as data."""
    from babel.messages.frontend import parse_mapping_cfg

    from handouts.catalogs import extract

    with open(PROJECT / "babel.cfg", encoding="utf-8") as handle:
        methods, options = parse_mapping_cfg(handle)
    assert methods == extract.METHOD_MAP
    assert options == extract.OPTIONS_MAP


def test_readme_documents_every_service_setting():
    from handouts.service.config import documented
    table = _between("<!-- service-settings:start", "<!-- service-settings:end")
    rows = re.findall(r"^\| `(--[a-z-]+)` \| `([A-Z_]+)` \| ([^|]+) \|", table, re.MULTILINE)
    expected = [(flag, env) for flag, env, _ in documented()]
    assert [(flag, env) for flag, env, _ in rows] == expected
    for (flag, _, default), (_, _, shown) in zip(documented(), rows, strict=True):
        if default:
            assert shown.strip() == f"`{default}`", flag


def test_every_test_named_in_security_md_exists():
    """docs/SECURITY.md's tables name the test that proves each row: it must exist."""
    text = (PROJECT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", text))
    defined = {name for path in (PROJECT / "tests").glob("test_*.py")
               for name in re.findall(r"^def (test_[a-z0-9_]+)",
                                      path.read_text(encoding="utf-8"), re.MULTILINE)}
    assert named and sorted(named - defined) == []


def test_readme_counts_the_languages_as_they_are():
    from handouts.catalogs import available_locales, load, locale_info, wanted_locales
    from tests.conftest import LOCALES
    block = _between("<!-- languages:start", "<!-- languages:end")
    codes = available_locales(LOCALES)
    scripts = {locale_info(code).script for code in codes}
    reviewed = sum(1 for code in codes[1:] if load(code, LOCALES).status.reviewed)
    assert f"**{len(codes) - 1} translations and the English source, in {len(scripts)} " \
        "scripts**" in block.replace("\n", " ")
    assert f"({reviewed} so far)" in block
    assert f"**Translation wanted, {len(wanted_locales(LOCALES))}**" in block
