"""Type stubs for libaudit._core (the compiled core). Import from ``libaudit``."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from .errors import Diagnostic

__version__: str

def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian wide and full-width characters count 2."""

def nfkc(text: str) -> str:
    """Unicode NFKC normalisation (full-width digits and brackets become ASCII)."""

def builtin_roles() -> list[tuple[str, str]]:
    """DOMAIN.md roles as (id, Japanese label) pairs."""

def tiers() -> list[tuple[str, str]]:
    """Network tiers as (id, Japanese label) pairs."""

def use_catalog(path: str) -> None:
    """Translate the core's messages with the compiled gettext catalogue (.mo) at `path`."""

def use_no_catalog() -> None:
    """The core's messages in the English of the code."""

def catalog_language() -> str:
    """The language of the catalogue in use ('' for English)."""

def tr(msgid: str) -> str:
    """The core's translation of `msgid` (itself when the catalogue has none)."""

def vocabularies() -> list[str]:
    """The names of the labelled vocabularies (answer, cycle_kind, …)."""

def terms(vocabulary: str) -> list[tuple[str, str]]:
    """A vocabulary's (id, Japanese label) pairs in display order. ValidationError for an unknown vocabulary."""

def label(vocabulary: str, id: str) -> str:
    """The Japanese label of an id ('' when the vocabulary has no such id).
    ValidationError for an unknown vocabulary."""

def neutralise_formula(field: str) -> str: ...
def read_csv_table(data: bytes, source: str, encoding: str = "detect") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """CSV bytes through the core's reader: (header, [(line, fields)]); ValidationError with every located problem."""

class AppliesTo:
    """Where an item applies: tiers, which 課, important assets only."""
    @property
    def tiers(self) -> list[str]: ...
    @property
    def departments(self) -> Literal["all", "system_owners"]: ...
    @property
    def important_assets(self) -> bool: ...
    @property
    def network_models(self) -> list[str]:
        """Model checklists: the network models the measure exists for (empty: all)."""
    @property
    def server_room(self) -> bool:
        """Model checklists: only for bodies with their own server room."""

class Item:
    """A checklist item (点検項目). Read-only; keeps its Checklist alive."""
    @property
    def id(self) -> str: ...
    @property
    def clause(self) -> str: ...
    @property
    def text(self) -> str:
        """The source sentence (the obligation), verbatim."""
    @property
    def question(self) -> str:
        """The self-inspection question: 「…しているか。」"""
    @property
    def roles(self) -> list[str]: ...
    @property
    def applies_to(self) -> AppliesTo: ...
    @property
    def weight(self) -> float: ...
    @property
    def audience(self) -> list[Literal["self_inspection", "audit"]]: ...
    @property
    def evidence(self) -> list[str]: ...
    @property
    def note(self) -> str: ...
    @property
    def respondent(self) -> Literal["department", "body"]:
        """Who answers: every target 課, or the body once (全庁共通事項); stated or by the roles' default."""
    @property
    def respondent_explicit(self) -> bool: ...
    @property
    def model(self) -> list[str]:
        """Body checklists: the model items (M-6.2.3) this item implements."""
    @property
    def sources(self) -> list[dict[str, str]]:
        """Model checklists: the seed clauses generalised (document, part, clause)."""
    @property
    def basis(self) -> str:
        """Model checklists: why the measure has no seed source."""
    @property
    def section_id(self) -> str: ...
    @property
    def line(self) -> int:
        """Line of the item in its YAML file (0 when not loaded from one)."""

