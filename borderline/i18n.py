"""Ukrainian and English: the current language and the message catalog.

English strings are the message ids. The Ukrainian catalog is ``borderline/locale/uk/LC_MESSAGES/
borderline.po`` (gettext PO, read with Babel); ``borderline i18n`` re-extracts it. The language is held in
a context variable, so each CLI run and each app rerun sets its own.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Callable

from geo.errors import UserError
from geo.messages import N_

LANGUAGES = ("en", "uk")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "borderline"

_language: ContextVar[str | None] = ContextVar("borderline_language", default=None)
# Where the language comes from when this context has not set one (the app registers the session's choice,
# so a widget callback that runs before the page sets its language still speaks the reader's language).
_fallback: Callable[[], str | None] | None = None

__all__ = ["LANGUAGES", "N_", "_", "catalog_path", "language", "language_code", "set_fallback", "set_language",
           "use_language"]


class LanguageError(UserError):
    pass


def language_code(value: str | None) -> str:
    """Check a language code ('en' or 'uk'; None means the default) and return it."""
    if value is None or value == "":
        return DEFAULT_LANGUAGE
    code = str(value).strip().lower()
    if code not in LANGUAGES:
        raise LanguageError(f"language {str(value)[:20]!r}: not available; use one of {', '.join(LANGUAGES)}")
    return code


def language() -> str:
    """The current language code: the one set in this context, else the registered fallback's, else English."""
    code = _language.get()
    if code is None and _fallback is not None:
        code = _fallback()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def set_fallback(source: Callable[[], str | None] | None) -> None:
    """Register where the language comes from when no language was set in the running context (or None)."""
    global _fallback
    _fallback = source


def set_language(value: str | None) -> str:
    """Make ``value`` the current language (checked with ``language_code``) and return the code."""
    code = language_code(value)
    _language.set(code)
    return code


@contextmanager
def use_language(value: str | None):
    """Run a block in another language, restoring the previous one afterwards."""
    token = _language.set(language_code(value))
    try:
        yield
    finally:
        _language.reset(token)


def catalog_path(code: str) -> Path:
    """The PO file of a language."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def _messages(code: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = catalog_path(code)
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=code)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def _(message: str) -> str:
    """``message`` in the current language (English ids; untranslated ids come back unchanged)."""
    code = language()
    if code == DEFAULT_LANGUAGE:
        return message
    return _messages(code).get(message, message)


def translate(message: str, code: str) -> str:
    """``message`` in the language ``code``, whatever the current language."""
    with use_language(code):
        return _(message)


if __name__ == "__main__":  # python -m borderline.i18n extract|untranslated|fill|check
    import importlib
    import sys

    # The tools import this module; loaded by name only when run as a script, so the modules form no cycle.
    sys.exit(importlib.import_module("borderline.i18n_tools").main())
