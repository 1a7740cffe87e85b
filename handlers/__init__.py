"""Lambda entry points: one module per function, `handler = Mangum(app, lifespan="off")`."""
