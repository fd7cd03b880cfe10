"""The hostile-input corpus: returned questionnaires and files as an attacker or a careless 課
would send them (issue "Nothing hostile gets through"; docs/exchange.md, "What is refused").

Each workbook case is a function from the bytes of a good exported workbook to hostile bytes, so
that every case is built from a real export and passes the checks an edit would not touch (the
identity, the checksums). Nothing here needs libaudit: only the standard library.

    python tests/hostile/corpus.py GOOD.xlsx OUT_DIR   # writes every case into OUT_DIR

tests/python/exchange/test_hostile.py asserts what import does with each; bench/hostile_bench.py
measures time and peak memory; tests/fuzz/ seeds the workbook fuzzer from the same cases.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

QUESTIONS, INFO, IDENTITY = "点検票", "記入方法", "_libaudit"

XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY f "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    '<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
)


# ---- the ZIP container ----------------------------------------------------------------------


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def pack(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The part that holds `sheet`, from workbook.xml and its relationships."""
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    m = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb)
    if not m:
        raise KeyError(sheet)
    rid = m.group(1)
    t = re.search(r'<Relationship [^>]*Id="' + rid + r'"[^>]*Target="([^"]+)"', rels) or re.search(
        r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rid + '"', rels
    )
    assert t, rid
    target = t.group(1)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def edit_sheet(data: bytes, sheet: str, edit: Callable[[str], str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """`data` with the XML of `sheet` passed through `edit` (stored uncompressed with
    ZIP_STORED: past the ZIP-bomb ratio check, to reach the reader's own caps)."""
    parts = members(data)
    name = sheet_part(parts, sheet)
    parts[name] = edit(parts[name].decode()).encode()
    return pack(parts, compression)


def _with_doctype(xml: str, doctype: str) -> str:
    decl = re.match(r"<\?xml[^>]*\?>", xml)
    head = decl.group(0) if decl else ""
    return head + doctype + xml[len(head) :]


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows(xml: str) -> list[int]:
    return [int(r) for r in re.findall(r'<row [^>]*?r="(\d+)"', xml)]


def set_cell(xml: str, ref: str, cell: str) -> str:
    """`xml` with the cell `ref` replaced by the element `cell` (added to its row when absent)."""
    pattern = re.compile(r'<c r="' + ref + r'"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
    if pattern.search(xml):
        return pattern.sub(lambda _: cell, xml, count=1)
    row = re.sub(r"[A-Z]+", "", ref)
    return re.sub(r'(<row [^>]*?r="' + row + r'"[^>]*>)', lambda m: m.group(1) + cell, xml, count=1)


# ---- workbook cases -------------------------------------------------------------------------


def xfd_every_row(data: bytes, value: str = "") -> bytes:
    """One cell in column XFD on every row and a widened <dimension>: the grid amplification
    (a reader that trusts the dimension builds 16,384 columns per row)."""

    def edit(xml: str) -> str:
        last = max(_rows(xml))
        cell = (lambda r: _inline(f"XFD{r}", value)) if value else (lambda r: f'<c r="XFD{r}"/>')
        xml = re.sub(
            r'(<row [^>]*?r="(\d+)"[^>]*>)(.*?)</row>',
            lambda m: m.group(1) + m.group(3) + cell(m.group(2)) + "</row>",
            xml,
            flags=re.S,
        )
        xml = re.sub(r'<row ([^>]*?)spans="[^"]*"', r"<row \1", xml)
        return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:XFD{last}"/>', xml)

    return edit_sheet(data, QUESTIONS, edit)


def extra_rows(data: bytes, n: int, value: str = "x", column: str = "A") -> bytes:
    """`n` rows after the last exported row, each with a value in `column` (empty rows when
    `value` is ''), and the dimension corrected to cover them."""

    def edit(xml: str) -> str:
        last = max(_rows(xml))
        if value:
            body = "".join(
                f'<row r="{r}">{_inline(f"{column}{r}", value)}</row>' for r in range(last + 1, last + 1 + n)
            )
        else:
            body = "".join(f'<row r="{r}"/>' for r in range(last + 1, last + 1 + n))
        xml = xml.replace("</sheetData>", body + "</sheetData>")
        return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{column}{last + n}"/>', xml)

    return edit_sheet(data, QUESTIONS, edit)


def cell_beyond_columns(data: bytes, row: int, column: str = "I", value: str = "実施している") -> bytes:
    """A value right of the exported columns on a question row."""
    return edit_sheet(data, QUESTIONS, lambda xml: set_cell(xml, f"{column}{row}", _inline(f"{column}{row}", value)))


def hostile_dtd(data: bytes, sheet: str, doctype: str, row: int = 1, column: str = "Z") -> bytes:
    """A DTD (XXE or billion laughs) in a sheet part, with its entity used in a cell."""
    entity = "&e;" if "ENTITY e " in doctype else "&i;"

    def edit(xml: str) -> str:
        return _with_doctype(set_cell(xml, f"{column}{row}", _inline(f"{column}{row}", entity)), doctype)

    return edit_sheet(data, sheet, edit)


def formula(data: bytes, ref: str, text: str, cached: str | None = None, kind: str = "e") -> bytes:
    """The cell `ref` as Excel stores a typed formula: <f>text</f> with a cached value (an error
    such as #NAME? for `=今後対応予定`) or with none."""
    cache = f"<v>{cached}</v>" if cached is not None else ""
    t = f' t="{kind}"' if cached is not None else ""
    return edit_sheet(data, QUESTIONS, lambda xml: set_cell(xml, ref, f'<c r="{ref}"{t}><f>{text}</f>{cache}</c>'))


def identity_of(donor: bytes, target: bytes) -> bytes:
    """`target` with the hidden identity part of `donor` pasted in (another 課 of the same shape)."""
    d, t = members(donor), members(target)
    t[sheet_part(t, IDENTITY)] = d[sheet_part(d, IDENTITY)]
    # The identity sheet holds its values as shared strings in openpyxl's files: carry them over
    # as inline strings so the pasted part reads the same.
    t[sheet_part(t, IDENTITY)] = inline_shared(d, sheet_part(d, IDENTITY))
    return pack(t)


def inline_shared(parts: dict[str, bytes], part: str) -> bytes:
    """A sheet part with its shared-string cells turned into inline strings."""
    strings: list[str] = []
    sst = parts.get("xl/sharedStrings.xml", b"").decode()
    for si in re.findall(r"<si>(.*?)</si>", sst, re.S):
        strings.append("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)))
    xml = parts[part].decode()

    def inline(m: re.Match[str]) -> str:
        return f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"><is><t>{strings[int(m.group(3))]}</t></is></c>'

    return re.sub(r'<c r="([A-Z]+\d+)"([^>]*?) t="s"[^>]*><v>(\d+)</v></c>', inline, xml).encode()


def macro_workbook(data: bytes) -> bytes:
    """A macro-enabled workbook (vbaProject.bin, the macro content type) saved under .xlsx."""
    parts = members(data)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        .replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    )
    return pack(parts)


def ods() -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes one (mimetype first, stored)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buf.getvalue()


def xls() -> bytes:
    """An Excel 97-2003 workbook's header (an OLE2 compound file); an encrypted .xlsx looks the same."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088


# ---- CSV --------------------------------------------------------------------------------------

FORMULA_COMMENTS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1", "=今後対応予定"]


def junk_lines(data: bytes, n: int) -> bytes:
    """A questionnaire CSV followed by `n` lines of one field each: one problem per line, unless
    the reader stops."""
    return data + b"x\r\n" * n


# ---- templates --------------------------------------------------------------------------------


def self_including_partial(folder: Path, name: str = "loop") -> Path:
    """A partial that includes itself (once a crash: signal 11)."""
    path = folder / f"{name}.mustache"
    path.write_text(f"{{{{> {name}}}}}", encoding="utf-8")
    return path


def symlinked_partial(folder: Path, target: Path, name: str = "leak") -> Path:
    """A partial that is a symbolic link out of the template folder (once: /etc/passwd rendered)."""
    path = folder / f"{name}.mustache"
    path.symlink_to(target)
    return path


# ---- the whole corpus ---------------------------------------------------------------------------


def cases(good: bytes, question_row: int) -> dict[str, bytes]:
    """Every workbook case built from `good`; `question_row` is a row holding a question."""
    return {
        "xfd-every-row.xlsx": xfd_every_row(good),
        "xfd-every-row-valued.xlsx": xfd_every_row(good, "x"),
        "million-empty-rows.xlsx": extra_rows(good, 1_000_000, ""),
        "thousand-extra-rows.xlsx": extra_rows(good, 1000),
        "beyond-answer-columns.xlsx": cell_beyond_columns(good, question_row),
        "xxe-questions.xlsx": hostile_dtd(good, QUESTIONS, XXE),
        "xxe-identity.xlsx": hostile_dtd(good, IDENTITY, XXE),
        "laughs-questions.xlsx": hostile_dtd(good, QUESTIONS, LAUGHS),
        "laughs-identity.xlsx": hostile_dtd(good, IDENTITY, LAUGHS),
        "macro-renamed.xlsx": macro_workbook(good),
        "formula-comment.xlsx": formula(good, f"F{question_row}", "今後対応予定", "#NAME?"),
        "formula-no-cache.xlsx": formula(good, f"F{question_row}", "1+1"),
        "spreadsheet.ods": ods(),
        "old.xls": xls(),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: corpus.py GOOD.xlsx OUT_DIR", file=sys.stderr)
        return 2
    good = Path(argv[1]).read_bytes()
    out = Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for name, body in cases(good, 4).items():
        (out / name).write_bytes(body)
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
