"""Physics-based dual-energy X-ray simulator of container scans (all output is SYNTHETIC).

``simulate_scan(ScanSpec(kind, cargo, ...), seed)`` draws a container body (ISO 668), its cargo and, if
asked, hidden cocaine; integrates areal densities along the beam per material; computes polychromatic
attenuation with NIST XCOM coefficients (``data/xcom.json``) for each linac endpoint; adds detector blur,
noise and saturation; and returns uint16 P codes per kV with the concealment mask and boxes.
``simulate_pair`` gives a partner port's pre-departure scan and the arrival scan, with or without a rip-on.
See docs/xray-simulator.md.
"""

from cargoscreen.simulate.xray.pairs import ScanPair, simulate_pair
from cargoscreen.simulate.xray.simulator import (
    SimulatedConcealment,
    SimulatedScan,
    simulate_scan,
    simulate_with_signal,
)
from cargoscreen.simulate.xray.spec import ScanSpec
from cargoscreen.simulate.xray.specs import (
    cargo_class_for,
    compatible,
    concealment_for,
    fit_concealment,
    random_spec,
)

__all__ = [
    "ScanPair",
    "ScanSpec",
    "SimulatedConcealment",
    "SimulatedScan",
    "cargo_class_for",
    "compatible",
    "concealment_for",
    "fit_concealment",
    "random_spec",
    "simulate_pair",
    "simulate_scan",
    "simulate_with_signal",
]
