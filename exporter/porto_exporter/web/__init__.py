"""aiohttp application serving the scraper's snapshots."""

from .app import WebConfig, build_app

__all__ = ["WebConfig", "build_app"]
