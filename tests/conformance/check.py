#!/usr/bin/env python3
"""Runs the conformance rows under tests/conformance and compares each
verdict with the upstream expectation its `expect` file records.

Usage: check.py BINARY ROW_DIR... (a directory is searched for rows)
       check.py --show BINARY ROW_DIR...   print what each row gives

A row is a directory with `expect` and `review.yaml` (an AdmissionReview),
or `request.json` (a suggestion or early-stopping service's validation
request, judged by `validate --suggestion-request`).
`expect` has one `key: value` a line:
  katib, file, test, row, name   where the row comes from
  katib-config NAME              katib-config/NAME.yaml instead of mock.yaml
  cluster NAME                   Katib's test mocks a cluster lookup (the
                                 trial template's ConfigMap): judged with
                                 --cluster-facts against katib-replay
                                 serving cluster/NAME, the state the mock
                                 answers for
  upstream allowed|denied        Katib's verdict
  upstream-error TYPE PATH       each field error Katib's test expects
  rules IDS                      our rules that answer those errors
  stricter ID — WHY              a rule we deny with where Katib admits
                                 (and then fails): stricter by design
  katib-also ID — WHY            a rule answering what Katib reports too, but
                                 not in this row (the row calls one function
                                 of the validator, or Katib returns early)
  defaulted PATH — WHY           Katib's error at PATH cannot happen in a
                                 cluster: the mutating webhook, which runs
                                 first, fills the field (we apply its defaults)
  at PATH => OURS — WHY          our error for Katib's error at PATH is at OURS
  gap WHY                        a known disagreement: Katib denies, we allow
  note TEXT                      how the row was translated
For a request, `expect` has instead:
  upstream-code CODE             the gRPC code the service's test expects
  upstream-details TEXT          ... and its details, exactly,
  upstream-details-prefix TEXT   ... or as far as the test looks
  upstream-method GetSuggestions the test asserts what GetSuggestions
                                 answers, not ValidateAlgorithmSettings:
                                 the row is the validation request of the
                                 same experiment, which Katib's controller
                                 sends first
  service-refuses CODE DETAILS — WHY
                                 the test skips validation, and the
                                 service's own ValidateAlgorithmSettings
                                 refuses its experiment (read from the
                                 source): we must answer exactly that
Exit 1 when a row disagrees, naming it and why.
"""
import json, os, re, subprocess, sys, tempfile, time

from common import VALGRIND, read_expect as read_expect_lists, rule_of, under

SPLIT = re.compile(r"(.*?(?:\[[a-z0-9-]+\]|are editable))(?:, |$)", re.S)
# Katib's own words for a forbidden spec edit, which we answer verbatim.
NOT_EDITABLE = ("spec: Forbidden: only spec.parallelTrialCount, spec.maxTrialCount"
                " and spec.maxFailedTrialCount are editable")
ERROR = re.compile(r"^(?:(.*?): )?.*\[([a-z0-9-]+)\]$", re.S)


LISTS = ("upstream-error", "stricter", "katib-also", "defaulted", "at", "gap",
         "note")


def read_expect(path):
    return read_expect_lists(path, LISTS)


def errors_of(message):
    if not message:
        return []
    parts = [message]
    if message.startswith("[") and message.endswith("]"):
        inner = SPLIT.findall(message[1:-1])
        if len(inner) > 1:
            parts = inner
    out = []
    for p in parts:
        if p == NOT_EDITABLE:
            out.append(("spec", "spec-not-editable"))
            continue
        m = ERROR.match(p)
        if not m:
            raise ValueError("cannot read error %r" % p)
        out.append((m.group(1) or "", m.group(2)))
    return out


def judge_request(binary, row, e):
    cfgdir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "services", "katib-config")
    args = []
    if "katib-config" in e:
        args = ["--katib-config", os.path.join(cfgdir, e["katib-config"] + ".yaml")]
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1", KATIB_LINT_CONFIG="")
    p = subprocess.run(VALGRIND + [binary, "validate", "--no-config"] + args +
                       ["--suggestion-request", os.path.join(row, "request.json"),
                        "-o", "json"], capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):  # 126: Valgrind found an error
        return e, None, ["exit %d: %s" % (p.returncode, p.stderr.strip())]
    reply = json.loads(p.stdout)
    got = [(reply.get("code"), reply.get("details", ""))]
    problems = []
    if "service-refuses" in e:
        refused = e["service-refuses"].partition(" — ")[0]
        code, _, details = refused.partition(" ")
        if e.get("upstream-method") != "GetSuggestions":
            problems.append("service-refuses needs a test that skips validation")
        if (reply.get("code"), reply.get("details")) != (code, details):
            problems.append("%s %r, the service's validation answers %s %r" % (
                reply.get("code"), reply.get("details"), code, details))
        return e, got, problems
    if reply.get("code") != e.get("upstream-code"):
        problems.append("code %s, Katib's test expects %s" % (
            reply.get("code"), e.get("upstream-code")))
    want = e.get("upstream-details")
    if want is not None and reply.get("details") != want:
        problems.append("details %r, Katib's test expects %r" % (
            reply.get("details"), want))
    want = e.get("upstream-details-prefix")
    if want is not None and not (reply.get("details") or "").startswith(want):
        problems.append("details %r, Katib's test expects them to start %r" % (
            reply.get("details"), want))
    return e, got, problems


