from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EError(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    Success: _ClassVar[EError]
    Unknown: _ClassVar[EError]
    InvalidMethod: _ClassVar[EError]
    ContainerAlreadyExists: _ClassVar[EError]
    ContainerDoesNotExist: _ClassVar[EError]
    InvalidProperty: _ClassVar[EError]
    InvalidData: _ClassVar[EError]
    InvalidValue: _ClassVar[EError]
    InvalidState: _ClassVar[EError]
    NotSupported: _ClassVar[EError]
    ResourceNotAvailable: _ClassVar[EError]
    Permission: _ClassVar[EError]
    VolumeAlreadyExists: _ClassVar[EError]
    VolumeNotFound: _ClassVar[EError]
    NoSpace: _ClassVar[EError]
    Busy: _ClassVar[EError]
    VolumeAlreadyLinked: _ClassVar[EError]
    VolumeNotLinked: _ClassVar[EError]
    LayerAlreadyExists: _ClassVar[EError]
    LayerNotFound: _ClassVar[EError]
    NoValue: _ClassVar[EError]
    VolumeNotReady: _ClassVar[EError]
    InvalidCommand: _ClassVar[EError]
    LostError: _ClassVar[EError]
    DeviceNotFound: _ClassVar[EError]
    InvalidPath: _ClassVar[EError]
    InvalidNetworkAddress: _ClassVar[EError]
    PortoFrozen: _ClassVar[EError]
    LabelNotFound: _ClassVar[EError]
    InvalidLabel: _ClassVar[EError]
    HelperError: _ClassVar[EError]
    HelperFatalError: _ClassVar[EError]
    InvalidFilesystem: _ClassVar[EError]
    NbdSocketTimeout: _ClassVar[EError]
    NbdSocketUnavaliable: _ClassVar[EError]
    NbdSocketError: _ClassVar[EError]
    NbdUnkownExport: _ClassVar[EError]
    NbdProtoError: _ClassVar[EError]
    NotFound: _ClassVar[EError]
    SocketError: _ClassVar[EError]
    SocketUnavailable: _ClassVar[EError]
    SocketTimeout: _ClassVar[EError]
    PortodReloaded: _ClassVar[EError]
    Taint: _ClassVar[EError]
    Docker: _ClassVar[EError]
    DockerImageNotFound: _ClassVar[EError]
    Queued: _ClassVar[EError]
Success: EError
Unknown: EError
InvalidMethod: EError
ContainerAlreadyExists: EError
ContainerDoesNotExist: EError
InvalidProperty: EError
InvalidData: EError
InvalidValue: EError
InvalidState: EError
NotSupported: EError
ResourceNotAvailable: EError
Permission: EError
VolumeAlreadyExists: EError
VolumeNotFound: EError
NoSpace: EError
Busy: EError
VolumeAlreadyLinked: EError
VolumeNotLinked: EError
LayerAlreadyExists: EError
LayerNotFound: EError
NoValue: EError
VolumeNotReady: EError
InvalidCommand: EError
LostError: EError
DeviceNotFound: EError
InvalidPath: EError
InvalidNetworkAddress: EError
PortoFrozen: EError
LabelNotFound: EError
InvalidLabel: EError
HelperError: EError
HelperFatalError: EError
InvalidFilesystem: EError
NbdSocketTimeout: EError
NbdSocketUnavaliable: EError
NbdSocketError: EError
NbdUnkownExport: EError
NbdProtoError: EError
NotFound: EError
SocketError: EError
SocketUnavailable: EError
SocketTimeout: EError
PortodReloaded: EError
Taint: EError
Docker: EError
DockerImageNotFound: EError
Queued: EError

class TPortoRequest(_message.Message):
    __slots__ = ("Version", "GetSystem", "SetSystem", "Create", "CreateWeak", "Destroy", "List", "Start", "Stop", "Pause", "Resume", "Kill", "Respawn", "Wait", "AsyncWait", "StopAsyncWait", "ListProperties", "GetProperty", "SetProperty", "ListDataProperties", "GetDataProperty", "Get", "CreateFromSpec", "UpdateFromSpec", "ListContainersBy", "SetSymlink", "FindLabel", "SetLabel", "IncLabel", "ListVolumeProperties", "ListVolumes", "CreateVolume", "TuneVolume", "NewVolume", "GetVolume", "LinkVolume", "LinkVolumeTarget", "UnlinkVolume", "UnlinkVolumeTarget", "ImportLayer", "RemoveLayer", "ListLayers", "ExportLayer", "GetLayerPrivate", "SetLayerPrivate", "ListStorages", "RemoveStorage", "ImportStorage", "ExportStorage", "CreateMetaStorage", "ResizeMetaStorage", "RemoveMetaStorage", "ConvertPath", "AttachProcess", "LocateProcess", "AttachThread", "dockerImageStatus", "listDockerImages", "pullDockerImage", "removeDockerImage")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    GETSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SETSYSTEM_FIELD_NUMBER: _ClassVar[int]
    CREATE_FIELD_NUMBER: _ClassVar[int]
    CREATEWEAK_FIELD_NUMBER: _ClassVar[int]
    DESTROY_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    PAUSE_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    KILL_FIELD_NUMBER: _ClassVar[int]
    RESPAWN_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    ASYNCWAIT_FIELD_NUMBER: _ClassVar[int]
    STOPASYNCWAIT_FIELD_NUMBER: _ClassVar[int]
    LISTPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    GETPROPERTY_FIELD_NUMBER: _ClassVar[int]
    SETPROPERTY_FIELD_NUMBER: _ClassVar[int]
    LISTDATAPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    GETDATAPROPERTY_FIELD_NUMBER: _ClassVar[int]
    GET_FIELD_NUMBER: _ClassVar[int]
    CREATEFROMSPEC_FIELD_NUMBER: _ClassVar[int]
    UPDATEFROMSPEC_FIELD_NUMBER: _ClassVar[int]
    LISTCONTAINERSBY_FIELD_NUMBER: _ClassVar[int]
    SETSYMLINK_FIELD_NUMBER: _ClassVar[int]
    FINDLABEL_FIELD_NUMBER: _ClassVar[int]
    SETLABEL_FIELD_NUMBER: _ClassVar[int]
    INCLABEL_FIELD_NUMBER: _ClassVar[int]
    LISTVOLUMEPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    LISTVOLUMES_FIELD_NUMBER: _ClassVar[int]
    CREATEVOLUME_FIELD_NUMBER: _ClassVar[int]
    TUNEVOLUME_FIELD_NUMBER: _ClassVar[int]
    NEWVOLUME_FIELD_NUMBER: _ClassVar[int]
    GETVOLUME_FIELD_NUMBER: _ClassVar[int]
    LINKVOLUME_FIELD_NUMBER: _ClassVar[int]
    LINKVOLUMETARGET_FIELD_NUMBER: _ClassVar[int]
    UNLINKVOLUME_FIELD_NUMBER: _ClassVar[int]
    UNLINKVOLUMETARGET_FIELD_NUMBER: _ClassVar[int]
    IMPORTLAYER_FIELD_NUMBER: _ClassVar[int]
    REMOVELAYER_FIELD_NUMBER: _ClassVar[int]
    LISTLAYERS_FIELD_NUMBER: _ClassVar[int]
    EXPORTLAYER_FIELD_NUMBER: _ClassVar[int]
    GETLAYERPRIVATE_FIELD_NUMBER: _ClassVar[int]
    SETLAYERPRIVATE_FIELD_NUMBER: _ClassVar[int]
    LISTSTORAGES_FIELD_NUMBER: _ClassVar[int]
    REMOVESTORAGE_FIELD_NUMBER: _ClassVar[int]
    IMPORTSTORAGE_FIELD_NUMBER: _ClassVar[int]
    EXPORTSTORAGE_FIELD_NUMBER: _ClassVar[int]
    CREATEMETASTORAGE_FIELD_NUMBER: _ClassVar[int]
    RESIZEMETASTORAGE_FIELD_NUMBER: _ClassVar[int]
    REMOVEMETASTORAGE_FIELD_NUMBER: _ClassVar[int]
    CONVERTPATH_FIELD_NUMBER: _ClassVar[int]
    ATTACHPROCESS_FIELD_NUMBER: _ClassVar[int]
    LOCATEPROCESS_FIELD_NUMBER: _ClassVar[int]
    ATTACHTHREAD_FIELD_NUMBER: _ClassVar[int]
    DOCKERIMAGESTATUS_FIELD_NUMBER: _ClassVar[int]
    LISTDOCKERIMAGES_FIELD_NUMBER: _ClassVar[int]
    PULLDOCKERIMAGE_FIELD_NUMBER: _ClassVar[int]
    REMOVEDOCKERIMAGE_FIELD_NUMBER: _ClassVar[int]
    Version: TVersionRequest
    GetSystem: TGetSystemRequest
    SetSystem: TSetSystemRequest
    Create: TCreateRequest
    CreateWeak: TCreateRequest
    Destroy: TDestroyRequest
    List: TListRequest
    Start: TStartRequest
    Stop: TStopRequest
    Pause: TPauseRequest
    Resume: TResumeRequest
    Kill: TKillRequest
    Respawn: TRespawnRequest
    Wait: TWaitRequest
    AsyncWait: TWaitRequest
    StopAsyncWait: TWaitRequest
    ListProperties: TListPropertiesRequest
    GetProperty: TGetPropertyRequest
    SetProperty: TSetPropertyRequest
    ListDataProperties: TListDataPropertiesRequest
    GetDataProperty: TGetDataPropertyRequest
    Get: TGetRequest
    CreateFromSpec: TCreateFromSpecRequest
    UpdateFromSpec: TUpdateFromSpecRequest
    ListContainersBy: TListContainersRequest
    SetSymlink: TSetSymlinkRequest
    FindLabel: TFindLabelRequest
    SetLabel: TSetLabelRequest
    IncLabel: TIncLabelRequest
    ListVolumeProperties: TListVolumePropertiesRequest
    ListVolumes: TListVolumesRequest
    CreateVolume: TCreateVolumeRequest
    TuneVolume: TTuneVolumeRequest
    NewVolume: TNewVolumeRequest
    GetVolume: TGetVolumeRequest
    LinkVolume: TLinkVolumeRequest
    LinkVolumeTarget: TLinkVolumeRequest
    UnlinkVolume: TUnlinkVolumeRequest
    UnlinkVolumeTarget: TUnlinkVolumeRequest
    ImportLayer: TImportLayerRequest
    RemoveLayer: TRemoveLayerRequest
    ListLayers: TListLayersRequest
    ExportLayer: TExportLayerRequest
    GetLayerPrivate: TGetLayerPrivateRequest
    SetLayerPrivate: TSetLayerPrivateRequest
    ListStorages: TListStoragesRequest
    RemoveStorage: TRemoveStorageRequest
    ImportStorage: TImportStorageRequest
    ExportStorage: TExportStorageRequest
    CreateMetaStorage: TMetaStorage
    ResizeMetaStorage: TMetaStorage
    RemoveMetaStorage: TMetaStorage
    ConvertPath: TConvertPathRequest
    AttachProcess: TAttachProcessRequest
    LocateProcess: TLocateProcessRequest
    AttachThread: TAttachProcessRequest
    dockerImageStatus: TDockerImageStatusRequest
    listDockerImages: TDockerImageListRequest
    pullDockerImage: TDockerImagePullRequest
    removeDockerImage: TDockerImageRemoveRequest
    def __init__(self, Version: _Optional[_Union[TVersionRequest, _Mapping]] = ..., GetSystem: _Optional[_Union[TGetSystemRequest, _Mapping]] = ..., SetSystem: _Optional[_Union[TSetSystemRequest, _Mapping]] = ..., Create: _Optional[_Union[TCreateRequest, _Mapping]] = ..., CreateWeak: _Optional[_Union[TCreateRequest, _Mapping]] = ..., Destroy: _Optional[_Union[TDestroyRequest, _Mapping]] = ..., List: _Optional[_Union[TListRequest, _Mapping]] = ..., Start: _Optional[_Union[TStartRequest, _Mapping]] = ..., Stop: _Optional[_Union[TStopRequest, _Mapping]] = ..., Pause: _Optional[_Union[TPauseRequest, _Mapping]] = ..., Resume: _Optional[_Union[TResumeRequest, _Mapping]] = ..., Kill: _Optional[_Union[TKillRequest, _Mapping]] = ..., Respawn: _Optional[_Union[TRespawnRequest, _Mapping]] = ..., Wait: _Optional[_Union[TWaitRequest, _Mapping]] = ..., AsyncWait: _Optional[_Union[TWaitRequest, _Mapping]] = ..., StopAsyncWait: _Optional[_Union[TWaitRequest, _Mapping]] = ..., ListProperties: _Optional[_Union[TListPropertiesRequest, _Mapping]] = ..., GetProperty: _Optional[_Union[TGetPropertyRequest, _Mapping]] = ..., SetProperty: _Optional[_Union[TSetPropertyRequest, _Mapping]] = ..., ListDataProperties: _Optional[_Union[TListDataPropertiesRequest, _Mapping]] = ..., GetDataProperty: _Optional[_Union[TGetDataPropertyRequest, _Mapping]] = ..., Get: _Optional[_Union[TGetRequest, _Mapping]] = ..., CreateFromSpec: _Optional[_Union[TCreateFromSpecRequest, _Mapping]] = ..., UpdateFromSpec: _Optional[_Union[TUpdateFromSpecRequest, _Mapping]] = ..., ListContainersBy: _Optional[_Union[TListContainersRequest, _Mapping]] = ..., SetSymlink: _Optional[_Union[TSetSymlinkRequest, _Mapping]] = ..., FindLabel: _Optional[_Union[TFindLabelRequest, _Mapping]] = ..., SetLabel: _Optional[_Union[TSetLabelRequest, _Mapping]] = ..., IncLabel: _Optional[_Union[TIncLabelRequest, _Mapping]] = ..., ListVolumeProperties: _Optional[_Union[TListVolumePropertiesRequest, _Mapping]] = ..., ListVolumes: _Optional[_Union[TListVolumesRequest, _Mapping]] = ..., CreateVolume: _Optional[_Union[TCreateVolumeRequest, _Mapping]] = ..., TuneVolume: _Optional[_Union[TTuneVolumeRequest, _Mapping]] = ..., NewVolume: _Optional[_Union[TNewVolumeRequest, _Mapping]] = ..., GetVolume: _Optional[_Union[TGetVolumeRequest, _Mapping]] = ..., LinkVolume: _Optional[_Union[TLinkVolumeRequest, _Mapping]] = ..., LinkVolumeTarget: _Optional[_Union[TLinkVolumeRequest, _Mapping]] = ..., UnlinkVolume: _Optional[_Union[TUnlinkVolumeRequest, _Mapping]] = ..., UnlinkVolumeTarget: _Optional[_Union[TUnlinkVolumeRequest, _Mapping]] = ..., ImportLayer: _Optional[_Union[TImportLayerRequest, _Mapping]] = ..., RemoveLayer: _Optional[_Union[TRemoveLayerRequest, _Mapping]] = ..., ListLayers: _Optional[_Union[TListLayersRequest, _Mapping]] = ..., ExportLayer: _Optional[_Union[TExportLayerRequest, _Mapping]] = ..., GetLayerPrivate: _Optional[_Union[TGetLayerPrivateRequest, _Mapping]] = ..., SetLayerPrivate: _Optional[_Union[TSetLayerPrivateRequest, _Mapping]] = ..., ListStorages: _Optional[_Union[TListStoragesRequest, _Mapping]] = ..., RemoveStorage: _Optional[_Union[TRemoveStorageRequest, _Mapping]] = ..., ImportStorage: _Optional[_Union[TImportStorageRequest, _Mapping]] = ..., ExportStorage: _Optional[_Union[TExportStorageRequest, _Mapping]] = ..., CreateMetaStorage: _Optional[_Union[TMetaStorage, _Mapping]] = ..., ResizeMetaStorage: _Optional[_Union[TMetaStorage, _Mapping]] = ..., RemoveMetaStorage: _Optional[_Union[TMetaStorage, _Mapping]] = ..., ConvertPath: _Optional[_Union[TConvertPathRequest, _Mapping]] = ..., AttachProcess: _Optional[_Union[TAttachProcessRequest, _Mapping]] = ..., LocateProcess: _Optional[_Union[TLocateProcessRequest, _Mapping]] = ..., AttachThread: _Optional[_Union[TAttachProcessRequest, _Mapping]] = ..., dockerImageStatus: _Optional[_Union[TDockerImageStatusRequest, _Mapping]] = ..., listDockerImages: _Optional[_Union[TDockerImageListRequest, _Mapping]] = ..., pullDockerImage: _Optional[_Union[TDockerImagePullRequest, _Mapping]] = ..., removeDockerImage: _Optional[_Union[TDockerImageRemoveRequest, _Mapping]] = ...) -> None: ...

class TPortoResponse(_message.Message):
    __slots__ = ("error", "errorMsg", "timestamp", "Version", "GetSystem", "SetSystem", "List", "Wait", "AsyncWait", "ListProperties", "GetProperty", "ListDataProperties", "GetDataProperty", "Get", "ListContainersBy", "FindLabel", "SetLabel", "IncLabel", "ListVolumeProperties", "ListVolumes", "CreateVolume", "NewVolume", "GetVolume", "ListLayers", "GetLayerPrivate", "ListStorages", "ConvertPath", "LocateProcess", "dockerImageStatus", "listDockerImages", "pullDockerImage")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERRORMSG_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    GETSYSTEM_FIELD_NUMBER: _ClassVar[int]
    SETSYSTEM_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    WAIT_FIELD_NUMBER: _ClassVar[int]
    ASYNCWAIT_FIELD_NUMBER: _ClassVar[int]
    LISTPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    GETPROPERTY_FIELD_NUMBER: _ClassVar[int]
    LISTDATAPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    GETDATAPROPERTY_FIELD_NUMBER: _ClassVar[int]
    GET_FIELD_NUMBER: _ClassVar[int]
    LISTCONTAINERSBY_FIELD_NUMBER: _ClassVar[int]
    FINDLABEL_FIELD_NUMBER: _ClassVar[int]
    SETLABEL_FIELD_NUMBER: _ClassVar[int]
    INCLABEL_FIELD_NUMBER: _ClassVar[int]
    LISTVOLUMEPROPERTIES_FIELD_NUMBER: _ClassVar[int]
    LISTVOLUMES_FIELD_NUMBER: _ClassVar[int]
    CREATEVOLUME_FIELD_NUMBER: _ClassVar[int]
    NEWVOLUME_FIELD_NUMBER: _ClassVar[int]
    GETVOLUME_FIELD_NUMBER: _ClassVar[int]
    LISTLAYERS_FIELD_NUMBER: _ClassVar[int]
    GETLAYERPRIVATE_FIELD_NUMBER: _ClassVar[int]
    LISTSTORAGES_FIELD_NUMBER: _ClassVar[int]
    CONVERTPATH_FIELD_NUMBER: _ClassVar[int]
    LOCATEPROCESS_FIELD_NUMBER: _ClassVar[int]
    DOCKERIMAGESTATUS_FIELD_NUMBER: _ClassVar[int]
    LISTDOCKERIMAGES_FIELD_NUMBER: _ClassVar[int]
    PULLDOCKERIMAGE_FIELD_NUMBER: _ClassVar[int]
    error: EError
    errorMsg: str
    timestamp: int
    Version: TVersionResponse
    GetSystem: TGetSystemResponse
    SetSystem: TSetSystemResponse
    List: TListResponse
    Wait: TWaitResponse
    AsyncWait: TWaitResponse
    ListProperties: TListPropertiesResponse
    GetProperty: TGetPropertyResponse
    ListDataProperties: TListDataPropertiesResponse
    GetDataProperty: TGetDataPropertyResponse
    Get: TGetResponse
    ListContainersBy: TListContainersResponse
    FindLabel: TFindLabelResponse
    SetLabel: TSetLabelResponse
    IncLabel: TIncLabelResponse
    ListVolumeProperties: TListVolumePropertiesResponse
    ListVolumes: TListVolumesResponse
    CreateVolume: TVolumeDescription
    NewVolume: TNewVolumeResponse
    GetVolume: TGetVolumeResponse
    ListLayers: TListLayersResponse
    GetLayerPrivate: TGetLayerPrivateResponse
    ListStorages: TListStoragesResponse
    ConvertPath: TConvertPathResponse
    LocateProcess: TLocateProcessResponse
    dockerImageStatus: TDockerImageStatusResponse
    listDockerImages: TDockerImageListResponse
    pullDockerImage: TDockerImagePullResponse
    def __init__(self, error: _Optional[_Union[EError, str]] = ..., errorMsg: _Optional[str] = ..., timestamp: _Optional[int] = ..., Version: _Optional[_Union[TVersionResponse, _Mapping]] = ..., GetSystem: _Optional[_Union[TGetSystemResponse, _Mapping]] = ..., SetSystem: _Optional[_Union[TSetSystemResponse, _Mapping]] = ..., List: _Optional[_Union[TListResponse, _Mapping]] = ..., Wait: _Optional[_Union[TWaitResponse, _Mapping]] = ..., AsyncWait: _Optional[_Union[TWaitResponse, _Mapping]] = ..., ListProperties: _Optional[_Union[TListPropertiesResponse, _Mapping]] = ..., GetProperty: _Optional[_Union[TGetPropertyResponse, _Mapping]] = ..., ListDataProperties: _Optional[_Union[TListDataPropertiesResponse, _Mapping]] = ..., GetDataProperty: _Optional[_Union[TGetDataPropertyResponse, _Mapping]] = ..., Get: _Optional[_Union[TGetResponse, _Mapping]] = ..., ListContainersBy: _Optional[_Union[TListContainersResponse, _Mapping]] = ..., FindLabel: _Optional[_Union[TFindLabelResponse, _Mapping]] = ..., SetLabel: _Optional[_Union[TSetLabelResponse, _Mapping]] = ..., IncLabel: _Optional[_Union[TIncLabelResponse, _Mapping]] = ..., ListVolumeProperties: _Optional[_Union[TListVolumePropertiesResponse, _Mapping]] = ..., ListVolumes: _Optional[_Union[TListVolumesResponse, _Mapping]] = ..., CreateVolume: _Optional[_Union[TVolumeDescription, _Mapping]] = ..., NewVolume: _Optional[_Union[TNewVolumeResponse, _Mapping]] = ..., GetVolume: _Optional[_Union[TGetVolumeResponse, _Mapping]] = ..., ListLayers: _Optional[_Union[TListLayersResponse, _Mapping]] = ..., GetLayerPrivate: _Optional[_Union[TGetLayerPrivateResponse, _Mapping]] = ..., ListStorages: _Optional[_Union[TListStoragesResponse, _Mapping]] = ..., ConvertPath: _Optional[_Union[TConvertPathResponse, _Mapping]] = ..., LocateProcess: _Optional[_Union[TLocateProcessResponse, _Mapping]] = ..., dockerImageStatus: _Optional[_Union[TDockerImageStatusResponse, _Mapping]] = ..., listDockerImages: _Optional[_Union[TDockerImageListResponse, _Mapping]] = ..., pullDockerImage: _Optional[_Union[TDockerImagePullResponse, _Mapping]] = ...) -> None: ...

class TStringMap(_message.Message):
    __slots__ = ("map", "merge")
    class TStringMapEntry(_message.Message):
        __slots__ = ("key", "val")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VAL_FIELD_NUMBER: _ClassVar[int]
        key: str
        val: str
        def __init__(self, key: _Optional[str] = ..., val: _Optional[str] = ...) -> None: ...
    MAP_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    map: _containers.RepeatedCompositeFieldContainer[TStringMap.TStringMapEntry]
    merge: bool
    def __init__(self, map: _Optional[_Iterable[_Union[TStringMap.TStringMapEntry, _Mapping]]] = ..., merge: _Optional[bool] = ...) -> None: ...

class TUintMap(_message.Message):
    __slots__ = ("map", "merge")
    class TUintMapEntry(_message.Message):
        __slots__ = ("key", "val")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VAL_FIELD_NUMBER: _ClassVar[int]
        key: str
        val: int
        def __init__(self, key: _Optional[str] = ..., val: _Optional[int] = ...) -> None: ...
    MAP_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    map: _containers.RepeatedCompositeFieldContainer[TUintMap.TUintMapEntry]
    merge: bool
    def __init__(self, map: _Optional[_Iterable[_Union[TUintMap.TUintMapEntry, _Mapping]]] = ..., merge: _Optional[bool] = ...) -> None: ...

class TError(_message.Message):
    __slots__ = ("error", "msg")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    error: EError
    msg: str
    def __init__(self, error: _Optional[_Union[EError, str]] = ..., msg: _Optional[str] = ...) -> None: ...

class TCred(_message.Message):
    __slots__ = ("user", "uid", "group", "gid", "grp")
    USER_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    GID_FIELD_NUMBER: _ClassVar[int]
    GRP_FIELD_NUMBER: _ClassVar[int]
    user: str
    uid: int
    group: str
    gid: int
    grp: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, user: _Optional[str] = ..., uid: _Optional[int] = ..., group: _Optional[str] = ..., gid: _Optional[int] = ..., grp: _Optional[_Iterable[int]] = ...) -> None: ...

