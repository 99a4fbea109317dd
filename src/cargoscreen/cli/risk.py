"""`cargoscreen risk ...` — targeting models and selection."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Risk targeting: train, score, evaluate, replay.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


class DataFormat(StrEnum):
    kcs = "kcs"
    store = "store"


class Target(StrEnum):
    fraud = "fraud"
    critical = "critical"


@app.command()
def train(
    data: Path | None = typer.Option(
        None, "--data", help="Labelled declarations (CSV) to learn from (format kcs)."
    ),
    target: Target | None = typer.Option(
        None, "--target", help="fraud = Fraud == 1; critical = Critical Fraud == 2 (format kcs)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Model directory to write (kcs: replaced), or folder of model versions (store: default data_dir/models).",
    ),
    valid: Path | None = typer.Option(
        None, "--valid", help="Later labelled period: calibration holdout, then trained on too."
    ),
    data_format: DataFormat = typer.Option(
        DataFormat.kcs, "--format", help="kcs: a KCS declarations CSV; store: the inspection outcomes stored."
    ),
) -> None:
    """Train a targeting model (LightGBM on leak-free history features, calibrated on a later period).

    With ``--format store`` the container model is retrained from the stored inspection outcomes, evaluated
    on the latest outcomes it did not see, and activated for the next selection.
    """
    if data_format is DataFormat.store:
        _train_from_store(out)
        return
    if data is None or target is None or out is None:
        err_console.print("[red]error:[/red] --format kcs needs --data, --target and --out")
        raise typer.Exit(2)
    from cargoscreen.risk.kcs_service import train_kcs

    kcs_data, kcs_target, kcs_out = data, target, out
    result = _run(lambda: train_kcs(data=kcs_data, out=kcs_out, target=kcs_target.value, valid=valid))
    console.print(_train_table(result.manifest, result.seconds))


def _train_from_store(out: Path | None) -> None:
    from cargoscreen.cli.context import load_context
    from cargoscreen.pipeline.learning import train_from_outcomes

    ctx = load_context()
    db = ctx.ready_database()
    models_dir = out or ctx.settings.data_dir / "models"
    summary = _run(lambda: train_from_outcomes(unit_of_work=db.unit_of_work, models_dir=models_dir))
    console.print(
        f"trained and activated [bold]{summary.version}[/bold] on {summary.cases:,} inspected containers "
        f"({summary.positives} seizures) → {summary.directory}"
    )
    if summary.holdout is None:
        console.print("too few later outcomes with a seizure to evaluate on a holdout yet")
        return
    report = summary.holdout
    shares = ", ".join(f"precision@{int(k * 100)}% {v:.2f}" for k, v in report.precision_at.items())
    console.print(f"holdout: {report.rows} containers, AUC {report.auc:.3f}, {shares}")
    console.print("report: " + ", ".join(str(p) for p in summary.report_files))


@app.command()
def score(
    model: Path = typer.Option(..., "--model", help="Model directory written by `cargoscreen risk train`."),
    data: Path = typer.Option(
        ..., "--data", help="Declarations (CSV) to score; labels, if any, are ignored."
    ),
    out: Path = typer.Option(
        ..., "--out", help="CSV to write: `Declaration ID,score`, one row per input row."
    ),
    data_format: DataFormat = typer.Option(DataFormat.kcs, "--format", help="Input format."),
) -> None:
    """Score declarations: higher = riskier (a calibrated probability of the model's target)."""
    from cargoscreen.risk.kcs_service import score_kcs

    result = _run(lambda: score_kcs(model_dir=model, data=data, out=out))
    console.print(
        f"scored [bold]{result.rows:,}[/bold] rows for [bold]{result.target}[/bold] with "
        f"{result.model_version} in {result.seconds:.1f} s → {result.out}"
    )


def _run(call: Callable[[], T]) -> T:
    """Run a use case; expected failures become one clear line on stderr and exit code 2."""
    from cargoscreen.domain.errors import CargoscreenError

    try:
        return call()
    except (CargoscreenError, OSError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _train_table(manifest: dict[str, Any], seconds: float) -> Table:
    training = manifest["training"]
    holdout = training["holdout"]
    table = Table(title=f"Trained {manifest['model_version']}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("target", manifest["target"])
    table.add_row("rows (fitted after warm-up)", f"{training['rows']:,} ({training['rows_fit']:,})")
    table.add_row("dates", " → ".join(training["dates"]))
    table.add_row("calibration holdout", f"{holdout['rows']:,} rows from {holdout['from']}")
    for name, value in holdout["metrics"].items():
        if name.startswith("pre@") or name == "auc":
            table.add_row(f"holdout {name}", "n/a" if value is None else f"{value:.3f}")
    table.add_row("time", f"{seconds:.1f} s")
    return table


@app.command()
def replay(
    data: list[Path] = typer.Option(
        ..., "--data", help="Labelled history (KCS CSV files, e.g. train and valid)."
    ),
    out: Path = typer.Option(
        Path("replay"), "--out", help="Folder for replay.json and recall_over_weeks.png."
    ),
    target: Target = typer.Option(Target.critical, "--target", help="fraud or critical."),
    inspection_rate: float = typer.Option(0.1, help="Share of each week's items selected (labels revealed)."),
    exploration: str = typer.Option("0,0.1,0.2", help="Exploration shares to compare, comma-separated."),
    initial_weeks: int = typer.Option(8, min=1, help="Fully labelled weeks that train the first model."),
    max_weeks: int | None = typer.Option(None, min=1, help="Replay at most this many weeks."),
    subsample: float = typer.Option(1.0, min=0.01, max=1.0, help="Share of rows kept (quick looks)."),
    workers: int = typer.Option(2, min=1, help="Strategies replayed in parallel processes."),
) -> None:
    """Weekly active-learning replay (Kim et al.): only selected items' labels are revealed; compares shares."""
    import json

    from cargoscreen.risk.replay import KcsSource, plot_replay
    from cargoscreen.risk.replay import replay as run_replay

    def go() -> tuple[dict[str, Any], Path]:
        shares = tuple(float(x) for x in exploration.split(",") if x.strip())
        source = KcsSource.from_files(data, target=target.value, subsample=subsample)
        report = run_replay(
            source,
            inspection_rate=inspection_rate,
            exploration_shares=shares,
            initial_weeks=initial_weeks,
            max_weeks=max_weeks,
            workers=workers,
        )
        out.mkdir(parents=True, exist_ok=True)
        document = report.to_dict()
        (out / "replay.json").write_text(
            json.dumps(document, indent=1, default=float) + "\n", encoding="utf-8"
        )
        return document, plot_replay(report, out / "recall_over_weeks.png")

    document, plot = _run(go)
    table = Table(title=f"Replay: {len(document['weeks'])} strategy-weeks in {document['seconds']:.0f} s")
    for column in ("strategy", "caught", "positives", "recall", "precision"):
        table.add_column(column, justify="right")
    for name, row in document["summary"].items():
        table.add_row(
            name, str(row["caught"]), str(row["positives"]), f"{row['recall']:.3f}", f"{row['precision']:.3f}"
        )
    console.print(table)
    console.print(f"written {out / 'replay.json'} and {plot}")
