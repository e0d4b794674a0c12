"""The installed letters' version, in a module of its own so that any package can read it
without importing the package root (which imports the whole pipeline)."""

__version__ = "0.1.0"
