#!/usr/bin/env python3
"""A scripted Language Server client for tests/t6300-lsp.bats.

Starts `kubectl-katib lsp` ($KATIB_BIN, under Valgrind with
KATIB_VALGRIND=1 as tests/lib/common.bash does), runs one scenario and
prints what an editor would show, one fact a line, for the test to
assert.  Every wait has a deadline: a server that hangs fails the test.

  lsp-client.py diagnostics FILE...     file:line:col: severity rule
  lsp-client.py utf16 FILE              each finding's range, in UTF-16
  lsp-client.py hover FILE LINE COL     the hover text (1-based, code points)
  lsp-client.py complete FILE LINE COL  one completion label a line
  lsp-client.py fix FILE RULE OUT       writes the text after RULE's code
                                        action to OUT
  lsp-client.py edit FILE OLD NEW       findings before and after an
                                        incremental change of OLD to NEW
  lsp-client.py settings FILE JSON JSON findings with the first settings
                                        as initializationOptions, then
                                        after didChangeConfiguration
  lsp-client.py wire                    answers to hostile framing
Exit status: 0, or 1 with the reason on stderr.
"""
import json
import os
import select
import subprocess
import sys
import time

DEADLINE = float(os.environ.get("LSP_TEST_TIMEOUT", "60"))


def die(msg):
    sys.stderr.write("lsp-client: %s\n" % msg)
    sys.exit(1)


class Client:
    def __init__(self, options=None, args=()):
        cmd = [os.environ.get("KATIB_BIN", "build/kubectl-katib"), "lsp",
               "--no-config"] + list(args)
        if os.environ.get("KATIB_VALGRIND"):
            tests = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            cmd = ["valgrind", "-q", "--error-exitcode=126",
                   "--leak-check=full",
                   "--errors-for-leak-kinds=definite,indirect",
                   "--suppressions=" + os.path.join(tests, "valgrind.supp")
                   ] + cmd
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.buf = b""
        self.next_id = 1
        self.pending = []
        if options is not None:
            r = self.request("initialize", {"processId": None,
                                            "capabilities": {},
                                            "initializationOptions": options})
            if "result" not in r:
                die("initialize failed: %r" % r)
            self.notify("initialized", {})

    def send_raw(self, data):
        """Writes data, reading what the server says meanwhile: a server
        blocked on a full output pipe would never read the rest."""
        out = self.p.stdout.fileno()
        inp = self.p.stdin.fileno()
        view = memoryview(data)
        end = time.monotonic() + DEADLINE
        while view:
            left = end - time.monotonic()
            if left <= 0:
                die("the server did not read its input in %gs" % DEADLINE)
            r, w, _ = select.select([out], [inp], [], left)
            if r:
                chunk = os.read(out, 65536)
                if not chunk:
                    die("the server closed its output (exit %s)"
                        % self.p.wait())
                self.buf += chunk
            if w:
                n = os.write(inp, view[:65536])
                view = view[n:]

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def read(self):
        """The next message from the server, or die at the deadline."""
        end = time.monotonic() + DEADLINE
        while True:
            sep = self.buf.find(b"\r\n\r\n")
            if sep >= 0:
                head = self.buf[:sep].decode()
                length = None
                for line in head.split("\r\n"):
                    k, _, v = line.partition(":")
                    if k.lower() == "content-length":
                        length = int(v)
                if length is None:
                    die("a message without Content-Length: %r" % head)
                if len(self.buf) >= sep + 4 + length:
                    body = self.buf[sep + 4:sep + 4 + length]
                    self.buf = self.buf[sep + 4 + length:]
                    return json.loads(body)
            left = end - time.monotonic()
            if left <= 0:
                die("the server did not answer in %gs" % DEADLINE)
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    die("the server closed its output (exit %s)"
                        % self.p.wait())
                self.buf += chunk

    def request(self, method, params=None):
        rid = self.next_id
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        while True:
            m = self.read()
            if m.get("id") == rid and "method" not in m:
                return m
            self.pending.append(m)

    def notifications(self, method):
        got = [m for m in self.pending if m.get("method") == method]
        self.pending = [m for m in self.pending if m.get("method") != method]
        return got

    def sync(self):
        """Everything sent before has been answered once this returns:
        the server handles messages in order."""
        self.request("textDocument/hover", {
            "textDocument": {"uri": "file:///nothing-open"},
            "position": {"line": 0, "character": 0}})

    def close(self):
        r = self.request("shutdown")
        if r.get("result", "missing") is not None:
            die("shutdown answered %r" % r)
        self.notify("exit", None)
        self.p.stdin.close()
        self.p.stdout.close()
        try:
            status = self.p.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            self.p.kill()
            die("the server did not exit")
        if status:
            die("the server exited with %d" % status)