class TCapabilities(_message.Message):
    __slots__ = ("cap", "hex", "action")
    CAP_FIELD_NUMBER: _ClassVar[int]
    HEX_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    cap: _containers.RepeatedScalarFieldContainer[str]
    hex: str
    action: bool
    def __init__(self, cap: _Optional[_Iterable[str]] = ..., hex: _Optional[str] = ..., action: _Optional[bool] = ...) -> None: ...

class TContainerCommandArgv(_message.Message):
    __slots__ = ("argv",)
    ARGV_FIELD_NUMBER: _ClassVar[int]
    argv: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, argv: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerEnvVar(_message.Message):
    __slots__ = ("name", "value", "unset", "salt", "hash")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UNSET_FIELD_NUMBER: _ClassVar[int]
    SALT_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    unset: bool
    salt: str
    hash: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ..., unset: _Optional[bool] = ..., salt: _Optional[str] = ..., hash: _Optional[str] = ...) -> None: ...

class TContainerEnv(_message.Message):
    __slots__ = ("var", "merge")
    VAR_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    var: _containers.RepeatedCompositeFieldContainer[TContainerEnvVar]
    merge: bool
    def __init__(self, var: _Optional[_Iterable[_Union[TContainerEnvVar, _Mapping]]] = ..., merge: _Optional[bool] = ...) -> None: ...

