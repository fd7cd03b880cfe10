"""The checklists shipped inside the package (checklist stage): the model checklist
(標準点検表, ``checklists/model/`` of the repository) and the body profiles of the five seed
bodies (``checklists/profiles/``), which ``libaudit checklist new`` fills it with
(docs/profiles.md)::

    import libaudit
    from libaudit.checklists import shipped_model, shipped_profiles

    model = libaudit.Checklist.load(shipped_model())
    profile = libaudit.BodyProfile.load(shipped_profiles()["komaki"])
    checklist = libaudit.checklist_for_body(model, profile)
"""

from __future__ import annotations

import os
from pathlib import Path

MODEL_FILE = "hyojun-tenkenhyo.yaml"


def shipped_dir() -> Path:
    """The folder of the shipped checklists: ``model/`` and ``profiles/``."""
    # abspath, not resolve: in the build tree this module is a link to the source file, and the
    # shipped folders are linked beside the link.
    return Path(os.path.abspath(os.path.dirname(__file__))) / "checklists"


def shipped_model() -> Path:
    """The model checklist (標準点検表) shipped with the package."""
    return shipped_dir() / "model" / MODEL_FILE


def shipped_profiles() -> dict[str, Path]:
    """The shipped body profiles by file stem (``komaki``, ``tokorozawa-council``, …)."""
    return {p.stem: p for p in sorted((shipped_dir() / "profiles").glob("*.yaml"))}


__all__ = ["MODEL_FILE", "shipped_dir", "shipped_model", "shipped_profiles"]
