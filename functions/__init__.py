"""marketbase's Python side: the Lambda apps, their database port, and the local stack."""
