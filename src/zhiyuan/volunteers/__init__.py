"""Volunteers: the real-name volunteer database (志愿者数据库)."""
