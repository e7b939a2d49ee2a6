#!/usr/bin/env python3
"""The format check itself: the sample events (written by the sensor) pass,
and each kind of difference from Kunai's format in one of them is caught."""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check  # noqa: E402


def main():
    schema = check.Schema()
    with open(os.path.join(HERE, "sample.jsonl")) as f:
        events = {e["info"]["event"]["name"]: e for e in map(json.loads, f)}
    rep = check.check_files([os.path.join(HERE, "sample.jsonl")], schema)
    assert rep.events == 6 and rep.text() == [], rep.text()

    def diffs(name, change):
        e = copy.deepcopy(events[name])
        change(e)
        r = check.Report()
        check.check_event_once(schema, e, r)
        return [line.split(" (")[0] for line in r.text()]

    cases = [
        ("execve", lambda e: e["data"]["exe"].pop("magic"), ["execve data.exe.magic: missing"]),
        ("execve", lambda e: e["data"]["exe"].update(size=None),
         ["execve data.exe.size: null, where Kunai writes a integer"]),
        ("execve", lambda e: e["data"]["exe"].update(size="3"),
         ["execve data.exe.size: a string, where Kunai writes a integer"]),
        ("execve", lambda e: e["data"].update(bogus=1),
         ["execve data.bogus: a field neither Kunai nor additions.json has"]),
        ("execve", lambda e: e["info"]["task"].update(flags="0X40"),
         ["execve info.task.flags: not Kunai's hex"]),
        ("kill", lambda e: e["data"].update(signal="SIGRTMIN"),
         ["kill data.signal: 'SIGRTMIN' is not Kunai's spelling"]),
        ("kill", lambda e: e["info"]["event"].update(id=9), ["kill info.event.id: id 9, not 8"]),
        ("kill", lambda e: e["data"]["target"]["task"].update(user=None),
         ["kill data.target.task.user: null, where Kunai writes a string"]),
        # a listed divergence: the uid of a target no hook saw
        ("kill", lambda e: e["data"]["target"]["task"].update(uid=None), []),
        ("connect", lambda e: e["data"]["socket"].update(domain="INET"),
         ["connect data.socket.domain: 'INET' is not Kunai's spelling"]),
        ("connect", lambda e: e["data"]["dst"].pop("hostname"), ["connect data.dst.hostname: missing"]),
        ("exit_group", lambda e: e["info"]["event"].update(name="exit_grp"),
         ["exit_grp : an event neither Kunai nor additions.json has"]),
        ("start", lambda e: e["data"]["kunai"]["config"].pop("sha256"), ["start data.kunai.config.sha256: missing"]),
        # an addition of ours, as listed (a map of counts)
        ("event_loss", lambda e: e["data"]["lost_by_type"].update(execve=3), []),
        ("event_loss", lambda e: e.update(extra=1), ["? extra: top-level key Kunai does not have"]),
    ]
    for name, change, want in cases:
        got = diffs(name, change)
        assert got == want, (name, got, want)
    print("test_check: %d cases" % len(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
