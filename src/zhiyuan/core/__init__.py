"""Shared ground for every app: domain errors, field encryption, masking and counters."""
