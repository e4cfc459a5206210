/// Everything of the `MCPAuthRemote` library is part of SharedRemote too, as `Shared` carries `MCPAuth`: steps 10
/// and 11 name `RemoteKeySet` and `AuthorizationServerDiscovery` with `import SharedRemote`.
@_exported import MCPAuthRemote
