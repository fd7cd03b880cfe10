"""``libaudit benchmark`` and libaudit.benchmark (docs/benchmark.md): bodies compared on the model
checklist's items (through each item's ``model:``) or on a shared checklist; the figures per model
chapter against a hand computation, 偏差値, anonymisation (stable, complete in every format), the
as-of point of open and closed cycles, and bad inputs (a clear error, nothing written)."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from _lang import speaking
from libaudit.benchmark import benchmark, cycle_in_year, model_checklist_path

import libaudit

ROOT = Path(__file__).resolve().parents[3]
ACTOR = "tester"
ANSWERS = ["implemented", "partial", "not_implemented", "not_applicable", "unknown"]
WEIGHTS = [0.6, 0.15, 0.15, 0.05, 0.05]
DEPARTMENTS = """\
code,name,parent_code
100,総務部,
101,情報政策課,100
102,人事課,100
201,市民課,
"""
LEAVES = ["101", "102", "201"]


def model() -> libaudit.Checklist:
    return libaudit.Checklist.load(str(ROOT / "checklists" / "model" / "hyojun-tenkenhyo.yaml"))


def from_model(body: str) -> libaudit.Checklist:
    """A body's checklist made from the model: every item kept, mapped to its own model id, the
    placeholders filled and the model-only keys dropped (what `checklist new --model` makes)."""
    data = yaml.safe_load((ROOT / "checklists" / "model" / "hyojun-tenkenhyo.yaml").read_text("utf-8"))

    def walk(section: dict[str, Any]) -> None:
        for item in section.get("items", []):
            item["model"] = item["id"]
            item["id"] = "B" + item["id"][1:]
            for key in ("sources", "basis"):
                item.pop(key, None)
            applies = item.get("applies_to", {})
            for key in ("network_models", "server_room"):
                applies.pop(key, None)
        for sub in section.get("sections", []):
            walk(sub)

    for chapter in data["sections"]:
        walk(chapter)
    data.update(kind="body", id="from-model", body=body, secretariat="情報政策課")
    text = re.sub(r"\{\{[^}]*\}\}", "当団体", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return libaudit.Checklist.from_yaml(text, "from-model.yaml")


def make_body(
    path: Path,
    body: str,
    checklist: libaudit.Checklist,
    seed: int,
    *,
    year: int = 2025,
    close: bool = False,
    secretariat: str = "",
) -> Path:
    """A store of one body: three 課 (a fourth, named `secretariat`, when given), the checklist,
    one cycle of 年度 `year` answered by a seeded generator (every applicable item of every 課; a
    body-level item only by the secretariat)."""
    csv = path.with_suffix(".csv")
    leaves = LEAVES + (["103"] if secretariat else [])
    csv.write_text(DEPARTMENTS + (f"103,{secretariat},100\n" if secretariat else ""), encoding="utf-8")
    with libaudit.Store(path) as store:
        store.set_body(ACTOR, body)
        store.import_departments_csv(ACTOR, csv)
        cl = store.import_checklist(ACTOR, checklist)
        cycle = store.create_cycle(
            ACTOR, name=f"{body} 令和7年度 自己点検", kind="self_inspection", fiscal_year=year, checklist=cl
        )
        store.open_cycle(ACTOR, cycle)
        rng = random.Random(seed)
        secretariat = store.cycle(cycle).secretariat  # body-level items: only its answers (全庁共通事項)
        rows = [
            (d, item.id, rng.choices(ANSWERS, WEIGHTS)[0])
            for d in leaves
            for item in checklist.items
            if not (secretariat and item.respondent == "body" and d != secretariat)
        ]
        store.import_responses(ACTOR, cycle, rows)
        if close:
            store.close_cycle(ACTOR, cycle)
    return path


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three bodies on three different checklists: 小牧市 (its 対策基準), 岡山市 (its 基本方針) and
    a 町 whose checklist is made from the model; 小牧市's cycle is closed (published)."""
    tmp = tmp_path_factory.mktemp("bench")
    komaki = libaudit.Checklist.load(str(ROOT / "checklists" / "komaki" / "taisaku-kijun.yaml"))
    okayama = libaudit.Checklist.load(str(ROOT / "checklists" / "okayama" / "kihon-hoshin.yaml"))
    return [
        make_body(tmp / "komaki.db", "小牧市", komaki, 1, close=True),
        make_body(tmp / "okayama.db", "岡山市", okayama, 2),
        make_body(tmp / "yamada.db", "山田町", from_model("山田町"), 3),
    ]


