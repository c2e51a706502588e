"""Accounts: the user model, login, API tokens, roles with their scopes, and the audit log."""
