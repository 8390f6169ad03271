"""A portod simulator speaking the real wire protocol: the backend of the demo, tests and benchmarks."""

from .model import Behaviour, Container, Frame, Host, HostError
from .scenario import BUSY_CONTAINER, BUSY_CPU_CORES, build_host
from .server import Faults, Simulator

__all__ = [
    "BUSY_CONTAINER",
    "BUSY_CPU_CORES",
    "Behaviour",
    "Container",
    "Faults",
    "Frame",
    "Host",
    "HostError",
    "Simulator",
    "build_host",
]
