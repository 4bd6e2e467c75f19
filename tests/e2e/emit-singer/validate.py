#!/usr/bin/python3
"""validate.py [FILE] - check a stream of Singer messages, independently
of zoompipe's own code: Debian's python3-jsonschema (Draft 7) validates
every RECORD against the latest SCHEMA of its stream.

Run it with /usr/bin/python3 (Debian's, where python3-jsonschema lives).
It reads FILE (else stdin), prints per stream its SCHEMA and RECORD counts,
then the STATE count, and every error found (the first 20 in full).  Exit
status 1 when any line is not JSON, not an object, of an unknown type, a
RECORD comes before any SCHEMA of its stream or does not validate, a
SCHEMA is not a valid Draft 7 schema or lacks key_properties, a STATE has
no value, or the stream does not end with a STATE; 0 otherwise.
"""

import datetime
import json
import re
import sys

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import SchemaError

MAX_SHOWN = 20

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+-](\d{2}):(\d{2}))$")


def rfc3339(value):
    """A strict RFC 3339 date-time: the shape and a real calendar time."""
    if not isinstance(value, str):
        return True
    m = RFC3339.match(value)
    if m is None:
        return False
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    try:
        datetime.datetime(y, mo, d, h, mi, min(s, 59))
    except ValueError:
        return False
    if m.group(9) is not None and (int(m.group(9)) > 23 or
                                   int(m.group(10)) > 59):
        return False
    return s <= 60


def format_checker():
    """jsonschema's checkers; its date-time one needs a module Debian may
    not ship (rfc3339-validator), so a strict one stands in for it."""
    checker = FormatChecker()
    if "date-time" not in checker.checkers:
        checker.checks("date-time")(rfc3339)
        print("validate.py: date-time: the built-in RFC 3339 check",
              file=sys.stderr)
    return checker


class Singer:
    """The streams seen so far and what went wrong."""

    def __init__(self):
        self.checker = format_checker()
        self.validators = {}  # stream -> the latest SCHEMA's validator
        self.counts = {}  # stream -> [schemas, records], in first order
        self.states = 0
        self.last = None  # the type of the last message
        self.errors = []

    def error(self, lineno, text):
        self.errors.append("line %d: %s" % (lineno, text))

    def schema(self, lineno, m):
        stream, schema = m.get("stream"), m.get("schema")
        if not isinstance(stream, str) or not isinstance(schema, dict):
            self.error(lineno, "SCHEMA without a stream or a schema")
            return
        try:
            Draft7Validator.check_schema(schema)
        except SchemaError as e:
            self.error(lineno, "SCHEMA %s: not a Draft 7 schema: %s" %
                       (stream, e.message))
            return
        keys = m.get("key_properties")
        props = schema.get("properties", {})
        if not isinstance(keys, list) or not all(k in props for k in keys):
            self.error(lineno, "SCHEMA %s: bad key_properties %r" %
                       (stream, keys))
        for b in m.get("bookmark_properties", []):
            if b not in props:
                self.error(lineno, "SCHEMA %s: bookmark %r not a property" %
                           (stream, b))
        self.validators[stream] = Draft7Validator(
            schema, format_checker=self.checker)
        self.counts.setdefault(stream, [0, 0])[0] += 1

    def record(self, lineno, m):
        stream, record = m.get("stream"), m.get("record")
        if stream not in self.validators:
            self.error(lineno, "RECORD of stream %r before its SCHEMA" %
                       (stream,))
            return
        self.counts[stream][1] += 1
        if not isinstance(record, dict):
            self.error(lineno, "RECORD %s: record is not an object" % stream)
            return
        if "time_extracted" in m and not rfc3339(m["time_extracted"]):
            self.error(lineno, "RECORD %s: bad time_extracted %r" %
                       (stream, m["time_extracted"]))
        for e in self.validators[stream].iter_errors(record):
            where = "/".join(str(p) for p in e.absolute_path)
            self.error(lineno, "RECORD %s key=%s: %s: %s" %
                       (stream, record.get("key"), where or "(record)",
                        e.message))

    def state(self, lineno, m):
        self.states += 1
        if not isinstance(m.get("value"), dict):
            self.error(lineno, "STATE without an object value")

    def line(self, lineno, raw):
        try:
            m = json.loads(raw.decode("utf-8"))
        except ValueError as e:  # UnicodeDecodeError is one too
            self.error(lineno, "not JSON: %s" % e)
            self.last = None
            return
        kind = m.get("type") if isinstance(m, dict) else None
        handler = {"SCHEMA": self.schema, "RECORD": self.record,
                   "STATE": self.state}.get(kind)
        if handler is None:
            self.error(lineno, "unknown message type %r" % (kind,))
        else:
            handler(lineno, m)
        self.last = kind

    def report(self):
        for stream, (schemas, records) in self.counts.items():
            print("%s: %d schema, %d records" % (stream, schemas, records))
        print("states: %d" % self.states)
        if self.last != "STATE":
            self.errors.append("the last message is not a STATE")
        for e in self.errors[:MAX_SHOWN]:
            print("invalid: " + e)
        if len(self.errors) > MAX_SHOWN:
            print("invalid: ... %d more" % (len(self.errors) - MAX_SHOWN))
        print("errors: %d" % len(self.errors))
        return 1 if self.errors else 0


def main():
    s = Singer()
    f = open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer
    for lineno, raw in enumerate(f, 1):
        s.line(lineno, raw)
    return s.report()


if __name__ == "__main__":
    sys.exit(main())
