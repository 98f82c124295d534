"""Plain Django, for comparison: every benchmark figure is a ratio to what this app does.

No middleware, one form-validated insert, one small template page, one JSON view; served by
the same gunicorn configuration as Chorus, against the same PostgreSQL.
"""
