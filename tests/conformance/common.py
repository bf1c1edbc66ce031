"""What the conformance drivers share: the expect files' reader, the
helpers that compare a finding with an upstream error, and the Valgrind
prefix (check.py, k8s-check.py, oracle.py)."""

import os


def read_expect(path, lists):
    """An expect file as a dict: `key: value` lines, # comments; the keys
    in lists may repeat and give lists.  A line that is not `key: value`
    is an error, not a key without a value (a typo must not pass)."""
    e = {k: [] for k in lists}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                raise ValueError("%s: not a `key: value` line: %r" % (path, line))
            if key in lists:
                e[key].append(value)
            else:
                e[key] = value
    return e


def rule_of(entry):
    """The rule id an expect entry starts with (`RULE why ...`)."""
    return entry.split(" ", 1)[0]


def under(path, at):
    """Is the field path at or below at (a.b, a.b.c, a.b[0])?"""
    return path == at or path.startswith(at + ".") or path.startswith(at + "[")


# Under KATIB_VALGRIND=1 each run is checked for memory errors and leaks,
# as tests/lib/common.bash runs the plugin (exit 126 on an error).
VALGRIND = []
if os.environ.get("KATIB_VALGRIND"):
    VALGRIND = ["valgrind", "-q", "--error-exitcode=126", "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--suppressions=" + os.path.join(
                    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "valgrind.supp")]
