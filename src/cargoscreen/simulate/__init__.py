"""The SYNTHETIC port: a deterministic day or week of container arrivals at Antwerp (BEANR) + ground truth.

``simulate_port(SimulationConfig(seed=..., days=..., containers_per_day=...))`` returns a ``SimulatedPort``:
one ``Manifest`` per vessel call (what the carrier declares), terminal ``EquipmentEvent``s (discharge and
gate-out), and apart from them the ``GroundTruth`` (smuggling cases, actual door seals, misdeclarations,
front companies) and the party population. ``write_port_files`` writes CUSCAR / CODECO / COARRI files,
``ground_truth.json`` and a README saying it is all synthetic.
"""

from cargoscreen.simulate.config import DEFAULT_SMUGGLING_RATE, SimulationConfig
from cargoscreen.simulate.output import write_port_files
from cargoscreen.simulate.parties import PartyPopulation, PartyProfile, PopulationSummary
from cargoscreen.simulate.services import SERVICES, Service
from cargoscreen.simulate.traffic import SimulatedPort, simulate_port
from cargoscreen.simulate.truth import (
    ContainerTruth,
    FrontCompany,
    GroundTruth,
    Location,
    Misdeclaration,
    SmugglingCase,
    SmugglingMethod,
)

__all__ = [
    "DEFAULT_SMUGGLING_RATE",
    "SERVICES",
    "ContainerTruth",
    "FrontCompany",
    "GroundTruth",
    "Location",
    "Misdeclaration",
    "PartyPopulation",
    "PartyProfile",
    "PopulationSummary",
    "Service",
    "SimulatedPort",
    "SimulationConfig",
    "SmugglingCase",
    "SmugglingMethod",
    "simulate_port",
    "write_port_files",
]
