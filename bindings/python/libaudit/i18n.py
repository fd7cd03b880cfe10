"""The message catalogue of the Python layer (base stage); the C++ core's is the same file.

Every sentence the package shows a person is written in English and marked with :func:`_`
(or :func:`ngettext`); ``po/ja/*.po`` gives its Japanese, compiled at build time into
``libaudit/locale/ja/LC_MESSAGES/libaudit.mo``, which :func:`set_language` loads for Python
(:mod:`gettext`) and for the core (``_core.use_catalog``) together. Placeholders are named
(``{tier}``), filled with ``str.format`` here and with {fmt} in C++.

The language is chosen once, on import, from the environment (:func:`language_from_environment`):
``LIBAUDIT_LANG`` (``ja`` or ``en``) wins; else the first of ``LC_ALL``, ``LC_MESSAGES`` and
``LANG`` that is set decides (``ja_JP.UTF-8`` → Japanese). ``set_language`` changes it later.
"""

# libaudit-stage: base

from __future__ import annotations

import argparse
import gettext
import os
from collections.abc import Mapping
from pathlib import Path

from . import _core

#: Where the compiled catalogues live inside the package.
LOCALE_DIR = Path(os.path.abspath(__file__)).parent / "locale"  # not resolve(): the build tree links the module
DOMAIN = "libaudit"
LANGUAGES = ("ja", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``"ja"`` or ``"en"``: ``LIBAUDIT_LANG`` if it names one, else the locale variables."""
    env = os.environ if environ is None else environ
    chosen = env.get("LIBAUDIT_LANG", "").strip().lower()
    if chosen[:2] in LANGUAGES:
        return chosen[:2]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def catalogue_path(language: str) -> Path:
    """The compiled catalogue of `language` inside the package."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def set_language(language: str) -> None:
    """Speak `language` (``"ja"`` or ``"en"``) from now on, in Python and in the core. English
    needs no catalogue; a Japanese catalogue that is missing raises ``FileNotFoundError``."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(_("unknown language {language!r}: ja or en").format(language=language))
    if language == "en":
        _translation = gettext.NullTranslations()
        _core.use_no_catalog()
    else:
        path = catalogue_path(language)
        with open(path, "rb") as f:
            translation = gettext.GNUTranslations(f)
        _core.use_catalog(str(path))
        _translation = translation
    _language = language
    # argparse marks its own messages ("usage: ", "the following arguments are required: %s")
    # with the module-level names _ and ngettext it looks up at call time; pointing them here
    # gives the command line's help and usage errors in the catalogue's language.
    setattr(argparse, "_", gettext_)  # noqa: B010
    setattr(argparse, "ngettext", ngettext)  # noqa: B010


def language() -> str:
    """The language in use: ``"ja"`` or ``"en"``."""
    return _language


def gettext_(message: str) -> str:
    """The translation of `message` (itself when the catalogue has none)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for `n`."""
    return _translation.ngettext(singular, plural, n)


#: The marker every module imports: ``from .i18n import _``.
_ = gettext_


def setup_from_environment() -> None:
    """Speak the environment's language (:func:`language_from_environment`); English when its
    catalogue is missing (a build without po/), so that importing the package never fails."""
    try:
        set_language(language_from_environment())
    except FileNotFoundError:
        set_language("en")


__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "catalogue_path",
    "language",
    "language_from_environment",
    "ngettext",
    "set_language",
]
