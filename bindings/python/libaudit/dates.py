"""Days as a person types them (base stage): the one reader of a date given as an option or an
argument, ``YYYY-MM-DD`` naming a real day.

Every command-line option that takes a day (``--deadline``, ``--due``, ``--today``, ``--as-of``,
``--start``/``--end``) uses :func:`day_argument` as its argparse ``type``, so that ``2025-06-31``
or ``6月末`` is refused before anything is read or written; the library's own date arguments
(a questionnaire's 回答期限) use :func:`parse_day`. Full-width digits and hyphens are read as
their ASCII forms (NFKC), as everywhere in libaudit.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import unicodedata

from .errors import ValidationError
from .i18n import _

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _not_a_day(text: str) -> str:
    return _("'{text}' is not a day: write it as YYYY-MM-DD, a real day (e.g. 2025-06-30)").format(text=text)


def parse_day(value: str | _dt.date) -> _dt.date:
    """`value` as a date: a date as is, or text ``YYYY-MM-DD`` naming a real day (NFKC and trimmed
    first). ValidationError, saying how to write it, for anything else (``2025-06-31``, ``6月末``,
    ``2025/6/30``)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _DAY.fullmatch(text):
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(_not_a_day(str(value)))


def day_argument(text: str) -> str:
    """The argparse ``type`` of every option that takes a day: the day as ``YYYY-MM-DD`` text;
    anything else is a usage error (exit 2, nothing done) saying how to write it."""
    try:
        return parse_day(text).isoformat()
    except ValidationError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


__all__ = ["day_argument", "parse_day"]
