"""The yardstick of the cold-start benchmark: the smallest FastAPI app behind Mangum.

One route, `Mangum(app, lifespan="off")`, imported the same way as a handler module, so what a
handler costs beyond it is what our code (and what it imports) adds.
"""

from __future__ import annotations

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
