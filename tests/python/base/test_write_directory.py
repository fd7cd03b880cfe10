"""libaudit.files.write_directory_atomically: a folder of files appears whole or not at all; an
existing path is refused with nothing written; a failure leaves no temporary folder."""

from __future__ import annotations

import os

import pytest
from _lang import speaking
from libaudit.files import write_directory_atomically

from libaudit import ValidationError


def test_the_folder_appears_whole(tmp_path):
    def write(tmp):
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.") and not (tmp_path / "out").exists()
        (tmp / "a.parquet").write_bytes(b"a")
        (tmp / "b.parquet").write_bytes(b"b")

    assert write_directory_atomically(tmp_path / "out", write) == tmp_path / "out"
    assert sorted(os.listdir(tmp_path)) == ["out"] and sorted(os.listdir(tmp_path / "out")) == [
        "a.parquet",
        "b.parquet",
    ]


def test_a_failure_leaves_nothing(tmp_path):
    def write(tmp):
        (tmp / "a.parquet").write_bytes(b"a")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_directory_atomically(tmp_path / "out", write)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_an_existing_path_is_refused_in_japanese(tmp_path, kind):
    target = tmp_path / "out"
    if kind == "file":
        target.write_text("keep", encoding="utf-8")
    else:
        target.mkdir()
    with speaking("ja"), pytest.raises(ValidationError, match="既に存在する.*何も書き込んでいない"):
        write_directory_atomically(target, lambda tmp: (tmp / "x").write_bytes(b"x"))
    assert os.listdir(tmp_path) == ["out"]
    assert target.read_text(encoding="utf-8") == "keep" if kind == "file" else os.listdir(target) == []
