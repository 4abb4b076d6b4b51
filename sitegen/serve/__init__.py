"""`sitegen serve`: live preview. Builds in memory with `engine.Engine`, never into `site/`."""

from sitegen.serve.devserver import DevServer, ServeOptions, serve

__all__ = ["DevServer", "ServeOptions", "serve"]
