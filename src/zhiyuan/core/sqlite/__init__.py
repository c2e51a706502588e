"""The SQLite database engine of the embedded default (settings.DATABASES): Django's, with
writers queued on a file lock."""
