"""tools/check_messages.py: a message whose English names a Japanese term (``_("課 only")``) is
found whole, so its Japanese is checked (xgettext dropped the non-ASCII text when the template
had no header, and the message then matched nothing in the catalogue)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "check_messages.py"
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
)


def tree(root: Path, po: str) -> None:
    files = {
        "libaudit/src/base/x.cpp": 'auto a = tr("invalid input");\n',
        "bindings/python/libaudit/x.py": 'from .i18n import _\n\nA = _("課 only in {year}")\n',
        "po/ja/x.po": HEADER + 'msgid "invalid input"\nmsgstr "入力が正しくない"\n\n' + po,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)], capture_output=True, text=True, check=False
    )


def test_a_message_with_a_japanese_term_is_matched_whole(tmp_path: Path) -> None:
    tree(tmp_path, '#, python-brace-format\nmsgid "課 only in {year}"\nmsgstr "{year}のみの課"\n')
    done = check(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "each of the 2 marked messages has its Japanese" in done.stdout


def test_a_message_with_a_japanese_term_and_no_translation_is_named(tmp_path: Path) -> None:
    tree(tmp_path, "")
    done = check(tmp_path)
    assert done.returncode == 1
    assert 'no Japanese for "課 only in {year}"' in done.stderr


def test_an_entry_the_code_no_longer_marks_is_named(tmp_path: Path) -> None:
    tree(
        tmp_path,
        '#, python-brace-format\nmsgid "課 only in {year}"\nmsgstr "{year}のみの課"\n\n'
        'msgid "a message nobody marks"\nmsgstr "誰も使わない"\n',
    )
    done = check(tmp_path)
    assert done.returncode == 1
    assert '"a message nobody marks" is not marked in the code any more' in done.stderr


def test_a_web_template_marks_its_words(tmp_path: Path) -> None:
    """The web app's Jinja templates (``{{ _("…") }}``) are read as Python: a word they mark
    needs its Japanese, and the entry counts as marked."""
    tree(tmp_path, '#, python-brace-format\nmsgid "課 only in {year}"\nmsgstr "{year}のみの課"\n')
    page = tmp_path / "bindings/python/libaudit/web/templates/page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<h1 class="title">{{ _("Sign in") }}</h1>\n<p>{{ name }}</p>\n'
        '<input placeholder="{{ _(\'Note\') }}">\n<p>it\'s {% if x %}{{ _("Name") }}{% endif %}</p>\n',
        encoding="utf-8",
    )
    done = check(tmp_path)
    assert done.returncode == 1
    for word in ("Sign in", "Note", "Name"):  # in a tag, in an attribute's quotes, after an apostrophe
        assert f'no Japanese for "{word}"' in done.stderr
    with (tmp_path / "po/ja/x.po").open("a", encoding="utf-8") as f:
        for word, japanese in (("Sign in", "サインイン"), ("Note", "メモ"), ("Name", "氏名")):
            f.write(f'\nmsgid "{word}"\nmsgstr "{japanese}"\n')
    done = check(tmp_path)
    assert done.returncode == 0, done.stderr
