"""The dashboard's plots, drawn server-side with matplotlib (Agg) as PNG."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence

from cargoscreen.store.repositories.worklist import DailyCounts

PLOTS = {
    "throughput": "Selected and scanned per day",
    "hit_rate": "Hit rate (seizures per inspection)",
    "seized_kg": "Seized kg per day",
}
_LOCK = threading.Lock()  # pyplot's state is global: one figure at a time


def plot_png(name: str, days: Sequence[DailyCounts]) -> bytes:
    """One plot of the daily counts as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    labels = [day.day.strftime("%m-%d") for day in days]
    figure = Figure(figsize=(5.2, 2.6), dpi=100)
    axes = figure.add_subplot()
    x = list(range(len(days)))
    if name == "throughput":
        axes.bar(
            [i - 0.2 for i in x], [d.selected_scan + d.selected_physical for d in days], 0.4, label="selected"
        )
        axes.bar([i + 0.2 for i in x], [d.scanned for d in days], 0.4, label="scanned")
        axes.legend(loc="upper left", fontsize=8)
    elif name == "hit_rate":
        axes.plot(x, [100 * (d.hit_rate or 0.0) for d in days], marker="o")
        axes.set_ylabel("%")
    else:
        axes.bar(x, [d.seized_kg for d in days], color="#b03a2e")
        axes.set_ylabel("kg")
    axes.set_xticks(x, labels, fontsize=8)
    axes.set_title(PLOTS[name], fontsize=10)
    if not days:
        axes.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=axes.transAxes)
    figure.tight_layout()
    buffer = io.BytesIO()
    with _LOCK:
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