class replay_server:
    """katib-replay serving a recorded cluster; yields its kubeconfig."""

    def __init__(self, binary, cluster):
        self.replay = os.environ.get("KATIB_REPLAY") or \
            os.path.join(os.path.dirname(os.path.abspath(binary)), "katib-replay")
        self.cluster = cluster

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        cfg = os.path.join(self.tmp.name, "kubeconfig")
        self.proc = subprocess.Popen([self.replay, "serve", self.cluster,
                                      "--kubeconfig-out", cfg],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(600):
            if os.path.exists(cfg) and os.path.getsize(cfg):
                return cfg
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("katib-replay did not start on %s" % self.cluster)

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()
        self.tmp.cleanup()


def judge(binary, row, cfgdir):
    e = read_expect(os.path.join(row, "expect"))
    if os.path.exists(os.path.join(row, "request.json")):
        return judge_request(binary, row, e)
    cfg = os.path.join(cfgdir, e.get("katib-config", "mock") + ".yaml")
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1", KATIB_LINT_CONFIG="")
    args = [binary, "validate", "--no-config", "--katib-config", cfg,
            "--admission-review", os.path.join(row, "review.yaml")]
    if "cluster" in e:
        with replay_server(binary, os.path.join(os.path.dirname(cfgdir), "cluster",
                                                e["cluster"])) as kubeconfig:
            p = subprocess.run(VALGRIND + args + ["--cluster-facts", "--kubeconfig", kubeconfig],
                               capture_output=True, text=True, env=env)
    else:
        p = subprocess.run(VALGRIND + args, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):  # 126: Valgrind found an error
        return e, None, ["exit %d: %s" % (p.returncode, p.stderr.strip())]
    resp = json.loads(p.stdout)["response"]
    got = errors_of((resp.get("status") or {}).get("message"))
    problems = []
    rules = set(e.get("rules", "").split())
    stricter = {rule_of(s) for s in e["stricter"]}
    also = {rule_of(s) for s in e["katib-also"]}
    defaulted = {rule_of(s) for s in e["defaulted"]}
    at = {a.split(" => ")[0]: rule_of(a.split(" => ", 1)[1]) for a in e["at"]}
    ours = {r for _, r in got}
    if ours != rules | stricter | also:
        problems.append("rules: ours %s, expected %s" % (
            " ".join(sorted(ours)) or "none",
            " ".join(sorted(rules | stricter | also)) or "none"))
    upstream_paths = [u.partition(" ")[2] for u in e["upstream-error"]]
    answered = [p for p in upstream_paths if p not in defaulted]
    if e["gap"]:
        if rules or e.get("upstream") != "denied":
            problems.append("a gap is a denial none of our rules answers")
    elif e.get("upstream") == "denied" and not rules and \
            (answered or not upstream_paths):
        problems.append("Katib denies, and no rule of ours answers it")
    if e.get("upstream") == "allowed" and rules:
        problems.append("Katib allows; only stricter rules may deny")
    if resp.get("allowed") != (not ours):
        problems.append("allowed is %s with errors %s" % (resp.get("allowed"), ours))
    for ue in e["upstream-error"]:
        kind, _, path = ue.partition(" ")
        if path in defaulted or e["gap"]:
            continue
        want = at.get(path, path)
        if not any(under(q, want) for q, r in got if r in rules):
            problems.append("no error of %s at %s (Katib: %s)" % (
                " ".join(sorted(rules)) or "our rules", path, ue))
    return e, got, problems


def rows_under(paths):
    for top in paths:
        for d, dirs, files in os.walk(top):
            dirs.sort()
            if "expect" in files and ("review.yaml" in files or
                                      "request.json" in files):
                yield d


def main(argv):
    show = argv[1:2] == ["--show"]
    if show:
        argv = argv[1:]
    binary, paths = argv[1], argv[2:]
    bad = n = 0
    cfgdir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "webhook", "katib-config")
    for row in rows_under(paths):
        e, got, problems = judge(binary, row, cfgdir)
        n += 1
        if show:
            print("%s [%s] %s\n  upstream %s %s\n  ours %s" % (row, e.get("name"), "", e.get("upstream"),
                  e["upstream-error"], got))
        if problems:
            bad += 1
            print("%s: %s (%s %s row %s)" % (row, "; ".join(problems), e.get("test"), e.get("name"), e.get("row")))
    print("%d rows, %d disagree" % (n, bad))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
