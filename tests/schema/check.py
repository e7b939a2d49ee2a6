#!/usr/bin/env python3
"""Check JSON-lines event files against Kunai's format.

    tests/schema/check.py FILE...

Every event is checked against tests/schema/kunai.json (Kunai's events:
each field's path, JSON type, nullability, and the names of enumerated
values) and tests/schema/additions.json (what the sensor writes beyond
Kunai, each addition with its type and why). Reported, grouped by event
and path with a count and an example: a field neither lists, a type or
null that is not the listed one, a field Kunai always writes that is
missing, an enumerated value Kunai does not spell that way, an event
name or id that is not Kunai's or a listed addition. Exit 1 when there
is any, 0 otherwise.
"""
import fnmatch
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Enumerated values: the field, the enum of kunai.json, and the spelling
# Kunai gives a value it has no name for.
ENUM_FIELDS = [
    (r"data\.signal", "signal", r"SIG\(\d+\)"),
    (r"data\.option", "prctl_option", r"unknown\(\d+\)"),
    (r"data\.socket\.domain", "socket_domain", r"unknown\(\d+\)"),
    (r"data\.socket\.type", "socket_type", r"unknown\(\d+\)"),
    (r"data\.socket\.proto", "socket_proto", r"unknown\(\d+\)"),
    (r"data\.prog_type\.name", "bpf_prog_type", r"unknown"),
    (r"data\.query_type", "dns_query_type", r"\?"),
    (r"data\.op\.name", "io_uring_op", r"\?"),
]
# the events whose data.option, data.op... are those enums
ENUM_EVENTS = {"signal": {"kill"}, "prctl_option": {"prctl"}, "bpf_prog_type": {"bpf_prog_load"},
               "dns_query_type": {"dns_query"}, "io_uring_op": {"io_uring_sqe"}}


def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


class Schema:
    def __init__(self, kunai_path=None, additions_path=None):
        with open(kunai_path or os.path.join(HERE, "kunai.json")) as f:
            k = json.load(f)
        with open(additions_path or os.path.join(HERE, "additions.json")) as f:
            a = json.load(f)
        self.info = dict(k["info"])
        self.kunai_info = k["info"]
        self.events = {}
        self.kunai_fields = {}
        for name, e in k["events"].items():
            self.events[name] = {"id": e["id"], "fields": dict(e["fields"])}
            self.kunai_fields[name] = e["fields"]
        for name, e in a.get("events", {}).items():
            assert name not in self.events, "additions.json: %s is Kunai's" % name
            self.events[name] = {"id": e["id"], "fields": dict(e["fields"])}
            self.kunai_fields[name] = {}
        self.patterns = {}
        for name, fields in a.get("fields", {}).items():
            for path, spec in fields.items():
                targets = list(self.events) if name == "*" else [name]
                for t in targets:
                    assert t in self.events, "additions.json: no event %s" % t
                    if "*" in path:
                        self.patterns.setdefault(t, []).append((path, spec))
                    else:
                        self.events[t]["fields"].setdefault(path, spec)
        for path, spec in a.get("info", {}).items():
            self.info.setdefault(path, spec)
        # Kunai's fields that may be null here (each with why)
        for name, paths in a.get("nullable", {}).items():
            for path in paths:
                spec = self.events[name]["fields"].get(path)
                assert spec is not None, "additions.json: %s has no %s" % (name, path)
                self.events[name]["fields"][path] = dict(spec, nullable=True)
        self.enums = k["enums"]

    def spec(self, name, path):
        if path in ("data", "info"):
            return {"type": "object"}
        if path.startswith("info"):
            return self.info.get(path)
        s = self.events[name]["fields"].get(path)
        if s is None:
            for pat, ps in self.patterns.get(name, []):
                if fnmatch.fnmatchcase(path, pat):
                    return ps
        return s


def walk(v, path, out):
    out.append((path, v))
    if isinstance(v, dict):
        for key, x in v.items():
            walk(x, path + "." + key, out)


class Report:
    def __init__(self):
        self.diffs = {}
        self.events = 0
        self.shapes = {}
        self.names = set()  # the event names seen

    def add(self, name, path, kind, example):
        k = (name, path, kind)
        if k not in self.diffs:
            self.diffs[k] = [0, example]
        self.diffs[k][0] += 1

    def text(self):
        lines = []
        for (name, path, kind), (n, ex) in sorted(self.diffs.items()):
            lines.append("%s %s: %s (%d events; e.g. %s)" % (name, path, kind, n, json.dumps(ex)[:120]))
        return lines


def enum_ok(schema, enum, value, unknown):
    e = schema.enums[enum]
    names = e.values() if enum in ("io_uring_op", "bpf_prog_type") else e
    return value in names or re.fullmatch(unknown, value) is not None


