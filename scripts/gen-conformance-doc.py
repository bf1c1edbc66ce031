#!/usr/bin/env python3
"""Generate docs/conformance.md: how Katib's own test tables fare.

Usage: scripts/gen-conformance-doc.py tests/conformance BINARY \
           tests/data/oracle/*.json > docs/conformance.md

Counts the rows under tests/conformance (see its README) per upstream file
and test function, by how our verdict relates to Katib's, from the rows'
`expect` files; the suite (tests/t8000-conformance.bats) proves each row
and fails when this page is stale.  Each oracle recording's cases are
judged again with BINARY (as tests/conformance/oracle.py judges them), so
the page's agree and disagree counts are what the binary does.
"""
import json
import os
import sys
import tempfile

# The rows are read as the checker reads them: one reader for both.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "conformance"))
from check import read_expect  # noqa: E402
import oracle  # noqa: E402


def kind(e):
    if "service-refuses" in e:
        return "unreached"
    if e["gap"]:
        return "gap"
    if e["defaulted"]:
        return "defaulted"
    if e.get("upstream") == "allowed" and e["stricter"]:
        return "stricter"
    return "agree"


def answer(case):
    if case["validate"]["code"] != "OK":
        return "refused"
    if (case.get("get-suggestions") or {}).get("code", "OK") != "OK":
        return "fails"
    return "runs"