def tiny_checklist(body: str, items: list[tuple[str, list[str]]]) -> libaudit.Checklist:
    lines = [
        "format: 1",
        f"id: tiny-{len(items)}",
        "title: 小さな点検表",
        'version: "1"',
        f"body: {body}",
        "source: {document: tiny.txt, title: 小さな基準}",
        "sections:",
        '  - id: "1"',
        '    clause: "1"',
        "    title: 全般",
        "    items:",
    ]
    for i, (item, ids) in enumerate(items, 1):
        lines += [
            f'      - id: "{item}"',
            f'        clause: "1({i})"',
            f"        text: 職員は、項目{i}を実施しなければならない。",
            f"        question: 項目{i}を実施しているか。",
            "        roles: [staff]",
        ]
        if ids:
            lines.append(f"        model: [{', '.join(ids)}]")
    return libaudit.Checklist.from_yaml("\n".join(lines) + "\n", "tiny.yaml")


def tiny_body(path: Path, body: str, checklist: libaudit.Checklist, answers: dict[str, str]) -> Path:
    csv = path.with_suffix(".csv")
    csv.write_text(DEPARTMENTS, encoding="utf-8")
    with libaudit.Store(path) as store:
        store.set_body(ACTOR, body)
        store.import_departments_csv(ACTOR, csv)
        cl = store.import_checklist(ACTOR, checklist)
        cycle = store.create_cycle(
            ACTOR,
            name="令和7年度 自己点検",
            kind="self_inspection",
            fiscal_year=2025,
            checklist=cl,
            departments=["101"],
        )
        store.open_cycle(ACTOR, cycle)
        store.import_responses(ACTOR, cycle, [("101", item, a) for item, a in answers.items()])
    return path


def run(paths: list[Path], *more: str) -> list[dict[str, Any]]:
    stores = [libaudit.Store(p, create=False, read_only=True) for p in paths]
    try:
        model_cl = model() if "--model-map" in more else None
        b = benchmark(stores, [cycle_in_year(s, 2025) for s in stores], model=model_cl, anonymise="--anonymise" in more)
        return [b.view()]
    finally:
        for s in stores:
            s.close()


def test_model_chapters_by_hand(tmp_path: Path) -> None:
    """X: x1 → M-1.1.1 and M-1.1.2 (implemented), x2 → M-1.1.1 (not implemented), x3 unmapped
    (implemented: left out), x4 → M-2.1.1 (partial). Y: y1 → M-1.1.1 (implemented), y2 → M-2.1.1
    (not implemented). By hand, with the model's weights wa, wb, wc of M-1.1.1, M-1.1.2, M-2.1.1:
    X: M-1 = 100 (wa + wb) / (2 wa + wb), M-2 = 50, overall 100 (wa + wb + wc/2) / (2 wa + wb + wc);
    Y: M-1 = 100, M-2 = 0, overall 100 wa / (wa + wc). Two bodies: 偏差値 60 for the higher, 40 for
    the lower; a chapter neither answers has no score."""
    m = model()
    wa, wb, wc = (m.item(i).weight for i in ("M-1.1.1", "M-1.1.2", "M-2.1.1"))
    x = tiny_body(
        tmp_path / "x.db",
        "甲市",
        tiny_checklist("甲市", [("x1", ["M-1.1.1", "M-1.1.2"]), ("x2", ["M-1.1.1"]), ("x3", []), ("x4", ["M-2.1.1"])]),
        {"x1": "implemented", "x2": "not_implemented", "x3": "implemented", "x4": "partial"},
    )
    y = tiny_body(
        tmp_path / "y.db",
        "乙町",
        tiny_checklist("乙町", [("y1", ["M-1.1.1"]), ("y2", ["M-2.1.1"])]),
        {"y1": "implemented", "y2": "not_implemented"},
    )
    (view,) = run([x, y], "--model-map")
    assert [c["id"] for c in view["chapters"]] == [f"M-{i}" for i in range(1, 10)]
    bx, by = view["bodies"]
    assert (bx["label"], by["label"]) == ("甲市", "乙町")
    cx = {c["chapter"]: c for c in bx["cells"]}
    cy = {c["chapter"]: c for c in by["cells"]}
    assert cx["M-1"]["score"] == pytest.approx(100 * (wa + wb) / (2 * wa + wb))
    assert cx["M-2"]["score"] == pytest.approx(50.0)
    assert bx["score"] == pytest.approx(100 * (wa + wb + wc / 2) / (2 * wa + wb + wc))
    assert cy["M-1"]["score"] == pytest.approx(100.0)
    assert cy["M-2"]["score"] == pytest.approx(0.0)
    assert by["score"] == pytest.approx(100 * wa / (wa + wc))
    assert (cx["M-1"]["deviation"], cy["M-1"]["deviation"]) == (pytest.approx(40.0), pytest.approx(60.0))
    assert (cx["M-2"]["deviation"], cy["M-2"]["deviation"]) == (pytest.approx(60.0), pytest.approx(40.0))
    assert cx["M-3"]["score"] is None and cx["M-3"]["deviation"] is None and cx["M-3"]["score_text"] == "—"
    assert (bx["unmapped_items"], bx["model_items"], by["unmapped_items"], by["model_items"]) == (1, 3, 0, 2)
    # x1 counts once on each of its two model items, x2 pools with it on M-1.1.1; x3 is left out.
    assert (bx["applicable"], bx["answered"]) == (4, 4)


