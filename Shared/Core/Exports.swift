/// Everything of the `MCPAuth` library is part of Shared too, so the steps import one module.
@_exported import MCPAuth
