"""The offline-capable inspection form on the phone, its service worker and web app manifest."""

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from inspection.models import Inspection, InspectionStatus, Role
from inspection.permissions import is_assigned, is_own_self_inspection, is_self_inspection
from inspection.scoring.verdicts import VERDICT_RULES
from inspection.security import get_inspection_or_404
from inspection.services.answers import takes_food_flag
from inspection.services.checklists import checklist_of
from inspection.services.grading_assessment import self_assessment_beside
from inspection.services.inspection_lists import photo_counts, signatures_of
from inspection.services.planning import departments_of, submitted_departments
from inspection.services.self_inspection import SELF_PART, latest_self_results
from inspection.services.submission import facility_facts
from inspection.templating import label

bp = Blueprint("fieldform", __name__)

#: The static files the service worker keeps for offline use (the app shell of the form page).
SHELL_FILES = (
    "css/app.css",
    "css/form.css",
    "js/form.js",
    "js/i18n.js",
    "js/store.js",
    "js/sync.js",
    "js/media.js",
    "js/summary.js",
    "favicon.svg",
)


@bp.route("/inspections/<int:inspection_id>/form")
@login_required
def form(inspection_id: int):
    inspection = get_inspection_or_404(inspection_id)
    response = Response(render_template("inspections/form.html", **_form_context(inspection)))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _form_context(inspection: Inspection) -> dict[str, Any]:
    """Group the inspection's sections by department (a self-inspection's all in one part, the operator's), with
    answers, photo counts, verdict rules and, on an official inspection, what the facility's self-inspection said."""
    own = is_self_inspection(inspection)
    if own:
        mine = SELF_PART if is_own_self_inspection(current_user, inspection) else ""
        done = {SELF_PART} if inspection.status == InspectionStatus.COMPLETE else set()
        order = [SELF_PART]
    else:
        assigned = current_user.department and is_assigned(current_user, inspection)
        mine = current_user.department.code if assigned else ""
        done = submitted_departments(inspection)
        # The inspector's own department comes first: the page opens on the items they fill in.
        order = sorted(departments_of(inspection), key=lambda code: code != mine)
    facts = facility_facts(inspection.facility).true_facts()
    answers = {a.item_code: a for ic in inspection.checklists for a in ic.answers}
    departments: dict[str, list[dict[str, Any]]] = {code: [] for code in order}
    verdicts = {}
    for ic in inspection.checklists:
        checklist = checklist_of(ic.version)
        verdicts[checklist.code] = _verdict_json(checklist)
        for section in checklist.sections:
            departments[SELF_PART if own else section.department.value].append(
                {"checklist": checklist, "section": section, "food": takes_food_flag(checklist, section.department)}
            )
    return {
        "inspection": inspection,
        "departments": departments,
        "my_department": mine,
        "part_names": {code: _("机构自查") if code == SELF_PART else label(code, "department") for code in order},
        "submitted": done,
        "self_said": {}
        if own or current_user.role == Role.OPERATOR
        else latest_self_results(inspection, current_app.config["SELF_INSPECTION_WINDOW_DAYS"]),
        "auto_na": {
            item.code
            for parts in departments.values()
            for p in parts
            for item in p["section"].items
            if not item.applies_to(facts)
        },
        "answers": answers,
        "self_assessed": self_assessment_beside(inspection),
        "photo_counts": photo_counts(inspection),
        "verdicts_json": json.dumps(verdicts, ensure_ascii=False, separators=(",", ":")),
        "signatures_json": json.dumps(
            [
                {"id": s.client_id, "name": s.signer_name, "role": s.signer_role, "refused": s.refused}
                for s in signatures_of(inspection)
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ),
    }


def _verdict_json(checklist: Any) -> dict[str, Any]:
    """Return what the phone needs to preview a checklist's verdict (the server decides the real one)."""
    verdict = checklist.verdict
    preview = VERDICT_RULES[verdict.rule].preview(verdict.params)
    words = {key: _(preview[key]) if preview[key] else preview[key] for key in ("veto", "none_applicable")}
    outcomes = [
        {**outcome, "label": _(outcome["label"]) if outcome["label"] else ""} for outcome in preview["outcomes"]
    ]
    return {"title": _(checklist.title), **preview, **words, "outcomes": outcomes}


@cache
def _shell_version(static_folder: str) -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((Path(static_folder) / name).read_bytes())
    digest.update(_sw_source(static_folder).encode())
    return digest.hexdigest()[:12]


def _sw_source(static_folder: str) -> str:
    return (Path(static_folder) / "js" / "sw.js").read_text(encoding="utf-8")


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so that its scope covers every page."""
    folder = current_app.static_folder or ""
    shell = [url_for("static", filename=name) for name in SHELL_FILES] + [url_for("fieldform.manifest")]
    source = (
        _sw_source(folder)
        .replace("__VERSION__", (_shell_version.__wrapped__ if current_app.debug else _shell_version)(folder))
        .replace("__SHELL__", json.dumps(shell))
    )
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    data = {
        "name": _("养老机构联合检查"),
        "short_name": _("联合检查"),
        "lang": "zh-CN",
        "start_url": url_for("main.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f8",
        "theme_color": "#1d5c8c",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
