"""porto-exporter: a Prometheus exporter for the Porto container manager."""

__version__ = "0.1.0"
