"""cargoscreen — an open-source customs platform for container ports."""

__version__ = "0.1.0"
