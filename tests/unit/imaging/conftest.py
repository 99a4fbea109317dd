"""SYNTHETIC scans built from arrays for the imaging tests (no simulator needed)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from imaging_arrays import container_image, scan_from

from cargoscreen.domain.scans import Scan

MakeScan = Callable[..., Scan]


@pytest.fixture
def make_scan() -> MakeScan:
    return scan_from


@pytest.fixture
def container() -> Callable[..., np.ndarray]:
    return container_image
