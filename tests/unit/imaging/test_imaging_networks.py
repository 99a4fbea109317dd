"""A tiny training run on SYNTHETIC containers proves the loop, the ONNX export and the runtime fit together."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from imaging_arrays import container_image, scan_from  # noqa: E402

from cargoscreen.domain.scans import CargoClass, DoorEnd  # noqa: E402
from cargoscreen.imaging.change import ChangeConfig  # noqa: E402
from cargoscreen.imaging.consistency import CLASS_ORDER, class_index  # noqa: E402
from cargoscreen.imaging.empty import EmptyConfig  # noqa: E402
from cargoscreen.imaging.mining import mine_hard_columns, mine_hard_positives  # noqa: E402
from cargoscreen.imaging.network_io import (  # noqa: E402
    export_onnx,
    load_checkpoint,
    load_state,
    predict,
    save_checkpoint,
    save_state,
)
from cargoscreen.imaging.networks import (  # noqa: E402
    ScanNet,
    TrainConfig,
    TrainSample,
    _crop_start,
    _epoch_order,
    instance_weights,
    train,
)
from cargoscreen.imaging.preprocess import CHANNELS, prepare  # noqa: E402
from cargoscreen.imaging.runtime import ImageAnalyzer, ImagingModelError, write_manifest  # noqa: E402
from cargoscreen.imaging.thresholds import fit_thresholds  # noqa: E402
from cargoscreen.imaging.train_state import TrainState  # noqa: E402
from cargoscreen.imaging.widening import state_width, widen_state  # noqa: E402


def _sample(make_scan: Any, container: Callable[..., np.ndarray], seed: int) -> tuple[TrainSample, Any]:
    rng = np.random.default_rng(seed)
    p = container(rows=300, cols=700, seed=seed, cargo_p=1.0 + rng.random())
    mask = np.zeros(p.shape, dtype=bool)
    if seed % 2:
        r, c = int(rng.integers(80, 220)), int(rng.integers(60, 600))
        p[r : r + 40, c : c + 40] += 1.5
        mask[r : r + 40, c : c + 40] = True
    prepared = prepare(make_scan(p))
    target = prepared.frame.to_work(mask.astype(np.float32))
    label = class_index(CargoClass.SUGAR if seed % 3 else CargoClass.TIMBER)
    sample = TrainSample(
        tensor=prepared.tensor.astype(np.float16),
        target=np.clip(target * 2.0, 0.0, 1.0).astype(np.float32),
        weight=np.ones(target.shape, dtype=np.float32),
        label=label,
    )
    return sample, prepared


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Any:
    samples = [_sample(scan_from, container_image, seed) for seed in range(12)]
    config = TrainConfig(epochs=20, batch_size=4, crop_width=96, width=4, learning_rate=1e-2, seed=1)
    result = train([s for s, _ in samples], len(CLASS_ORDER), config)
    directory = tmp_path_factory.mktemp("weights")
    export_onnx(result.net, directory / "scannet.onnx", in_channels=len(CHANNELS))
    clean = [float(predict(result.net, p.tensor)[0].max()) for s, p in samples if s.target.max() == 0]
    thresholds = fit_thresholds(clean, [CargoClass.SUGAR] * len(clean), rate=0.01)
    write_manifest(
        directory,
        version="test",
        network_file="scannet.onnx",
        thresholds=thresholds,
        empty=EmptyConfig(),
        change=ChangeConfig(),
        extra={"training": {"steps": result.steps}},
    )
    return result, samples, directory


def test_training_learns_where_the_lump_is(trained: Any) -> None:
    result, samples, _ = trained
    assert result.steps == 20 * 3
    assert result.losses[-1] < result.losses[0]
    inside, outside = [], []
    for sample, prepared in samples:
        heat, probs = predict(result.net, prepared.tensor)
        h, w = prepared.frame.size
        heat = heat[:h, :w]
        assert probs.shape == (len(CLASS_ORDER),) and probs.sum() == pytest.approx(1.0, abs=1e-4)
        hot = sample.target[:h, :w] > 0.5
        if hot.any():
            inside.append(float(heat[hot].mean()))
        outside.append(float(heat[~hot].mean()))
    assert np.mean(inside) > np.mean(outside) + 0.2, (np.mean(inside), np.mean(outside))


def test_mining_finds_the_strongest_false_response_and_crops_go_there(
    trained: Any, make_scan: Any, container: Any
) -> None:
    result, samples, _ = trained
    hot = mine_hard_columns(result.net, [s for s, _ in samples])
    assert len(hot) == len(samples)
    for (sample, _), column in zip(samples, hot, strict=True):
        assert 0 <= column < sample.target.shape[1]
    # a lump the network has learnt to flag, but labelled clean: mining must find its columns
    p = container(rows=300, cols=700, seed=40, cargo_p=1.5)
    p[120:160, 420:460] += 1.5
    lump = np.zeros(p.shape, dtype=np.float32)
    lump[120:160, 420:460] = 1.0
    prepared = prepare(make_scan(p))
    columns = np.flatnonzero(prepared.frame.to_work(lump).max(axis=0) > 0.5)
    heat, _ = predict(result.net, prepared.tensor)
    assert heat.max() > 0.5, "the tiny network flags the lump"
    clean = TrainSample(
        tensor=prepared.tensor.astype(np.float16),
        target=np.zeros(prepared.frame.size, dtype=np.float32),
        weight=np.ones(prepared.frame.size, dtype=np.float32),
        label=class_index(CargoClass.SUGAR),
    )
    [column] = mine_hard_columns(result.net, [clean])
    assert columns.min() - 1 <= column <= columns.max() + 1, (column, columns)
    rng = np.random.default_rng(0)
    sample = samples[0][0]
    width = sample.target.shape[1]
    starts = [_crop_start(sample, 64, rng, 0.0, hot=width // 2, hard_share=1.0) for _ in range(50)]
    assert all(s <= width // 2 < s + 64 for s in starts), "every hard crop holds its hot column"
    assert len(set(starts)) > 1, "hard crops are jittered"


def test_hard_positives_are_the_concealments_the_network_gives_too_low_a_logit(trained: Any) -> None:
    result, samples, _ = trained
    data = [s for s, _ in samples]
    positive = [bool(((s.target > 0) & (s.weight > 0)).any()) for s in data]
    assert any(positive) and not all(positive)
    assert mine_hard_positives(result.net, data, 96, float("inf")) == positive  # clean scans never
    assert not any(mine_hard_positives(result.net, data, 96, -float("inf")))
    # on a 96-column crop around the concealment it judges as on the whole scan
    peaks = []
    for sample, prepared in samples:
        if sample.target.max() > 0:
            heat, _ = predict(result.net, prepared.tensor)
            h, w = sample.target.shape
            share = float(heat[:h, :w][sample.target > 0].max())
            peaks.append(np.log(share / max(1.0 - share, 1e-7)))
    below = float(np.median(peaks))
    flags = [f for f, p in zip(mine_hard_positives(result.net, data, 96, below), positive, strict=True) if p]
    for flag, peak in zip(flags, peaks, strict=True):
        if abs(peak - below) > 0.5:
            assert flag == (peak < below), (peak, below)
    # a concealment whose pixels are all untaught (the beam does not show it) is not missed
    hidden = data[positive.index(True)]
    untaught = TrainSample(hidden.tensor, hidden.target, np.zeros_like(hidden.weight), hidden.label)
    assert mine_hard_positives(result.net, [untaught], 96, float("inf")) == [False]


def test_missed_concealments_come_more_often_in_an_epoch_of_the_same_length() -> None:
    rng = np.random.default_rng(0)
    missed = [i in (2, 5) for i in range(10)]
    order = _epoch_order(rng, 10, missed, 2, 14)
    assert sorted(order.tolist()) == sorted([*range(10), 2, 2, 5, 5])
    short = _epoch_order(rng, 10, missed, 2, 10)
    assert len(short) == 10 and set(short.tolist()) <= set(range(10))
    assert sorted(_epoch_order(rng, 10, missed, 0, 10).tolist()) == list(range(10))


def test_a_run_from_a_trained_network_looks_for_its_misses_first(trained: Any) -> None:
    result, samples, _ = trained
    data = [s for s, _ in samples]
    said: list[str] = []
    config = TrainConfig(
        epochs=3, batch_size=4, crop_width=96, width=4, hard_positive_repeat=2, hard_positive_logit=50.0
    )
    run = train(data, len(CLASS_ORDER), config, init=result.net.state_dict(), progress=said.append)
    assert run.steps == 3 * 3
    positives = sum(bool(s.target.max() > 0) for s in data)
    mined = [m for m in said if "missed" in m]
    assert mined[0].startswith(f"epoch 1: {positives} concealment scans missed"), said
    assert any(m.startswith("epoch 3:") for m in mined), said  # and again at every mining


def test_onnx_matches_torch_and_takes_any_size(trained: Any) -> None:
    import onnxruntime as ort

    result, samples, directory = trained
    session = ort.InferenceSession(str(directory / "scannet.onnx"), providers=["CPUExecutionProvider"])
    for _, prepared in samples[:3]:
        heat_ort, probs_ort = session.run(None, {"scan": prepared.tensor[None]})
        heat_pt, probs_pt = predict(result.net, prepared.tensor)
        assert heat_ort.shape[1:] == prepared.tensor.shape[1:]
        assert np.allclose(heat_ort[0], heat_pt, atol=1e-4)
        assert np.allclose(probs_ort[0], probs_pt, atol=1e-4)


def test_analyzer_reports_findings_in_scan_pixels(trained: Any, make_scan: Any, container: Any) -> None:
    _, _, directory = trained
    analyzer = ImageAnalyzer.load(directory)
    p = container(rows=300, cols=700, seed=99)
    p[100:140, 500:540] += 1.5
    scan = make_scan(p, door_end=DoorEnd.LEFT)
    analysis = analyzer.analyze(
        scan, declared_class=CargoClass.SUGAR, pre_departure=make_scan(container(rows=300, cols=700, seed=99))
    )
    findings = analysis.findings
    assert analysis.heatmap.shape == scan.shape
    assert findings.model_version == "test"
    assert findings.threshold == pytest.approx(analyzer.manifest.thresholds.for_class(CargoClass.SUGAR))
    assert findings.alarm == (findings.score >= findings.threshold)
    assert findings.consistency is not None and findings.seen_class is not None
    assert findings.change is not None and findings.change.added_kg_estimate > 10
    for box in findings.boxes + findings.change.boxes:
        assert 0 <= box.x0 < box.x1 <= scan.shape[1] and 0 <= box.y0 < box.y1 <= scan.shape[0]
    json.dumps(findings.contract_json())


def test_loading_refuses_altered_weights(trained: Any, tmp_path: Path) -> None:
    _, _, directory = trained
    for name in ("scannet.onnx", "manifest.json"):
        (tmp_path / name).write_bytes((directory / name).read_bytes())
    (tmp_path / "scannet.onnx").write_bytes((directory / "scannet.onnx").read_bytes() + b"\0")
    with pytest.raises(ImagingModelError, match="altered"):
        ImageAnalyzer.load(tmp_path)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["preprocess_schema"] = "0" * 16
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ImagingModelError, match="schema"):
        ImageAnalyzer.load(tmp_path)
    with pytest.raises(ImagingModelError, match="no manifest"):
        ImageAnalyzer.load(tmp_path / "nowhere")


def test_training_can_start_from_a_saved_network(trained: Any, tmp_path: Path) -> None:
    result, samples, _ = trained
    save_state(result.net, tmp_path / "scannet.pt")
    state = load_state(tmp_path / "scannet.pt")
    config = TrainConfig(epochs=1, batch_size=4, crop_width=96, width=4, learning_rate=1e-3, seed=2)
    again = train([s for s, _ in samples], len(CLASS_ORDER), config, init=state)
    fresh = train([s for s, _ in samples], len(CLASS_ORDER), config)
    assert again.losses[0] < 0.5 * fresh.losses[0], (again.losses, fresh.losses)
    narrower = TrainConfig(epochs=1, batch_size=4, crop_width=96, width=3)
    with pytest.raises(ValueError, match="does not fit"):
        train([s for s, _ in samples], len(CLASS_ORDER), narrower, init=state)
    wider = TrainConfig(epochs=1, batch_size=4, crop_width=96, width=6, learning_rate=1e-3, seed=2)
    widened = train([s for s, _ in samples], len(CLASS_ORDER), wider, init=state)
    assert widened.net.width == 6
    assert widened.losses[0] < 0.5 * fresh.losses[0], (widened.losses, fresh.losses)


def test_a_widened_network_starts_out_computing_what_the_narrow_one_did(trained: Any) -> None:
    result, samples, _ = trained
    state = {key: value.clone() for key, value in result.net.state_dict().items()}
    assert state_width(state) == 4
    torch.manual_seed(3)
    wide = ScanNet(len(CHANNELS), len(CLASS_ORDER), width=7)
    wide.load_state_dict(widen_state(state, wide))
    for _, prepared in samples[:3]:
        heat, classes = predict(result.net, prepared.tensor)
        wide_heat, wide_classes = predict(wide, prepared.tensor)
        np.testing.assert_allclose(wide_heat, heat, atol=1e-5)
        np.testing.assert_allclose(wide_classes, classes, atol=1e-5)
    # the new channels are live (random weights in), only muted on their way out
    assert float(wide.stem[0].weight[4:].detach().abs().sum()) > 0
    assert (
        float(wide.dec2[0].weight[:12, 16:28].detach().abs().sum()) == 0
    )  # old outputs, new bottleneck channels
    assert float(wide.cls.weight[:, 16:28].detach().abs().sum()) == 0  # pooled means of the new channels
    assert torch.equal(wide.cls.weight[:, 28:44], result.net.cls.weight[:, 16:32])  # the old pooled maxima
    broken = dict(state)
    broken["seg.weight"] = torch.zeros(1, 5, 1, 1)
    with pytest.raises(ValueError, match=r"seg\.weight"):
        widen_state(broken, wide)


def test_a_time_budget_still_runs_the_whole_learning_rate_schedule(trained: Any) -> None:
    _, samples, _ = trained
    data = [s for s, _ in samples]
    full = train(data, len(CLASS_ORDER), TrainConfig(epochs=2, batch_size=4, crop_width=96, width=4))
    assert full.schedule_share == 1.0
    budget = TrainConfig(epochs=500, batch_size=4, crop_width=96, width=4, max_seconds=1.0)
    cut = train(data, len(CLASS_ORDER), budget)
    assert cut.steps < 500 * 3 // 10  # stopped by the budget, far short of the epochs
    assert cut.schedule_share > 0.99  # yet annealed as if it had run them all


def test_a_run_split_over_sittings_ends_where_the_unbroken_run_does(trained: Any, tmp_path: Path) -> None:
    _, samples, _ = trained
    data = [s for s, _ in samples]
    config = TrainConfig(epochs=4, batch_size=4, crop_width=96, width=4, seed=5, mine_samples=6)
    whole = train(data, len(CLASS_ORDER), config)
    path, run = tmp_path / "run.ckpt", {"seed": 5, "scans": len(data)}
    saved: list[int] = []

    def keep(state: TrainState) -> None:
        saved.append(state.epochs_done)
        if state.epochs_done == 3:  # a sitting that ends after its third epoch
            save_checkpoint(state, path, run)

    train(data, len(CLASS_ORDER), config, on_epoch=keep)
    assert saved == [1, 2, 3, 4]
    state = load_checkpoint(path, run)
    assert state.epochs_done == 3 and len(state.losses) == 3
    resumed = train(data, len(CLASS_ORDER), config, resume=state)  # the next sitting: epoch 4 only
    assert resumed.steps == whole.steps and len(resumed.losses) == 4
    np.testing.assert_allclose(resumed.losses, whole.losses, rtol=1e-4)
    for key, value in whole.net.state_dict().items():
        torch.testing.assert_close(resumed.net.state_dict()[key], value, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"another run \(seed: saved 5, now 6\)"):
        load_checkpoint(path, {**run, "seed": 6})
    with pytest.raises(ValueError, match="samples"):
        train(data[:-1], len(CLASS_ORDER), config, resume=state)
    (tmp_path / "cut.ckpt").write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"cut\.ckpt: not a training checkpoint"):
        load_checkpoint(tmp_path / "cut.ckpt", run)


class _FixedHeat(torch.nn.Module):
    """Stands in for a trained network: answers every input with one given heat-map of logits."""

    def __init__(self, logits: np.ndarray) -> None:
        super().__init__()
        self.logits = torch.from_numpy(logits)

    def forward(self, x: Any) -> tuple[Any, Any]:
        return self.logits[None, None], torch.zeros(1, len(CLASS_ORDER))


def test_mining_ranks_columns_by_the_plain_peak_as_the_scan_score_does() -> None:
    # one hot pixel (the plain peak) against a warm 3 x 3 patch (the higher 3 x 3 mean): the scan score is
    # the plain peak, so the false alarm that sets a threshold is the single pixel, and mining must go there
    logits = np.full((24, 64), -6.0, dtype=np.float32)
    logits[12, 10] = 5.0
    logits[11:14, 40:43] = 4.0
    logits[12, 41] = 4.5
    clean = TrainSample(
        tensor=np.zeros((len(CHANNELS), 24, 64), dtype=np.float16),
        target=np.zeros((24, 64), dtype=np.float32),
        weight=np.ones((24, 64), dtype=np.float32),
        label=class_index(CargoClass.SUGAR),
    )
    assert mine_hard_columns(_FixedHeat(logits), [clean]) == [10]
    # the same pixel inside a concealment (grown by four pixels) is not a false response
    hidden = TrainSample(clean.tensor, clean.target.copy(), clean.weight, clean.label)
    hidden.target[12, 12] = 1.0
    assert mine_hard_columns(_FixedHeat(logits), [hidden]) == [41]


def test_small_concealments_are_weighed_up_and_large_ones_and_untaught_pixels_are_not() -> None:
    target = np.zeros((40, 60), dtype=np.float32)
    weight = np.ones_like(target)
    target[2:4, 2:7] = 1.0  # 10 pixels: sqrt(100 / 10) = 3.16, capped at 3
    target[10:14, 10:15] = 0.6  # 20 pixels, partly covered: sqrt(5) = 2.24
    target[20:40, 30:50] = 1.0  # 400 pixels: not weighed down below 1
    weight[0:2, :] = 0.0  # an untaught band stays untaught
    target[0:2, 40:45] = 1.0
    out = instance_weights(target, weight, area=100.0, most=3.0)
    assert np.allclose(out[2:4, 2:7], 3.0)
    assert np.allclose(out[10:14, 10:15], np.sqrt(5.0), atol=1e-5)
    assert np.allclose(out[20:40, 30:50], 1.0)
    assert np.all(out[0:2, :] == 0.0)
    assert np.allclose(out[target == 0.0][weight[target == 0.0] > 0], 1.0)  # clean pixels alike
    assert instance_weights(target, weight, area=0.0, most=3.0) is weight
