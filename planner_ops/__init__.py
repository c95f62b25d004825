"""Operational state that is not part of any plan: the shared rate-limit counters."""
