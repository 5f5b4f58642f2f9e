"""Multilingual printable handouts about Section 287(g).

Data flows one way, one sub-package per stage:
catalogs -> render (HTML, then PDF) -> checks -> build -> site, with cli on top.
Shared modules at this level (sources, files, content, contact, markup, fonts, outputprofile)
import no stage.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("287g-handouts")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0.0.0"
