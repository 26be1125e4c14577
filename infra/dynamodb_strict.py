"""DynamoDB's request rules that moto lets through, checked before moto sees a request.

Each rule refuses what the real service refuses, with its error type and in its words (as AWS's
DynamoDB documentation and the service's own answers put them): empty expressions, `#name` and
`:value` placeholders that are undefined or unused, reserved words written without a `#name`,
empty sets, items over 400 KB, two operations on one item in a transaction, more than 100
transaction items, more than 25 batch writes or 100 batch gets, and `Limit` below 1.

`refusal(operation, request, key_attributes)` gives the message of the first rule a request
breaks, or None. It takes the request's JSON parsed once by the emulator and scans each
expression once.
"""

import math
import os
import re

MAX_ITEM_BYTES = 400 * 1024
MAX_TRANSACTION_ITEMS = 100
MAX_BATCH_WRITES = 25
MAX_BATCH_GETS = 100


def _reserved_words():
    # The list moto ships is DynamoDB's published one (docs: "Reserved words in DynamoDB").
    import moto.dynamodb.parsing as parsing

    path = os.path.join(os.path.dirname(parsing.__file__), "reserved_keywords.txt")
    with open(path, encoding="utf-8") as words:
        return frozenset(word.upper() for word in words.read().split())


RESERVED = _reserved_words()

# The grammar's own words, which are not attribute names where they stand.
CONDITION_GRAMMAR = (
    frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"}),
    frozenset(
        {
            "attribute_exists",
            "attribute_not_exists",
            "attribute_type",
            "begins_with",
            "contains",
            "size",
        }
    ),
)
UPDATE_GRAMMAR = (
    frozenset({"SET", "REMOVE", "ADD", "DELETE"}),
    frozenset({"if_not_exists", "list_append"}),
)
GRAMMAR = {
    "ConditionExpression": CONDITION_GRAMMAR,
    "FilterExpression": CONDITION_GRAMMAR,
    "KeyConditionExpression": CONDITION_GRAMMAR,
    "UpdateExpression": UPDATE_GRAMMAR,
    "ProjectionExpression": (frozenset(), frozenset()),
}

TOKEN = re.compile(
    r"(?P<name>#[0-9A-Za-z_]+)"
    r"|(?P<value>:[0-9A-Za-z_]+)"
    r"|(?P<function>[A-Za-z_][0-9A-Za-z_]*)(?=\s*\()"
    r"|(?P<word>[A-Za-z_][0-9A-Za-z_]*)"
    r"|[0-9A-Za-z_]+|\s+|."
)

EMPTY_SET = {
    "SS": "One or more parameter values were invalid: An string set  may not be empty",
    "NS": "One or more parameter values were invalid: An number set  may not be empty",
    "BS": "One or more parameter values were invalid: Binary sets should not be empty",
}


class Refused(Exception):
    """A request DynamoDB answers with a ValidationException; the message is the service's."""


def refusal(operation, request, key_attributes):
    """The message DynamoDB refuses `request` with, or None when it breaks none of these rules.
    `key_attributes(table)` names a table's key attributes (None when there is no such table)."""
    check = CHECKS.get(operation)
    if check is None or not isinstance(request, dict):
        return None
    try:
        if operation == "TransactWriteItems":
            check(request, key_attributes)
        else:
            check(request)
    except Refused as refused:
        return str(refused)
    return None


# Expressions and their placeholders.


def check_expressions(request, kinds):
    """The expressions `kinds` of one request (or one transaction item) and the placeholder maps
    they share: every placeholder defined and used, no reserved word bare, none empty. `kinds`
    is in the order DynamoDB names them when values come without an expression to use them."""
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    present = [kind for kind in kinds if request.get(kind) is not None]
    if names is not None and not present:
        raise Refused("ExpressionAttributeNames can only be specified when using expressions")
    value_kinds = [kind for kind in kinds if kind != "ProjectionExpression"]
    if values is not None and value_kinds and not any(k in present for k in value_kinds):
        verb = "are" if len(value_kinds) > 1 else "is"
        raise Refused(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(value_kinds)} {verb} null"
        )
    if names is not None and not names:
        raise Refused("ExpressionAttributeNames must not be empty")
    if values is not None:
        if not values:
            raise Refused("ExpressionAttributeValues must not be empty")
        for placeholder, value in values.items():
            problem = value_problem(value)
            if problem:
                raise Refused(
                    "ExpressionAttributeValues contains invalid value: "
                    f"{problem} for key {placeholder}"
                )
    names = names or {}
    values = values or {}
    used_names = set()
    used_values = set()
    for kind in present:
        scan(kind, request[kind], names, values, used_names, used_values)
    unused = [name for name in names if name not in used_names]
    if unused:
        raise Refused(
            "Value provided in ExpressionAttributeNames unused in expressions: "
            f"keys: {{{', '.join(unused)}}}"
        )
    unused = [value for value in values if value not in used_values]
    if unused:
        raise Refused(
            "Value provided in ExpressionAttributeValues unused in expressions: "
            f"keys: {{{', '.join(unused)}}}"
        )


