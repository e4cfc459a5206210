/// `import MCPAuthRemote` brings MCPAuth too: the remote key set is used with its verifier and middleware.
@_exported import MCPAuth