class TContainerUlimit(_message.Message):
    __slots__ = ("type", "unlimited", "soft", "hard", "inherited")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    UNLIMITED_FIELD_NUMBER: _ClassVar[int]
    SOFT_FIELD_NUMBER: _ClassVar[int]
    HARD_FIELD_NUMBER: _ClassVar[int]
    INHERITED_FIELD_NUMBER: _ClassVar[int]
    type: str
    unlimited: bool
    soft: int
    hard: int
    inherited: bool
    def __init__(self, type: _Optional[str] = ..., unlimited: _Optional[bool] = ..., soft: _Optional[int] = ..., hard: _Optional[int] = ..., inherited: _Optional[bool] = ...) -> None: ...

class TContainerUlimits(_message.Message):
    __slots__ = ("ulimit", "merge")
    ULIMIT_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    ulimit: _containers.RepeatedCompositeFieldContainer[TContainerUlimit]
    merge: bool
    def __init__(self, ulimit: _Optional[_Iterable[_Union[TContainerUlimit, _Mapping]]] = ..., merge: _Optional[bool] = ...) -> None: ...

class TContainerControllers(_message.Message):
    __slots__ = ("controller",)
    CONTROLLER_FIELD_NUMBER: _ClassVar[int]
    controller: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, controller: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerCgroup(_message.Message):
    __slots__ = ("controller", "path", "inherited")
    CONTROLLER_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    INHERITED_FIELD_NUMBER: _ClassVar[int]
    controller: str
    path: str
    inherited: bool
    def __init__(self, controller: _Optional[str] = ..., path: _Optional[str] = ..., inherited: _Optional[bool] = ...) -> None: ...

class TContainerCgroups(_message.Message):
    __slots__ = ("cgroup",)
    CGROUP_FIELD_NUMBER: _ClassVar[int]
    cgroup: _containers.RepeatedCompositeFieldContainer[TContainerCgroup]
    def __init__(self, cgroup: _Optional[_Iterable[_Union[TContainerCgroup, _Mapping]]] = ...) -> None: ...

class TContainerCpuSet(_message.Message):
    __slots__ = ("policy", "arg", "list", "cpu", "count", "mems", "jail")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    ARG_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MEMS_FIELD_NUMBER: _ClassVar[int]
    JAIL_FIELD_NUMBER: _ClassVar[int]
    policy: str
    arg: int
    list: str
    cpu: _containers.RepeatedScalarFieldContainer[int]
    count: int
    mems: str
    jail: int
    def __init__(self, policy: _Optional[str] = ..., arg: _Optional[int] = ..., list: _Optional[str] = ..., cpu: _Optional[_Iterable[int]] = ..., count: _Optional[int] = ..., mems: _Optional[str] = ..., jail: _Optional[int] = ...) -> None: ...

class TContainerBindMount(_message.Message):
    __slots__ = ("source", "target", "flag")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    source: str
    target: str
    flag: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, source: _Optional[str] = ..., target: _Optional[str] = ..., flag: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerBindMounts(_message.Message):
    __slots__ = ("bind",)
    BIND_FIELD_NUMBER: _ClassVar[int]
    bind: _containers.RepeatedCompositeFieldContainer[TContainerBindMount]
    def __init__(self, bind: _Optional[_Iterable[_Union[TContainerBindMount, _Mapping]]] = ...) -> None: ...

class TContainerVolumeLink(_message.Message):
    __slots__ = ("volume", "target", "required", "read_only")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    volume: str
    target: str
    required: bool
    read_only: bool
    def __init__(self, volume: _Optional[str] = ..., target: _Optional[str] = ..., required: _Optional[bool] = ..., read_only: _Optional[bool] = ...) -> None: ...

class TContainerVolumeLinks(_message.Message):
    __slots__ = ("link",)
    LINK_FIELD_NUMBER: _ClassVar[int]
    link: _containers.RepeatedCompositeFieldContainer[TContainerVolumeLink]
    def __init__(self, link: _Optional[_Iterable[_Union[TContainerVolumeLink, _Mapping]]] = ...) -> None: ...

class TContainerVolumes(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, volume: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerPlace(_message.Message):
    __slots__ = ("place", "alias")
    PLACE_FIELD_NUMBER: _ClassVar[int]
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    place: str
    alias: str
    def __init__(self, place: _Optional[str] = ..., alias: _Optional[str] = ...) -> None: ...

class TContainerPlaceConfig(_message.Message):
    __slots__ = ("cfg",)
    CFG_FIELD_NUMBER: _ClassVar[int]
    cfg: _containers.RepeatedCompositeFieldContainer[TContainerPlace]
    def __init__(self, cfg: _Optional[_Iterable[_Union[TContainerPlace, _Mapping]]] = ...) -> None: ...

class TContainerDevice(_message.Message):
    __slots__ = ("device", "access", "path", "mode", "user", "group")
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    ACCESS_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    device: str
    access: str
    path: str
    mode: str
    user: str
    group: str
    def __init__(self, device: _Optional[str] = ..., access: _Optional[str] = ..., path: _Optional[str] = ..., mode: _Optional[str] = ..., user: _Optional[str] = ..., group: _Optional[str] = ...) -> None: ...

class TContainerDevices(_message.Message):
    __slots__ = ("device", "merge")
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    device: _containers.RepeatedCompositeFieldContainer[TContainerDevice]
    merge: bool
    def __init__(self, device: _Optional[_Iterable[_Union[TContainerDevice, _Mapping]]] = ..., merge: _Optional[bool] = ...) -> None: ...

class TContainerNetOption(_message.Message):
    __slots__ = ("opt", "arg")
    OPT_FIELD_NUMBER: _ClassVar[int]
    ARG_FIELD_NUMBER: _ClassVar[int]
    opt: str
    arg: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, opt: _Optional[str] = ..., arg: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerNetConfig(_message.Message):
    __slots__ = ("cfg", "inherited")
    CFG_FIELD_NUMBER: _ClassVar[int]
    INHERITED_FIELD_NUMBER: _ClassVar[int]
    cfg: _containers.RepeatedCompositeFieldContainer[TContainerNetOption]
    inherited: bool
    def __init__(self, cfg: _Optional[_Iterable[_Union[TContainerNetOption, _Mapping]]] = ..., inherited: _Optional[bool] = ...) -> None: ...

class TContainerIpLimit(_message.Message):
    __slots__ = ("policy", "ip")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    policy: str
    ip: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, policy: _Optional[str] = ..., ip: _Optional[_Iterable[str]] = ...) -> None: ...

class TContainerIpConfig(_message.Message):
    __slots__ = ("cfg",)
    class TContainerIp(_message.Message):
        __slots__ = ("dev", "ip")
        DEV_FIELD_NUMBER: _ClassVar[int]
        IP_FIELD_NUMBER: _ClassVar[int]
        dev: str
        ip: str
        def __init__(self, dev: _Optional[str] = ..., ip: _Optional[str] = ...) -> None: ...
    CFG_FIELD_NUMBER: _ClassVar[int]
    cfg: _containers.RepeatedCompositeFieldContainer[TContainerIpConfig.TContainerIp]
    def __init__(self, cfg: _Optional[_Iterable[_Union[TContainerIpConfig.TContainerIp, _Mapping]]] = ...) -> None: ...

class TVmStat(_message.Message):
    __slots__ = ("count", "size", "max_size", "used", "max_used", "anon", "file", "shmem", "huge", "swap", "data", "stack", "code", "locked", "table")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_SIZE_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    MAX_USED_FIELD_NUMBER: _ClassVar[int]
    ANON_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    SHMEM_FIELD_NUMBER: _ClassVar[int]
    HUGE_FIELD_NUMBER: _ClassVar[int]
    SWAP_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    STACK_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    count: int
    size: int
    max_size: int
    used: int
    max_used: int
    anon: int
    file: int
    shmem: int
    huge: int
    swap: int
    data: int
    stack: int
    code: int
    locked: int
    table: int
    def __init__(self, count: _Optional[int] = ..., size: _Optional[int] = ..., max_size: _Optional[int] = ..., used: _Optional[int] = ..., max_used: _Optional[int] = ..., anon: _Optional[int] = ..., file: _Optional[int] = ..., shmem: _Optional[int] = ..., huge: _Optional[int] = ..., swap: _Optional[int] = ..., data: _Optional[int] = ..., stack: _Optional[int] = ..., code: _Optional[int] = ..., locked: _Optional[int] = ..., table: _Optional[int] = ...) -> None: ...

