"""The local AWS emulator: moto's server, handling one request per table at a time.

moto's own server is threaded, and its in-memory backends are not safe under concurrency: a
DynamoDB transaction deep-copies its table while other threads write it (answering 500), and a
condition is not checked atomically with its write. Real DynamoDB serialises conflicting writes.
A lock per DynamoDB table (and one for every other request) gives the emulator that guarantee,
so the race tests mean something, while tests on different tables still run side by side.

moto also backs up each table a transaction names (a deep copy of the whole table, every
transaction); `backup_items` backs up only the items the transaction names, which is all the
rollback needs.

moto accepts DynamoDB requests the real service refuses (an empty condition, an unused value,
a bare reserved word…), so a test could pass on a request DynamoDB rejects. Every DynamoDB
request is checked first by `dynamodb_strict` and refused as DynamoDB refuses it, and items are
measured as DynamoDB measures them (`exact_item_sizes`). docs/emulator.md lists the rules.

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

import dynamodb_strict
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
import waitress
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    create_backend_app,
)


DYNAMODB_TARGET = "DynamoDB_20120810."
VALIDATION = "com.amazonaws.dynamodb.v20120810#ValidationException"
REGION = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/")


def serialised(app):
    """Refuses what DynamoDB refuses, then runs requests about one DynamoDB table one at a time,
    and all others one at a time. A DynamoDB request's body is parsed once, here, for both."""
    locks = {}
    locks_guard = threading.Lock()
    others = threading.Lock()

    def lock_for(request):
        tables = tables_of(request)
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
        request = None
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith(DYNAMODB_TARGET):
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            message = dynamodb_strict.refusal(
                target[len(DYNAMODB_TARGET) :], request, key_attributes(environ)
            )
            if message is not None:
                print(f"refused {target}: {message}", file=sys.stderr, flush=True)
                return refuse(start_response, message)
        with lock_for(request):
            # Drain the answer inside the lock: moto builds it from shared state.
            return list(app(environ, start_response))

    return handle


def tables_of(request):
    """The DynamoDB tables a request names."""
    if not isinstance(request, dict):
        return set()
    tables = set(request.get("RequestItems") or ())
    if "TableName" in request:
        tables.add(request["TableName"])
    for entry in request.get("TransactItems") or ():
        for operation in entry.values():
            if isinstance(operation, dict) and "TableName" in operation:
                tables.add(operation["TableName"])
    return tables


def key_attributes(environ):
    """The key attribute names of a table in the request's region (the local credentials belong
    to moto's default account)."""
    region = REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][region.group(1) if region else "us-east-1"]

    def names(table):
        found = backend.tables.get(table)
        if found is None:
            return None
        return [name for name in (found.hash_key_attr, found.range_key_attr) if name]

    return names


def refuse(start_response, message):
    """A ValidationException, as DynamoDB sends it."""
    body = json.dumps({"__type": VALIDATION, "message": message}).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


def exact_item_sizes():
    """Makes moto measure items as DynamoDB does. moto adds up an approximation of an item's size
    on each attribute it sets (quadratic in the attributes) against a limit of its own; puts are
    measured by `dynamodb_strict` before moto sees them, and the result of an update here, after
    it is applied: one too large is undone and refused, as DynamoDB refuses it."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge, ItemSizeToUpdateTooLarge
    from moto.dynamodb.models import DynamoDBBackend, dynamo_type
    from moto.dynamodb.parsing.executors import UpdateExpressionExecutor

    dynamo_type.LimitedSizeDict.__setitem__ = dict.__setitem__
    execute = UpdateExpressionExecutor.execute

    def execute_within_size(self, node=None):
        if node is not None:
            return execute(self, node)
        before = copy.deepcopy(self.item.attrs)
        execute(self)
        attributes = self.item.to_json()["Attributes"]
        if dynamodb_strict.item_size(attributes) > dynamodb_strict.MAX_ITEM_BYTES:
            self.item.attrs = before
            raise ItemSizeTooLarge
        return None

    UpdateExpressionExecutor.execute = execute_within_size
    update_item = DynamoDBBackend.update_item

    def update_item_within_size(self, table_name, key, *args, **kwargs):
        table = self.get_table(table_name)
        hash_key = dynamo_type.DynamoType(key[table.hash_key_attr])
        range_key = (
            dynamo_type.DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        )
        existed = table.get_item(hash_key, range_key) is not None
        try:
            return update_item(self, table_name, key, *args, **kwargs)
        except ItemSizeToUpdateTooLarge:
            # moto creates the item before updating it; DynamoDB writes nothing.
            if not existed:
                table.delete_item(hash_key, range_key)
            raise

    DynamoDBBackend.update_item = update_item_within_size


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


def untracked_dynamodb_models():
    """Stops moto keeping every DynamoDB model it ever creates. moto remembers each model instance
    for `/moto-api/data.json`, and DynamoDB makes many: every item, and a copy of each table a
    transaction touches. Kept forever, they grow the emulator without bound and make each read of
    data.json (where the outbox finds the SMS) slower than the one before; DynamoDB's state is
    read through DynamoDB's API instead."""
    from moto.core.common_models import BaseModel

    track = BaseModel.__new__

    def new(cls, *args, **kwargs):
        if cls.__module__.startswith("moto.dynamodb."):
            return object.__new__(cls)
        return track(cls, *args, **kwargs)

    BaseModel.__new__ = new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backup_items()
    exact_item_sizes()
    untracked_dynamodb_models()
    app = DomainDispatcherApplication(create_backend_app)
    # waitress, not moto's werkzeug server: werkzeug closes the connection after every
    # response, so each request paid for a new connection and a new thread (docs/emulator.md).
    # waitress keeps connections alive and serves them from a fixed pool of threads. Idle
    # connections are kept for an hour, so a client never sends on one just closed.
    waitress.serve(
        serialised(app),
        host=args.host,
        port=args.port,
        threads=8,
        channel_timeout=3600,
        connection_limit=1000,
        ident=None,
        _quiet=True,
    )


if __name__ == "__main__":
    main()
