"""The registry of municipalities and staff: a capability of the coordination service."""
