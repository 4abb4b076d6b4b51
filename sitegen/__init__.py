"""sitegen: a static site generator for a curated news digest."""

__version__ = "0.1.0"
