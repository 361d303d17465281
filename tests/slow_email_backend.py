"""A test-only e-mail backend for worker subprocesses (EMAIL_BACKEND=tests.slow_email_backend.EmailBackend).

It makes the e-mail channel observable and, when asked, slow: before each message it writes a `started-*`
marker file, sleeps SLOW_EMAIL_SECONDS (default 0), then writes the message as a `sent-*.eml` file. A worker
killed during the sleep therefore leaves a marker and no message; every `sent-*` file is one e-mail the
"mail server" accepted. Files go to SLOW_EMAIL_DIR (required).
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(os.environ["SLOW_EMAIL_DIR"])
        self.delay = float(os.environ.get("SLOW_EMAIL_SECONDS", "0"))
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
            (self.folder / f"started-{token}").write_text(message.extra_headers.get("Message-ID", ""))
            time.sleep(self.delay)
            temporary = self.folder / f".sending-{token}"
            temporary.write_bytes(message.message().as_bytes())
            temporary.rename(self.folder / f"sent-{token}.eml")  # appears complete or not at all
            sent += 1
        return sent
