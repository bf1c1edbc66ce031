#!/usr/bin/env python3
"""Runs the rows under tests/conformance/kubernetes (rows of Kubernetes' own
validation tests, translated into Katib Experiments) and checks that our
verdict is the API server's.

Usage: k8s-check.py BINARY DIR...   (a directory is searched for rows)

A row is a directory with `experiment.yaml`, an Experiment whose trial
Job's pod template carries the row's value, and `expect`, one `key: value`
a line:
  kubernetes COMMIT      the kubernetes/kubernetes commit the row was read at
  file PATH              the test file in kubernetes/kubernetes
  test NAME              the Go test function
  row NAME               the case name, or index, as the Go table has it
  value JSON             the row's value, when the table is a list of values
  upstream valid|invalid what the Go test expects of the row
  upstream-field TEXT    the field or error the Go test expects, if it says
  rule ID                invalid rows: the rule of ours that must report an
                         error ...
  at PATH                ... at this Experiment path or beneath it
  also ID — WHY          another rule that may report an error too (the
                         row's value is wrong in a second way)
  options ARGS           extra arguments for validate (the test's options)
  stricter ID — WHY      a valid row we refuse, by design, with rule ID
  gap WHY                an invalid row we admit, knowingly (a default the
                         API server applies before validation, ...)
  note TEXT              how the row was carried over
A valid row must give no error and no warning; with `stricter`, it must
give an error of each stricter rule and no other.  An invalid row must give
an error of `rule` at `at` or beneath it, and no error of another rule
but those of `also`; with `gap`, it must give no error at all (a gap that
closes shows).  Prints one line per disagreeing row and `N rows, M
disagree`; exits 1 on any disagreement.  Under KATIB_VALGRIND=1 each run
is checked for memory errors and leaks.
"""
import json
import os
import shlex
import subprocess
import sys

from common import VALGRIND, read_expect as read_expect_lists, rule_of, under

LISTS = ("also", "stricter", "gap", "note", "upstream-field")
REQUIRED = ("kubernetes", "file", "test", "row", "upstream")


def read_expect(path):
    return read_expect_lists(path, LISTS)


def run(binary, row, e):
    """The findings of validate on the row's Experiment, or a problem."""
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1", KATIB_LINT_CONFIG="")
    args = VALGRIND + [binary, "validate", "--no-config"] + \
        shlex.split(e.get("options", "")) + \
        ["-o", "json", os.path.join(row, "experiment.yaml")]
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):  # 126: Valgrind found an error
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip())
    try:
        return json.loads(p.stdout)["findings"], None
    except (ValueError, KeyError) as ex:
        return None, "unreadable output (%s)" % ex


def judge(binary, row):
    """(expect, findings, problems) for one row."""
    e = read_expect(os.path.join(row, "expect"))
    problems = ["expect has no %s" % k for k in REQUIRED if k not in e]
    if e.get("upstream") not in ("valid", "invalid"):
        problems.append("upstream is %r, not valid or invalid" % e.get("upstream"))
    if e["stricter"] and e.get("upstream") != "valid":
        problems.append("stricter is for a row the API server admits")
    if e["gap"] and e.get("upstream") != "invalid":
        problems.append("a gap is for a row the API server refuses")
    if e.get("upstream") == "invalid" and not e["gap"] and \
            not (e.get("rule") and e.get("at")):
        problems.append("an invalid row needs rule and at")
    if problems:
        return e, [], problems
    findings, fail = run(binary, row, e)
    if fail:
        return e, [], [fail]
    errors = [f for f in findings if f.get("severity") == "error"]
    warnings = [f for f in findings if f.get("severity") == "warning"]
    ours = sorted({f["rule"] for f in errors})
    also = {rule_of(a) for a in e["also"]}
    stricter = {rule_of(s) for s in e["stricter"]}
    if e["upstream"] == "valid":
        if set(ours) != stricter:
            problems.append("the API server admits this row; ours: errors of %s%s" % (
                " ".join(ours) or "no rule",
                ", expected %s" % " ".join(sorted(stricter)) if stricter else ""))
        if warnings:
            problems.append("warnings of %s" % " ".join(sorted({f["rule"] for f in warnings})))
    elif e["gap"]:
        if errors:
            problems.append("the gap no longer holds: errors of %s" % " ".join(ours))
    else:
        rule, at = e["rule"], e["at"]
        if not any(f["rule"] == rule and under(f.get("path", ""), at) for f in errors):
            where = ["%s at %s" % (f["rule"], f.get("path")) for f in errors]
            problems.append("no error of %s at %s (ours: %s)" % (
                rule, at, "; ".join(where) or "no error"))
        others = set(ours) - {rule} - also
        if others:
            problems.append("errors of other rules: %s" % " ".join(sorted(others)))
    return e, findings, problems


def rows_under(paths):
    for top in paths:
        for d, dirs, files in os.walk(top):
            dirs.sort()
            if "expect" in files and "experiment.yaml" in files:
                yield d


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: k8s-check.py BINARY DIR...\n")
        return 2
    binary, paths = argv[1], argv[2:]
    bad = n = 0
    for row in rows_under(paths):
        e, _, problems = judge(binary, row)
        n += 1
        if problems:
            bad += 1
            print("%s: %s (%s row %s)" % (row, "; ".join(problems), e.get("test"), e.get("row")))
    print("%d rows, %d disagree" % (n, bad))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
