#!/usr/bin/env python3
"""Checks that validate reproduces every answer recorded from a real
suggestion service (tests/data/oracle/<service>.json, written by
scripts/oracle/record; HACKING.md says how to re-record).

Usage: oracle.py BINARY RECORDING [CASE-NAME...]

For each case:
  - `validate --suggestion-request` on the recorded request must give the
    recorded ValidateAlgorithmSettings code and details (object addresses
    masked);
  - `validate` on the case's Experiment must report:
      when the service refuses the settings: an error whose message
        quotes the service's details;
      when it accepts them and GetSuggestions then raises: an error of
        algorithm-setting-hangs or algorithm-search-space-hangs quoting
        what the exception says;
      when both succeed: no error at all.
RECORDING's sibling <service>.notes lists, one a line and tab-separated,
`CASE<TAB>webhook|stricter<TAB>RULE<TAB>WHY`: the cases whose Experiment
Katib's webhook denies before any service sees it (RULE must fire), and
those where we are stricter than the service by design (RULE fires where
the service succeeds).
Exit 1 when a case disagrees, naming it and why.
"""
import json, os, re, subprocess, sys, tempfile

from common import VALGRIND

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
PREFIX = "Exception calling application: "
HANGS = ("algorithm-setting-hangs", "algorithm-search-space-hangs")
REFUSED = ("algorithm-setting-invalid", "algorithm-search-space-invalid")
CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "services", "katib-config")

def mask(s):
    return ADDRESS.sub("0x…", s or "")


def experiment(spec):
    """The case's Experiment, as a user would write it: every parameter
    reaches the trial's command, and nothing but the algorithm and the
    search space can be wrong."""
    params = [{"name": p["name"], "reference": p["name"]} for p in spec["parameters"]]
    args = " ".join("--%s=${trialParameters.%s}" % (p["name"], p["name"])
                    for p in spec["parameters"])
    return {
        "apiVersion": "kubeflow.org/v1beta1",
        "kind": "Experiment",
        "metadata": {"name": "oracle", "namespace": "default"},
        "spec": dict(spec, trialTemplate={
            "primaryContainerName": "training",
            "trialParameters": params,
            "trialSpec": {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "spec": {"template": {
                    "metadata": {"labels": {"sidecar.istio.io/inject": "false"}},
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [{
                            "name": "training",
                            "image": "docker.io/library/python:3.11",
                            "command": ["sh", "-c", "python train.py " + args],
                        }],
                    }}},
            }}),
    }


def run(args):
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1", KATIB_LINT_CONFIG="")
    p = subprocess.run(VALGRIND + args, capture_output=True, text=True, env=env)
    # validate's summary goes to stderr, so only Valgrind's own exit
    # status (126) tells a memory error from a finding.
    if p.returncode not in (0, 1):
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip())
    return json.loads(p.stdout), None


def read_notes(path):
    notes = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                case, kind, rule, why = line.split("\t")
                notes[case] = (kind, rule, why)
    return notes


def judge(binary, config, case, note, tmp):
    problems = []
    req = os.path.join(tmp, "request.json")
    with open(req, "w", encoding="utf-8") as f:
        json.dump(case["request"], f, ensure_ascii=False)
    reply, err = run([binary, "validate", "--no-config", "--katib-config", config,
                      "--suggestion-request", req, "-o", "json"])
    if err:
        return [err]
    want = case["validate"]
    if reply.get("code") != want["code"]:
        problems.append("ValidateAlgorithmSettings: code %s, the service answers %s" % (
            reply.get("code"), want["code"]))
    if mask(reply.get("details")) != mask(want["details"]):
        problems.append("ValidateAlgorithmSettings: details %r, the service answers %r" % (
            reply.get("details"), want["details"]))

    exp = os.path.join(tmp, "experiment.yaml")
    with open(exp, "w", encoding="utf-8") as f:
        json.dump(experiment(case["spec"]), f, ensure_ascii=False)
    out, err = run([binary, "validate", "--no-config", "--katib-config", config,
                    exp, "-o", "json"])
    if err:
        return problems + [err]
    errors = [(d["rule"], d["message"]) for d in out["findings"]
              if d["severity"] == "error"]
    rules = sorted({r for r, _ in errors})
    kind, rule = (note[0], note[1]) if note else (None, None)
    if kind == "webhook":
        if rule not in rules:
            problems.append("Katib's webhook denies it (%s), we report %s" % (
                rule, " ".join(rules) or "no error"))
        return problems
    gs = case.get("get-suggestions")
    if want["code"] != "OK" and not want["details"]:
        # The service refuses with empty details; our message says so.
        if not any(r in REFUSED and "empty message" in m for r, m in errors):
            problems.append("validate: the service refuses with no details; we report %s" % (
                " ".join(rules) or "no error"))
    elif want["code"] != "OK":
        quoted = '"%s"' % mask(want["details"])
        if not any(quoted in mask(m) for _, m in errors):
            problems.append("validate: no error quotes the service's %s" % quoted)
    elif gs and gs["code"] != "OK":
        said = mask(gs["details"][len(PREFIX):] if gs["details"].startswith(PREFIX)
                    else gs["details"])
        if not any(r in HANGS and '"%s"' % said in mask(m) for r, m in errors):
            problems.append("validate: GetSuggestions raises %s(%r) at call %d; we report %s" % (
                gs.get("exception"), said, gs.get("call", 0), " ".join(rules) or "no error"))
    elif kind == "stricter":
        if rules != [rule]:
            problems.append("validate: stricter by design with %s, we report %s" % (
                rule, " ".join(rules) or "no error"))
    elif errors:
        problems.append("validate: the service succeeds, we report %s" % " ".join(rules))
    return problems


def main(argv):
    binary, recording, only = argv[1], argv[2], set(argv[3:])
    with open(recording, encoding="utf-8") as f:
        data = json.load(f)
    notes = read_notes(os.path.splitext(recording)[0] + ".notes")
    config = os.path.join(CONFIG, data["service"] + ".yaml")
    names = {c["name"] for c in data["cases"]}
    bad = n = 0
    for case in notes:
        if case not in names:
            print("%s: a note names no recorded case" % case)
            bad += 1
    with tempfile.TemporaryDirectory() as tmp:
        for case in data["cases"]:
            if only and case["name"] not in only:
                continue
            n += 1
            problems = judge(binary, config, case, notes.get(case["name"]), tmp)
            if problems:
                bad += 1
                print("%s: %s" % (case["name"], "; ".join(problems)))
    print("%d cases, %d disagree" % (n, bad))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
