"""`cargoscreen imaging ...` — train the image models on simulated scans and evaluate them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from cargoscreen.cli.context import console, err_console, load_context
from cargoscreen.domain.errors import CargoscreenError

app = typer.Typer(
    help="Image AI: train on SYNTHETIC scans (needs the [train] extra) and evaluate.", no_args_is_help=True
)
T = TypeVar("T")


def _with_status(message: str, work: Callable[[Callable[[str], None]], T]) -> T:
    """Run ``work(progress)`` under a status line; a CargoscreenError is printed and exits with code 2."""
    try:
        with console.status(message) as status:
            return work(lambda text: status.update(text))
    except CargoscreenError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command("train")
def train(
    out: Path | None = typer.Option(
        None, help="Weights folder; default: <data dir>/models/imaging/<version>"
    ),
    scans: int = typer.Option(6000, min=20, help="Simulated training scans"),
    epochs: int = typer.Option(32, min=1),
    seed: int = typer.Option(0, min=0, help="Seed of the training scans (evaluation uses another)"),
    validation_scans: int | None = typer.Option(
        None, min=20, help="Simulated validation scans; default: half of --scans"
    ),
    max_minutes: float | None = typer.Option(
        None,
        min=0.1,
        help="Stop training after this many minutes; the learning-rate schedule keeps pace, so it still anneals",
    ),
    init_from: Path | None = typer.Option(
        None, help="Start from the network of a weights folder this command wrote (its scannet.pt)"
    ),
    learning_rate: float = typer.Option(
        5e-3,
        min=1e-6,
        max=0.1,
        help="Peak of the one-cycle learning-rate schedule (a run from --init-from may want less)",
    ),
    width: int | None = typer.Option(
        None,
        min=8,
        max=48,
        help="Channels of the network's first layer (the deeper ones have 2, 3 and 4 times as many); "
        "compute grows with its square. Default: the --init-from network's width, else 16. An "
        "--init-from network may be narrower: it is widened",
        show_default=False,
    ),
    instance_area: float = typer.Option(
        0.0,
        min=0.0,
        help="Weigh up the pixels of each concealment smaller than this many working pixels, by "
        "sqrt(area / its area), at most 3 times (0: every pixel alike)",
    ),
    hard_positive_repeat: int = typer.Option(
        0,
        min=0,
        max=8,
        help="Show every concealment scan the network misses (its strongest logit on the concealment "
        "below 3.5) this many extra times an epoch; found again at every mining (0: off)",
    ),
    checkpoint: Path | None = typer.Option(
        None,
        help="Save the run here after every epoch; if the file exists, go on from it (give the same "
        "options: the scans are simulated again). Removed when the weights are written",
    ),
) -> None:
    """Simulate scans, train the concealment/cargo network (torch), export ONNX with thresholds per class."""
    try:
        import torch  # noqa: F401
    except ImportError:
        err_console.print("[red]error:[/red] training needs torch: pip install 'cargoscreen[train]'")
        raise typer.Exit(2) from None
    from cargoscreen.pipeline.imaging import train_image_models

    ctx = load_context()
    target = out or ctx.settings.data_dir / "models" / "imaging"
    with console.status("simulating scans and training...") as status:

        def progress(text: str) -> None:  # a training run takes long: keep every step on the screen
            status.update(text)
            console.log(text)

        try:
            report = train_image_models(
                target,
                scans=scans,
                seed=seed,
                epochs=epochs,
                validation_scans=validation_scans,
                init_from=init_from,
                learning_rate=learning_rate,
                width=width,
                instance_area=instance_area,
                hard_positive_repeat=hard_positive_repeat,
                max_train_seconds=max_minutes * 60 if max_minutes else None,
                checkpoint=checkpoint,
                progress=progress,
            )
        except CargoscreenError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
    console.print(f"image models {report.version} written to [bold]{report.weights_dir}[/bold]")
    console.print(json.dumps({"seconds": report.seconds, "thresholds": report.thresholds}, indent=2)[:2000])
    console.print(f"use them: [bold]cargoscreen scan analyze ... --weights {report.weights_dir}[/bold]")


@app.command("evaluate")
def evaluate(
    weights: Path | None = typer.Option(None, help="Weights folder; default: the shipped weights"),
    scans: int = typer.Option(600, min=10, help="Fresh simulated test scans"),
    pairs: int = typer.Option(60, min=0, help="Fresh pre-departure/arrival pairs"),
    seed: int = typer.Option(
        101, min=1, help="Seed of the test scans (bench/imaging's; never a training seed of the weights)"
    ),
    out: Path | None = typer.Option(None, help="Write the metrics as JSON here"),
) -> None:
    """Detection at 1 % and 5 % false alarms by kind and mass, boxes, empty, consistency, change, speed."""
    from cargoscreen.pipeline.imaging_eval import evaluate_image_models

    result = _with_status(
        "simulating test scans and analysing...",
        lambda progress: evaluate_image_models(
            weights, scans=scans, seed=seed, pairs=pairs, progress=progress
        ),
    )
    body = result.to_json()
    body.pop("examples", None)
    console.print_json(json.dumps(body))
    if out is not None:
        result.write(out)
        console.print(f"metrics written to [bold]{out}[/bold]")


#: The mass bucket whose compare rows are broken down further.
TARGET_BUCKET = "2-10 kg"


@app.command("compare")
def compare(
    weights: Path = typer.Argument(..., help="Weights folder to judge, e.g. a new training run"),
    against: Path | None = typer.Option(None, help="Weights folder to judge it against; default: shipped"),
    scans: int = typer.Option(1000, min=20, help="Fresh simulated test scans, half with a concealment"),
    seed: int = typer.Option(
        101, min=1, help="Seed of the test scans (never a training seed of either set of weights)"
    ),
    rate: float = typer.Option(0.01, min=0.001, max=0.5, help="False-alarm rate per clean scan"),
    out: Path | None = typer.Option(None, help="Write the comparison as JSON here"),
) -> None:
    """Both models on the same scans, each at RATE false alarms: who finds what, and is it luck (McNemar)."""
    from cargoscreen.pipeline.imaging_compare import compare_image_models

    result = _with_status(
        "simulating test scans and scoring them with both models...",
        lambda progress: compare_image_models(
            against, weights, scans=scans, seed=seed, rate=rate, progress=progress
        ),
    )
    _print_comparison(result)
    if out is not None:
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        console.print(f"comparison written to [bold]{out}[/bold]")


def _print_comparison(result: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(
        title=f"found at {result['rate']:.0%} false alarms on {result['scans']} SYNTHETIC scans "
        f"(seed {result['seed']}), ranked by {result.get('ranking', 'peak')}: "
        f"{result['a']} (against) vs {result['b']} (judged)"
    )
    for column in ("group", "scans", "against", "judged", "only against", "only judged", "McNemar p"):
        table.add_column(column, justify="left" if column == "group" else "right")
    rows = [("x-ray visible", result["xray_visible"])]
    rows += list(result["by_mass"].items()) + list(result["by_kind"].items())
    # the bucket with a target still to meet, split by hiding place and by declared cargo
    for key, label in (("by_kind_and_mass", "2-10 kg, {}"), ("by_cargo_and_mass", "2-10 kg in {}")):
        rows += [
            (label.format(name), g[TARGET_BUCKET]) for name, g in result[key].items() if TARGET_BUCKET in g
        ]
    for name, group in rows:
        table.add_row(
            name,
            str(group["n"]),
            _percent(group["a"]),
            _percent(group["b"]),
            str(group["only_a"]),
            str(group["only_b"]),
            "-" if group["p_value"] is None else f"{group['p_value']:.3f}",
        )
    console.print(table)
    auroc = result["auroc_xray_visible"]
    console.print(f"AUROC (x-ray visible): against {auroc['a']}, judged {auroc['b']}")
    peak = result.get("one_threshold_on_peak")
    if peak:  # the measure used before 2026-12-06: one threshold on the raw peak for every cargo class
        groups = [("x-ray visible", peak["xray_visible"]), *peak["by_mass"].items()]
        console.print(
            "one threshold on the raw peak: "
            + "; ".join(f"{name} {_percent(g['a'])} vs {_percent(g['b'])}" for name, g in groups)
        )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@app.command("calibrate")
def calibrate(
    weights: Path | None = typer.Option(
        None, help="Weights folder to recalibrate; default: the shipped weights"
    ),
    per_class: int = typer.Option(300, min=20, help="Fresh clean simulated scans per cargo class"),
    rate: float = typer.Option(0.01, min=0.001, max=0.5, help="False-alarm rate per clean scan"),
    seed: int | None = typer.Option(None, min=0, help="Seed of the scans; default: the training seed"),
    grid_phases: int | None = typer.Option(
        None,
        help="Average the heat-map over 1, 2 or 4 grid phases (half a working pixel apart; one network run "
        "each) and calibrate for that; default: as the manifest says",
    ),
) -> None:
    """Refit the alarm threshold of every cargo class on many clean scans and write them to the manifest."""
    from cargoscreen.pipeline.imaging_calibrate import calibrate_thresholds

    record = _with_status(
        "simulating clean scans and scoring them...",
        lambda progress: calibrate_thresholds(
            weights, per_class=per_class, rate=rate, seed=seed, grid_phases=grid_phases, progress=progress
        ),
    )
    record.pop("previous_thresholds", None)
    console.print_json(json.dumps(record))


@app.command("combine")
def combine(
    members: list[Path] = typer.Argument(..., help="Two or more weights folders holding different networks"),
    out: Path = typer.Option(..., help="New weights folder for the combined model"),
    per_class: int = typer.Option(300, min=20, help="Clean simulated scans per cargo class to calibrate on"),
    how: str = typer.Option(
        "outputs",
        help="outputs: every member runs and their heat-maps are averaged; parameters: one network whose "
        "weights are the members' mean (members grown from one start with --init-from; needs torch)",
    ),
) -> None:
    """Average networks trained apart into one model, then calibrate its thresholds on clean scans."""
    try:
        import onnx  # noqa: F401
    except ImportError:
        err_console.print("[red]error:[/red] combining needs onnx: pip install 'cargoscreen[train]'")
        raise typer.Exit(2) from None
    from cargoscreen.pipeline.imaging_combine import combine_image_models

    record = _with_status(
        "combining and calibrating...",
        lambda progress: combine_image_models(members, out, per_class=per_class, how=how, progress=progress),
    )
    record["calibration"].pop("previous_thresholds", None)
    console.print_json(json.dumps(record))
    console.print(f"use them: [bold]cargoscreen scan analyze ... --weights {record['weights_dir']}[/bold]")
