"""Refusals raised by services. Each carries the HTTP status the API answers with; pages show the message.
A service raises before writing or inside its transaction, so a refusal leaves nothing behind."""


class ActionRefused(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotVisible(ActionRefused):
    status = 404


class NotAllowed(ActionRefused):
    status = 403


class StateConflict(ActionRefused):
    status = 409


class InvalidInput(ActionRefused):
    status = 422
