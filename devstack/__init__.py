"""The Docker-free local stack: a throwaway Postgres cluster, schema loading, dev server."""
