"""Stage 1, catalogs: .po files read and checked, locales described, messages translated.

Reads only the locales folder it is given. Imports nothing from the later stages (render,
checks, build, site, cli); tests/test_architecture.py keeps it so.
"""

from .catalog import (
                      LocaleCatalog,
                      available_locales,
                      check_catalog,
                      check_catalogs,
                      load,
                      source_catalog,
                      wanted_locales,
)
from .locales import (
                      SOURCE_LOCALE,
                      LocaleDefinitionError,
                      LocaleError,
                      LocaleInfo,
                      locale_info,
                      new_catalog,
)
from .plurals import PluralRuleError, plural_forms
from .po import (
                      ERROR,
                      STATUS_REVIEWED,
                      STATUS_UNREVIEWED,
                      WARNING,
                      CatalogError,
                      CatalogIssue,
                      ReviewStatus,
                      is_translated,
                      msgid_of,
                      quote_msgid,
                      read_catalog_file,
                      shown_path,
)
from .translator import EnglishFallback, Growth, Translator

__all__ = [
    "ERROR", "SOURCE_LOCALE", "STATUS_REVIEWED", "STATUS_UNREVIEWED", "WARNING", "CatalogError",
    "CatalogIssue", "EnglishFallback", "Growth", "LocaleCatalog", "LocaleDefinitionError",
    "LocaleError", "LocaleInfo", "PluralRuleError", "ReviewStatus", "Translator",
    "available_locales", "check_catalog", "check_catalogs", "is_translated", "load",
    "locale_info", "msgid_of", "new_catalog", "plural_forms", "quote_msgid",
    "read_catalog_file", "shown_path", "source_catalog", "wanted_locales",
]
