"""Porto's EError codes as a static hierarchy of typed exceptions.

Written out by hand (not generated at import time) so that type checkers and
readers see every class. ``error_for(code, message)`` builds the right one.
"""

from __future__ import annotations

from typing import ClassVar


class PortoError(Exception):
    """Any error reported by portod or by the client on its behalf."""

    code: int = 1  # each class's code; an instance of the base class may carry an unknown one
    name: ClassVar[str] = "Unknown"

    def __init__(self, message: str = "", *, code: int | None = None) -> None:
        self.message = message
        if code is not None and code != type(self).code:
            self.code = code  # an unknown code kept on the base class
        super().__init__(f"{self.name} ({self.code}): {message}" if message else f"{self.name} ({self.code})")


# --- errors portod reports (EError) ----------------------------------------


class UnknownError(PortoError):
    code = 1
    name = "Unknown"


class InvalidMethod(PortoError):
    code = 2
    name = "InvalidMethod"


class ContainerAlreadyExists(PortoError):
    code = 3
    name = "ContainerAlreadyExists"


class ContainerDoesNotExist(PortoError):
    code = 4
    name = "ContainerDoesNotExist"


class InvalidProperty(PortoError):
    code = 5
    name = "InvalidProperty"


class InvalidData(PortoError):
    code = 6
    name = "InvalidData"


class InvalidValue(PortoError):
    code = 7
    name = "InvalidValue"


class InvalidState(PortoError):
    code = 8
    name = "InvalidState"


class NotSupported(PortoError):
    code = 9
    name = "NotSupported"


class ResourceNotAvailable(PortoError):
    code = 10
    name = "ResourceNotAvailable"


class Permission(PortoError):
    code = 11
    name = "Permission"


class VolumeAlreadyExists(PortoError):
    code = 12
    name = "VolumeAlreadyExists"


class VolumeNotFound(PortoError):
    code = 13
    name = "VolumeNotFound"


class NoSpace(PortoError):
    code = 14
    name = "NoSpace"


class Busy(PortoError):
    code = 15
    name = "Busy"


class VolumeAlreadyLinked(PortoError):
    code = 16
    name = "VolumeAlreadyLinked"


class VolumeNotLinked(PortoError):
    code = 17
    name = "VolumeNotLinked"


class LayerAlreadyExists(PortoError):
    code = 18
    name = "LayerAlreadyExists"


class LayerNotFound(PortoError):
    code = 19
    name = "LayerNotFound"


class NoValue(PortoError):
    code = 20
    name = "NoValue"


class VolumeNotReady(PortoError):
    code = 21
    name = "VolumeNotReady"


class InvalidCommand(PortoError):
    code = 22
    name = "InvalidCommand"


class LostError(PortoError):
    code = 23
    name = "LostError"


class DeviceNotFound(PortoError):
    code = 24
    name = "DeviceNotFound"


class InvalidPath(PortoError):
    code = 25
    name = "InvalidPath"


class InvalidNetworkAddress(PortoError):
    code = 26
    name = "InvalidNetworkAddress"


class PortoFrozen(PortoError):
    code = 27
    name = "PortoFrozen"


class LabelNotFound(PortoError):
    code = 28
    name = "LabelNotFound"


class InvalidLabel(PortoError):
    code = 29
    name = "InvalidLabel"


class HelperError(PortoError):
    code = 30
    name = "HelperError"


class HelperFatalError(PortoError):
    code = 31
    name = "HelperFatalError"


class InvalidFilesystem(PortoError):
    code = 32
    name = "InvalidFilesystem"


class NbdSocketTimeout(PortoError):
    code = 33
    name = "NbdSocketTimeout"


class NbdSocketUnavaliable(PortoError):
    """Spelt as in rpc.proto."""

    code = 34
    name = "NbdSocketUnavaliable"


class NbdSocketError(PortoError):
    code = 35
    name = "NbdSocketError"


class NbdUnkownExport(PortoError):
    """Spelt as in rpc.proto."""

    code = 36
    name = "NbdUnkownExport"


class NbdProtoError(PortoError):
    code = 37
    name = "NbdProtoError"


class NotFound(PortoError):
    code = 404
    name = "NotFound"


class PortodReloaded(PortoError):
    """portod closed client connections because it is reloading."""

    code = 505
    name = "PortodReloaded"


class Taint(PortoError):
    code = 666
    name = "Taint"


class Docker(PortoError):
    code = 700
    name = "Docker"


class DockerImageNotFound(PortoError):
    code = 701
    name = "DockerImageNotFound"


class Queued(PortoError):
    code = 1000
    name = "Queued"


# --- errors the client raises about the transport (reserved codes 502-504) ---


class SocketError(PortoError):
    """The connection to portod failed or broke while a request was in flight."""

    code = 502
    name = "SocketError"


class SocketUnavailable(SocketError):
    """portod's socket could not be connected to."""

    code = 503
    name = "SocketUnavailable"


class SocketTimeout(SocketError):
    """portod did not answer within the call's deadline."""

    code = 504
    name = "SocketTimeout"


class FrameTooLargeError(SocketError):
    """portod announced a reply larger than the configured maximum frame size."""

    name = "FrameTooLarge"


class ProtocolError(SocketError):
    """portod sent bytes that are not a valid reply."""

    name = "ProtocolError"


_BY_CODE: dict[int, type[PortoError]] = {
    cls.code: cls
    for cls in (
        UnknownError,
        InvalidMethod,
        ContainerAlreadyExists,
        ContainerDoesNotExist,
        InvalidProperty,
        InvalidData,
        InvalidValue,
        InvalidState,
        NotSupported,
        ResourceNotAvailable,
        Permission,
        VolumeAlreadyExists,
        VolumeNotFound,
        NoSpace,
        Busy,
        VolumeAlreadyLinked,
        VolumeNotLinked,
        LayerAlreadyExists,
        LayerNotFound,
        NoValue,
        VolumeNotReady,
        InvalidCommand,
        LostError,
        DeviceNotFound,
        InvalidPath,
        InvalidNetworkAddress,
        PortoFrozen,
        LabelNotFound,
        InvalidLabel,
        HelperError,
        HelperFatalError,
        InvalidFilesystem,
        NbdSocketTimeout,
        NbdSocketUnavaliable,
        NbdSocketError,
        NbdUnkownExport,
        NbdProtoError,
        NotFound,
        SocketError,
        SocketUnavailable,
        SocketTimeout,
        PortodReloaded,
        Taint,
        Docker,
        DockerImageNotFound,
        Queued,
    )
}


def error_for(code: int, message: str = "") -> PortoError:
    """The typed exception for an EError code; unknown codes keep their number."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return PortoError(message, code=code)
    return cls(message)