def scan(kind, text, names, values, used_names, used_values):
    """Reads one expression once: its placeholders, and every bare attribute name in it."""
    if not isinstance(text, str):
        return
    if not text.strip():
        raise Refused(f"Invalid {kind}: The expression can not be empty;")
    words, functions = GRAMMAR[kind]
    for token in TOKEN.finditer(text):
        group = token.lastgroup
        if group is None:
            continue
        lexeme = token.group(group)
        if group == "name":
            if lexeme not in names:
                raise Refused(
                    f"Invalid {kind}: An expression attribute name used in the document path is "
                    f"not defined; attribute name: {lexeme}"
                )
            used_names.add(lexeme)
        elif group == "value":
            if lexeme not in values:
                raise Refused(
                    f"Invalid {kind}: An expression attribute value used in expression is not "
                    f"defined; attribute value: {lexeme}"
                )
            used_values.add(lexeme)
        elif group == "function" and lexeme.lower() in functions:
            continue
        elif lexeme.upper() in words:
            continue
        elif lexeme.upper() in RESERVED:
            raise Refused(
                f"Invalid {kind}: Attribute name is a reserved keyword; reserved keyword: {lexeme}"
            )


# Attribute values and items.


def value_problem(value):
    """Why DynamoDB refuses an attribute value (an empty set, at any depth), or None."""
    if not isinstance(value, dict):
        return None
    for kind, inner in value.items():
        if kind in EMPTY_SET and not inner:
            return EMPTY_SET[kind]
        if kind == "M" and isinstance(inner, dict):
            nested = inner.values()
        elif kind == "L" and isinstance(inner, list):
            nested = inner
        else:
            continue
        for element in nested:
            problem = value_problem(element)
            if problem:
                return problem
    return None


def check_item(item):
    """An item to be written whole (a put): valid values, at most 400 KB."""
    if not isinstance(item, dict):
        return
    for value in item.values():
        problem = value_problem(value)
        if problem:
            raise Refused(problem)
    if item_size(item) > MAX_ITEM_BYTES:
        raise Refused("Item size has exceeded the maximum allowed size")


def check_key(key):
    if isinstance(key, dict):
        for value in key.values():
            problem = value_problem(value)
            if problem:
                raise Refused(problem)


def item_size(item):
    """An item's size as DynamoDB counts it (docs: "DynamoDB item sizes and formats"): each
    attribute's name in UTF-8 bytes plus its value's size."""
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def attribute_size(value):
    """Strings in UTF-8 bytes, binaries in raw bytes, numbers 1 byte per two significant digits
    plus 1, null and Boolean 1 byte, a list or map 3 bytes plus 1 byte per element, a set the sum
    of its elements."""
    if not isinstance(value, dict):
        return 0
    size = 0
    for kind, inner in value.items():
        if kind == "S":
            size += len(inner.encode())
        elif kind == "N":
            size += number_size(inner)
        elif kind == "B":
            size += binary_size(inner)
        elif kind in ("BOOL", "NULL"):
            size += 1
        elif kind == "SS":
            size += sum(len(element.encode()) for element in inner)
        elif kind == "NS":
            size += sum(number_size(element) for element in inner)
        elif kind == "BS":
            size += sum(binary_size(element) for element in inner)
        elif kind == "L":
            size += 3 + sum(1 + attribute_size(element) for element in inner)
        elif kind == "M":
            size += 3 + sum(
                1 + len(name.encode()) + attribute_size(element) for name, element in inner.items()
            )
    return size


def number_size(text):
    mantissa = str(text).lstrip("+-").lower().split("e")[0].replace(".", "")
    significant = mantissa.strip("0")
    return 1 + math.ceil(len(significant) / 2)


def binary_size(value):
    """Raw bytes: the SDK sends blobs in base64, and DynamoDB counts them decoded."""
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    padding = len(value) - len(value.rstrip("="))
    return len(value) * 3 // 4 - padding


# Counts.


def java_list(kind, count):
    """A list as the service echoes it in a constraint message."""
    return "[" + ", ".join(
        f"com.amazonaws.dynamodb.v20120810.{kind}@{0x10000001 + i:x}" for i in range(count)
    ) + "]"


def check_limit(request):
    limit = request.get("Limit")
    if isinstance(limit, int) and limit < 1:
        raise Refused(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )


