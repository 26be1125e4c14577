"""The local AWS emulator: moto's server, handling one request per table at a time.

moto's own server is threaded, and its in-memory backends are not safe under concurrency: a
DynamoDB transaction deep-copies its table while other threads write it (answering 500), and a
condition is not checked atomically with its write. Real DynamoDB serialises conflicting writes.
A lock per DynamoDB table (and one for every other request) gives the emulator that guarantee,
so the race tests mean something, while tests on different tables still run side by side.

Usage: emulator.py --port PORT [--host 127.0.0.1]
"""

import argparse
import io
import re
import signal
import sys
import threading

TABLE_NAME = re.compile(rb'"TableName"\s*:\s*"([^"]+)"')

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def serialised(app):
    """Runs requests about one DynamoDB table one at a time, and all others one at a time."""
    locks = {}
    locks_guard = threading.Lock()
    others = threading.Lock()

    def lock_for(body):
        tables = set(TABLE_NAME.findall(body))
        if len(tables) != 1:
            return others
        with locks_guard:
            return locks.setdefault(tables.pop(), threading.Lock())

    def handle(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        with lock_for(body):
            # Drain the answer inside the lock: moto builds it from shared state.
            return list(app(environ, start_response))

    return handle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        serialised(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
