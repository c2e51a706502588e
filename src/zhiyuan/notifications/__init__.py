"""Notifications: an outbox of messages, delivered in the background by pluggable channels."""
