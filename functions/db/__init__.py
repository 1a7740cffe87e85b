"""The Lambdas' way to the database."""
