"""The local AWS emulator: moto's server, handling one request per table at a time.

moto's own server is threaded, and its in-memory backends are not safe under concurrency: a
DynamoDB transaction deep-copies its table while other threads write it (answering 500), and a
condition is not checked atomically with its write. Real DynamoDB serialises conflicting writes.
A lock per DynamoDB table (and one for every other request) gives the emulator that guarantee,
so the race tests mean something, while tests on different tables still run side by side.

moto also backs up each table a transaction names (a deep copy of the whole table, every
transaction); `backup_items` backs up only the items the transaction names, which is all the
rollback needs.

Usage: emulator.py --port PORT [--host 127.0.0.1]
"""

import argparse
import copy
import io
import json
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
        if environ.get("PATH_INFO") == SMS_PATH:
            with others:
                body = json.dumps(sent_sms()).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        with lock_for(body):
            # Drain the answer inside the lock: moto builds it from shared state.
            return list(app(environ, start_response))

    return handle


# The SMS SNS kept, as `[{message_id, phone_number, message}]`: what the local outbox shows.
# moto's own `/moto-api/data.json` has them too, but serialises every model of every service to
# get there, which grows with every table the test suite made.
SMS_PATH = "/_emulator/sms"


def sent_sms():
    from moto.sns.models import sns_backends

    return [
        {"message_id": message_id, "phone_number": phone, "message": message}
        for _, _, backend in sns_backends.iter_backends()
        for message_id, (phone, message) in backend.sms_messages.items()
    ]


def backup_items():
    """Makes moto's DynamoDB transactions back up the items they touch, not whole tables.

    moto deep-copies every table a transaction names before applying it, to put the copy back if
    the transaction fails: a cost that grows with the table, paid by every transaction. Here the
    table is not copied; the items the transaction names are, and on failure exactly those are
    put back (moto's indexes are read from the items, so nothing else needs restoring).
    """
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    local = threading.local()

    class TablesUncopied:
        @staticmethod
        def deepcopy(value):
            if getattr(local, "in_transaction", False) and isinstance(value, Table):
                return value
            return copy.deepcopy(value)

        def __getattr__(self, name):
            return getattr(copy, name)

    models.copy = TablesUncopied()
    original = models.DynamoDBBackend.transact_write_items

    def item_key(table, op):
        attributes = op.get("Item") or op.get("Key") or {}
        try:
            hash_value = DynamoType(attributes[table.hash_key_attr])
            range_value = (
                DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
            )
        except (KeyError, TypeError):
            return None
        return hash_value, range_value

    def restore(table, hash_value, range_value, item):
        if item is None:
            table.delete_item(hash_value, range_value)
        elif range_value is not None:
            table.items[hash_value][range_value] = item
        else:
            table.items[hash_value] = item

    def transact_write_items(self, transact_items):
        saved = []
        for entry in transact_items:
            op = next(iter(entry.values()), {}) if isinstance(entry, dict) else {}
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            key = item_key(table, op) if table is not None else None
            if key is not None:
                saved.append((table, *key, copy.deepcopy(table.get_item(*key))))
        local.in_transaction = True
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(saved):
                restore(table, hash_value, range_value, item)
            raise
        finally:
            local.in_transaction = False

    models.DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backup_items()
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
