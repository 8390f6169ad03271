"""A portod simulator speaking the real wire protocol: the backend of the demo, tests and benchmarks."""

from .accounting import Behaviour
from .container import Container
from .frame import Frame
from .host import Host, HostError
from .scenario import BUSY_CONTAINER, BUSY_CPU_CORES, build_host
from .wire import Faults, Simulator

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
