"""Where the project's inputs live, so every module agrees without passing paths around."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
LOCALES_DIR = PROJECT_ROOT / "locales"
POT_FILE = LOCALES_DIR / "messages.pot"
GLOSSARY_FILE = LOCALES_DIR / "glossary.toml"
DEFAULT_CONTACT_FILE = PROJECT_ROOT / "contacts" / "default.toml"
DEFAULT_OUT_DIR = PROJECT_ROOT / "dist"
BABEL_MAPPING = PROJECT_ROOT / "babel.cfg"


def catalog_path(locale_code: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """The Weblate/gettext layout: <locale>/LC_MESSAGES/messages.po."""
    return locales_dir / locale_code / "LC_MESSAGES" / "messages.po"