def test_deviation_rule(tmp_path: Path) -> None:
    """50 + 10 (x − mean) / sd (population sd) among the bodies; 50 for a single body and for
    bodies with equal scores (sd = 0)."""
    cl = tiny_checklist("甲市", [("a", ["M-1.1.1"]), ("b", ["M-1.1.2"])])
    scores = {"p": ("implemented", "implemented"), "q": ("implemented", "not_implemented"), "r": ("partial", "partial")}
    paths = [tiny_body(tmp_path / f"{k}.db", f"{k}市", cl, {"a": a, "b": b}) for k, (a, b) in scores.items()]
    (view,) = run(paths)
    xs = [b["score"] for b in view["bodies"]]
    assert xs == [pytest.approx(100.0), pytest.approx(50.0), pytest.approx(50.0)]
    mean = sum(xs) / 3
    sd = (sum((v - mean) ** 2 for v in xs) / 3) ** 0.5
    assert [b["deviation"] for b in view["bodies"]] == [pytest.approx(50 + 10 * (v - mean) / sd) for v in xs]
    assert view["distribution"]["sd"] == pytest.approx(sd)
    (one,) = run(paths[:1])
    assert one["bodies"][0]["deviation"] == 50.0
    (equal,) = run([paths[1], paths[2]])
    assert [b["deviation"] for b in equal["bodies"]] == [50.0, 50.0]


def test_three_bodies_on_the_model(bodies: list[Path]) -> None:
    """Three checklists, one comparison: each body's figures are the model's rate over its mapped
    counts; 小牧市's closed cycle is read at its close and names its edition, the others their point."""
    (view,) = run(bodies, "--model-map")
    assert [b["label"] for b in view["bodies"]] == ["小牧市", "岡山市", "山田町"]
    komaki, okayama, town = view["bodies"]
    assert komaki["closed"] and komaki["edition"] == 1 and "第1版" in komaki["status_text"]
    assert not okayama["closed"] and okayama["status_text"].startswith("集計中")
    assert town["unmapped_items"] == 0 and town["model_items"] == len(model().items)
    for b in view["bodies"]:
        assert b["score"] is not None and 0 <= b["score"] <= 100
        assert len(b["cells"]) == 9
    devs = [b["deviation"] for b in view["bodies"]]
    assert sum(devs) / 3 == pytest.approx(50.0)


def test_shared_checklist_without_model_map(bodies: list[Path], tmp_path: Path) -> None:
    """Without --model-map bodies on one checklist compare on its chapters, and the overall
    figure of a closed cycle is its published body score; different checklists are refused."""
    komaki = libaudit.Checklist.load(str(ROOT / "checklists" / "komaki" / "taisaku-kijun.yaml"))
    other = make_body(tmp_path / "other.db", "北市", komaki, 9)
    (view,) = run([bodies[0], other])
    assert view["model_map"] is False and view["checklist"]["id"] == komaki.id
    assert [c["id"] for c in view["chapters"]] == [s.id for s in komaki.sections]
    with libaudit.Store(bodies[0], create=False, read_only=True) as s:
        published = s.publications(cycle_in_year(s, 2025))[-1]["results"]["models"]["rate"]["body"][0]["score"]
    assert view["bodies"][0]["score"] == pytest.approx(published)
    with pytest.raises(libaudit.ValidationError, match="different checklists"):
        run(bodies)


