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


class Target(StrEnum):
    fraud = "fraud"
    critical = "critical"


@app.command()
def train(
    data: Path = typer.Option(..., "--data", help="Labelled declarations (CSV) to learn from."),
    target: Target = typer.Option(
        ..., "--target", help="fraud = Fraud == 1; critical = Critical Fraud == 2."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Model directory to write (a previous model there is replaced)."
    ),
    valid: Path | None = typer.Option(
        None, "--valid", help="Later labelled period: calibration holdout, then trained on too."
    ),
    data_format: DataFormat = typer.Option(DataFormat.kcs, "--format", help="Input format."),
) -> None:
    """Train a targeting model (LightGBM on leak-free history features, calibrated on a later period)."""
    from cargoscreen.risk.kcs_service import train_kcs

    result = _run(lambda: train_kcs(data=data, out=out, target=target.value, valid=valid))
    console.print(_train_table(result.manifest, result.seconds))


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
