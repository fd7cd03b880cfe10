"""Atheris fuzz target for the returned-workbook reader (exchange.reader, exchange.files.sniff and
the model's check_workbook), the path every returned .xlsx takes on import.

The input is the XML of one part of a real exported workbook: its first byte picks the part (the
questions sheet, the identity sheet, the instructions sheet, the shared strings, workbook.xml,
styles.xml), the rest replaces it, and the workbook is packed again. What must hold for every
input: the import's reading returns a checked file (``_core._Returned``) whose problems are
located strings, and never raises; a refused file names at least one problem.

    make fuzz-workbook FUZZ_SECONDS=600      # or: python tests/fuzz/workbook_fuzzer.py CORPUS_DIR -max_total_time=600

The seed corpus is written by ``--seeds DIR``: the parts of a good export and of every case of
tests/hostile/corpus.py.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import atheris  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "hostile"), str(HERE.parent / "python")]

with atheris.instrument_imports():
    from libaudit.exchange import files, workbook

import corpus  # noqa: E402
from _store_util import ready_store  # noqa: E402

from libaudit import _core, exchange  # noqa: E402

PARTS = [
    "xl/worksheets/sheet2.xml",  # 点検票
    "xl/worksheets/sheet3.xml",  # _libaudit
    "xl/worksheets/sheet1.xml",  # 記入方法
    "xl/sharedStrings.xml",
    "xl/workbook.xml",
    "xl/styles.xml",
]


def _setup() -> tuple[object, dict[str, bytes]]:
    tmp = Path(tempfile.mkdtemp(prefix="libaudit-fuzz-"))
    s, cycle = ready_store(tmp / "audit.db", tmp)
    path = exchange.export_workbook(s, cycle, "102", tmp / "102.xlsx")
    return exchange._Cycle(s, cycle), corpus.members(path.read_bytes())


CYCLE, GOOD = _setup()


def read(data: bytes) -> object:
    """What import does with the bytes of one returned .xlsx, short of writing."""
    kind, why = files.sniff(Path("fuzz.xlsx"), data)
    if kind != files.XLSX:
        assert why, "a refused file says why"
        return None
    returned, warnings = workbook.read_workbook(CYCLE, "fuzz.xlsx", data)  # type: ignore[arg-type]
    assert isinstance(returned, _core._Returned)
    for p in returned.problems:
        assert isinstance(p[4], str) and p[4]
    for w in warnings:
        assert w.message
    return returned


def test_one_input(data: bytes) -> None:
    if not data:
        return
    parts = dict(GOOD)
    part = PARTS[data[0] % len(PARTS)]
    parts[part] = data[1:]
    read(corpus.pack(parts))


def write_seeds(folder: Path) -> None:
    """The parts of the good export and of every hostile case, each prefixed by its part's byte."""
    folder.mkdir(parents=True, exist_ok=True)
    good = corpus.pack(GOOD)
    n = 0
    for name, body in {"good.xlsx": good, **corpus.cases(good, 4)}.items():
        try:
            members = corpus.members(body)
        except zipfile.BadZipFile:
            continue
        for k, part in enumerate(PARTS):
            if part in members and len(members[part]) < 200_000:
                (folder / f"{name}-{k}").write_bytes(bytes([k]) + members[part])
                n += 1
    print(f"wrote {n} seeds into {folder}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
