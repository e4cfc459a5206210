/// The MCP SDK's types MCPAuth's signatures name (`ID`, `Value`, …) come with `import MCPAuth`: a server that uses
/// MCPAuth needs no `import MCP` of its own.
@_exported import MCP
