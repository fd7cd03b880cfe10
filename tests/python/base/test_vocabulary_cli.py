"""``libaudit vocabulary [NAME]`` (issue #15): the ids every option and CSV column takes, with
their Japanese labels, from the one label table; messages that list ids point here instead of
a DOMAIN.md that does not ship."""

from __future__ import annotations

import json

from _lang_cli import run_en, run_ja

from libaudit import labels


def test_every_vocabulary_is_printed_with_its_labels():
    r = run_en("vocabulary")
    assert r.returncode == 0, r.stderr
    for name in labels.VOCABULARIES:
        assert f"{name}:" in r.stdout
        for id_, label in labels.terms(name):  # type: ignore[arg-type]
            assert id_ in r.stdout and label in r.stdout


def test_one_vocabulary_as_json():
    r = run_en("vocabulary", "severity", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"severity": [{"id": i, "label": x} for i, x in labels.terms("severity")]}
    everything = json.loads(run_en("vocabulary", "--json").stdout)
    assert list(everything) == list(labels.VOCABULARIES)
    assert {"id": "security_manager", "label": "情報セキュリティ管理者"} in everything["role"]


def test_an_unknown_vocabulary_names_them_all():
    r = run_ja("vocabulary", "roles")
    assert r.returncode == 1
    assert "roles" in r.stderr and "role, tier" in r.stderr and "語彙" in r.stderr, r.stderr


def test_the_role_help_points_to_the_vocabulary():
    r = run_en("person", "add", "--help")
    assert "libaudit vocabulary role" in r.stdout and "DOMAIN.md" not in r.stdout
