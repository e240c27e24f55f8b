"""nscap: registry and coordination platform for nuclear security capacity building."""

__version__ = "0.1.0"