def shape(v, out, path=""):
    """What the check depends on: every path and its JSON type, and the
    values of the enumerated fields."""
    if isinstance(v, dict):
        out.append((path, "o"))
        for k, x in v.items():
            shape(x, out, path + "." + k)
    elif isinstance(v, str):
        out.append((path, v if path.rsplit(".", 1)[-1] in ENUM_KEYS else "h" if HEX.fullmatch(v) else "s"))
    else:
        out.append((path, json_type(v)))
    return out


HEX = re.compile(r"0x[0-9a-f]+")
ENUM_KEYS = {"signal", "option", "domain", "type", "proto", "name", "query_type"}


def check_event(schema, ev, rep):
    """Events of one shape get one check (the suite writes 100000s)."""
    try:
        rep.names.add(ev["info"]["event"]["name"])
    except (KeyError, TypeError):
        pass
    key = tuple(shape(ev, []))
    seen = rep.shapes.get(key)
    if seen is not None:
        rep.events += 1
        for k in seen:
            rep.diffs[k][0] += 1
        return
    before = {k: v[0] for k, v in rep.diffs.items()}
    check_event_once(schema, ev, rep)
    rep.shapes[key] = [k for k, v in rep.diffs.items() if v[0] != before.get(k, 0)]


def check_event_once(schema, ev, rep):
    rep.events += 1
    if not isinstance(ev, dict):
        rep.add("?", "", "not a JSON object", ev)
        return
    extra = sorted(set(ev) - {"data", "detection", "filter", "info"})
    for key in extra:
        rep.add("?", key, "top-level key Kunai does not have", ev[key])
    try:
        name, eid = ev["info"]["event"]["name"], ev["info"]["event"]["id"]
    except (KeyError, TypeError):
        rep.add("?", "info.event", "no event name and id", ev.get("info"))
        return
    if name not in schema.events:
        rep.add(name, "", "an event neither Kunai nor additions.json has", eid)
        return
    if eid != schema.events[name]["id"]:
        rep.add(name, "info.event.id", "id %s, not %d" % (eid, schema.events[name]["id"]), eid)
    seen = []
    for top in ("data", "info"):
        if top not in ev:
            rep.add(name, top, "missing", None)
        else:
            walk(ev[top], top, seen)
    present = {}
    for path, v in seen:
        present[path] = v
        spec = schema.spec(name, path)
        if spec is None:
            parent = path.rsplit(".", 1)[0]
            ps = schema.spec(name, parent)
            if ps is not None and ps["type"] == "map":
                continue
            if any(path.startswith(p + ".") for p, _ in seen if (schema.spec(name, p) or {}).get("type") == "map"):
                continue
            rep.add(name, path, "a field neither Kunai nor additions.json has", v)
            continue
        t = json_type(v)
        want = spec["type"]
        if t == "null":
            if not spec.get("nullable"):
                rep.add(name, path, "null, where Kunai writes a %s" % want, v)
        elif t != want and not (want == "map" and t == "object") and not (want == "number" and t == "integer"):
            rep.add(name, path, "a %s, where Kunai writes a %s" % (t, want), v)
        elif spec.get("format") == "hex" and not HEX.fullmatch(v):
            rep.add(name, path, "not Kunai's hex (0x and lowercase digits)", v)
    # what Kunai always writes, under a parent that is there and not null
    for fields in (schema.kunai_info, schema.kunai_fields.get(name, {})):
        for path, spec in fields.items():
            if path in present or spec.get("presence"):
                continue
            parent = path.rsplit(".", 1)[0]
            if parent in present and isinstance(present[parent], dict) or "." not in path:
                rep.add(name, path, "missing (Kunai always writes it)", None)
    for pat, enum, unknown in ENUM_FIELDS:
        if enum in ENUM_EVENTS and name not in ENUM_EVENTS[enum]:
            continue
        for path, v in present.items():
            if isinstance(v, str) and re.fullmatch(pat, path) and not enum_ok(schema, enum, v, unknown):
                rep.add(name, path, "%r is not Kunai's spelling (%s)" % (v, enum), v)


def check_files(paths, schema=None):
    schema = schema or Schema()
    rep = Report()
    for p in paths:
        with open(p, "rb") as f:
            for n, line in enumerate(f, 1):
                try:
                    ev = json.loads(line)
                except ValueError as e:
                    rep.add("?", "%s:%d" % (p, n), "not JSON (%s)" % e, line[:80].decode("utf-8", "replace"))
                    continue
                check_event(schema, ev, rep)
    return rep


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    rep = check_files(sys.argv[1:])
    for line in rep.text():
        print(line)
    print("%d events, %d differences from Kunai's format" % (rep.events, len(rep.diffs)))
    return 1 if rep.diffs else 0


if __name__ == "__main__":
    sys.exit(main())
