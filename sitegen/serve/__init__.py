"""`sitegen serve`: live preview. Builds in memory with `build.Builder`, never into `site/`."""

from sitegen.serve.devserver import DevServer, ServeOptions, serve

__all__ = ["DevServer", "ServeOptions", "serve"]
