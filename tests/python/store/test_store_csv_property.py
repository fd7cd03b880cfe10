"""Property: whatever text a spreadsheet writes into a CSV cell (commas, quotes, line breaks,
Japanese), importing it gives back exactly that text, in UTF-8 and in CP932."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import libaudit

# Cell text: any characters but CR (a lone CR inside a cell is not portable) and surrogates;
# no white space at the ends (names are trimmed on import).
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")
_cell = st.text(_chars, min_size=1, max_size=30).map(lambda s: s.strip(" \t\n\v\f\u3000")).filter(bool)
# What "detect" reads as UTF-8: no Hangul syllables (U+AC00–U+D7A3), which it reads as CP932 when
# the bytes also decode so (libaudit/base/csv.h: a Japanese body's CSV holds none; short CP932
# text can be valid UTF-8 by chance and then reads as Hangul).
_detected_utf8_cell = _cell.filter(lambda s: not any("\uac00" <= c <= "\ud7a3" for c in s))
# Text CP932 can encode (kana, kanji, full-width and ASCII punctuation, line breaks).
_cp932_cell = (
    st.text(st.sampled_from(list("あいうア漢字課部，、。「」（）～①髙﨑 ,\"'\nabcXYZ019-")), min_size=1, max_size=20)
    .map(lambda s: s.strip(" \n"))
    .filter(bool)
)


def _write(names, encoding):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["code", "name", "parent_code", "security_officer", "security_manager"])
    for k, name in enumerate(names):
        w.writerow([f"D{k}", name, "", name, ""])
    return buf.getvalue().encode(encoding)


def _roundtrip(tmp_path, names, encoding, read_as="detect"):
    path = tmp_path / f"d-{encoding}.csv"
    path.write_bytes(_write(names, encoding))
    with libaudit.Store(":memory:") as s:
        s.import_departments_csv("t", path, encoding=read_as)
        got = {d.code: (d.name, d.security_officer) for d in s.departments()}
    assert got == {f"D{k}": (n, n) for k, n in enumerate(names)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_detected_utf8_cell, min_size=1, max_size=8))
def test_utf8_cells_round_trip(tmp_path, names):
    _roundtrip(tmp_path, names, "utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_cell, min_size=1, max_size=8))
def test_any_cells_round_trip_as_declared_utf8(tmp_path, names):
    _roundtrip(tmp_path, names, "utf-8", read_as="utf-8")


def test_detect_reads_hangul_that_decodes_as_cp932_as_cp932(tmp_path):
    # The case hypothesis found: "\x82춇@" is valid UTF-8 and also CP932 bytes (ﾂゎｶ①…).
    path = tmp_path / "d.csv"
    path.write_bytes(_write(["\x82춇@"], "utf-8"))
    with libaudit.Store(":memory:") as s:
        s.import_departments_csv("t", path)
        assert s.departments()[0].name != "\x82춇@"
        s.import_departments_csv("t", path, encoding="utf-8")
        assert s.departments()[0].name == "\x82춇@"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_cp932_cell, min_size=1, max_size=8))
def test_cp932_cells_round_trip(tmp_path, names):
    _roundtrip(tmp_path, names, "cp932")
