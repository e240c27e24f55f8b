"""What the write path refuses, each with a message a person can act on."""

from __future__ import annotations


class ContributionError(Exception):
    """Base of the refusals; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ContributionError):
    status = 403


class NotFound(ContributionError):
    status = 404


class Invalid(ContributionError):
    """Validation failed; ``errors`` lists every problem: change index, field and message."""

    status = 422

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e.get('field') or 'record'}: {e['message']}" for e in errors))
        self.errors = errors


class Stale(ContributionError):
    """The record changed since the author saw it; nothing was applied."""

    status = 409


class AlreadyReviewed(ContributionError):
    status = 409
