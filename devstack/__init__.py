"""The Docker-free local stack, never shipped to Lambda: a throwaway Postgres cluster, schema
loading, the dev server (`marketbase dev`), the direct Postgres adapter used when DATABASE_URL
is set, and PostgREST's impersonation and the access-token hook's claims for tests and benchmarks."""