class TContainerStatus(_message.Message):
    __slots__ = ("absolute_name", "state", "id", "level", "parent", "absolute_namespace", "root_pid", "exit_status", "exit_code", "core_dumped", "start_error", "time", "dead_time", "capabilities_allowed", "capabilities_ambient_allowed", "root_path", "stdout_offset", "stderr_offset", "std_err", "std_out", "creation_time", "start_time", "death_time", "change_time", "no_changes", "extra_properties", "cgroups", "cpu_set_affinity", "cpu_usage", "cpu_usage_system", "cpu_wait", "cpu_throttled", "cpu_burst_usage", "cpu_unconstrained_wait", "cpu_pressure", "process_count", "thread_count", "io_read", "io_write", "io_ops", "io_read_ops", "io_write_ops", "io_time", "io_pressure", "place_usage", "memory_usage", "memory_guarantee_total", "memory_limit_total", "memory_lock_policy", "memory_pressure", "anon_limit_total", "anon_usage", "cpu_guarantee_total", "cpu_guarantee_bound", "cpu_limit_total", "cpu_limit_bound", "cache_usage", "hugetlb_usage", "hugetlb_limit", "minor_faults", "major_faults", "memory_reclaimed", "virtual_memory", "shmem_usage", "mlock_usage", "oom_kills", "oom_kills_total", "oom_killed", "net_bytes", "net_packets", "net_drops", "net_overlimits", "net_rx_bytes", "net_rx_packets", "net_rx_drops", "net_tx_bytes", "net_tx_packets", "net_tx_drops", "net_rx_overlimits", "net_limit_soft_stat", "net_netstat", "net_snmp", "net_snmp6", "net_limit_bound", "net_rx_limit_bound", "volumes_linked", "volumes_owned", "error", "warning", "taint")
    ABSOLUTE_NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ABSOLUTE_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    ROOT_PID_FIELD_NUMBER: _ClassVar[int]
    EXIT_STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CORE_DUMPED_FIELD_NUMBER: _ClassVar[int]
    START_ERROR_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    DEAD_TIME_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_AMBIENT_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    ROOT_PATH_FIELD_NUMBER: _ClassVar[int]
    STDOUT_OFFSET_FIELD_NUMBER: _ClassVar[int]
    STDERR_OFFSET_FIELD_NUMBER: _ClassVar[int]
    STD_ERR_FIELD_NUMBER: _ClassVar[int]
    STD_OUT_FIELD_NUMBER: _ClassVar[int]
    CREATION_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DEATH_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    NO_CHANGES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    CGROUPS_FIELD_NUMBER: _ClassVar[int]
    CPU_SET_AFFINITY_FIELD_NUMBER: _ClassVar[int]
    CPU_USAGE_FIELD_NUMBER: _ClassVar[int]
    CPU_USAGE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CPU_WAIT_FIELD_NUMBER: _ClassVar[int]
    CPU_THROTTLED_FIELD_NUMBER: _ClassVar[int]
    CPU_BURST_USAGE_FIELD_NUMBER: _ClassVar[int]
    CPU_UNCONSTRAINED_WAIT_FIELD_NUMBER: _ClassVar[int]
    CPU_PRESSURE_FIELD_NUMBER: _ClassVar[int]
    PROCESS_COUNT_FIELD_NUMBER: _ClassVar[int]
    THREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    IO_READ_FIELD_NUMBER: _ClassVar[int]
    IO_WRITE_FIELD_NUMBER: _ClassVar[int]
    IO_OPS_FIELD_NUMBER: _ClassVar[int]
    IO_READ_OPS_FIELD_NUMBER: _ClassVar[int]
    IO_WRITE_OPS_FIELD_NUMBER: _ClassVar[int]
    IO_TIME_FIELD_NUMBER: _ClassVar[int]
    IO_PRESSURE_FIELD_NUMBER: _ClassVar[int]
    PLACE_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USAGE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GUARANTEE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LOCK_POLICY_FIELD_NUMBER: _ClassVar[int]
    MEMORY_PRESSURE_FIELD_NUMBER: _ClassVar[int]
    ANON_LIMIT_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ANON_USAGE_FIELD_NUMBER: _ClassVar[int]
    CPU_GUARANTEE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CPU_GUARANTEE_BOUND_FIELD_NUMBER: _ClassVar[int]
    CPU_LIMIT_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CPU_LIMIT_BOUND_FIELD_NUMBER: _ClassVar[int]
    CACHE_USAGE_FIELD_NUMBER: _ClassVar[int]
    HUGETLB_USAGE_FIELD_NUMBER: _ClassVar[int]
    HUGETLB_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MINOR_FAULTS_FIELD_NUMBER: _ClassVar[int]
    MAJOR_FAULTS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_RECLAIMED_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_MEMORY_FIELD_NUMBER: _ClassVar[int]
    SHMEM_USAGE_FIELD_NUMBER: _ClassVar[int]
    MLOCK_USAGE_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLS_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    OOM_KILLED_FIELD_NUMBER: _ClassVar[int]
    NET_BYTES_FIELD_NUMBER: _ClassVar[int]
    NET_PACKETS_FIELD_NUMBER: _ClassVar[int]
    NET_DROPS_FIELD_NUMBER: _ClassVar[int]
    NET_OVERLIMITS_FIELD_NUMBER: _ClassVar[int]
    NET_RX_BYTES_FIELD_NUMBER: _ClassVar[int]
    NET_RX_PACKETS_FIELD_NUMBER: _ClassVar[int]
    NET_RX_DROPS_FIELD_NUMBER: _ClassVar[int]
    NET_TX_BYTES_FIELD_NUMBER: _ClassVar[int]
    NET_TX_PACKETS_FIELD_NUMBER: _ClassVar[int]
    NET_TX_DROPS_FIELD_NUMBER: _ClassVar[int]
    NET_RX_OVERLIMITS_FIELD_NUMBER: _ClassVar[int]
    NET_LIMIT_SOFT_STAT_FIELD_NUMBER: _ClassVar[int]
    NET_NETSTAT_FIELD_NUMBER: _ClassVar[int]
    NET_SNMP_FIELD_NUMBER: _ClassVar[int]
    NET_SNMP6_FIELD_NUMBER: _ClassVar[int]
    NET_LIMIT_BOUND_FIELD_NUMBER: _ClassVar[int]
    NET_RX_LIMIT_BOUND_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_LINKED_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_OWNED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    TAINT_FIELD_NUMBER: _ClassVar[int]
    absolute_name: str
    state: str
    id: int
    level: int
    parent: str
    absolute_namespace: str
    root_pid: int
    exit_status: int
    exit_code: int
    core_dumped: bool
    start_error: TError
    time: int
    dead_time: int
    capabilities_allowed: TCapabilities
    capabilities_ambient_allowed: TCapabilities
    root_path: str
    stdout_offset: int
    stderr_offset: int
    std_err: str
    std_out: str
    creation_time: int
    start_time: int
    death_time: int
    change_time: int
    no_changes: bool
    extra_properties: str
    cgroups: TContainerCgroups
    cpu_set_affinity: TContainerCpuSet
    cpu_usage: int
    cpu_usage_system: int
    cpu_wait: int
    cpu_throttled: int
    cpu_burst_usage: int
    cpu_unconstrained_wait: int
    cpu_pressure: TUintMap
    process_count: int
    thread_count: int
    io_read: TUintMap
    io_write: TUintMap
    io_ops: TUintMap
    io_read_ops: TUintMap
    io_write_ops: TUintMap
    io_time: TUintMap
    io_pressure: TUintMap
    place_usage: TUintMap
    memory_usage: int
    memory_guarantee_total: int
    memory_limit_total: int
    memory_lock_policy: str
    memory_pressure: TUintMap
    anon_limit_total: int
    anon_usage: int
    cpu_guarantee_total: float
    cpu_guarantee_bound: float
    cpu_limit_total: float
    cpu_limit_bound: float
    cache_usage: int
    hugetlb_usage: int
    hugetlb_limit: int
    minor_faults: int
    major_faults: int
    memory_reclaimed: int
    virtual_memory: TVmStat
    shmem_usage: int
    mlock_usage: int
    oom_kills: int
    oom_kills_total: int
    oom_killed: bool
    net_bytes: TUintMap
    net_packets: TUintMap
    net_drops: TUintMap
    net_overlimits: TUintMap
    net_rx_bytes: TUintMap
    net_rx_packets: TUintMap
    net_rx_drops: TUintMap
    net_tx_bytes: TUintMap
    net_tx_packets: TUintMap
    net_tx_drops: TUintMap
    net_rx_overlimits: TUintMap
    net_limit_soft_stat: TUintMap
    net_netstat: TUintMap
    net_snmp: TUintMap
    net_snmp6: TUintMap
    net_limit_bound: TUintMap
    net_rx_limit_bound: TUintMap
    volumes_linked: TContainerVolumeLinks
    volumes_owned: TContainerVolumes
    error: _containers.RepeatedCompositeFieldContainer[TError]
    warning: _containers.RepeatedCompositeFieldContainer[TError]
    taint: _containers.RepeatedCompositeFieldContainer[TError]
    def __init__(self, absolute_name: _Optional[str] = ..., state: _Optional[str] = ..., id: _Optional[int] = ..., level: _Optional[int] = ..., parent: _Optional[str] = ..., absolute_namespace: _Optional[str] = ..., root_pid: _Optional[int] = ..., exit_status: _Optional[int] = ..., exit_code: _Optional[int] = ..., core_dumped: _Optional[bool] = ..., start_error: _Optional[_Union[TError, _Mapping]] = ..., time: _Optional[int] = ..., dead_time: _Optional[int] = ..., capabilities_allowed: _Optional[_Union[TCapabilities, _Mapping]] = ..., capabilities_ambient_allowed: _Optional[_Union[TCapabilities, _Mapping]] = ..., root_path: _Optional[str] = ..., stdout_offset: _Optional[int] = ..., stderr_offset: _Optional[int] = ..., std_err: _Optional[str] = ..., std_out: _Optional[str] = ..., creation_time: _Optional[int] = ..., start_time: _Optional[int] = ..., death_time: _Optional[int] = ..., change_time: _Optional[int] = ..., no_changes: _Optional[bool] = ..., extra_properties: _Optional[str] = ..., cgroups: _Optional[_Union[TContainerCgroups, _Mapping]] = ..., cpu_set_affinity: _Optional[_Union[TContainerCpuSet, _Mapping]] = ..., cpu_usage: _Optional[int] = ..., cpu_usage_system: _Optional[int] = ..., cpu_wait: _Optional[int] = ..., cpu_throttled: _Optional[int] = ..., cpu_burst_usage: _Optional[int] = ..., cpu_unconstrained_wait: _Optional[int] = ..., cpu_pressure: _Optional[_Union[TUintMap, _Mapping]] = ..., process_count: _Optional[int] = ..., thread_count: _Optional[int] = ..., io_read: _Optional[_Union[TUintMap, _Mapping]] = ..., io_write: _Optional[_Union[TUintMap, _Mapping]] = ..., io_ops: _Optional[_Union[TUintMap, _Mapping]] = ..., io_read_ops: _Optional[_Union[TUintMap, _Mapping]] = ..., io_write_ops: _Optional[_Union[TUintMap, _Mapping]] = ..., io_time: _Optional[_Union[TUintMap, _Mapping]] = ..., io_pressure: _Optional[_Union[TUintMap, _Mapping]] = ..., place_usage: _Optional[_Union[TUintMap, _Mapping]] = ..., memory_usage: _Optional[int] = ..., memory_guarantee_total: _Optional[int] = ..., memory_limit_total: _Optional[int] = ..., memory_lock_policy: _Optional[str] = ..., memory_pressure: _Optional[_Union[TUintMap, _Mapping]] = ..., anon_limit_total: _Optional[int] = ..., anon_usage: _Optional[int] = ..., cpu_guarantee_total: _Optional[float] = ..., cpu_guarantee_bound: _Optional[float] = ..., cpu_limit_total: _Optional[float] = ..., cpu_limit_bound: _Optional[float] = ..., cache_usage: _Optional[int] = ..., hugetlb_usage: _Optional[int] = ..., hugetlb_limit: _Optional[int] = ..., minor_faults: _Optional[int] = ..., major_faults: _Optional[int] = ..., memory_reclaimed: _Optional[int] = ..., virtual_memory: _Optional[_Union[TVmStat, _Mapping]] = ..., shmem_usage: _Optional[int] = ..., mlock_usage: _Optional[int] = ..., oom_kills: _Optional[int] = ..., oom_kills_total: _Optional[int] = ..., oom_killed: _Optional[bool] = ..., net_bytes: _Optional[_Union[TUintMap, _Mapping]] = ..., net_packets: _Optional[_Union[TUintMap, _Mapping]] = ..., net_drops: _Optional[_Union[TUintMap, _Mapping]] = ..., net_overlimits: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_bytes: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_packets: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_drops: _Optional[_Union[TUintMap, _Mapping]] = ..., net_tx_bytes: _Optional[_Union[TUintMap, _Mapping]] = ..., net_tx_packets: _Optional[_Union[TUintMap, _Mapping]] = ..., net_tx_drops: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_overlimits: _Optional[_Union[TUintMap, _Mapping]] = ..., net_limit_soft_stat: _Optional[_Union[TUintMap, _Mapping]] = ..., net_netstat: _Optional[_Union[TUintMap, _Mapping]] = ..., net_snmp: _Optional[_Union[TUintMap, _Mapping]] = ..., net_snmp6: _Optional[_Union[TUintMap, _Mapping]] = ..., net_limit_bound: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_limit_bound: _Optional[_Union[TUintMap, _Mapping]] = ..., volumes_linked: _Optional[_Union[TContainerVolumeLinks, _Mapping]] = ..., volumes_owned: _Optional[_Union[TContainerVolumes, _Mapping]] = ..., error: _Optional[_Iterable[_Union[TError, _Mapping]]] = ..., warning: _Optional[_Iterable[_Union[TError, _Mapping]]] = ..., taint: _Optional[_Iterable[_Union[TError, _Mapping]]] = ...) -> None: ...

