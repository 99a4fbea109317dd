"""The REST API and the analyst workstation's pages: ``create_app(settings) -> FastAPI``."""

from cargoscreen.api.app import create_app, create_app_from_environment

__all__ = ["create_app", "create_app_from_environment"]
