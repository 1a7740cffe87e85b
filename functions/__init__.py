"""The Lambda runtime: the apps, their database port and adapter, token verification and the
outside services' clients. Everything here ships in the Lambda zip; the local stack is devstack/."""
