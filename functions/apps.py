"""The Lambda apps, by route prefix. `marketbase dev` serves each under /<name>, and
serverless.yml deploys each as its own function. Filled in as the functions land."""

from __future__ import annotations

# name -> "module:attribute" of a FastAPI app; imported only when served.
APPS: dict[str, str] = {}
