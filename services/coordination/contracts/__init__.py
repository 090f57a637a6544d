"""The coordination contracts (instrument A): a capability of the coordination service."""