# The operations.


def put_item(request):
    check_expressions(request, ["ConditionExpression"])
    check_item(request.get("Item"))


def delete_item(request):
    check_expressions(request, ["ConditionExpression"])
    check_key(request.get("Key"))


def update_item(request):
    check_expressions(request, ["UpdateExpression", "ConditionExpression"])
    check_key(request.get("Key"))


def get_item(request):
    check_expressions(request, ["ProjectionExpression"])
    check_key(request.get("Key"))


def query(request):
    check_limit(request)
    check_expressions(
        request, ["FilterExpression", "KeyConditionExpression", "ProjectionExpression"]
    )


def scan_table(request):
    check_limit(request)
    check_expressions(request, ["FilterExpression", "ProjectionExpression"])


TRANSACT_WRITE_EXPRESSIONS = {
    "Put": ["ConditionExpression"],
    "Delete": ["ConditionExpression"],
    "ConditionCheck": ["ConditionExpression"],
    "Update": ["UpdateExpression", "ConditionExpression"],
}


def transact_write_items(request, key_attributes):
    items = request.get("TransactItems") or []
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise Refused(
            f"1 validation error detected: Value '{java_list('TransactWriteItem', len(items))}' "
            "at 'transactItems' failed to satisfy constraint: Member must have length less than "
            f"or equal to {MAX_TRANSACTION_ITEMS}"
        )
    targets = set()
    for entry in items:
        for action, operation in entry.items():
            kinds = TRANSACT_WRITE_EXPRESSIONS.get(action)
            if kinds is None or not isinstance(operation, dict):
                continue
            check_expressions(operation, kinds)
            table = operation.get("TableName")
            if action == "Put":
                check_item(operation.get("Item"))
                key = key_of(key_attributes(table), operation.get("Item"))
            else:
                check_key(operation.get("Key"))
                key = canonical(operation.get("Key"))
            if key is None:
                continue
            if (table, key) in targets:
                raise Refused("Transaction request cannot include multiple operations on one item")
            targets.add((table, key))


def key_of(names, item):
    """The key of an item to be put, given the names of its table's key attributes."""
    if names is None or not isinstance(item, dict):
        return None
    return canonical({name: item.get(name) for name in names})


def canonical(key):
    if not isinstance(key, dict):
        return None
    return repr(sorted(key.items()))


def transact_get_items(request):
    for entry in request.get("TransactItems") or []:
        get = entry.get("Get")
        if isinstance(get, dict):
            check_expressions(get, ["ProjectionExpression"])


def batch_write_item(request):
    tables = request.get("RequestItems") or {}
    for table, writes in tables.items():
        if len(writes) > MAX_BATCH_WRITES:
            raise Refused(
                f"1 validation error detected: Value '{{{table}="
                f"{java_list('WriteRequest', len(writes))}}}' at 'requestItems' failed to satisfy "
                "constraint: Map value must satisfy constraint: [Member must have length less "
                f"than or equal to {MAX_BATCH_WRITES}, Member must have length greater than or "
                "equal to 1]"
            )
    if sum(len(writes) for writes in tables.values()) > MAX_BATCH_WRITES:
        raise Refused("Too many items requested for the BatchWriteItem call")
    for writes in tables.values():
        for write in writes:
            if "PutRequest" in write:
                check_item(write["PutRequest"].get("Item"))
            if "DeleteRequest" in write:
                check_key(write["DeleteRequest"].get("Key"))


def batch_get_item(request):
    tables = request.get("RequestItems") or {}
    for table, wanted in tables.items():
        keys = wanted.get("Keys") or []
        if len(keys) > MAX_BATCH_GETS:
            raise Refused(
                f"1 validation error detected: Value '{java_list('Key', len(keys))}' at "
                f"'requestItems.{table}.member.keys' failed to satisfy constraint: Member must "
                f"have length less than or equal to {MAX_BATCH_GETS}"
            )
    if sum(len(wanted.get("Keys") or []) for wanted in tables.values()) > MAX_BATCH_GETS:
        raise Refused("Too many items requested for the BatchGetItem call")
    for wanted in tables.values():
        check_expressions(wanted, ["ProjectionExpression"])
        for key in wanted.get("Keys") or []:
            check_key(key)


CHECKS = {
    "PutItem": put_item,
    "DeleteItem": delete_item,
    "UpdateItem": update_item,
    "GetItem": get_item,
    "Query": query,
    "Scan": scan_table,
    "TransactWriteItems": transact_write_items,
    "TransactGetItems": transact_get_items,
    "BatchWriteItem": batch_write_item,
    "BatchGetItem": batch_get_item,
}