class TContainerSpec(_message.Message):
    __slots__ = ("name", "weak", "private", "labels", "command", "command_argv", "env", "env_secret", "ulimit", "core_command", "isolate", "virt_mode", "enable_porto", "porto_namespace", "cgroupfs", "userns", "unshare_on_exec", "enable_fuse", "aging_time", "task_cred", "user", "group", "owner_cred", "owner_user", "owner_group", "owner_containers", "capabilities", "capabilities_ambient", "root", "root_readonly", "bind", "symlink", "devices", "place", "place_limit", "cwd", "stdin_path", "stdout_path", "stderr_path", "stdout_limit", "umask", "respawn", "respawn_count", "max_respawns", "respawn_delay", "controllers", "link_memory_writeback_blkio", "cpu_policy", "cpu_weight", "cpu_guarantee", "cpu_limit", "cpu_limit_total", "cpu_period", "cpu_set", "thread_limit", "io_policy", "io_weight", "io_limit", "io_guarantee", "io_ops_limit", "io_ops_guarantee", "memory_guarantee", "memory_limit", "memory_lock_policy", "anon_limit", "anon_max_usage", "dirty_limit", "hugetlb_limit", "recharge_on_pgfault", "pressurize_on_death", "anon_only", "oom_score_adj", "oom_is_fatal", "net", "ip_limit", "ip", "default_gw", "hostname", "resolv_conf", "etc_hosts", "sysctl", "net_guarantee", "net_limit", "net_rx_limit", "net_limit_soft", "volumes_required", "coredump_filter", "seccomp_name", "session_info", "children_allowed", "devices_explicit")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEAK_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    COMMAND_ARGV_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    ENV_SECRET_FIELD_NUMBER: _ClassVar[int]
    ULIMIT_FIELD_NUMBER: _ClassVar[int]
    CORE_COMMAND_FIELD_NUMBER: _ClassVar[int]
    ISOLATE_FIELD_NUMBER: _ClassVar[int]
    VIRT_MODE_FIELD_NUMBER: _ClassVar[int]
    ENABLE_PORTO_FIELD_NUMBER: _ClassVar[int]
    PORTO_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    CGROUPFS_FIELD_NUMBER: _ClassVar[int]
    USERNS_FIELD_NUMBER: _ClassVar[int]
    UNSHARE_ON_EXEC_FIELD_NUMBER: _ClassVar[int]
    ENABLE_FUSE_FIELD_NUMBER: _ClassVar[int]
    AGING_TIME_FIELD_NUMBER: _ClassVar[int]
    TASK_CRED_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    OWNER_CRED_FIELD_NUMBER: _ClassVar[int]
    OWNER_USER_FIELD_NUMBER: _ClassVar[int]
    OWNER_GROUP_FIELD_NUMBER: _ClassVar[int]
    OWNER_CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_AMBIENT_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    ROOT_READONLY_FIELD_NUMBER: _ClassVar[int]
    BIND_FIELD_NUMBER: _ClassVar[int]
    SYMLINK_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PLACE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    CWD_FIELD_NUMBER: _ClassVar[int]
    STDIN_PATH_FIELD_NUMBER: _ClassVar[int]
    STDOUT_PATH_FIELD_NUMBER: _ClassVar[int]
    STDERR_PATH_FIELD_NUMBER: _ClassVar[int]
    STDOUT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    UMASK_FIELD_NUMBER: _ClassVar[int]
    RESPAWN_FIELD_NUMBER: _ClassVar[int]
    RESPAWN_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_RESPAWNS_FIELD_NUMBER: _ClassVar[int]
    RESPAWN_DELAY_FIELD_NUMBER: _ClassVar[int]
    CONTROLLERS_FIELD_NUMBER: _ClassVar[int]
    LINK_MEMORY_WRITEBACK_BLKIO_FIELD_NUMBER: _ClassVar[int]
    CPU_POLICY_FIELD_NUMBER: _ClassVar[int]
    CPU_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    CPU_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    CPU_LIMIT_FIELD_NUMBER: _ClassVar[int]
    CPU_LIMIT_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CPU_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CPU_SET_FIELD_NUMBER: _ClassVar[int]
    THREAD_LIMIT_FIELD_NUMBER: _ClassVar[int]
    IO_POLICY_FIELD_NUMBER: _ClassVar[int]
    IO_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    IO_LIMIT_FIELD_NUMBER: _ClassVar[int]
    IO_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    IO_OPS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    IO_OPS_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_LOCK_POLICY_FIELD_NUMBER: _ClassVar[int]
    ANON_LIMIT_FIELD_NUMBER: _ClassVar[int]
    ANON_MAX_USAGE_FIELD_NUMBER: _ClassVar[int]
    DIRTY_LIMIT_FIELD_NUMBER: _ClassVar[int]
    HUGETLB_LIMIT_FIELD_NUMBER: _ClassVar[int]
    RECHARGE_ON_PGFAULT_FIELD_NUMBER: _ClassVar[int]
    PRESSURIZE_ON_DEATH_FIELD_NUMBER: _ClassVar[int]
    ANON_ONLY_FIELD_NUMBER: _ClassVar[int]
    OOM_SCORE_ADJ_FIELD_NUMBER: _ClassVar[int]
    OOM_IS_FATAL_FIELD_NUMBER: _ClassVar[int]
    NET_FIELD_NUMBER: _ClassVar[int]
    IP_LIMIT_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_GW_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    RESOLV_CONF_FIELD_NUMBER: _ClassVar[int]
    ETC_HOSTS_FIELD_NUMBER: _ClassVar[int]
    SYSCTL_FIELD_NUMBER: _ClassVar[int]
    NET_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    NET_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NET_RX_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NET_LIMIT_SOFT_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COREDUMP_FILTER_FIELD_NUMBER: _ClassVar[int]
    SECCOMP_NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_INFO_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    DEVICES_EXPLICIT_FIELD_NUMBER: _ClassVar[int]
    name: str
    weak: bool
    private: str
    labels: TStringMap
    command: str
    command_argv: TContainerCommandArgv
    env: TContainerEnv
    env_secret: TContainerEnv
    ulimit: TContainerUlimits
    core_command: str
    isolate: bool
    virt_mode: str
    enable_porto: str
    porto_namespace: str
    cgroupfs: str
    userns: bool
    unshare_on_exec: bool
    enable_fuse: bool
    aging_time: int
    task_cred: TCred
    user: str
    group: str
    owner_cred: TCred
    owner_user: str
    owner_group: str
    owner_containers: str
    capabilities: TCapabilities
    capabilities_ambient: TCapabilities
    root: str
    root_readonly: bool
    bind: TContainerBindMounts
    symlink: TStringMap
    devices: TContainerDevices
    place: TContainerPlaceConfig
    place_limit: TUintMap
    cwd: str
    stdin_path: str
    stdout_path: str
    stderr_path: str
    stdout_limit: int
    umask: int
    respawn: bool
    respawn_count: int
    max_respawns: int
    respawn_delay: int
    controllers: TContainerControllers
    link_memory_writeback_blkio: bool
    cpu_policy: str
    cpu_weight: float
    cpu_guarantee: float
    cpu_limit: float
    cpu_limit_total: float
    cpu_period: int
    cpu_set: TContainerCpuSet
    thread_limit: int
    io_policy: str
    io_weight: float
    io_limit: TUintMap
    io_guarantee: TUintMap
    io_ops_limit: TUintMap
    io_ops_guarantee: TUintMap
    memory_guarantee: int
    memory_limit: int
    memory_lock_policy: str
    anon_limit: int
    anon_max_usage: int
    dirty_limit: int
    hugetlb_limit: int
    recharge_on_pgfault: bool
    pressurize_on_death: bool
    anon_only: bool
    oom_score_adj: int
    oom_is_fatal: bool
    net: TContainerNetConfig
    ip_limit: TContainerIpLimit
    ip: TContainerIpConfig
    default_gw: TContainerIpConfig
    hostname: str
    resolv_conf: str
    etc_hosts: str
    sysctl: TStringMap
    net_guarantee: TUintMap
    net_limit: TUintMap
    net_rx_limit: TUintMap
    net_limit_soft: int
    volumes_required: TContainerVolumes
    coredump_filter: int
    seccomp_name: str
    session_info: str
    children_allowed: bool
    devices_explicit: bool
    def __init__(self, name: _Optional[str] = ..., weak: _Optional[bool] = ..., private: _Optional[str] = ..., labels: _Optional[_Union[TStringMap, _Mapping]] = ..., command: _Optional[str] = ..., command_argv: _Optional[_Union[TContainerCommandArgv, _Mapping]] = ..., env: _Optional[_Union[TContainerEnv, _Mapping]] = ..., env_secret: _Optional[_Union[TContainerEnv, _Mapping]] = ..., ulimit: _Optional[_Union[TContainerUlimits, _Mapping]] = ..., core_command: _Optional[str] = ..., isolate: _Optional[bool] = ..., virt_mode: _Optional[str] = ..., enable_porto: _Optional[str] = ..., porto_namespace: _Optional[str] = ..., cgroupfs: _Optional[str] = ..., userns: _Optional[bool] = ..., unshare_on_exec: _Optional[bool] = ..., enable_fuse: _Optional[bool] = ..., aging_time: _Optional[int] = ..., task_cred: _Optional[_Union[TCred, _Mapping]] = ..., user: _Optional[str] = ..., group: _Optional[str] = ..., owner_cred: _Optional[_Union[TCred, _Mapping]] = ..., owner_user: _Optional[str] = ..., owner_group: _Optional[str] = ..., owner_containers: _Optional[str] = ..., capabilities: _Optional[_Union[TCapabilities, _Mapping]] = ..., capabilities_ambient: _Optional[_Union[TCapabilities, _Mapping]] = ..., root: _Optional[str] = ..., root_readonly: _Optional[bool] = ..., bind: _Optional[_Union[TContainerBindMounts, _Mapping]] = ..., symlink: _Optional[_Union[TStringMap, _Mapping]] = ..., devices: _Optional[_Union[TContainerDevices, _Mapping]] = ..., place: _Optional[_Union[TContainerPlaceConfig, _Mapping]] = ..., place_limit: _Optional[_Union[TUintMap, _Mapping]] = ..., cwd: _Optional[str] = ..., stdin_path: _Optional[str] = ..., stdout_path: _Optional[str] = ..., stderr_path: _Optional[str] = ..., stdout_limit: _Optional[int] = ..., umask: _Optional[int] = ..., respawn: _Optional[bool] = ..., respawn_count: _Optional[int] = ..., max_respawns: _Optional[int] = ..., respawn_delay: _Optional[int] = ..., controllers: _Optional[_Union[TContainerControllers, _Mapping]] = ..., link_memory_writeback_blkio: _Optional[bool] = ..., cpu_policy: _Optional[str] = ..., cpu_weight: _Optional[float] = ..., cpu_guarantee: _Optional[float] = ..., cpu_limit: _Optional[float] = ..., cpu_limit_total: _Optional[float] = ..., cpu_period: _Optional[int] = ..., cpu_set: _Optional[_Union[TContainerCpuSet, _Mapping]] = ..., thread_limit: _Optional[int] = ..., io_policy: _Optional[str] = ..., io_weight: _Optional[float] = ..., io_limit: _Optional[_Union[TUintMap, _Mapping]] = ..., io_guarantee: _Optional[_Union[TUintMap, _Mapping]] = ..., io_ops_limit: _Optional[_Union[TUintMap, _Mapping]] = ..., io_ops_guarantee: _Optional[_Union[TUintMap, _Mapping]] = ..., memory_guarantee: _Optional[int] = ..., memory_limit: _Optional[int] = ..., memory_lock_policy: _Optional[str] = ..., anon_limit: _Optional[int] = ..., anon_max_usage: _Optional[int] = ..., dirty_limit: _Optional[int] = ..., hugetlb_limit: _Optional[int] = ..., recharge_on_pgfault: _Optional[bool] = ..., pressurize_on_death: _Optional[bool] = ..., anon_only: _Optional[bool] = ..., oom_score_adj: _Optional[int] = ..., oom_is_fatal: _Optional[bool] = ..., net: _Optional[_Union[TContainerNetConfig, _Mapping]] = ..., ip_limit: _Optional[_Union[TContainerIpLimit, _Mapping]] = ..., ip: _Optional[_Union[TContainerIpConfig, _Mapping]] = ..., default_gw: _Optional[_Union[TContainerIpConfig, _Mapping]] = ..., hostname: _Optional[str] = ..., resolv_conf: _Optional[str] = ..., etc_hosts: _Optional[str] = ..., sysctl: _Optional[_Union[TStringMap, _Mapping]] = ..., net_guarantee: _Optional[_Union[TUintMap, _Mapping]] = ..., net_limit: _Optional[_Union[TUintMap, _Mapping]] = ..., net_rx_limit: _Optional[_Union[TUintMap, _Mapping]] = ..., net_limit_soft: _Optional[int] = ..., volumes_required: _Optional[_Union[TContainerVolumes, _Mapping]] = ..., coredump_filter: _Optional[int] = ..., seccomp_name: _Optional[str] = ..., session_info: _Optional[str] = ..., children_allowed: _Optional[bool] = ..., devices_explicit: _Optional[bool] = ...) -> None: ...

class TContainer(_message.Message):
    __slots__ = ("spec", "status", "error")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    spec: TContainerSpec
    status: TContainerStatus
    error: TError
    def __init__(self, spec: _Optional[_Union[TContainerSpec, _Mapping]] = ..., status: _Optional[_Union[TContainerStatus, _Mapping]] = ..., error: _Optional[_Union[TError, _Mapping]] = ...) -> None: ...

class TVolumeDescription(_message.Message):
    __slots__ = ("path", "properties", "containers", "links", "change_time", "no_changes")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PATH_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    NO_CHANGES_FIELD_NUMBER: _ClassVar[int]
    path: str
    properties: _containers.ScalarMap[str, str]
    containers: _containers.RepeatedScalarFieldContainer[str]
    links: _containers.RepeatedCompositeFieldContainer[TVolumeLink]
    change_time: int
    no_changes: bool
    def __init__(self, path: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., containers: _Optional[_Iterable[str]] = ..., links: _Optional[_Iterable[_Union[TVolumeLink, _Mapping]]] = ..., change_time: _Optional[int] = ..., no_changes: _Optional[bool] = ...) -> None: ...

class TVolumeLink(_message.Message):
    __slots__ = ("container", "target", "required", "read_only", "host_target", "container_root", "container_cwd")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    HOST_TARGET_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ROOT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_CWD_FIELD_NUMBER: _ClassVar[int]
    container: str
    target: str
    required: bool
    read_only: bool
    host_target: str
    container_root: bool
    container_cwd: bool
    def __init__(self, container: _Optional[str] = ..., target: _Optional[str] = ..., required: _Optional[bool] = ..., read_only: _Optional[bool] = ..., host_target: _Optional[str] = ..., container_root: _Optional[bool] = ..., container_cwd: _Optional[bool] = ...) -> None: ...

class TVolumeResource(_message.Message):
    __slots__ = ("limit", "guarantee", "usage", "available")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    limit: int
    guarantee: int
    usage: int
    available: int
    def __init__(self, limit: _Optional[int] = ..., guarantee: _Optional[int] = ..., usage: _Optional[int] = ..., available: _Optional[int] = ...) -> None: ...

class TVolumeDirectory(_message.Message):
    __slots__ = ("path", "cred", "permissions")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CRED_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    path: str
    cred: TCred
    permissions: int
    def __init__(self, path: _Optional[str] = ..., cred: _Optional[_Union[TCred, _Mapping]] = ..., permissions: _Optional[int] = ...) -> None: ...

class TVolumeSymlink(_message.Message):
    __slots__ = ("path", "target_path")
    PATH_FIELD_NUMBER: _ClassVar[int]
    TARGET_PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    target_path: str
    def __init__(self, path: _Optional[str] = ..., target_path: _Optional[str] = ...) -> None: ...

