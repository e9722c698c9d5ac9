"""Tracker stores (see recent_sql.py)."""
