"""The identifier check moved to the core (portal.pii): discussion and learning both use it."""

from portal.pii import KIND_LABELS, Finding, find_identifiers

__all__ = ["KIND_LABELS", "Finding", "find_identifiers"]
