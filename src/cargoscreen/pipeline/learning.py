"""Learning loop: inspection outcomes become labels; the container model is retrained, evaluated, activated.

Cases are rebuilt from the stored manifests of the inspected containers' vessel calls, with the parties'
history taken strictly before the day of each call, so a label never sees its own future.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from cargoscreen.domain.errors import CargoscreenError
from cargoscreen.domain.outcomes import InspectionOutcome
from cargoscreen.domain.ports import UnitOfWorkFactory
from cargoscreen.pipeline.targeting import past_parties
from cargoscreen.risk.case import ContainerCase, PartySeen, build_cases
from cargoscreen.risk.container_model import (
    ContainerRiskModel,
    load_container_model,
    save_container_model,
)
from cargoscreen.risk.evaluation import EvaluationReport, evaluate, labels_from_outcomes, write_report
from cargoscreen.risk.features import PastParties

KIND = "container"


@dataclass
class TrainingSummary:
    """A trained and activated model version, and how it did on the later outcomes it did not see."""

    version: str
    directory: Path
    cases: int
    positives: int
    holdout: EvaluationReport | None
    report_files: list[Path]


def active_container_model(unit_of_work: UnitOfWorkFactory) -> tuple[ContainerRiskModel | None, str | None]:
    """The active container model and its version, or (None, None) before the first training."""
    with unit_of_work() as uow:
        view = uow.models.active(KIND)
    if view is None:
        return None, None
    return load_container_model(Path(view.artifact_path)), view.version


def labelled_history(
    unit_of_work: UnitOfWorkFactory, outcomes: list[InspectionOutcome]
) -> tuple[list[ContainerCase], list[dict[str, PartySeen] | None], np.ndarray, np.ndarray]:
    """Inspected cases (by arrival), each with its shippers' history, labels and kg seized."""
    calls = {(o.imo_number, o.voyage_number) for o in outcomes}
    with unit_of_work() as uow:
        manifests = uow.history.manifests_of_calls(calls)
    by_day: dict[date, list[ContainerCase]] = defaultdict(list)
    pasts: dict[date, PastParties] = {}
    for manifest in manifests:
        arrival = manifest.vessel_call.ata or manifest.vessel_call.eta
        if arrival is None:
            continue
        day = arrival.date()
        past = pasts.setdefault(day, past_parties(unit_of_work, day))
        by_day[day].extend(build_cases(manifest, past.consignees or None))
    shippers_of = {day: (dict(p.shippers) if p.consignees else None) for day, p in pasts.items()}
    cases = [c for day in sorted(by_day) for c in by_day[day]]
    labelled = labels_from_outcomes(cases, outcomes)
    shippers = [shippers_of[c.arrival.date()] if c.arrival else None for c in labelled.cases]
    return labelled.cases, shippers, labelled.labels, labelled.seized_kg


def train_from_outcomes(
    *, unit_of_work: UnitOfWorkFactory, models_dir: Path, holdout_share: float = 0.25
) -> TrainingSummary:
    """Train on every stored outcome, evaluate a model fitted on the earlier part on the later part, activate."""
    with unit_of_work() as uow:
        outcomes = uow.outcomes.all()
    if not outcomes:
        raise CargoscreenError("no inspection outcomes are stored yet: record some before training")
    cases, shippers, labels, kg = labelled_history(unit_of_work, outcomes)
    if not cases:
        raise CargoscreenError("no stored manifest matches the recorded outcomes (container, IMO, voyage)")
    holdout = _holdout_report(cases, shippers, labels, kg, holdout_share)
    model = ContainerRiskModel().fit(cases, labels, shippers=shippers)
    staging = models_dir / "incoming"
    manifest = save_container_model(model, staging, training={"outcomes": len(outcomes)})
    version = str(manifest["model_version"])
    directory = models_dir / version
    staging.rename(directory)
    files = write_report(holdout, directory, version=version) if holdout else []
    metrics = holdout.to_dict() if holdout else {}
    metrics.pop("pr_curve", None)
    with unit_of_work() as uow:
        uow.models.register(
            version, KIND, model.get_params(), metrics, str(directory.resolve()), activate=True
        )
    return TrainingSummary(version, directory, len(cases), int(labels.sum()), holdout, files)


def _holdout_report(
    cases: list[ContainerCase],
    shippers: list[dict[str, PartySeen] | None],
    labels: np.ndarray,
    kg: np.ndarray,
    share: float,
) -> EvaluationReport | None:
    """Fit on the earlier cases and evaluate on the later ``share``; None when either side lacks labels."""
    cut = int(len(cases) * (1 - share))
    early, late = labels[:cut], labels[cut:]
    if early.sum() < 2 or late.sum() < 1 or (late == 0).sum() < 1:
        return None
    model = ContainerRiskModel().fit(cases[:cut], early, shippers=shippers[:cut])
    scores = model.score(cases[cut:], top=0, shippers=shippers[cut:]).probability
    return evaluate(scores, late, kg[cut:])