def uri_of(path):
    return "file://" + os.path.abspath(path)


def open_file(c, path, text=None):
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri_of(path), "languageId": "yaml", "version": 1,
        "text": text}})
    return text


def code_point_col(text, line, character):
    """1-based code-point column of an LSP (UTF-16) position."""
    src = text.split("\n")[line]
    units = src.encode("utf-16-le")[:2 * character]
    return len(units.decode("utf-16-le")) + 1


SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}


def print_diagnostics(name, text, diags):
    for d in sorted(diags, key=lambda d: (d["range"]["start"]["line"],
                                         d["range"]["start"]["character"],
                                         d["code"])):
        s = d["range"]["start"]
        print("%s:%d:%d: %s %s" % (name, s["line"] + 1,
                                   code_point_col(text, s["line"],
                                                  s["character"]),
                                   SEVERITY[d["severity"]], d["code"]))


def last_diagnostics(c, uri):
    got = [m["params"] for m in c.notifications(
        "textDocument/publishDiagnostics") if m["params"]["uri"] == uri]
    return got[-1]["diagnostics"] if got else None


def scenario_diagnostics(paths):
    c = Client({})
    texts = {p: open_file(c, p) for p in paths}
    c.sync()
    published = c.notifications("textDocument/publishDiagnostics")
    for p in paths:
        mine = [m["params"] for m in published
                if m["params"]["uri"] == uri_of(p)]
        if not mine:
            print("%s: no diagnostics published" % p)
            continue
        print_diagnostics(p, texts[p], mine[-1]["diagnostics"])
    c.close()


def scenario_utf16(path):
    c = Client({})
    open_file(c, path)
    c.sync()
    for d in last_diagnostics(c, uri_of(path)) or []:
        r = d["range"]
        print("%s %d:%d-%d:%d" % (d["code"], r["start"]["line"],
                                  r["start"]["character"], r["end"]["line"],
                                  r["end"]["character"]))
        for rel in d.get("relatedInformation", []):
            rr = rel["location"]["range"]
            print("  related %d:%d %s" % (rr["start"]["line"],
                                          rr["start"]["character"],
                                          rel["message"]))
    c.close()


def lsp_position(text, line, col):
    """The LSP position of a 1-based line and code-point column."""
    src = text.split("\n")[line - 1]
    return {"line": line - 1,
            "character": len(src[:col - 1].encode("utf-16-le")) // 2}


def scenario_hover(path, line, col):
    c = Client({})
    text = open_file(c, path)
    r = c.request("textDocument/hover", {
        "textDocument": {"uri": uri_of(path)},
        "position": lsp_position(text, int(line), int(col))})
    if r.get("result"):
        print(r["result"]["contents"]["value"])
    else:
        print("no hover")
    c.close()


def scenario_complete(path, line, col, *args):
    c = Client(json.loads(args[0]) if args else {})
    text = open_file(c, path)
    r = c.request("textDocument/completion", {
        "textDocument": {"uri": uri_of(path)},
        "position": lsp_position(text, int(line), int(col))})
    for item in r["result"]:
        print(item["label"] + ("\t" + item["detail"] if "detail" in item
                               else ""))
    c.close()


def apply_edits(text, edits):
    """Applies LSP text edits (UTF-16 ranges) to text, as editors do."""
    lines = text.split("\n")

    def off(pos):
        before = sum(len(l) + 1 for l in lines[:pos["line"]])
        src = lines[pos["line"]] if pos["line"] < len(lines) else ""
        units = src.encode("utf-16-le")[:2 * pos["character"]]
        return before + len(units.decode("utf-16-le"))

    for e in sorted(edits, key=lambda e: off(e["range"]["start"]),
                    reverse=True):
        a, z = off(e["range"]["start"]), off(e["range"]["end"])
        text = text[:a] + e["newText"] + text[z:]
    return text


def scenario_fix(path, rule, out):
    c = Client({})
    text = open_file(c, path)
    r = c.request("textDocument/codeAction", {
        "textDocument": {"uri": uri_of(path)},
        "range": {"start": {"line": 0, "character": 0},
                  "end": {"line": len(text.split("\n")), "character": 0}},
        "context": {"diagnostics": []}})
    actions = [a for a in r["result"]
               if any(d["code"] == rule for d in a["diagnostics"])]
    if not actions:
        die("no code action for %s among %r" % (rule, r["result"]))
    sys.stderr.write("title: %s\n" % actions[0]["title"])
    edits = actions[0]["edit"]["changes"][uri_of(path)]
    with open(out, "w", encoding="utf-8") as f:
        f.write(apply_edits(text, edits))
    c.close()


def scenario_edit(path, old, new):
    c = Client({})
    uri = uri_of(path)
    text = open_file(c, path)
    c.sync()
    print("before:")
    print_diagnostics(path, text, last_diagnostics(c, uri))
    at = text.index(old)
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    start = lsp_position(text, line + 1, col)
    end = lsp_position(text, line + 1, col + len(old))
    c.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": start, "end": end},
                            "text": new}]})
    text = text[:at] + new + text[at + len(old):]
    c.sync()
    print("after:")
    print_diagnostics(path, text, last_diagnostics(c, uri))
    c.close()


