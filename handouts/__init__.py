"""Multilingual printable handouts about Section 287(g).

Data flows one way: catalogs + templates -> HTML -> PDF -> checks -> site.
"""

__version__ = "0.1.0"
