"""Domain errors raised by services; views and the API turn them into messages the user understands."""


class DomainError(Exception):
    """A business rule said no. `message` is shown to the user (already translated)."""

    http_status = 400
    code = "invalid"

    def __init__(self, message, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class WrongState(DomainError):
    """The object is not in a state that allows this action (e.g. a second click)."""

    http_status = 409
    code = "wrong_state"


class NotAllowed(DomainError):
    """The user may not do this."""

    http_status = 403
    code = "not_allowed"