def scenario_settings(path, first, second):
    c = Client(json.loads(first))
    uri = uri_of(path)
    text = open_file(c, path)
    c.sync()
    print("initializationOptions:")
    print_diagnostics(path, text, last_diagnostics(c, uri))
    c.notify("workspace/didChangeConfiguration",
             {"settings": json.loads(second)})
    c.sync()
    print("didChangeConfiguration:")
    print_diagnostics(path, text, last_diagnostics(c, uri))
    for m in c.notifications("window/showMessage"):
        print("message: %s" % m["params"]["message"])
    c.close()


def show(m):
    if "error" in m:
        return "error %d %s" % (m["error"]["code"], m["error"]["message"])
    return "result %s" % json.dumps(m.get("result"))


def scenario_wire():
    c = Client()
    # Before initialize, a request is refused.
    print("before initialize: " + show(c.request("textDocument/hover", {})))
    c.request("initialize", {"capabilities": {}})
    body = b'{"jsonrpc":"2.0","id":'
    c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    print("invalid JSON: " + show(c.read()))
    c.send_raw(b"Content-Length: 2\r\n\r\n[]")
    print("not an object: " + show(c.read()))
    c.send_raw(b"Content-Length: abc\r\n\r\n")
    print("bad length: " + show(c.read()))
    c.send_raw(b"X-Nothing: 1\r\n\r\n")
    print("no length: " + show(c.read()))
    c.send_raw(b"X-Long: " + b"x" * (1 << 20) + b"\r\n\r\n")
    print("huge header: " + show(c.read()))
    # A body over the cap (64 MiB) is skipped as it arrives, not kept.
    big = (64 << 20) + 1
    c.send_raw(b"Content-Length: %d\r\n\r\n" % big)
    chunk = b"x" * (1 << 20)
    for _ in range(64):
        c.send_raw(chunk)
    c.send_raw(b"x")
    print("huge body: " + show(c.read()))
    print("unknown method: " + show(c.request("katib/nothing", {})))
    print("missing params: " + show(c.request("textDocument/hover")))
    c.notify("textDocument/didOpen", {"textDocument": 7})
    c.notify("textDocument/didChange", {"contentChanges": "x"})
    c.notify("no/such/notification", {})
    print("still serving: " + show(c.request("shutdown")))
    print("after shutdown: " + show(c.request("textDocument/hover", {})))
    c.notify("exit", None)
    c.p.stdin.close()
    print("exit status: %d" % c.p.wait(DEADLINE))
    # A length no client sends, then the end of input: no hang.
    c = Client({})
    c.send_raw(b"Content-Length: 99999999999999\r\n\r\n{}")
    print("absurd length: " + show(c.read()))
    c.p.stdin.close()
    print("end of input without exit: status %d" % c.p.wait(DEADLINE))


SCENARIOS = {
    "diagnostics": lambda a: scenario_diagnostics(a),
    "utf16": lambda a: scenario_utf16(*a),
    "hover": lambda a: scenario_hover(*a),
    "complete": lambda a: scenario_complete(*a),
    "fix": lambda a: scenario_fix(*a),
    "edit": lambda a: scenario_edit(*a),
    "settings": lambda a: scenario_settings(*a),
    "wire": lambda a: scenario_wire(),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in SCENARIOS:
        die("usage: lsp-client.py SCENARIO ARGS... (see the source)")
    SCENARIOS[sys.argv[1]](sys.argv[2:])