class TVolumeShare(_message.Message):
    __slots__ = ("path", "origin_path", "cow")
    PATH_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_PATH_FIELD_NUMBER: _ClassVar[int]
    COW_FIELD_NUMBER: _ClassVar[int]
    path: str
    origin_path: str
    cow: bool
    def __init__(self, path: _Optional[str] = ..., origin_path: _Optional[str] = ..., cow: _Optional[bool] = ...) -> None: ...

class TVolumeSpec(_message.Message):
    __slots__ = ("path", "container", "links", "id", "state", "private_value", "device_name", "backend", "place", "storage", "image", "layers", "read_only", "filesystem_type", "cred", "permissions", "space", "inodes", "owner", "owner_container", "place_key", "creator", "auto_path", "device_index", "build_time", "directories", "symlinks", "shares", "change_time", "no_changes")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_NAME_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    FILESYSTEM_TYPE_FIELD_NUMBER: _ClassVar[int]
    CRED_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    SPACE_FIELD_NUMBER: _ClassVar[int]
    INODES_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    OWNER_CONTAINER_FIELD_NUMBER: _ClassVar[int]
    PLACE_KEY_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    AUTO_PATH_FIELD_NUMBER: _ClassVar[int]
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    BUILD_TIME_FIELD_NUMBER: _ClassVar[int]
    DIRECTORIES_FIELD_NUMBER: _ClassVar[int]
    SYMLINKS_FIELD_NUMBER: _ClassVar[int]
    SHARES_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    NO_CHANGES_FIELD_NUMBER: _ClassVar[int]
    path: str
    container: str
    links: _containers.RepeatedCompositeFieldContainer[TVolumeLink]
    id: str
    state: str
    private_value: str
    device_name: str
    backend: str
    place: str
    storage: str
    image: str
    layers: _containers.RepeatedScalarFieldContainer[str]
    read_only: bool
    filesystem_type: str
    cred: TCred
    permissions: int
    space: TVolumeResource
    inodes: TVolumeResource
    owner: TCred
    owner_container: str
    place_key: str
    creator: str
    auto_path: bool
    device_index: int
    build_time: int
    directories: _containers.RepeatedCompositeFieldContainer[TVolumeDirectory]
    symlinks: _containers.RepeatedCompositeFieldContainer[TVolumeSymlink]
    shares: _containers.RepeatedCompositeFieldContainer[TVolumeShare]
    change_time: int
    no_changes: bool
    def __init__(self, path: _Optional[str] = ..., container: _Optional[str] = ..., links: _Optional[_Iterable[_Union[TVolumeLink, _Mapping]]] = ..., id: _Optional[str] = ..., state: _Optional[str] = ..., private_value: _Optional[str] = ..., device_name: _Optional[str] = ..., backend: _Optional[str] = ..., place: _Optional[str] = ..., storage: _Optional[str] = ..., image: _Optional[str] = ..., layers: _Optional[_Iterable[str]] = ..., read_only: _Optional[bool] = ..., filesystem_type: _Optional[str] = ..., cred: _Optional[_Union[TCred, _Mapping]] = ..., permissions: _Optional[int] = ..., space: _Optional[_Union[TVolumeResource, _Mapping]] = ..., inodes: _Optional[_Union[TVolumeResource, _Mapping]] = ..., owner: _Optional[_Union[TCred, _Mapping]] = ..., owner_container: _Optional[str] = ..., place_key: _Optional[str] = ..., creator: _Optional[str] = ..., auto_path: _Optional[bool] = ..., device_index: _Optional[int] = ..., build_time: _Optional[int] = ..., directories: _Optional[_Iterable[_Union[TVolumeDirectory, _Mapping]]] = ..., symlinks: _Optional[_Iterable[_Union[TVolumeSymlink, _Mapping]]] = ..., shares: _Optional[_Iterable[_Union[TVolumeShare, _Mapping]]] = ..., change_time: _Optional[int] = ..., no_changes: _Optional[bool] = ...) -> None: ...

