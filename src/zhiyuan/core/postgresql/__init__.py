"""The PostgreSQL database engine (settings.DATABASES): Django's, with a health check that
asks the connection's socket before it asks the server."""
