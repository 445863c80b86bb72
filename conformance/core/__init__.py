"""Core models shared by every layer. Depends only on the standard library and third-party packages."""