class TLayer(_message.Message):
    __slots__ = ("name", "owner_user", "owner_group", "last_usage", "private_value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_USER_FIELD_NUMBER: _ClassVar[int]
    OWNER_GROUP_FIELD_NUMBER: _ClassVar[int]
    LAST_USAGE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    owner_user: str
    owner_group: str
    last_usage: int
    private_value: str
    def __init__(self, name: _Optional[str] = ..., owner_user: _Optional[str] = ..., owner_group: _Optional[str] = ..., last_usage: _Optional[int] = ..., private_value: _Optional[str] = ...) -> None: ...

class TStorage(_message.Message):
    __slots__ = ("name", "owner_user", "owner_group", "last_usage", "private_value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OWNER_USER_FIELD_NUMBER: _ClassVar[int]
    OWNER_GROUP_FIELD_NUMBER: _ClassVar[int]
    LAST_USAGE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    owner_user: str
    owner_group: str
    last_usage: int
    private_value: str
    def __init__(self, name: _Optional[str] = ..., owner_user: _Optional[str] = ..., owner_group: _Optional[str] = ..., last_usage: _Optional[int] = ..., private_value: _Optional[str] = ...) -> None: ...

class TMetaStorage(_message.Message):
    __slots__ = ("name", "place", "private_value", "space_limit", "inode_limit", "space_used", "space_available", "inode_used", "inode_available", "owner_user", "owner_group", "last_usage")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    SPACE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    INODE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    SPACE_USED_FIELD_NUMBER: _ClassVar[int]
    SPACE_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    INODE_USED_FIELD_NUMBER: _ClassVar[int]
    INODE_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    OWNER_USER_FIELD_NUMBER: _ClassVar[int]
    OWNER_GROUP_FIELD_NUMBER: _ClassVar[int]
    LAST_USAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    place: str
    private_value: str
    space_limit: int
    inode_limit: int
    space_used: int
    space_available: int
    inode_used: int
    inode_available: int
    owner_user: str
    owner_group: str
    last_usage: int
    def __init__(self, name: _Optional[str] = ..., place: _Optional[str] = ..., private_value: _Optional[str] = ..., space_limit: _Optional[int] = ..., inode_limit: _Optional[int] = ..., space_used: _Optional[int] = ..., space_available: _Optional[int] = ..., inode_used: _Optional[int] = ..., inode_available: _Optional[int] = ..., owner_user: _Optional[str] = ..., owner_group: _Optional[str] = ..., last_usage: _Optional[int] = ...) -> None: ...

class TVersionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TVersionResponse(_message.Message):
    __slots__ = ("tag", "revision")
    TAG_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    tag: str
    revision: str
    def __init__(self, tag: _Optional[str] = ..., revision: _Optional[str] = ...) -> None: ...

class TGetSystemRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TGetSystemResponse(_message.Message):
    __slots__ = ("porto_version", "porto_revision", "kernel_version", "errors", "warnings", "porto_starts", "porto_uptime", "master_uptime", "fatals", "taints", "frozen", "verbose", "debug", "log_lines", "log_bytes", "stream_rotate_bytes", "stream_rotate_errors", "log_lines_lost", "log_bytes_lost", "log_open", "container_count", "container_limit", "container_running", "container_created", "container_started", "container_start_failed", "container_oom", "container_buried", "container_lost", "container_tainted", "postfork_issues", "volume_count", "volume_limit", "volume_created", "volume_failed", "volume_links", "volume_links_mounted", "volume_lost", "layer_import", "layer_export", "layer_remove", "client_count", "client_max", "client_connected", "request_queued", "request_completed", "request_failed", "request_threads", "request_longer_1s", "request_longer_3s", "request_longer_30s", "request_longer_5m", "request_top_running_time", "fail_system", "fail_invalid_value", "fail_invalid_command", "fail_memory_guarantee", "fail_invalid_netaddr", "porto_crash", "network_count", "network_created", "network_problems", "network_repairs")
    PORTO_VERSION_FIELD_NUMBER: _ClassVar[int]
    PORTO_REVISION_FIELD_NUMBER: _ClassVar[int]
    KERNEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    PORTO_STARTS_FIELD_NUMBER: _ClassVar[int]
    PORTO_UPTIME_FIELD_NUMBER: _ClassVar[int]
    MASTER_UPTIME_FIELD_NUMBER: _ClassVar[int]
    FATALS_FIELD_NUMBER: _ClassVar[int]
    TAINTS_FIELD_NUMBER: _ClassVar[int]
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    VERBOSE_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    LOG_LINES_FIELD_NUMBER: _ClassVar[int]
    LOG_BYTES_FIELD_NUMBER: _ClassVar[int]
    STREAM_ROTATE_BYTES_FIELD_NUMBER: _ClassVar[int]
    STREAM_ROTATE_ERRORS_FIELD_NUMBER: _ClassVar[int]
    LOG_LINES_LOST_FIELD_NUMBER: _ClassVar[int]
    LOG_BYTES_LOST_FIELD_NUMBER: _ClassVar[int]
    LOG_OPEN_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_LIMIT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_RUNNING_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_CREATED_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_STARTED_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_START_FAILED_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_OOM_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_BURIED_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_LOST_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_TAINTED_FIELD_NUMBER: _ClassVar[int]
    POSTFORK_ISSUES_FIELD_NUMBER: _ClassVar[int]
    VOLUME_COUNT_FIELD_NUMBER: _ClassVar[int]
    VOLUME_LIMIT_FIELD_NUMBER: _ClassVar[int]
    VOLUME_CREATED_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FAILED_FIELD_NUMBER: _ClassVar[int]
    VOLUME_LINKS_FIELD_NUMBER: _ClassVar[int]
    VOLUME_LINKS_MOUNTED_FIELD_NUMBER: _ClassVar[int]
    VOLUME_LOST_FIELD_NUMBER: _ClassVar[int]
    LAYER_IMPORT_FIELD_NUMBER: _ClassVar[int]
    LAYER_EXPORT_FIELD_NUMBER: _ClassVar[int]
    LAYER_REMOVE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_MAX_FIELD_NUMBER: _ClassVar[int]
    CLIENT_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_QUEUED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FAILED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_THREADS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_LONGER_1S_FIELD_NUMBER: _ClassVar[int]
    REQUEST_LONGER_3S_FIELD_NUMBER: _ClassVar[int]
    REQUEST_LONGER_30S_FIELD_NUMBER: _ClassVar[int]
    REQUEST_LONGER_5M_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TOP_RUNNING_TIME_FIELD_NUMBER: _ClassVar[int]
    FAIL_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    FAIL_INVALID_VALUE_FIELD_NUMBER: _ClassVar[int]
    FAIL_INVALID_COMMAND_FIELD_NUMBER: _ClassVar[int]
    FAIL_MEMORY_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    FAIL_INVALID_NETADDR_FIELD_NUMBER: _ClassVar[int]
    PORTO_CRASH_FIELD_NUMBER: _ClassVar[int]
    NETWORK_COUNT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_CREATED_FIELD_NUMBER: _ClassVar[int]
    NETWORK_PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_REPAIRS_FIELD_NUMBER: _ClassVar[int]
    porto_version: str
    porto_revision: str
    kernel_version: str
    errors: int
    warnings: int
    porto_starts: int
    porto_uptime: int
    master_uptime: int
    fatals: int
    taints: int
    frozen: bool
    verbose: bool
    debug: bool
    log_lines: int
    log_bytes: int
    stream_rotate_bytes: int
    stream_rotate_errors: int
    log_lines_lost: int
    log_bytes_lost: int
    log_open: int
    container_count: int
    container_limit: int
    container_running: int
    container_created: int
    container_started: int
    container_start_failed: int
    container_oom: int
    container_buried: int
    container_lost: int
    container_tainted: int
    postfork_issues: int
    volume_count: int
    volume_limit: int
    volume_created: int
    volume_failed: int
    volume_links: int
    volume_links_mounted: int
    volume_lost: int
    layer_import: int
    layer_export: int
    layer_remove: int
    client_count: int
    client_max: int
    client_connected: int
    request_queued: int
    request_completed: int
    request_failed: int
    request_threads: int
    request_longer_1s: int
    request_longer_3s: int
    request_longer_30s: int
    request_longer_5m: int
    request_top_running_time: int
    fail_system: int
    fail_invalid_value: int
    fail_invalid_command: int
    fail_memory_guarantee: int
    fail_invalid_netaddr: int
    porto_crash: int
    network_count: int
    network_created: int
    network_problems: int
    network_repairs: int
    def __init__(self, porto_version: _Optional[str] = ..., porto_revision: _Optional[str] = ..., kernel_version: _Optional[str] = ..., errors: _Optional[int] = ..., warnings: _Optional[int] = ..., porto_starts: _Optional[int] = ..., porto_uptime: _Optional[int] = ..., master_uptime: _Optional[int] = ..., fatals: _Optional[int] = ..., taints: _Optional[int] = ..., frozen: _Optional[bool] = ..., verbose: _Optional[bool] = ..., debug: _Optional[bool] = ..., log_lines: _Optional[int] = ..., log_bytes: _Optional[int] = ..., stream_rotate_bytes: _Optional[int] = ..., stream_rotate_errors: _Optional[int] = ..., log_lines_lost: _Optional[int] = ..., log_bytes_lost: _Optional[int] = ..., log_open: _Optional[int] = ..., container_count: _Optional[int] = ..., container_limit: _Optional[int] = ..., container_running: _Optional[int] = ..., container_created: _Optional[int] = ..., container_started: _Optional[int] = ..., container_start_failed: _Optional[int] = ..., container_oom: _Optional[int] = ..., container_buried: _Optional[int] = ..., container_lost: _Optional[int] = ..., container_tainted: _Optional[int] = ..., postfork_issues: _Optional[int] = ..., volume_count: _Optional[int] = ..., volume_limit: _Optional[int] = ..., volume_created: _Optional[int] = ..., volume_failed: _Optional[int] = ..., volume_links: _Optional[int] = ..., volume_links_mounted: _Optional[int] = ..., volume_lost: _Optional[int] = ..., layer_import: _Optional[int] = ..., layer_export: _Optional[int] = ..., layer_remove: _Optional[int] = ..., client_count: _Optional[int] = ..., client_max: _Optional[int] = ..., client_connected: _Optional[int] = ..., request_queued: _Optional[int] = ..., request_completed: _Optional[int] = ..., request_failed: _Optional[int] = ..., request_threads: _Optional[int] = ..., request_longer_1s: _Optional[int] = ..., request_longer_3s: _Optional[int] = ..., request_longer_30s: _Optional[int] = ..., request_longer_5m: _Optional[int] = ..., request_top_running_time: _Optional[int] = ..., fail_system: _Optional[int] = ..., fail_invalid_value: _Optional[int] = ..., fail_invalid_command: _Optional[int] = ..., fail_memory_guarantee: _Optional[int] = ..., fail_invalid_netaddr: _Optional[int] = ..., porto_crash: _Optional[int] = ..., network_count: _Optional[int] = ..., network_created: _Optional[int] = ..., network_problems: _Optional[int] = ..., network_repairs: _Optional[int] = ...) -> None: ...

class TSetSystemRequest(_message.Message):
    __slots__ = ("frozen", "verbose", "debug")
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    VERBOSE_FIELD_NUMBER: _ClassVar[int]
    DEBUG_FIELD_NUMBER: _ClassVar[int]
    frozen: bool
    verbose: bool
    debug: bool
    def __init__(self, frozen: _Optional[bool] = ..., verbose: _Optional[bool] = ..., debug: _Optional[bool] = ...) -> None: ...

class TSetSystemResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TCreateFromSpecRequest(_message.Message):
    __slots__ = ("container", "volumes", "start")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    container: TContainerSpec
    volumes: _containers.RepeatedCompositeFieldContainer[TVolumeSpec]
    start: bool
    def __init__(self, container: _Optional[_Union[TContainerSpec, _Mapping]] = ..., volumes: _Optional[_Iterable[_Union[TVolumeSpec, _Mapping]]] = ..., start: _Optional[bool] = ...) -> None: ...

class TUpdateFromSpecRequest(_message.Message):
    __slots__ = ("container", "start")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    container: TContainerSpec
    start: bool
    def __init__(self, container: _Optional[_Union[TContainerSpec, _Mapping]] = ..., start: _Optional[bool] = ...) -> None: ...

class TListContainersFilter(_message.Message):
    __slots__ = ("name", "labels", "changed_since")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    labels: TStringMap
    changed_since: int
    def __init__(self, name: _Optional[str] = ..., labels: _Optional[_Union[TStringMap, _Mapping]] = ..., changed_since: _Optional[int] = ...) -> None: ...

class TStreamDumpOptions(_message.Message):
    __slots__ = ("stdstream_offset", "stdstream_limit")
    STDSTREAM_OFFSET_FIELD_NUMBER: _ClassVar[int]
    STDSTREAM_LIMIT_FIELD_NUMBER: _ClassVar[int]
    stdstream_offset: int
    stdstream_limit: int
    def __init__(self, stdstream_offset: _Optional[int] = ..., stdstream_limit: _Optional[int] = ...) -> None: ...

class TListContainersFieldOptions(_message.Message):
    __slots__ = ("properties", "stdout_options", "stderr_options")
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    STDOUT_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STDERR_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    properties: _containers.RepeatedScalarFieldContainer[str]
    stdout_options: TStreamDumpOptions
    stderr_options: TStreamDumpOptions
    def __init__(self, properties: _Optional[_Iterable[str]] = ..., stdout_options: _Optional[_Union[TStreamDumpOptions, _Mapping]] = ..., stderr_options: _Optional[_Union[TStreamDumpOptions, _Mapping]] = ...) -> None: ...

class TListContainersRequest(_message.Message):
    __slots__ = ("filters", "field_options")
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    FIELD_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.RepeatedCompositeFieldContainer[TListContainersFilter]
    field_options: TListContainersFieldOptions
    def __init__(self, filters: _Optional[_Iterable[_Union[TListContainersFilter, _Mapping]]] = ..., field_options: _Optional[_Union[TListContainersFieldOptions, _Mapping]] = ...) -> None: ...

class TListContainersResponse(_message.Message):
    __slots__ = ("containers",)
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    containers: _containers.RepeatedCompositeFieldContainer[TContainer]
    def __init__(self, containers: _Optional[_Iterable[_Union[TContainer, _Mapping]]] = ...) -> None: ...

class TListPropertiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TListPropertiesResponse(_message.Message):
    __slots__ = ("list",)
    class TContainerPropertyListEntry(_message.Message):
        __slots__ = ("name", "desc", "read_only", "dynamic")
        NAME_FIELD_NUMBER: _ClassVar[int]
        DESC_FIELD_NUMBER: _ClassVar[int]
        READ_ONLY_FIELD_NUMBER: _ClassVar[int]
        DYNAMIC_FIELD_NUMBER: _ClassVar[int]
        name: str
        desc: str
        read_only: bool
        dynamic: bool
        def __init__(self, name: _Optional[str] = ..., desc: _Optional[str] = ..., read_only: _Optional[bool] = ..., dynamic: _Optional[bool] = ...) -> None: ...
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _containers.RepeatedCompositeFieldContainer[TListPropertiesResponse.TContainerPropertyListEntry]
    def __init__(self, list: _Optional[_Iterable[_Union[TListPropertiesResponse.TContainerPropertyListEntry, _Mapping]]] = ...) -> None: ...

class TListDataPropertiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TListDataPropertiesResponse(_message.Message):
    __slots__ = ("list",)
    class TContainerDataListEntry(_message.Message):
        __slots__ = ("name", "desc")
        NAME_FIELD_NUMBER: _ClassVar[int]
        DESC_FIELD_NUMBER: _ClassVar[int]
        name: str
        desc: str
        def __init__(self, name: _Optional[str] = ..., desc: _Optional[str] = ...) -> None: ...
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _containers.RepeatedCompositeFieldContainer[TListDataPropertiesResponse.TContainerDataListEntry]
    def __init__(self, list: _Optional[_Iterable[_Union[TListDataPropertiesResponse.TContainerDataListEntry, _Mapping]]] = ...) -> None: ...

class TCreateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TDestroyRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TListRequest(_message.Message):
    __slots__ = ("mask", "changed_since")
    MASK_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    mask: str
    changed_since: int
    def __init__(self, mask: _Optional[str] = ..., changed_since: _Optional[int] = ...) -> None: ...

class TListResponse(_message.Message):
    __slots__ = ("name", "absolute_namespace")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ABSOLUTE_NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    name: _containers.RepeatedScalarFieldContainer[str]
    absolute_namespace: str
    def __init__(self, name: _Optional[_Iterable[str]] = ..., absolute_namespace: _Optional[str] = ...) -> None: ...

class TGetPropertyRequest(_message.Message):
    __slots__ = ("name", "property", "sync", "real")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROPERTY_FIELD_NUMBER: _ClassVar[int]
    SYNC_FIELD_NUMBER: _ClassVar[int]
    REAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    property: str
    sync: bool
    real: bool
    def __init__(self, name: _Optional[str] = ..., property: _Optional[str] = ..., sync: _Optional[bool] = ..., real: _Optional[bool] = ...) -> None: ...

class TGetPropertyResponse(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: str
    def __init__(self, value: _Optional[str] = ...) -> None: ...

class TGetDataPropertyRequest(_message.Message):
    __slots__ = ("name", "data", "sync", "real")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    SYNC_FIELD_NUMBER: _ClassVar[int]
    REAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    data: str
    sync: bool
    real: bool
    def __init__(self, name: _Optional[str] = ..., data: _Optional[str] = ..., sync: _Optional[bool] = ..., real: _Optional[bool] = ...) -> None: ...

class TGetDataPropertyResponse(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: str
    def __init__(self, value: _Optional[str] = ...) -> None: ...

class TSetPropertyRequest(_message.Message):
    __slots__ = ("name", "property", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROPERTY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    property: str
    value: str
    def __init__(self, name: _Optional[str] = ..., property: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class TGetRequest(_message.Message):
    __slots__ = ("name", "variable", "nonblock", "sync", "real", "changed_since")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VARIABLE_FIELD_NUMBER: _ClassVar[int]
    NONBLOCK_FIELD_NUMBER: _ClassVar[int]
    SYNC_FIELD_NUMBER: _ClassVar[int]
    REAL_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    name: _containers.RepeatedScalarFieldContainer[str]
    variable: _containers.RepeatedScalarFieldContainer[str]
    nonblock: bool
    sync: bool
    real: bool
    changed_since: int
    def __init__(self, name: _Optional[_Iterable[str]] = ..., variable: _Optional[_Iterable[str]] = ..., nonblock: _Optional[bool] = ..., sync: _Optional[bool] = ..., real: _Optional[bool] = ..., changed_since: _Optional[int] = ...) -> None: ...

class TGetResponse(_message.Message):
    __slots__ = ("list",)
    class TContainerGetValueResponse(_message.Message):
        __slots__ = ("variable", "error", "errorMsg", "value")
        VARIABLE_FIELD_NUMBER: _ClassVar[int]
        ERROR_FIELD_NUMBER: _ClassVar[int]
        ERRORMSG_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        variable: str
        error: EError
        errorMsg: str
        value: str
        def __init__(self, variable: _Optional[str] = ..., error: _Optional[_Union[EError, str]] = ..., errorMsg: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TContainerGetListResponse(_message.Message):
        __slots__ = ("name", "keyval", "change_time", "no_changes")
        NAME_FIELD_NUMBER: _ClassVar[int]
        KEYVAL_FIELD_NUMBER: _ClassVar[int]
        CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
        NO_CHANGES_FIELD_NUMBER: _ClassVar[int]
        name: str
        keyval: _containers.RepeatedCompositeFieldContainer[TGetResponse.TContainerGetValueResponse]
        change_time: int
        no_changes: bool
        def __init__(self, name: _Optional[str] = ..., keyval: _Optional[_Iterable[_Union[TGetResponse.TContainerGetValueResponse, _Mapping]]] = ..., change_time: _Optional[int] = ..., no_changes: _Optional[bool] = ...) -> None: ...
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _containers.RepeatedCompositeFieldContainer[TGetResponse.TContainerGetListResponse]
    def __init__(self, list: _Optional[_Iterable[_Union[TGetResponse.TContainerGetListResponse, _Mapping]]] = ...) -> None: ...

class TStartRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TRespawnRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TStopRequest(_message.Message):
    __slots__ = ("name", "timeout_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    timeout_ms: int
    def __init__(self, name: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class TPauseRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TResumeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TConvertPathRequest(_message.Message):
    __slots__ = ("path", "source", "destination")
    PATH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    path: str
    source: str
    destination: str
    def __init__(self, path: _Optional[str] = ..., source: _Optional[str] = ..., destination: _Optional[str] = ...) -> None: ...

class TConvertPathResponse(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class TWaitRequest(_message.Message):
    __slots__ = ("name", "timeout_ms", "label", "target_state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TARGET_STATE_FIELD_NUMBER: _ClassVar[int]
    name: _containers.RepeatedScalarFieldContainer[str]
    timeout_ms: int
    label: _containers.RepeatedScalarFieldContainer[str]
    target_state: str
    def __init__(self, name: _Optional[_Iterable[str]] = ..., timeout_ms: _Optional[int] = ..., label: _Optional[_Iterable[str]] = ..., target_state: _Optional[str] = ...) -> None: ...

class TWaitResponse(_message.Message):
    __slots__ = ("name", "state", "when", "label", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    WHEN_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: str
    when: int
    label: str
    value: str
    def __init__(self, name: _Optional[str] = ..., state: _Optional[str] = ..., when: _Optional[int] = ..., label: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class TKillRequest(_message.Message):
    __slots__ = ("name", "sig")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIG_FIELD_NUMBER: _ClassVar[int]
    name: str
    sig: int
    def __init__(self, name: _Optional[str] = ..., sig: _Optional[int] = ...) -> None: ...

class TAttachProcessRequest(_message.Message):
    __slots__ = ("name", "pid", "comm")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    COMM_FIELD_NUMBER: _ClassVar[int]
    name: str
    pid: int
    comm: str
    def __init__(self, name: _Optional[str] = ..., pid: _Optional[int] = ..., comm: _Optional[str] = ...) -> None: ...

class TLocateProcessRequest(_message.Message):
    __slots__ = ("pid", "comm")
    PID_FIELD_NUMBER: _ClassVar[int]
    COMM_FIELD_NUMBER: _ClassVar[int]
    pid: int
    comm: str
    def __init__(self, pid: _Optional[int] = ..., comm: _Optional[str] = ...) -> None: ...

class TLocateProcessResponse(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class TFindLabelRequest(_message.Message):
    __slots__ = ("mask", "state", "label", "value")
    MASK_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    mask: str
    state: str
    label: str
    value: str
    def __init__(self, mask: _Optional[str] = ..., state: _Optional[str] = ..., label: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class TFindLabelResponse(_message.Message):
    __slots__ = ("list",)
    class TFindLabelEntry(_message.Message):
        __slots__ = ("name", "state", "label", "value")
        NAME_FIELD_NUMBER: _ClassVar[int]
        STATE_FIELD_NUMBER: _ClassVar[int]
        LABEL_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        name: str
        state: str
        label: str
        value: str
        def __init__(self, name: _Optional[str] = ..., state: _Optional[str] = ..., label: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _containers.RepeatedCompositeFieldContainer[TFindLabelResponse.TFindLabelEntry]
    def __init__(self, list: _Optional[_Iterable[_Union[TFindLabelResponse.TFindLabelEntry, _Mapping]]] = ...) -> None: ...

class TSetLabelRequest(_message.Message):
    __slots__ = ("name", "label", "value", "prev_value", "state")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    PREV_VALUE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    value: str
    prev_value: str
    state: str
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., value: _Optional[str] = ..., prev_value: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class TSetLabelResponse(_message.Message):
    __slots__ = ("prev_value", "state")
    PREV_VALUE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    prev_value: str
    state: str
    def __init__(self, prev_value: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class TIncLabelRequest(_message.Message):
    __slots__ = ("name", "label", "add")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    ADD_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    add: int
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., add: _Optional[int] = ...) -> None: ...

class TIncLabelResponse(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: int
    def __init__(self, result: _Optional[int] = ...) -> None: ...

class TSetSymlinkRequest(_message.Message):
    __slots__ = ("container", "symlink", "target")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    SYMLINK_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    container: str
    symlink: str
    target: str
    def __init__(self, container: _Optional[str] = ..., symlink: _Optional[str] = ..., target: _Optional[str] = ...) -> None: ...

class TNewVolumeRequest(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: TVolumeSpec
    def __init__(self, volume: _Optional[_Union[TVolumeSpec, _Mapping]] = ...) -> None: ...

class TNewVolumeResponse(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: TVolumeSpec
    def __init__(self, volume: _Optional[_Union[TVolumeSpec, _Mapping]] = ...) -> None: ...

class TGetVolumeRequest(_message.Message):
    __slots__ = ("container", "path", "changed_since", "label")
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    container: str
    path: _containers.RepeatedScalarFieldContainer[str]
    changed_since: int
    label: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, container: _Optional[str] = ..., path: _Optional[_Iterable[str]] = ..., changed_since: _Optional[int] = ..., label: _Optional[_Iterable[str]] = ...) -> None: ...

class TGetVolumeResponse(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: _containers.RepeatedCompositeFieldContainer[TVolumeSpec]
    def __init__(self, volume: _Optional[_Iterable[_Union[TVolumeSpec, _Mapping]]] = ...) -> None: ...

class TListVolumePropertiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TListVolumePropertiesResponse(_message.Message):
    __slots__ = ("list",)
    class TVolumePropertyDescription(_message.Message):
        __slots__ = ("name", "desc")
        NAME_FIELD_NUMBER: _ClassVar[int]
        DESC_FIELD_NUMBER: _ClassVar[int]
        name: str
        desc: str
        def __init__(self, name: _Optional[str] = ..., desc: _Optional[str] = ...) -> None: ...
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _containers.RepeatedCompositeFieldContainer[TListVolumePropertiesResponse.TVolumePropertyDescription]
    def __init__(self, list: _Optional[_Iterable[_Union[TListVolumePropertiesResponse.TVolumePropertyDescription, _Mapping]]] = ...) -> None: ...

class TCreateVolumeRequest(_message.Message):
    __slots__ = ("path", "properties")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PATH_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    path: str
    properties: _containers.ScalarMap[str, str]
    def __init__(self, path: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TLinkVolumeRequest(_message.Message):
    __slots__ = ("path", "container", "target", "required", "read_only")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    READ_ONLY_FIELD_NUMBER: _ClassVar[int]
    path: str
    container: str
    target: str
    required: bool
    read_only: bool
    def __init__(self, path: _Optional[str] = ..., container: _Optional[str] = ..., target: _Optional[str] = ..., required: _Optional[bool] = ..., read_only: _Optional[bool] = ...) -> None: ...

class TUnlinkVolumeRequest(_message.Message):
    __slots__ = ("path", "container", "strict", "target")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    path: str
    container: str
    strict: bool
    target: str
    def __init__(self, path: _Optional[str] = ..., container: _Optional[str] = ..., strict: _Optional[bool] = ..., target: _Optional[str] = ...) -> None: ...

class TListVolumesRequest(_message.Message):
    __slots__ = ("path", "container", "changed_since")
    PATH_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    path: str
    container: str
    changed_since: int
    def __init__(self, path: _Optional[str] = ..., container: _Optional[str] = ..., changed_since: _Optional[int] = ...) -> None: ...

class TListVolumesResponse(_message.Message):
    __slots__ = ("volumes",)
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    volumes: _containers.RepeatedCompositeFieldContainer[TVolumeDescription]
    def __init__(self, volumes: _Optional[_Iterable[_Union[TVolumeDescription, _Mapping]]] = ...) -> None: ...

class TTuneVolumeRequest(_message.Message):
    __slots__ = ("path", "properties")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PATH_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    path: str
    properties: _containers.ScalarMap[str, str]
    def __init__(self, path: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TListLayersRequest(_message.Message):
    __slots__ = ("place", "mask")
    PLACE_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    place: str
    mask: str
    def __init__(self, place: _Optional[str] = ..., mask: _Optional[str] = ...) -> None: ...

class TListLayersResponse(_message.Message):
    __slots__ = ("layer", "layers")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    layer: _containers.RepeatedScalarFieldContainer[str]
    layers: _containers.RepeatedCompositeFieldContainer[TLayer]
    def __init__(self, layer: _Optional[_Iterable[str]] = ..., layers: _Optional[_Iterable[_Union[TLayer, _Mapping]]] = ...) -> None: ...

class TImportLayerRequest(_message.Message):
    __slots__ = ("layer", "tarball", "merge", "place", "private_value", "compress", "verbose_error")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    TARBALL_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    COMPRESS_FIELD_NUMBER: _ClassVar[int]
    VERBOSE_ERROR_FIELD_NUMBER: _ClassVar[int]
    layer: str
    tarball: str
    merge: bool
    place: str
    private_value: str
    compress: str
    verbose_error: bool
    def __init__(self, layer: _Optional[str] = ..., tarball: _Optional[str] = ..., merge: _Optional[bool] = ..., place: _Optional[str] = ..., private_value: _Optional[str] = ..., compress: _Optional[str] = ..., verbose_error: _Optional[bool] = ...) -> None: ...

class TExportLayerRequest(_message.Message):
    __slots__ = ("volume", "tarball", "layer", "place", "compress")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    TARBALL_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    COMPRESS_FIELD_NUMBER: _ClassVar[int]
    volume: str
    tarball: str
    layer: str
    place: str
    compress: str
    def __init__(self, volume: _Optional[str] = ..., tarball: _Optional[str] = ..., layer: _Optional[str] = ..., place: _Optional[str] = ..., compress: _Optional[str] = ...) -> None: ...

class TRemoveLayerRequest(_message.Message):
    __slots__ = ("layer", "place")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    ASYNC_FIELD_NUMBER: _ClassVar[int]
    layer: str
    place: str
    def __init__(self, layer: _Optional[str] = ..., place: _Optional[str] = ..., **kwargs) -> None: ...

class TGetLayerPrivateRequest(_message.Message):
    __slots__ = ("layer", "place")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    layer: str
    place: str
    def __init__(self, layer: _Optional[str] = ..., place: _Optional[str] = ...) -> None: ...

class TGetLayerPrivateResponse(_message.Message):
    __slots__ = ("private_value",)
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    private_value: str
    def __init__(self, private_value: _Optional[str] = ...) -> None: ...

class TSetLayerPrivateRequest(_message.Message):
    __slots__ = ("layer", "place", "private_value")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    layer: str
    place: str
    private_value: str
    def __init__(self, layer: _Optional[str] = ..., place: _Optional[str] = ..., private_value: _Optional[str] = ...) -> None: ...

class TListStoragesRequest(_message.Message):
    __slots__ = ("place", "mask")
    PLACE_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    place: str
    mask: str
    def __init__(self, place: _Optional[str] = ..., mask: _Optional[str] = ...) -> None: ...

class TListStoragesResponse(_message.Message):
    __slots__ = ("storages", "meta_storages")
    STORAGES_FIELD_NUMBER: _ClassVar[int]
    META_STORAGES_FIELD_NUMBER: _ClassVar[int]
    storages: _containers.RepeatedCompositeFieldContainer[TStorage]
    meta_storages: _containers.RepeatedCompositeFieldContainer[TMetaStorage]
    def __init__(self, storages: _Optional[_Iterable[_Union[TStorage, _Mapping]]] = ..., meta_storages: _Optional[_Iterable[_Union[TMetaStorage, _Mapping]]] = ...) -> None: ...

class TRemoveStorageRequest(_message.Message):
    __slots__ = ("name", "place")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    name: str
    place: str
    def __init__(self, name: _Optional[str] = ..., place: _Optional[str] = ...) -> None: ...

class TImportStorageRequest(_message.Message):
    __slots__ = ("name", "tarball", "place", "private_value", "compress")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TARBALL_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_VALUE_FIELD_NUMBER: _ClassVar[int]
    COMPRESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    tarball: str
    place: str
    private_value: str
    compress: str
    def __init__(self, name: _Optional[str] = ..., tarball: _Optional[str] = ..., place: _Optional[str] = ..., private_value: _Optional[str] = ..., compress: _Optional[str] = ...) -> None: ...

class TExportStorageRequest(_message.Message):
    __slots__ = ("name", "tarball", "place", "compress")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TARBALL_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    COMPRESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    tarball: str
    place: str
    compress: str
    def __init__(self, name: _Optional[str] = ..., tarball: _Optional[str] = ..., place: _Optional[str] = ..., compress: _Optional[str] = ...) -> None: ...

class TDockerImageConfig(_message.Message):
    __slots__ = ("cmd", "env")
    CMD_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    cmd: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, cmd: _Optional[_Iterable[str]] = ..., env: _Optional[_Iterable[str]] = ...) -> None: ...

class TDockerImage(_message.Message):
    __slots__ = ("id", "tags", "digests", "layers", "size", "config")
    ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    DIGESTS_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    id: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    digests: _containers.RepeatedScalarFieldContainer[str]
    layers: _containers.RepeatedScalarFieldContainer[str]
    size: int
    config: TDockerImageConfig
    def __init__(self, id: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., digests: _Optional[_Iterable[str]] = ..., layers: _Optional[_Iterable[str]] = ..., size: _Optional[int] = ..., config: _Optional[_Union[TDockerImageConfig, _Mapping]] = ...) -> None: ...

class TDockerImageStatusRequest(_message.Message):
    __slots__ = ("name", "place")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    name: str
    place: str
    def __init__(self, name: _Optional[str] = ..., place: _Optional[str] = ...) -> None: ...

class TDockerImageStatusResponse(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: TDockerImage
    def __init__(self, image: _Optional[_Union[TDockerImage, _Mapping]] = ...) -> None: ...

class TDockerImageListRequest(_message.Message):
    __slots__ = ("place", "mask")
    PLACE_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    place: str
    mask: str
    def __init__(self, place: _Optional[str] = ..., mask: _Optional[str] = ...) -> None: ...

class TDockerImageListResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[TDockerImage]
    def __init__(self, images: _Optional[_Iterable[_Union[TDockerImage, _Mapping]]] = ...) -> None: ...

class TDockerImagePullRequest(_message.Message):
    __slots__ = ("name", "place", "auth_token", "auth_path", "auth_service")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    AUTH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AUTH_PATH_FIELD_NUMBER: _ClassVar[int]
    AUTH_SERVICE_FIELD_NUMBER: _ClassVar[int]
    name: str
    place: str
    auth_token: str
    auth_path: str
    auth_service: str
    def __init__(self, name: _Optional[str] = ..., place: _Optional[str] = ..., auth_token: _Optional[str] = ..., auth_path: _Optional[str] = ..., auth_service: _Optional[str] = ...) -> None: ...

class TDockerImagePullResponse(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: TDockerImage
    def __init__(self, image: _Optional[_Union[TDockerImage, _Mapping]] = ...) -> None: ...

class TDockerImageRemoveRequest(_message.Message):
    __slots__ = ("name", "place")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    name: str
    place: str
    def __init__(self, name: _Optional[str] = ..., place: _Optional[str] = ...) -> None: ...