def oracle_section(binary, recordings):
    out = ["", "## Katib's real services, as an oracle", "",
           "`scripts/oracle/record` drives a real suggestion service, unpatched,",
           "from a Katib checkout, and stores each case's answers in",
           "`tests/data/oracle/` (HACKING.md says how to re-record).  For each",
           "case: *refused* by ValidateAlgorithmSettings, *fails* at",
           "GetSuggestions after being accepted (asked for",
           "`parallelTrialCount` trials at a time up to `maxTrialCount`, as",
           "Katib's controller asks), or *runs*.  A case agrees when `validate",
           "--suggestion-request` gives the recorded code and details and",
           "`validate` reports the refusal, the failure (as",
           "`algorithm-setting-hangs` / `algorithm-search-space-hangs`) or",
           "nothing; *notes* are cases the recording's `.notes` marks (the",
           "webhook denies first, or we are stricter by design)."]
    for path in recordings:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        notes = oracle.read_notes(os.path.splitext(path)[0] + ".notes")
        config = os.path.join(oracle.CONFIG, data["service"] + ".yaml")
        libs = ", ".join("%s %s" % kv for kv in sorted(data["libraries"].items()))
        pins = ", ".join("%s%s" % kv for kv in sorted(data.get("katib-pins", {}).items()))
        out += ["", "### %s" % data["service"], "",
                "Katib commit `%s`; recorded with %s." % (data["katib"], libs)]
        if pins:
            out.append("Katib's image pins %s." % pins)
        out += ["", "| algorithm | cases | refused | fails | runs | notes | agree | disagree |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        cols = ("cases", "refused", "fails", "runs", "notes", "agree", "disagree")
        algs = {}
        with tempfile.TemporaryDirectory() as tmp:
            for case in data["cases"]:
                n = algs.setdefault(case["name"].split("/")[0], dict.fromkeys(cols, 0))
                n["cases"] += 1
                n[answer(case)] += 1
                n["notes"] += case["name"] in notes
                bad = oracle.judge(binary, config, case, notes.get(case["name"]), tmp)
                n["disagree" if bad else "agree"] += 1
        total = dict.fromkeys(cols, 0)
        for alg, n in sorted(algs.items()):
            out.append("| %s | %s |" % (alg, " | ".join(str(n[k]) for k in cols)))
            for k in cols:
                total[k] += n[k]
        out.append("| **total** | %s |" % " | ".join(str(total[k]) for k in cols))
    out += ["", "Debian packages optuna, grpcio and protobuf (`python3-optuna`,",
            "`python3-grpcio`, `python3-protobuf`), so the optuna service runs",
            "here unpatched.  Debian packages neither hyperopt nor",
            "scikit-optimize, and the suite installs nothing from outside",
            "Debian: the hyperopt and skopt services are therefore covered only",
            "by their own tests' rows above and by reading their source",
            "(`pkg/suggestion/v1beta1/hyperopt/`, `pkg/suggestion/v1beta1/skopt/`;",
            "the cases T-HO-* and T-SK-* of tests/t1600-validate-services.bats)."]
    return out


def main(root, binary, recordings):
    rows = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        # Kubernetes' rows have their own page (gen-k8s-conformance-doc.py).
        if d == root and "kubernetes" in dirs:
            dirs.remove("kubernetes")
        if "expect" in files:
            rows.append(read_expect(os.path.join(d, "expect")))
    commits = sorted({r["katib"] for r in rows})
    out = ["# Conformance with Katib's own tests", "",
           "Generated by `scripts/gen-conformance-doc.py tests/conformance",
           "build/kubectl-katib tests/data/oracle/optuna.json`; do not edit",
           "(tests/t8000-conformance.bats fails when it is stale).",
           "",
           "Each row of Katib's test tables below is translated into",
           "`tests/conformance/` (an AdmissionReview, Katib's expectation and",
           "where it comes from; for a service, its validation request) and",
           "run in `make check`.  Katib commit: " +
           ", ".join("`%s`" % c for c in commits) + ".", "",
           "- **agree**: the same verdict, and each of Katib's field errors is",
           "  answered by one of ours at its path (or beneath it); *+stricter*",
           "  counts those of them where we deny for a further reason too;",
           "- **stricter**: Katib admits, and we deny what Katib then fails on",
           "  (by design; each row names the rule and why);",
           "- **defaulted**: Katib's error is one its mutating webhook, which",
           "  runs first in a cluster, makes impossible;",
           "- **gap**: Katib denies and we admit (a known disagreement);",
           "- **unreached**: the test calls GetSuggestions directly, and the",
           "  service's own ValidateAlgorithmSettings, which Katib's",
           "  controller calls first, refuses the experiment: we answer that",
           "  refusal exactly (each row says why).", "",
           "Katib's fake Experiment, which every row starts from, has a Job",
           "without restartPolicy: the API server refuses such a Job, so most",
           "rows carry `job-restart-policy-invalid` as a stricter rule.", "",
           "| upstream file | test | rows | agree | +stricter | stricter | defaulted | gap | unreached |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    groups = {}
    for r in rows:
        groups.setdefault((r["file"], r["test"]), []).append(r)
    cols = ("agree", "+stricter", "stricter", "defaulted", "gap", "unreached")
    total = dict.fromkeys(cols, 0)
    nrows = 0
    for (f, t), rs in sorted(groups.items()):
        n = {k: sum(1 for r in rs if kind(r) == k) for k in cols}
        n["+stricter"] = sum(1 for r in rs
                             if kind(r) == "agree" and r["stricter"])
        out.append("| `%s` | %s | %d | %s |" % (
            f, t, len(rs), " | ".join(str(n[k]) for k in cols)))
        nrows += len(rs)
        for k in cols:
            total[k] += n[k]
    out.append("| **total** | | %d | %s |" % (
        nrows, " | ".join(str(total[k]) for k in cols)))
    stricter = {}
    for r in rows:
        for s in r["stricter"]:
            rule, _, why = s.partition(" — ")
            stricter.setdefault(rule, [why, 0])[1] += 1
    if stricter:
        out += ["", "## Where we are stricter, by design", "",
                "| rule | rows | why |", "| --- | ---: | --- |"]
        for rule, (why, n) in sorted(stricter.items()):
            out.append("| `%s` | %d | %s |" % (rule, n, why))
    gaps = [r for r in rows if r["gap"]]
    if gaps:
        out += ["", "## Known gaps", ""]
        for r in gaps:
            out.append("- %s row %s, %s: %s" % (r["test"], r["row"], r["name"],
                                               "; ".join(r["gap"])))
    unreached = [r for r in rows if "service-refuses" in r]
    if unreached:
        out += ["", "## Tests that skip validation", ""]
        for r in unreached:
            out.append("- `%s` %s row %s: %s" % (r["file"], r["test"], r["row"],
                                              r["service-refuses"]))
    out += ["", "`test_nas_common.py` tests the check of NAS operations that",
            "the DARTS and ENAS services share; its rows are DARTS",
            "validation requests, which run that check first.  Katib has",
            "no test of the PBT service's settings, and",
            "`converter_test.go`'s Test_toGoptunaDirection maps an enum and",
            "judges no request.  tests/t1600-validate-services.bats carries",
            "many further cases (named T-HO-*, T-SK-*, ...) by hand."]
    out += oracle_section(binary, recordings)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: gen-conformance-doc.py CONFORMANCE-DIR BINARY RECORDING...")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
