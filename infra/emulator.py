"""The local AWS emulator: moto's server, handling one request per table at a time.

moto's own server is threaded, and its in-memory backends are not safe under concurrency: a
DynamoDB transaction deep-copies its table while other threads write it (answering 500), and a
condition is not checked atomically with its write. Real DynamoDB serialises conflicting writes.
A lock per DynamoDB table (and one for every other request) gives the emulator that guarantee,
so the race tests mean something, while tests on different tables still run side by side.

moto also backs up a table before a transaction once per item of the transaction (a deep copy
of the whole table each time); `backup_once` makes that one copy per table and transaction,
which is all the rollback needs.

Usage: emulator.py --port PORT [--host 127.0.0.1]
"""

import argparse
import copy
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


def backup_once():
    """Makes moto's DynamoDB transactions copy each table they touch once, not once per item."""
    from moto.dynamodb import models

    local = threading.local()

    class OncePerTransaction:
        @staticmethod
        def deepcopy(value):
            copies = getattr(local, "copies", None)
            if copies is None:
                return copy.deepcopy(value)
            # The original is kept alongside, so its id cannot be reused meanwhile.
            if id(value) not in copies:
                copies[id(value)] = (value, copy.deepcopy(value))
            return copies[id(value)][1]

        def __getattr__(self, name):
            return getattr(copy, name)

    models.copy = OncePerTransaction()
    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        local.copies = {}
        try:
            return original(self, transact_items)
        finally:
            local.copies = None

    models.DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backup_once()
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
