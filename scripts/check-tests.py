#!/usr/bin/env python3
"""Finds assertions in the Bats suite that cannot fail.

Two traps hide a failing check in Bats:

1. A helper function that relies on `set -e`.  Bats runs tests with
   errexit, but bash turns it off inside any function called from an
   `||`, `&&`, `!`, `if` or `while` context, and `run` turns it off too.
   A check in such a helper that fails is ignored unless its status is
   returned.  So every check inside a function body must be the body's
   last command or carry its own `|| return 1` (or `|| { ...; return 1; }`,
   `|| fail`, `|| exit`): a helper is then right in any context.

2. A `run` in a test whose status and output are never looked at: the
   command may fail or print anything and the test still passes.

Usage: check-tests.py FILE...   Prints file:line: message for each, and
exits 1 when there is any.
"""

import re
import sys

# Commands whose only purpose is to fail when something is wrong.
CHECK = re.compile(
    r"^(assert_\w+|refute_\w+|\[\[?|test|diff|cmp|grep\s+-\w*q|"
    r"assert_golden|refute_crash|check_\w+)(\s|$)")
# What makes a check's failure reach the caller anyway.
# `|| true` and `|| :` mute a check on purpose; anything else after `||`
# (return, exit, an assignment the function returns) hands it on.
HANDLED = re.compile(r"\|\|\s*(?!true\b|:(\s|$))\S|\|\|\s*$")
# A test looking at what `run` left behind.
LOOKS = re.compile(
    r"\$\{?(status|output|stderr|lines|stderr_lines)\b|\bassert_|\brefute_|"
    r"\bcheck_\w+|\bassert_golden\b")
FUNC = re.compile(r"^(\w[\w-]*)\s*\(\)\s*\{\s*(.*)$")
TEST = re.compile(r"^@test\s")


def logical_lines(text):
    """Joins continued lines (a backslash, or a trailing ||, && or |); yields (first line number, text)."""
    buf, start = "", None
    for n, raw in enumerate(text.split("\n"), 1):
        if start is None:
            start = n
        if raw.endswith("\\"):
            buf += raw[:-1] + " "
            continue
        if re.search(r"(\|\||&&|\|)\s*$", raw) and not raw.lstrip().startswith("#"):
            buf += raw + " "
            continue
        buf += raw
        yield start, buf
        buf, start = "", None


def strip_comment(line):
    s = line.strip()
    return "" if s.startswith("#") else s


def blocks(lines):
    """Yields (kind, name, [(n, text)]) for each top-level function or test.

    A block runs from its opening line to the next line that is a lone
    `}` in column 0 (the suite's style), or, for a one-line block, that
    line alone.
    """
    i = 0
    while i < len(lines):
        n, text = lines[i]
        m = FUNC.match(text)
        kind = "func" if m else ("test" if TEST.match(text) else None)
        if not kind:
            i += 1
            continue
        name = m.group(1) if m else text
        body = []
        rest = m.group(2) if m else text.split("{", 1)[1] if "{" in text else ""
        if rest.rstrip().endswith("}"):
            body.append((n, rest.rstrip()[:-1].strip().rstrip(";")))
            yield kind, name, body
            i += 1
            continue
        i += 1
        while i < len(lines) and lines[i][1] != "}":
            body.append(lines[i])
            i += 1
        i += 1
        yield kind, name, body


def commands(body):
    """Splits a body into top-level simple commands: (n, text, depth).

    depth counts open compound commands (if/for/while/case/{ }) so the
    caller can tell a function's last top-level command.
    """
    depth = 0
    out = []
    for n, raw in body:
        s = strip_comment(raw)
        if not s:
            continue
        # A brace group opened and closed on one line is one command.
        inline = "{" in s and s.rstrip(";").rstrip().endswith("}")
        for part in [s] if inline else re.split(r";\s+(?=\S)", s):
            part = part.strip().rstrip(";").strip()
            if not part:
                continue
            word = part.split()[0]
            if word in ("fi", "done", "esac", "}"):
                depth -= 1
                out.append((n, part, depth, "close"))
                continue
            out.append((n, part, depth, "cmd"))
            if word in ("if", "for", "while", "until", "case") and not re.search(
                    r"\b(fi|done|esac)$", part):
                depth += 1
            elif part.endswith("{") and not part.endswith("${"):
                depth += 1
    return out


def check_function(path, name, body, problems):
    cmds = commands(body)
    real = [c for c in cmds if c[3] == "cmd"]
    last = real[-1] if real else None
    for c in real:
        n, text, depth, _ = c
        s = text
        for prefix in ("then ", "else ", "do ", "! "):
            if s.startswith(prefix):
                s = s[len(prefix):]
        if not CHECK.match(s):
            continue
        if HANDLED.search(text) or "&&" in text:
            continue
        if c is last and depth == 0:
            continue
        problems.append(
            f"{path}:{n}: in {name}(): '{s.split()[0]}' relies on set -e; "
            "add '|| return 1'")


def check_test(path, body, problems, lookers):
    pending = None
    for n, raw in body:
        s = strip_comment(raw)
        if not s:
            continue
        is_run = s.startswith("run ")
        if pending and (LOOKS.search(s) or calls_looker(s, lookers)):
            pending = None
        if is_run:
            # `run -N` and `run !` check the status themselves.
            if re.match(r"^run\s+(--\S+\s+)*(-\d+|!)\s", s):
                if pending:
                    problems.append(f"{path}:{pending}: the result of this run is never checked")
                pending = None
                continue
            if pending:
                problems.append(f"{path}:{pending}: the result of this run is never checked")
            pending = n
            # `run ... ; assert_success` on one line, or a status check inline.
            tail = s.split(";", 1)[1] if ";" in s else ""
            if LOOKS.search(tail):
                pending = None
    if pending:
        problems.append(f"{path}:{pending}: the result of this run is never checked")


def calls_looker(line, lookers):
    words = set(re.findall(r"[\w-]+", line))
    return bool(words & lookers)


def main(paths):
    problems = []
    parsed = []
    lookers = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            parsed.append((path, list(logical_lines(f.read()))))
    # Helpers that look at $status or $output check a run for the test.
    for path, lines in parsed:
        for kind, name, body in blocks(lines):
            if kind == "func" and any(LOOKS.search(t) for _, t in body):
                lookers.add(name)
    for path, lines in parsed:
        for kind, name, body in blocks(lines):
            if kind == "func":
                check_function(path, name, body, problems)
            else:
                check_test(path, body, problems, lookers)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
