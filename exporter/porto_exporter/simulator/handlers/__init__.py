"""The simulated portod's request handlers, one module per area; each exports ``HANDLERS``."""