class Section:
    """A section of a checklist, following a clause of the standard."""
    @property
    def id(self) -> str: ...
    @property
    def clause(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def sections(self) -> list[Section]: ...
    @property
    def item_indices(self) -> list[int]:
        """Indices into Checklist.items of the items directly under this section."""
    @property
    def line(self) -> int: ...

class Checklist:
    """A checklist (点検表). Immutable; safe to share between threads.

    Invalid input raises ChecklistError (a ValueError) whose ``diagnostics`` lists every
    problem as (file, line, column, message).
    """
    @staticmethod
    def load(path: str | os.PathLike[str]) -> Checklist:
        """Load and validate a checklist YAML file."""
    @staticmethod
    def from_yaml(text: str, source: str = "<string>") -> Checklist:
        """Load and validate checklist YAML text; `source` names it in diagnostics."""
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def kind(self) -> Literal["body", "model"]:
        """A body's own checklist, or the national model (with placeholders)."""
    @property
    def secretariat(self) -> str:
        """The 課 that answers the body-level items, by name ("" when not stated)."""
    @property
    def origin(self) -> str:
        """The file (or source name) it was loaded from."""
    @property
    def source(self) -> dict[str, str]:
        """The source document: document, title, revised."""
    @property
    def roles(self) -> list[tuple[str, str]]:
        """Roles items may name, as (id, label)."""
    def tier_name(self, tier: str) -> str:
        """The body's own name of a tier, or the shared one."""
    @property
    def sections(self) -> list[Section]: ...
    @property
    def items(self) -> list[Item]:
        """Every item, in document order."""
    def item(self, id: str) -> Item:
        """The item with this id (NFKC-normalised); NotFoundError (a KeyError) if none."""
    def section(self, id: str) -> Section: ...
    def items_for_role(self, role: str) -> list[Item]: ...
    def items_for_tier(self, tier: str) -> list[Item]: ...
    def chapter_of(self, item: Item) -> Section:
        """The top-level section (chapter) holding `item`."""
    def to_json(self) -> str:
        """Canonical JSON of the whole content, defaults filled in."""
    def to_dict(self) -> dict[str, Any]:
        """The whole content as plain Python data."""
    def to_yaml(self, header_comment: str = "") -> str:
        """The checklist in the documented YAML format."""
    def __len__(self) -> int: ...
    def __contains__(self, id: str) -> bool: ...
    def __iter__(self) -> Iterator[Item]: ...

# ---- body profiles and the body's checklist from the model (docs/profiles.md)

class BodyProfile:
    """A body profile (団体プロファイル): name, kind, role titles, tier names, network model,
    server room and the secretariat 課. Invalid input raises ChecklistError listing every problem."""
    @staticmethod
    def load(path: str | os.PathLike[str]) -> BodyProfile:
        """Load and validate a body profile YAML file."""
    @staticmethod
    def from_yaml(text: str, source: str = "<string>") -> BodyProfile:
        """Load and validate body profile YAML text; `source` names it in diagnostics."""
    @property
    def body(self) -> str: ...
    @property
    def kind(self) -> Literal["prefecture", "city", "special_ward", "town", "village", "council", "association"]: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def secretariat(self) -> str: ...
    @property
    def network_model(self) -> Literal["alpha", "alpha_prime", "beta", "beta_prime"]: ...
    @property
    def server_room(self) -> bool: ...
    @property
    def roles(self) -> dict[str, str]:
        """The titles the profile gives, by role id."""
    @property
    def tiers(self) -> dict[str, str]:
        """The tier names the profile gives, by tier id."""
    @property
    def origin(self) -> str: ...
    def role_title(self, role: str) -> str:
        """The body's title of a role: the profile's, else DOMAIN.md's; '' for an unknown role."""
    def tier_name(self, tier: str) -> str:
        """The body's name of a tier: the profile's, else the shared one; '' for an unknown tier."""
    def checklist_id(self) -> str:
        """The id of the checklist written for the body."""
    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data."""

def checklist_for_body(model: Checklist, profile: BodyProfile) -> Checklist:
    """The body's checklist from the model checklist, filled with the profile (docs/profiles.md).
    ChecklistError, located in the model, for a placeholder the profile cannot fill."""

def left_out_items(model: Checklist, profile: BodyProfile) -> list[tuple[str, str]]:
    """The model's items the body's checklist leaves out: (item id, 'network_model' | 'server_room')."""

# ---- the obligation extractor (docs/extractor.md)

class Extraction:
    """The result of extract_checklist: a draft checklist and the warnings met on the way.

    Unpacks as ``checklist, warnings = extract_checklist(...)``.
    """
    @property
    def checklist(self) -> Checklist:
        """The draft, validated by the loader (Checklist.from_yaml)."""
    @property
    def warnings(self) -> list[Diagnostic]:
        """Odd numbering, obligations outside any clause, …: (file, line, column, message)."""
    @property
    def yaml(self) -> str:
        """The checklist as YAML, headed by a comment saying it is a draft and from which file."""
    @property
    def parts(self) -> list[str]:
        """Titles of the documents found in the text (小牧市's seed holds two)."""
    @property
    def clauses(self) -> list[dict[str, Any]]:
        """Every clause of the parsed tree in document order: part, path, id, label, title,
        depth, first_line, last_line."""
    def __iter__(self) -> Iterator[Any]: ...

def extract_checklist(
    text: str | bytes,
    *,
    id: str,
    title: str,
    body: str,
    source_document: str = "",
    version: str = "draft",
    part: str = "",
) -> Extraction:
    """Draft a checklist from the text of a standard. Returns an Extraction (.checklist,
    .warnings, .yaml), which also unpacks as (checklist, warnings). `part` picks the document
    whose title contains it when the text holds several. Raises ValidationError for invalid
    UTF-8 or options, ChecklistError when the text holds no obligation."""

def question_for(sentence: str) -> str:
    """The self-inspection question for an obligation sentence, or '' for an unknown ending."""

def question_problems(question: str) -> list[str]:
    """What makes a self-inspection question read unnaturally, one sentence each; [] when nothing."""

def important_assets_rule(sentence: str) -> bool:
    """Whether an obligation sentence is restricted to 課 holding 重要な情報資産 (a system that holds them)."""

def roles_in(phrase: str) -> list[str]:
    """Role ids named in `phrase`, longest name first."""

# ---- Alignment with the model checklist (bindings/src/align.cpp); use libaudit.coverage. ----

ALIGN_THRESHOLD: float

def align(
    checklist: Checklist, model: Checklist, use_stated: bool = True, network_model: str = "", server_room: int = -1
) -> dict[str, Any]:
    """Map every item of a checklist to the model checklist's items and compute the coverage (docs/alignment.md)."""

def model_text_for(text: str, checklist: Checklist) -> str:
    """A model text with its placeholders filled for the body of `checklist`."""

def is_model_checklist(checklist: Checklist) -> bool:
    """Whether a checklist is kind: model."""

def coverage_report(
    checklist: Checklist,
    model: Checklist,
    format: str,
    template_dirs: list[str],
    use_stated: bool = True,
    date: str = "",
    title: str = "",
    network_model: str = "",
    server_room: int = -1,
) -> str:
    """The coverage report (標準点検表との対照表) as html, md, csv or json text."""

# ---- The store (bindings/src/store.cpp); use libaudit.Store, which wraps _Store. ----

STORE_SCHEMA_VERSION: int

def fiscal_year_of(date: str) -> int:
    """The 年度 (April-March) an ISO date falls in: '2025-03-31' -> 2024."""

def fiscal_year_range(fiscal_year: int) -> tuple[str, str]:
    """First and last day of a 年度 as ISO dates."""

def fiscal_year_label(fiscal_year: int) -> str:
    """The 和暦 label: 2024 -> '令和6年度'."""

def trail_anchor_text(seq: int, hash: str) -> str:
    """The anchor text reports print for a trail record: '証跡 24:f0ef309841dc' ('証跡なし' for seq 0)."""

def read_trail_key(path: str) -> bytes:
    """The trail key in a key file (64 hex digits and a newline, mode 0600): its raw bytes."""

def write_trail_key(path: str) -> None:
    """Writes a new key file of 32 random bytes, mode 0600; never replaces a file."""

def trail_key_id(key: bytes) -> str:
    """The first 16 hex digits of SHA-256(key)."""

def answer_labels() -> list[tuple[str, str]]:
    """Answers as (code, Japanese label) pairs."""

_Row = Sequence[str | None] | Mapping[str, str | None]
_Progress = Callable[[int, int], None] | None

class _Store:
    """The compiled store: returns plain dicts and tuples. Use libaudit.Store."""
    def __init__(
        self,
        path: str,
        create: bool = True,
        busy_timeout_ms: int = 30000,
        read_only: bool = False,
        trail_key: bytes = b"",
    ) -> None: ...
    def close(self) -> None: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def path(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    def schema_versions(self) -> dict[str, int]: ...
    def body(self) -> str: ...
    def set_body(self, actor: str, body: str) -> None: ...
    def exchange_secret(self) -> str: ...
    def put_department(self, actor: str, department: dict[str, Any]) -> None: ...
    def import_departments(self, actor: str, rows: list[dict[str, Any]], source: str = "<rows>") -> dict[str, int]: ...
    def import_departments_csv(
        self, actor: str, file: str | os.PathLike[str], encoding: str = "detect"
    ) -> dict[str, int]: ...
    def departments(self) -> list[dict[str, Any]]: ...
    def put_system(self, actor: str, system: dict[str, Any]) -> None: ...
    def import_systems(self, actor: str, rows: list[dict[str, Any]], source: str = "<rows>") -> dict[str, int]: ...
    def import_systems_csv(
        self, actor: str, file: str | os.PathLike[str], encoding: str = "detect"
    ) -> dict[str, int]: ...
    def systems(self) -> list[dict[str, Any]]: ...
    def import_checklist(self, actor: str, checklist: Checklist) -> int: ...
    def checklists(self) -> list[dict[str, Any]]: ...
    def load_checklist(self, id: int) -> Checklist: ...
    def find_checklist(self, ref: str) -> dict[str, Any]: ...
    def create_cycle(
        self,
        actor: str,
        name: str,
        kind: str,
        fiscal_year: int,
        checklist: int,
        departments: list[str] = ...,
        secretariat: str = ...,
    ) -> int: ...
    def open_cycle(self, actor: str, cycle: int) -> None: ...
    def close_cycle(self, actor: str, cycle: int) -> None: ...
    def trail_head(self) -> dict[str, Any]: ...
    def cycle_point(self, cycle: int, as_of: _DateArg = None) -> dict[str, Any]: ...
    def cycle_closes(self, cycle: int) -> list[dict[str, Any]]: ...
    def cycles(self) -> list[dict[str, Any]]: ...
    def cycle(self, id: int) -> dict[str, Any]: ...
    def earlier_cycle(self, a: int, b: int) -> bool:
        """Whether cycle `a` comes before cycle `b` (store.h, earlier_cycle)."""
    def import_responses(
        self,
        actor: str,
        cycle: int,
        rows: Iterable[_Row],
        source: str = "<rows>",
        progress: _Progress = None,
        trail_source: str = "",
    ) -> dict[str, int]:
        """All-or-nothing; rows are (department, item, answer[, comment, evidence, answered_by,
        answered_at]) tuples, lists or dicts with those keys, read once before the import; runs
        without the GIL."""
    def import_responses_csv(
        self, actor: str, cycle: int, file: str | os.PathLike[str], encoding: str = "detect", progress: _Progress = None
    ) -> dict[str, int]: ...
    def responses(self, cycle: int) -> list[tuple[int, str, str, str, str, str, str, str]]: ...
    def response_count(self, cycle: int) -> int: ...
    def response_history(self, cycle: int, department: str, item: str) -> list[dict[str, Any]]:
        """Every recorded state of one response, oldest first (Store::response_history)."""
    def trail(self, after: int = 0, limit: int = 0) -> list[tuple[int, str, str, str, str, str, str, str, str]]: ...
    def verify(
        self, anchor: str = "", anchor_seq: int = 0, trail_key: bytes = b"", since_checkpoint: bool = False
    ) -> dict[str, Any]:
        """records, rows, head_hash, head_seq, problems: [(table, key, kind, detail), ...],
        sealed_from, key_id, unreferenced, checkpoint, since, checkpoint_hash; with an anchor hash (and its seq, 0:
        any record), a ("trail", "anchor", ...) problem when the chain no longer holds it; with a
        trail key, the MACs checked; since_checkpoint: from the latest checkpoint on."""
    def checkpoint(self, actor: str, anchor: str = "", anchor_seq: int = 0, trail_key: bytes = b"") -> dict[str, Any]:
        """A full verify and, when clean, a checkpoint record sealing its head (as verify's dict;
        checkpoint and checkpoint_hash: the record's seq and hash, 0 and "" when problems were
        found)."""

# ---- Findings and exceptions (bindings/src/findings.cpp); use store.people / store.findings /
# store.exceptions (libaudit.findings). The classes' attributes follow the field tables
# (libaudit/followup/fields.h). A date argument (_DateArg) is None (today in Japan), an ISO date,
# an ISO 8601 time with a zone, a datetime.date or a datetime.datetime (naive: UTC). ----

_DateArg = str | datetime.date | None

class Person:
    """Someone who acts: name (unique), the 課 they belong to, their roles."""

    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)
    __field_types__: dict[str, str]
    @property
    def name(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def roles(self) -> tuple[str, ...]: ...
    # end of fields
    def has(self, role: str) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""

class Finding:
    """A finding (指摘事項) against one 課 and checklist items."""

    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)
    __field_types__: dict[str, str]
    @property
    def id(self) -> int: ...
    @property
    def cycle(self) -> int: ...
    @property
    def department(self) -> str: ...
    @property
    def items(self) -> tuple[str, ...]: ...
    @property
    def severity(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def condition(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def evidence(self) -> str: ...
    @property
    def recommendation(self) -> str: ...
    @property
    def due(self) -> str: ...
    @property
    def raised_by(self) -> str: ...
    @property
    def raised_at(self) -> str: ...
    @property
    def source_finding(self) -> int: ...
    @property
    def promoted_from(self) -> int: ...
    @property
    def remediated_by(self) -> str: ...
    @property
    def updated_at(self) -> str: ...
    @property
    def checks_open(self) -> int: ...
    @property
    def checks_total(self) -> int: ...
    # end of fields
    @property
    def days_overdue(self) -> int:
        """Days past due (Findings.overdue(); else 0)."""
    @property
    def severity_label(self) -> str: ...
    @property
    def state_label(self) -> str: ...
    @property
    def closed(self) -> bool:
        """verified, risk_accepted or discarded."""
    def is_overdue(self, today: _DateArg = None) -> bool:
        """Past its due date (in Japan) and not closed; drafts never are."""
    def days_past_due(self, today: _DateArg = None) -> int:
        """Days past due on `today` (in Japan) when overdue, else 0."""
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""

class Transition:
    """One move of a finding: who, when, from, to, note."""

    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)
    __field_types__: dict[str, str]
    @property
    def id(self) -> int: ...
    @property
    def finding(self) -> int: ...
    @property
    def from_state(self) -> str: ...
    @property
    def to_state(self) -> str: ...
    @property
    def by(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def note(self) -> str: ...
    # end of fields
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""

class CheckRequest:
    """A 横展開 request: 課 `department` checks for the finding's problem."""

    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)
    __field_types__: dict[str, str]
    @property
    def id(self) -> int: ...
    @property
    def finding(self) -> int: ...
    @property
    def department(self) -> str: ...
    @property
    def requested_by(self) -> str: ...
    @property
    def requested_at(self) -> str: ...
    @property
    def answer(self) -> str: ...
    @property
    def answered_by(self) -> str: ...
    @property
    def answered_at(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def linked_finding(self) -> int: ...
    # end of fields
    @property
    def answered(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""

class ExceptionRecord:
    """An exception (例外措置) from an item for a 課 (and a system)."""

    # fields: written by tools/entity_stubs.py from the field table (libaudit/followup/fields.h)
    __field_types__: dict[str, str]
    @property
    def id(self) -> int: ...
    @property
    def department(self) -> str: ...
    @property
    def item(self) -> str: ...
    @property
    def system(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def compensating_measure(self) -> str: ...
    @property
    def start(self) -> str: ...
    @property
    def end(self) -> str: ...
    @property
    def emergency(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def requested_by(self) -> str: ...
    @property
    def requested_at(self) -> str: ...
    @property
    def decided_by(self) -> str: ...
    @property
    def decided_at(self) -> str: ...
    @property
    def decision_note(self) -> str: ...
    @property
    def reported_at(self) -> str: ...
    # end of fields
    @property
    def late(self) -> bool:
        """Emergency and not reported in time, as of the query's day and report window."""
    @property
    def status_label(self) -> str: ...
    def in_force(self, today: _DateArg = None) -> bool:
        """Approved and `today` (in Japan) within [start, end]."""
    def expired(self, today: _DateArg = None) -> bool:
        """Approved, and the period ended before `today` (in Japan)."""
    def to_dict(self) -> dict[str, Any]:
        """Plain data (English codes), as ``--json`` prints it."""

def finding_severities() -> list[tuple[str, str]]:
    """(code, Japanese label): major_nonconformity 重大な不適合, …"""

def finding_states() -> list[tuple[str, str]]:
    """(code, Japanese label): draft 未確定, open 未対応, …"""

def exception_statuses() -> list[tuple[str, str]]: ...
def transition_rules() -> list[tuple[str, str, list[str], str]]:
    """The state machine: (from, to, roles allowed, condition)."""

def japan_date_of(iso: str) -> str:
    """The date in Japan (UTC+9) of an ISO 8601 time with a zone; a date as is."""

def japan_date(when: _DateArg = None) -> str:
    """The ISO date in Japan of a date argument (None: today)."""

def today_japan() -> str: ...

JAPAN_UTC_OFFSET_MINUTES: int

def emergency_report_days() -> int: ...
def person_put(store: _Store, actor: str, name: str, department: str, roles: str) -> dict[str, int]: ...
def person_import(store: _Store, actor: str, rows: list[list[str]]) -> dict[str, int]: ...
def person_import_csv(store: _Store, actor: str, file: str | os.PathLike[str], encoding: str) -> dict[str, int]: ...
def person_list(store: _Store) -> list[Person]: ...
def person_get(store: _Store, name: str) -> Person: ...
def finding_raise(
    store: _Store,
    by: str,
    cycle: int,
    department: str,
    items: list[str],
    severity: str,
    condition: str,
    evidence: str,
    recommendation: str,
    due: _DateArg,
) -> int: ...
def finding_move(store: _Store, by: str, id: int, to: str, note: str) -> None: ...
def finding_move_many(
    store: _Store, by: str, moves: list[tuple[int, str, str, int]], dry_run: bool, source: str
) -> list[Transition]: ...
def finding_move_where(
    store: _Store,
    by: str,
    cycle: int | None,
    department: str | None,
    state: str | None,
    severity: str | None,
    to: str,
    note: str,
    dry_run: bool,
) -> list[Transition]: ...
def finding_read_decisions(file: str | os.PathLike[str], encoding: str) -> list[tuple[int, str, str, int]]:
    """(finding id, state code, note, line) per row of a decisions CSV (finding,state,note)."""

def finding_get(store: _Store, id: int) -> Finding: ...
def finding_list(
    store: _Store,
    cycle: int | None,
    department: str | None,
    state: str | None,
    overdue: bool,
    drafts: bool,
    today: _DateArg,
) -> list[Finding]: ...
def finding_history(store: _Store, id: int) -> list[Transition]: ...
def finding_overdue(store: _Store, today: _DateArg) -> list[Finding]: ...
def finding_overdue_by_department(store: _Store, today: _DateArg) -> list[tuple[str, str, int, int, list[int]]]:
    """(課 code, 課 name, count, oldest's days past due, finding ids oldest first), most first."""

def finding_spread(store: _Store, by: str, id: int, departments: list[str]) -> list[int]: ...
def finding_answer_check(store: _Store, by: str, request: int, answer: str, note: str, due: _DateArg) -> int: ...
def finding_checks(store: _Store, id: int) -> list[CheckRequest]: ...
def finding_promote(
    store: _Store, by: str, self_inspection: int, into: int, include_partial: bool, due: _DateArg
) -> tuple[list[int], int]: ...
def exception_request(
    store: _Store,
    by: str,
    department: str,
    item: str,
    system: str,
    reason: str,
    compensating_measure: str,
    start: _DateArg,
    end: _DateArg,
    emergency: bool,
) -> int: ...
def exception_approve(store: _Store, by: str, id: int, note: str) -> None: ...
def exception_reject(store: _Store, by: str, id: int, note: str) -> None: ...
def exception_report(store: _Store, by: str, id: int, note: str) -> None: ...
def exception_get(store: _Store, id: int, today: _DateArg, report_days: int) -> ExceptionRecord: ...
def exception_list(store: _Store, which: str, days: int, today: _DateArg, report_days: int) -> list[ExceptionRecord]:
    """which: all, in_force, expiring (within `days`), expired, late (report window `days`)."""

def exceptions_for_scoring(store: _Store, cycle: int, as_of: _DateArg) -> list[tuple[str, str]]: ...

# -- reports (libaudit/report/report.h; use libaudit.render / libaudit.Reporter)
class _Reporter:
    def __init__(
        self,
        store: _Store,
        cycle: int,
        compare: int | None,
        department: str,
        template_dirs: list[str],
        model: str,
        partial_value: float,
        weakest: int,
        as_of: str,
        at: _DateArg,
        expiring_days: int,
        opinion: str,
        purpose: str,
        auditors: list[str],
        period: str,
        title: str,
        plan: int = 0,
    ) -> None: ...
    def departments(self) -> list[str]: ...
    def view(self, kind: str, department: str = "") -> str:
        """The view model as JSON text."""
    def render(self, kind: str, format: str, department: str = "") -> str: ...

def wareki_date(date: str) -> str:
    """'2025-03-31' -> '令和7年3月31日'."""

# ---- scoring (bindings/src/scoring.cpp; use libaudit.scoring)
def model_names() -> list[str]: ...
def model_title(name: str) -> str:
    """A model's name as a person reads it, in the catalogue's language (NotFoundError when unknown)."""

def ipa_band(score: float) -> str: ...

class _Column:
    """One column of a result (float64 or int64), read through the buffer protocol."""

    def __len__(self) -> int: ...

class _CycleData:
    def __init__(self, store: _Store, cycle: int) -> None: ...
    @property
    def cycle(self) -> dict[str, Any]: ...
    @property
    def body(self) -> str: ...
    @property
    def checklist(self) -> Checklist: ...
    @property
    def answered(self) -> int: ...
    @property
    def departments(self) -> list[dict[str, Any]]: ...
    def applies(self, department: int, item: int) -> bool: ...
    def answer_columns(self) -> dict[str, Any]: ...
    def in_scope(self, department: int, item: int) -> bool: ...
    def body_level(self, item: int) -> bool: ...
    def score(self, by: str, model: str, partial_value: float, exceptions: list[tuple[str, str]]) -> dict[str, Any]: ...
    def matrix(self, model: str, partial_value: float, exceptions: list[tuple[str, str]]) -> dict[str, Any]: ...
    def weakest(
        self, n: int, model: str, partial_value: float, exceptions: list[tuple[str, str]]
    ) -> list[dict[str, Any]]: ...
    def compare(
        self,
        after: _CycleData,
        by: str,
        model: str,
        partial_value: float,
        before_exceptions: list[tuple[str, str]],
        after_exceptions: list[tuple[str, str]],
    ) -> dict[str, Any]: ...

def cycle_at(store: _Store, cycle: int, as_of: _DateArg) -> tuple[_CycleData, dict[str, Any], list[tuple[str, str]]]:
    """(CycleData, point, exceptions): the cycle read by the as-of rule (scoring.h, CycleAt)."""

def publish_cycle(store: _Store, by: str, cycle: int) -> dict[str, Any]: ...
def reopen_cycle(store: _Store, by: str, cycle: int, reason: str) -> dict[str, Any]: ...
def publications(store: _Store, cycle: int) -> list[dict[str, Any]]: ...
def reopenings(store: _Store, cycle: int) -> list[dict[str, Any]]: ...

# The audit stage (libaudit/audit/plan.h): plans as plan_json's dicts; libaudit.audit wraps them.
def _plan_compute(
    store: _Store, fiscal_year: int, rotation: int, auditors: list[str], start: object
) -> dict[str, Any]: ...
def _plan_propose(
    store: _Store, by: str, fiscal_year: int, rotation: int, auditors: list[str], start: object
) -> dict[str, Any]: ...
def _plan_get(store: _Store, plan: int) -> dict[str, Any]: ...
def _plan_list(store: _Store) -> list[dict[str, Any]]: ...
def _plan_change(store: _Store, by: str, plan: int, action: str, department: str, value: str) -> None: ...
def _plan_approve(store: _Store, by: str, plan: int) -> None: ...
def _workpaper_add(
    store: _Store,
    by: str,
    cycle: int,
    department: str,
    item: str,
    method: str,
    observed: str,
    judgement: str,
    examined_on: object,
) -> int: ...
def _workpaper_judge(store: _Store, by: str, paper: int, judgement: str, observed: str) -> None: ...
def _workpaper_review(store: _Store, by: str, paper: int, note: str) -> None: ...
def _workpaper_raise(
    store: _Store, by: str, paper: int, severity: str, condition: str, recommendation: str, due: object
) -> int: ...
def _workpaper_get(store: _Store, paper: int) -> dict[str, Any]: ...
def _workpaper_list(store: _Store, cycle: int, department: str | None) -> list[dict[str, Any]]: ...
def _workpaper_for_finding(store: _Store, finding: int) -> list[dict[str, Any]]: ...

# (file, sheet, row, column, message): libaudit.errors.QuestionnaireProblem's fields
_ProblemTuple = tuple[str, str, int, str, str]

class _Returned:
    """A returned questionnaire, checked. Use libaudit.exchange.import_files."""
    def __init__(self, file: str, problems: list[_ProblemTuple] = ...) -> None: ...
    @property
    def file(self) -> str: ...
    @property
    def department(self) -> str: ...
    @property
    def respondent(self) -> str: ...
    @property
    def problems(self) -> list[_ProblemTuple]: ...
    @property
    def rows(self) -> list[tuple[str, str, str, str, str, int, str]]: ...

def _record_export(
    store: _Store,
    actor: str,
    cycle: int,
    department: str,
    file: str,
    format: str,
    deadline: str,
    sha256: str,
    carry_over: int = 0,
) -> dict[str, Any]:
    """Record an exported questionnaire (collection.h). Use libaudit.exchange."""

def _exports(store: _Store, cycle: int) -> list[dict[str, Any]]:
    """The recorded exports of a cycle, by 課 then number."""

def _collection_status(store: _Store, cycle: int, as_of: str | None = None) -> dict[str, Any]:
    """回収状況 of a cycle (collection.h). Use Store.collection_status."""

def _save_answers(
    store: _Store, actor: str, cycle: int, department: str, rows: Sequence[tuple[str, str, str, str, str]]
) -> dict[str, int]:
    """Save a 課's answers given on the web (submissions.h). Use Store.save_answers."""

def _submit(store: _Store, actor: str, cycle: int, department: str) -> dict[str, Any]: ...
def _reopen_submission(store: _Store, actor: str, cycle: int, department: str, reason: str) -> dict[str, Any]: ...
def _send_web_questionnaire(
    store: _Store, actor: str, cycle: int, department: str, deadline: str
) -> dict[str, Any]: ...
def _submission_state(store: _Store, cycle: int, department: str) -> str: ...
def _submissions(store: _Store, cycle: int) -> list[dict[str, Any]]: ...
def _may_answer_for(store: _Store, person: str, department: str) -> bool: ...
def _audit_team(store: _Store, person: str) -> bool: ...

class _Questionnaires:
    """The questionnaires of one cycle (docs/exchange.md). Use libaudit.exchange."""
    def __init__(self, store: _Store, cycle: int, carry_over_from: int | None = None) -> None: ...
    def check_exportable(self) -> None: ...
    def is_target(self, department: str) -> bool: ...
    def department_name(self, code: str) -> str: ...
    def rows(self, department: str) -> list[tuple[int, str, str, str, str, str, str, str, str]]: ...
    def identity(self, department: str, n: int) -> str: ...
    def mac(self, identity: str, parts: list[str]) -> str: ...
    def workbook_identity(
        self, department: str, n: int, sheet: str, respondent_cell: str, shows: list[tuple[str, str]] = ...
    ) -> list[tuple[str, str]]: ...
    def check_workbook(
        self, file: str, sheets: dict[str, list[list[str]]], layout: tuple[int, int, int, int, int, int]
    ) -> _Returned: ...
    def check_csv(self, file: str, data: bytes, encoding: str, columns: list[tuple[str, str]]) -> _Returned: ...
    def import_problems(self, files: list[_Returned], department: str | None = None) -> list[_ProblemTuple]: ...
    def plan(
        self, files: list[_Returned], actor: str
    ) -> tuple[list[tuple[str, str, str, str, str, str]], list[tuple[int, int, int, int]]]: ...

# ---- many bodies compared (bindings/src/benchmark.cpp; use libaudit.benchmark)

class _BenchmarkInput:
    """One body's cycle read for a benchmark (benchmark.h)."""
    @property
    def body(self) -> str: ...

def benchmark_input(store: _Store, cycle: int, model: str, partial_value: float, as_of: _DateArg) -> _BenchmarkInput:
    """A cycle of one store read by the as-of rule, with its latest publication."""

class _Benchmark:
    """Bodies compared (benchmark.h). Use libaudit.benchmark."""
    def view(self) -> str:
        """The view model as JSON text."""
    def render(self, format: str, template_dirs: list[str | os.PathLike[str]]) -> str: ...

def benchmark(inputs: list[_BenchmarkInput], model: Checklist | None, anonymise: bool, key: str) -> _Benchmark:
    """The bodies compared on the model checklist (or their shared checklist when model is None)."""

def anonymous_labels(names: list[str], key: str) -> list[str]:
    """A letter and the body's kind per name (A市, B町 …), ordered by SHA-256(key, name)."""

def body_kind(name: str) -> str:
    """The kind a body's name ends in (市, 町, 市議会 …), or ''."""

# ---- Evidence files (libaudit/store/evidence.h; use libaudit.evidence) ----------------------

EVIDENCE_DEFAULT_MAX_BYTES: int
EVIDENCE_DEFAULT_RETENTION_DAYS: int

def _evidence_add(
    store: _Store,
    actor: str,
    target_kind: str,
    target_key: str,
    source: str | os.PathLike[str],
    title: str = "",
    evidence_date: str = "",
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Adds an evidence file (evidence.h). Use Store.evidence."""

def _evidence_revise(
    store: _Store,
    actor: str,
    id: int,
    source: str | os.PathLike[str],
    title: str = "",
    evidence_date: str = "",
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Adds the next revision of an evidence item."""

def _evidence_withdraw(store: _Store, actor: str, id: int, reason: str) -> list[dict[str, Any]]:
    """Withdraws every revision of an item."""

def _evidence_purge(store: _Store, actor: str, id: int, today: object = None) -> list[dict[str, Any]]:
    """Purges a withdrawn item whose retention has ended: its bytes go, its rows stay."""

def _evidence_list(store: _Store, target_kind: str = "", target_key: str = "") -> list[dict[str, Any]]:
    """Every revision, by id then revision (optionally one target's)."""

def _evidence_get(store: _Store, id: int, revision: int = 0) -> dict[str, Any]:
    """One revision (0: the last)."""

def _evidence_copy_out(
    store: _Store,
    id: int,
    revision: int,
    out: str | os.PathLike[str],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Writes a revision's bytes to `out`, checked against its SHA-256 on the way."""

def _evidence_settings(store: _Store) -> dict[str, Any]:
    """The store's evidence settings."""

def _evidence_set_settings(store: _Store, actor: str, max_bytes: int, retention_days: int) -> None:
    """Sets the store's evidence settings (recorded in the trail)."""

def _evidence_folder(store: _Store) -> os.PathLike[str]:
    """The folder of the evidence bytes."""

def _evidence_unreferenced(store: _Store) -> list[os.PathLike[str]]:
    """Files of the evidence folder that are not evidence."""

def _evidence_clean(store: _Store) -> list[os.PathLike[str]]:
    """Removes the files of the evidence folder that are not evidence; returns them."""

def sniff_evidence(path: str | os.PathLike[str], name: str = "") -> tuple[str, str]:
    """(media type, '') for a file accepted as evidence, ('', why not) for one refused."""
