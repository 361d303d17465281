"""Running pyHanko's coroutines from synchronous code, whether or not the thread already runs an event loop.

pyHanko's synchronous helpers call `asyncio.run`, which refuses to run inside a running loop (an ASGI server, or
Playwright's sync API in the browser tests). Then the coroutine runs in a short-lived thread of its own.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(make_coroutine):
    """The result of the coroutine `make_coroutine()` creates."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
