"""Telling people what happened: workflow notices (events.py) and the deadline sweep's digests (digest.py).

    from approvals.notices import Notice, announce
    announce(Notice.RECEIVED, application)   # in the service function, inside its transaction

See docs/notifications.md for every event and who hears of it.
"""

from approvals.notices.events import Notice, announce, register_document_links

__all__ = ["Notice", "announce", "register_document_links"]
