"""The message catalogue from Python (libaudit.i18n): the language the environment chooses, one
catalogue for the package and the core, and argparse's own messages."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

import libaudit
from libaudit import _core, i18n


@pytest.fixture
def japanese() -> Iterator[None]:
    before = i18n.language()
    libaudit.set_language("ja")
    yield
    libaudit.set_language(before)


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins over LANG
        ({"LC_MESSAGES": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LIBAUDIT_LANG": "ja", "LANG": "C"}, "ja"),  # LIBAUDIT_LANG wins over the locale
        ({"LIBAUDIT_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LIBAUDIT_LANG": "xx", "LANG": "ja_JP.UTF-8"}, "ja"),  # not a language of ours: ignored
    ],
)
def test_language_from_environment(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environ) == language


def test_the_catalogue_ships_with_the_package() -> None:
    assert i18n.catalogue_path("ja").is_file()


def test_one_catalogue_for_python_and_the_core(japanese: None) -> None:
    assert i18n.language() == "ja"
    assert _core.catalog_language() == "ja"
    assert i18n._("unknown language {language!r}: ja or en") == "言語 {language!r} は使えない: ja か en"
    assert _core.tr("invalid input") == "入力が正しくない"
    libaudit.set_language("en")
    assert _core.catalog_language() == ""
    assert _core.tr("invalid input") == "invalid input"


def test_an_unknown_language_is_refused_in_the_language_in_use(japanese: None) -> None:
    with pytest.raises(ValueError, match="言語 'fr' は使えない"):
        libaudit.set_language("fr")
    assert i18n.language() == "ja"


def test_argparse_speaks_japanese() -> None:
    env = {"LIBAUDIT_LANG": "ja", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "libaudit", "no-such-command"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    assert "使い方: libaudit" in done.stderr
    assert "エラー" in done.stderr and "は選べない" in done.stderr