def test_cli_table_and_every_format_anonymised(bodies: list[Path], tmp_path: Path, cli: Any) -> None:
    """--anonymise: A市, B町 … by kind, in a stable order independent of the input order, and no
    real name (body, cycle name, store file, body checklist) in the table or any format."""
    outs = {fmt: tmp_path / f"b.{fmt}" for fmt in ("html", "md", "csv", "json")}
    labels = []
    for order in (bodies, bodies[::-1]):
        for fmt, out in outs.items():
            r = cli("benchmark", *map(str, order), "--cycle-year", "2025", "--model-map", "--anonymise", "-o", str(out))
            assert r.returncode == 0, r.stderr
            text = r.stdout + out.read_text(encoding="utf-8-sig")
            for real in ("小牧", "岡山", "山田", "komaki", "okayama", "yamada", "kihon-hoshin", "taisaku-kijun"):
                assert real not in text, (fmt, real)
        labels.append(re.findall(r"^([A-Z]+(?:市|町))\s", r.stdout, re.M)[:3])  # the first table
    assert labels[0] == labels[1]  # the input order changes nothing
    assert [label[:-1] for label in labels[0]] == ["A", "B", "C"]  # rows in the letters' order
    assert sorted(label[-1] for label in labels[0]) == ["市", "市", "町"]


def test_anonymous_labels_stable_and_keyed() -> None:
    names = ["小牧市", "岡山市", "山田町", "所沢市議会", "某広域連合"]
    labels = libaudit._core.anonymous_labels(names, "")
    assert libaudit._core.anonymous_labels(names[::-1], "")[::-1] == labels
    assert sorted(re.match(r"[A-Z]+", s).group(0) for s in labels) == ["A", "B", "C", "D", "E"]  # type: ignore[union-attr]
    assert [re.sub(r"^[A-Z]+", "", s) for s in labels] == ["市", "市", "町", "市議会", "広域連合"]
    orders = {tuple(libaudit._core.anonymous_labels(names, key)) for key in ("k1", "k2", "k3", "k4", "k5")}
    assert len(orders) > 1  # the key decides the order


