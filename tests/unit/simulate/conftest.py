"""Shared SYNTHETIC ports for the simulator tests (generated once per session)."""

from __future__ import annotations

import pytest

from cargoscreen.simulate import SimulatedPort, SimulationConfig, simulate_port


@pytest.fixture(scope="session")
def small_port() -> SimulatedPort:
    return simulate_port(SimulationConfig(seed=11, containers_per_day=1_500, days=2))


@pytest.fixture(scope="session")
def week_port() -> SimulatedPort:
    return simulate_port(SimulationConfig(seed=23, containers_per_day=1_500, days=7))


@pytest.fixture(scope="session")
def risky_port() -> SimulatedPort:
    """A port with a raised smuggling rate, so that cases are many enough to count."""
    return simulate_port(SimulationConfig(seed=7, containers_per_day=3_000, days=3, smuggling_rate=0.05))
