"""The image AI: concealment heat-maps and boxes, declared-versus-seen consistency, empty verification and
pre-departure versus arrival change detection, on CPU with onnxruntime (torch only for training).

Only numpy, scipy, onnxruntime and ``cargoscreen.domain`` are imported here; ``networks`` and ``network_io``
(torch) are for the training code in ``cargoscreen.pipeline.imaging``.
"""

from cargoscreen.imaging.runtime import DEFAULT_WEIGHTS, ImageAnalyzer, ImagingModelError

__all__ = ["DEFAULT_WEIGHTS", "ImageAnalyzer", "ImagingModelError"]