def test_pdf(bodies: list[Path], tmp_path: Path, cli: Any) -> None:
    if not libaudit.report.find_chromium():
        pytest.skip("PDF needs Chromium")
    out = tmp_path / "b.pdf"
    r = cli("benchmark", *map(str, bodies), "--cycle-year", "2025", "--model-map", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "団体間比較" in text and "小牧市" in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bad_inputs_write_nothing(bodies: list[Path], tmp_path: Path, cli: Any, lang: str) -> None:
    out = tmp_path / "b.html"
    junk = tmp_path / "junk.db"
    junk.write_text("not a store", encoding="utf-8")
    r = cli("benchmark", str(bodies[0]), str(junk), "--cycle-year", "2025", "-o", str(out), lang=lang)
    assert r.returncode != 0 and not out.exists()
    assert str(junk) in r.stderr
    if lang == "ja":
        assert "ストアとして読めない" in r.stderr
    r = cli("benchmark", str(bodies[0]), str(bodies[1]), "--cycle-year", "2019", "-o", str(out), lang=lang)
    assert r.returncode != 0 and not out.exists()
    assert str(bodies[0]) in r.stderr
    assert ("令和元年度" in r.stderr) and (("実施回がない" in r.stderr) if lang == "ja" else "has no cycle" in r.stderr)
    r = cli("benchmark", str(bodies[0]), str(bodies[1]), "--cycle-year", "2025", "-o", str(out), lang=lang)
    assert r.returncode != 0 and not out.exists()
    if lang == "ja":
        assert "異なる点検表" in r.stderr


def test_model_checklist_found() -> None:
    assert model_checklist_path().is_file()


def test_model_checklist_is_the_shipped_one_wherever_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default of --model-map is the package's own copy (libaudit.checklists.shipped_model),
    not a file under the current directory or the source tree: an installed package (here, a
    module that sits in site-packages, run from an empty directory) still finds it."""
    import libaudit.benchmark as module
    from libaudit.checklists import shipped_model

    site = tmp_path / "venv" / "lib" / "python3" / "site-packages" / "libaudit"
    monkeypatch.setattr(module, "__file__", str(site / "benchmark.py"))
    monkeypatch.chdir(tmp_path)
    assert model_checklist_path() == shipped_model()
    assert libaudit.Checklist.load(str(model_checklist_path())).kind == "model"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_model_checklist_missing_names_the_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str) -> None:
    import libaudit.benchmark as module

    monkeypatch.setattr(module, "shipped_model", lambda: tmp_path / "gone" / "hyojun-tenkenhyo.yaml")
    with speaking(lang), pytest.raises(libaudit.NotFoundError) as e:
        model_checklist_path()
    assert "--model-map PATH" in str(e.value) and str(tmp_path / "gone") in str(e.value)
    if lang == "ja":
        assert "標準点検表" in str(e.value)


def test_cli_model_map_default_from_another_directory(bodies: list[Path], tmp_path: Path, cli: Any) -> None:
    """`--model-map` without a path, run from a directory holding no checklists/ folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "b.csv"
    r = cli("benchmark", *map(str, bodies), "--cycle-year", "2025", "--model-map", "-o", str(out), cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert out.is_file() and "M-1" in r.stdout


def test_anonymised_shared_checklist_hides_its_name(bodies: list[Path], tmp_path: Path) -> None:
    """Without --model-map the shared checklist is a body's (小牧市's): anonymised, its id, version
    and title are left out of every format with the names."""
    komaki = libaudit.Checklist.load(str(ROOT / "checklists" / "komaki" / "taisaku-kijun.yaml"))
    other = make_body(tmp_path / "north.db", "北市", komaki, 5)
    stores = [libaudit.Store(p, create=False, read_only=True) for p in (bodies[0], other)]
    try:
        b = benchmark(stores, [cycle_in_year(s, 2025) for s in stores], anonymise=True)
        for fmt in ("html", "md", "csv", "json"):
            text = str(b.render(fmt))
            for real in ("小牧", "北市", "komaki", "taisaku-kijun"):
                assert real not in text, (fmt, real)
        assert [x["label"] for x in b.view()["bodies"]] == ["A市", "B市"]
    finally:
        for s in stores:
            s.close()


def test_the_five_seed_bodies_from_their_profiles_render(tmp_path: Path, cli: Any) -> None:
    """Issue 19: the five seed bodies, each with the checklist its shipped profile makes from the
    shipped model (what `checklist new --profile` writes), compared on the model by the command
    with the default --model-map, run from a directory without checklists/: the table names all
    five and the report renders (HTML; PDF when Chromium is there)."""
    from libaudit.checklists import shipped_model, shipped_profiles

    model_cl = libaudit.Checklist.load(str(shipped_model()))
    profiles = shipped_profiles()
    assert len(profiles) == 5
    paths = []
    for seed, (stem, path) in enumerate(sorted(profiles.items()), start=1):
        profile = libaudit.BodyProfile.load(str(path))
        checklist = libaudit.checklist_for_body(model_cl, profile)
        secretariat = checklist.secretariat if checklist.secretariat not in ("", "情報政策課") else ""
        paths.append(make_body(tmp_path / f"{stem}.db", checklist.body, checklist, seed, secretariat=secretariat))
    outs = [tmp_path / "five.html"] + ([tmp_path / "five.pdf"] if libaudit.report.find_chromium() else [])
    for out in outs:
        r = cli("benchmark", *map(str, paths), "--cycle-year", "2025", "--model-map", "-o", str(out), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        for body in ("小牧市", "水戸市", "大垣市", "岡山市", "所沢市議会"):
            assert body in r.stdout
    html = outs[0].read_text(encoding="utf-8")
    assert "団体間比較" in html and all(body in html for body in ("小牧市", "水戸市", "大垣市", "岡山市", "所沢市議会"))
    if len(outs) > 1:
        assert outs[1].read_bytes().startswith(b"%PDF")
