"""Gate reads, intrusion alerts, signal scoring and one-container lane changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from payload_samples import body, container, gate, intrusion

from cargoscreen.domain.targeting import (
    Channel,
    DailyCapacity,
    ExplorationKind,
    Reason,
    ReasonKind,
    RiskAssessment,
    SelectionDecision,
)
from cargoscreen.sensors.decode import decode
from cargoscreen.sensors.lanes import LaneBoard
from cargoscreen.sensors.quay import GateMonitor, IntrusionMonitor, read_container_number
from cargoscreen.sensors.signals import SensorSignal, SignalCode, base_score, rescore
from cargoscreen.sensors.topics import topic

NOW = datetime(2026, 3, 12, 12, tzinfo=UTC)


def test_ocr_confusions_are_fixed_only_when_the_check_digit_agrees() -> None:
    number = container(100508)
    assert read_container_number(number.replace("0", "O")) == number
    assert read_container_number(f"{number[:4]} {number[4:10]}-{number[10]}") == number
    assert read_container_number("MSCU1234567") is None


def test_gate_out_without_release_is_forced_to_physical() -> None:
    monitor = GateMonitor()
    reading = decode(topic("camera", "K1742"), body(gate(1)))
    held = monitor.observe(reading, lambda _n: False)
    assert [s.code for s in held.signals] == [SignalCode.LEFT_UNRELEASED]
    assert held.signals[0].forced_channel is Channel.PHYSICAL
    assert monitor.observe(reading, lambda _n: True).signals == ()
    assert monitor.observe(reading, lambda _n: None).signals == ()
    vague = decode(topic("camera", "K1742"), body(gate(2, confidence=0.5)))
    assert monitor.observe(vague, lambda _n: False).container_number is None


def test_intrusions_open_incidents_in_custody_zones_merging_bursts() -> None:
    monitor = IntrusionMonitor()
    first = monitor.observe(decode(topic("camera", "BEANR-CUSTOMS"), body(intrusion(1))))
    assert first is not None and first.zone == "custody-vault-1"
    assert (
        monitor.observe(
            decode(topic("camera", "BEANR-CUSTOMS"), body(intrusion(2, at="2026-03-12T02:05:00Z")))
        )
        is None
    )
    assert monitor.observe(
        decode(topic("camera", "BEANR-CUSTOMS"), body(intrusion(3, at="2026-03-12T03:00:00Z")))
    )
    assert (
        monitor.observe(decode(topic("camera", "BEANR-CUSTOMS"), body(intrusion(4, zone="yard-block-7"))))
        is None
    )


def _signal(
    code: SignalCode, weight: float, sequence: int = 1, forced: Channel | None = None
) -> SensorSignal:
    return SensorSignal(container(1), code, weight, "text", NOW, "DEV", sequence, forced)


def test_rescore_is_a_noisy_or_counting_each_code_once() -> None:
    base = RiskAssessment(
        container_number=container(1), imo_number="9321483", voyage_number="045E", score=0.5, assessed_at=NOW
    )
    once = rescore(base, [_signal(SignalCode.SEAL_MISMATCH, 0.4)], NOW)
    assert once.score == pytest.approx(1 - 0.5 * 0.6)
    twice = rescore(once, [_signal(SignalCode.SEAL_MISMATCH, 0.4, 2)], NOW)
    assert twice.score == pytest.approx(once.score)
    assert base_score(twice) == pytest.approx(0.5)
    forced = rescore(twice, [_signal(SignalCode.SEAL_TAMPER, 0.6, 3, Channel.SCAN)], NOW)
    assert forced.forced_channel is Channel.SCAN and forced.reasons[0].code == "sensor.seal-tamper"


def _decision(
    number: str, channel: Channel, score: float, rank: int, *, explore: bool = False
) -> SelectionDecision:
    reason = Reason(kind=ReasonKind.CAPACITY, code="by-score", text="t", weight=score)
    return SelectionDecision(
        container_number=number, channel=channel, reasons=() if explore or channel is Channel.GREEN else (reason,),
        exploration=explore, exploration_kind=ExplorationKind.RANDOM if explore else None, rank=rank,
    )  # fmt: skip


def _board(scan: int = 2) -> LaneBoard:
    decisions = [
        _decision(container(1), Channel.SCAN, 0.6, 1),
        _decision(container(2), Channel.SCAN, 0.3, 2),
        _decision(container(3), Channel.GREEN, 0.1, 3),
        _decision(container(4), Channel.SCAN, 0.05, 4, explore=True),
    ]
    return LaneBoard(DailyCapacity(scan=scan, physical=0), decisions)


def test_a_green_container_that_beats_the_lowest_scan_displaces_it() -> None:
    board = _board(scan=3)
    assert board.update(container(3), 0.25, None) == []  # below the lowest by-score SCAN
    changes = board.update(container(3), 0.45, None)
    assert [(c.container_number, c.old, c.new) for c in changes] == [
        (container(3), Channel.GREEN, Channel.SCAN),
        (container(2), Channel.SCAN, Channel.GREEN),
    ]
    assert board.used(Channel.SCAN) == 3  # the exploration pick was not touched


def test_spare_capacity_is_used_and_forcing_goes_beyond_capacity() -> None:
    board = _board(scan=4)
    assert [c.new for c in board.update(container(3), 0.2, None)] == [Channel.SCAN]
    full = LaneBoard(
        DailyCapacity(scan=1, physical=0),
        [
            _decision(container(4), Channel.SCAN, 0.05, 1, explore=True),
            _decision(container(3), Channel.GREEN, 0.1, 2),
        ],
    )
    forced = full.update(container(3), 0.3, Channel.SCAN)
    assert len(forced) == 1 and forced[0].over_capacity and forced[0].new is Channel.SCAN
