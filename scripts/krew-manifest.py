#!/usr/bin/env python3
"""The krew plugin manifest: fill in a release's values, and check one.

    krew-manifest.py fill TEMPLATE DISTDIR VERSION HOMEPAGE > MANIFEST
    krew-manifest.py check [--template] [--archive-dir DIR] MANIFEST

`fill` replaces the ${...} placeholders of TEMPLATE (krew-manifest.yaml)
with VERSION, HOMEPAGE and the sha256 of each platform's archive in
DISTDIR, and leaves out the platforms that have no archive there.

`check` applies krew's own manifest validation (what `krew install` and
krew-index's CI refuse: apiVersion, kind, a safe name, a short description
on one line, a v-prefixed semantic version, each platform's uri, a 64-digit
hex sha256, bin, files and an os/arch selector), krew-index's review rules
(a kebab-case name, https URIs, a homepage and a description), and ours (a
.tar.gz uri that names the version).  With --archive-dir, each platform's
archive must be there with that sha256 and hold every `files.from`, and
`bin` must be among the installed files.  --template accepts the
placeholders of the template, in the fields a release fills.

Python has no YAML parser in its standard library; the manifest is plain
block YAML, and load() reads that subset and refuses anything else.
"""
import fnmatch
import hashlib
import os
import re
import sys
import tarfile

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
SEMVER = re.compile(
    r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
SAFE_NAME = re.compile(r"^[\w-]+$")
KEBAB_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SHA256 = re.compile(r"^[a-f0-9]{64}$")
WINDOWS_FORBIDDEN = {"CON", "PRN", "AUX", "NUL"} | \
    {"COM%d" % i for i in range(1, 10)} | {"LPT%d" % i for i in range(1, 10)}
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
# What each placeholder may stand for, to check the template's fields
# with a value of the right form.
SAMPLES = {"VERSION": "v1.2.3", "HOMEPAGE": "https://example.invalid/katib"}
SAMPLE_SHA = "0" * 64
RELEASE_FIELDS = re.compile(
    r"^spec\.(version|homepage|caveats|platforms\[\d+\]\.(uri|sha256))$")


class ManifestError(Exception):
    pass


# ---- a loader for block-style YAML ----

def _scalar(text, where):
    text = text.strip()
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise ManifestError("%s: unterminated string" % where)
        return bytes(text[1:-1], "utf-8").decode("unicode_escape")
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise ManifestError("%s: unterminated string" % where)
        return text[1:-1].replace("''", "'")
    if text[:1] in "[{&*!|>%@`":
        raise ManifestError("%s: unsupported YAML: %s" % (where, text))
    return text


def _strip_comment(line):
    if line.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#", line)
    if m and "'" not in line[:m.start()] and '"' not in line[:m.start()]:
        return line[:m.start()].rstrip()
    return line.rstrip()


def load(text, name="manifest"):
    """Parses block mappings, block sequences, plain and quoted scalars
    and literal block scalars (|)."""
    lines = text.split("\n")
    pos = [0]

    def indent_of(s):
        return len(s) - len(s.lstrip(" "))

    def next_line():
        while pos[0] < len(lines):
            raw = lines[pos[0]]
            if "\t" in raw[:indent_of(raw) + 1] and raw.strip():
                raise ManifestError("%s:%d: tab in indentation" % (name, pos[0] + 1))
            s = _strip_comment(raw)
            if s.strip() and s.strip() != "---":
                return s
            pos[0] += 1
        return None

    def literal(parent_indent):
        out = []
        block_indent = None
        while pos[0] < len(lines):
            raw = lines[pos[0]]
            if raw.strip() == "":
                out.append("")
                pos[0] += 1
                continue
            ind = indent_of(raw)
            if ind <= parent_indent:
                break
            if block_indent is None:
                block_indent = ind
            if ind < block_indent:
                break
            out.append(raw[block_indent:])
            pos[0] += 1
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"

    def value_after(rest, ind, where):
        """The value of a key whose text after the colon is rest."""
        if rest == "|" or rest == "|-":
            pos[0] += 1
            v = literal(ind)
            return v.rstrip("\n") if rest == "|-" else v
        if rest:
            pos[0] += 1
            return _scalar(rest, where)
        pos[0] += 1
        nl = next_line()
        if nl is None or indent_of(nl) < ind or \
                (indent_of(nl) == ind and not nl.lstrip().startswith("- ")):
            return None
        return block(indent_of(nl))

    def mapping(ind, first=None):
        m = {}
        while True:
            if first is not None:
                s, first = first, None
            else:
                s = next_line()
                if s is None or indent_of(s) != ind or s.lstrip().startswith("- "):
                    if s is not None and indent_of(s) > ind:
                        raise ManifestError("%s:%d: bad indentation" % (name, pos[0] + 1))
                    return m
            where = "%s:%d" % (name, pos[0] + 1)
            body = s[ind:]
            mm = re.match(r"^([A-Za-z0-9_.-]+|\"[^\"]*\"):(?: (.*))?$", body)
            if not mm:
                raise ManifestError("%s: not a key: value line: %s" % (where, body))
            key = mm.group(1).strip('"')
            if key in m:
                raise ManifestError("%s: repeated key '%s'" % (where, key))
            m[key] = value_after((mm.group(2) or "").strip(), ind, where)

    def sequence(ind):
        seq = []
        while True:
            s = next_line()
            if s is None or indent_of(s) != ind or not s.lstrip().startswith("- "):
                return seq
            item = s[ind + 2:]
            item_ind = ind + 2 + indent_of(item)
            if re.match(r"^[A-Za-z0-9_.\"-]+:( |$)", item.lstrip()):
                seq.append(mapping(item_ind, first=" " * item_ind + item.lstrip()))
            else:
                pos[0] += 1
                seq.append(_scalar(item, "%s:%d" % (name, pos[0])))

    def block(ind):
        s = next_line()
        if s.lstrip().startswith("- "):
            return sequence(ind)
        return mapping(ind)

    first = next_line()
    if first is None:
        raise ManifestError("%s: empty" % name)
    doc = block(indent_of(first))
    if next_line() is not None:
        raise ManifestError("%s:%d: unexpected text" % (name, pos[0] + 1))
    return doc


# ---- checks ----

def _get(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def archive_members(path):
    with tarfile.open(path, "r:gz") as t:
        return [m.name[2:] if m.name.startswith("./") else m.name
                for m in t.getmembers() if m.isfile()]


def installed_name(frm, to, member):
    """Where krew puts member, copied by the file operation from -> to."""
    base = os.path.basename(member)
    if to in (".", "./", ""):
        return base
    return to if not any(c in frm for c in "*?[") else os.path.join(to, base)


def check(m, template=False, archive_dir=None, expect_name=None):
    errors = []

    def err(msg):
        errors.append(msg)

    def walk(node, path):
        """Placeholders stand only where the template lets a release fill."""
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, "%s.%s" % (path, k) if path else k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, "%s[%d]" % (path, i))
        elif isinstance(node, str) and PLACEHOLDER.search(node):
            if not template:
                err("%s: unfilled placeholder in %r" % (path, node))
            elif not RELEASE_FIELDS.match(path):
                err("%s: a placeholder where the value is known before release"
                    % path)
            for n in PLACEHOLDER.findall(node):
                if n not in SAMPLES and not n.startswith("SHA256_"):
                    err("%s: unknown placeholder ${%s}" % (path, n))

    def value(path, s):
        """s with the template's placeholders replaced by sample values."""
        if not template or not isinstance(s, str):
            return s
        return PLACEHOLDER.sub(lambda mo: SAMPLES.get(mo.group(1), SAMPLE_SHA), s)

    walk(m, "")
    if not isinstance(m, dict):
        return ["the manifest is not a mapping"]
    for key in m:
        if key not in ("apiVersion", "kind", "metadata", "spec"):
            err("unknown top-level field '%s'" % key)
    if m.get("apiVersion") != API_VERSION:
        err("apiVersion is %r, krew reads %s" % (m.get("apiVersion"), API_VERSION))
    if m.get("kind") != "Plugin":
        err("kind is %r, krew reads Plugin" % m.get("kind"))
    name = _get(m, "metadata.name")
    if not isinstance(name, str) or not SAFE_NAME.match(name) or \
            name.upper() in WINDOWS_FORBIDDEN:
        err("metadata.name %r is not a safe plugin name (^[\\w-]+$)" % name)
    elif not KEBAB_NAME.match(name):
        err("metadata.name %r: krew-index wants lowercase words joined by '-'" % name)
    if expect_name and name != expect_name:
        err("metadata.name is %r, the plugin is %r" % (name, expect_name))
    spec = m.get("spec")
    if not isinstance(spec, dict):
        return errors + ["spec is missing"]
    known = {"version", "homepage", "shortDescription", "description",
             "caveats", "platforms"}
    for key in spec:
        if key not in known:
            err("unknown field spec.%s" % key)
    version = value("spec.version", spec.get("version"))
    if not isinstance(version, str) or not version:
        err("spec.version is missing")
        version = None
    elif not SEMVER.match(version):
        err("spec.version %r is not a semantic version with a 'v' prefix" % version)
    homepage = value("spec.homepage", spec.get("homepage"))
    if not isinstance(homepage, str) or not homepage.startswith("https://"):
        err("spec.homepage %r is not an https URL" % homepage)
    short = spec.get("shortDescription")
    if not isinstance(short, str) or not short.strip():
        err("spec.shortDescription is missing")
    elif "\n" in short or "\r" in short:
        err("spec.shortDescription has a line break")
    for key in ("description", "caveats"):
        v = value("spec." + key, spec.get(key))
        if not isinstance(v, str) or not v.strip():
            err("spec.%s is missing" % key)
    platforms = spec.get("platforms")
    if not isinstance(platforms, list) or not platforms:
        return errors + ["spec.platforms: no platform"]
    seen = set()
    for i, p in enumerate(platforms):
        where = "spec.platforms[%d]" % i
        if not isinstance(p, dict):
            err("%s is not a mapping" % where)
            continue
        for key in p:
            if key not in ("selector", "uri", "sha256", "bin", "files"):
                err("unknown field %s.%s" % (where, key))
        labels = _get(p, "selector.matchLabels")
        if not isinstance(p.get("selector"), dict) or not p["selector"]:
            err("%s.selector is missing" % where)
        elif not isinstance(labels, dict) or not labels:
            err("%s.selector.matchLabels is empty" % where)
        else:
            for key in p["selector"]:
                if key != "matchLabels":
                    err("%s.selector.%s: we select with matchLabels" % (where, key))
            for key in labels:
                if key not in ("os", "arch"):
                    err("%s.selector: key %r not supported" % (where, key))
            osarch = (labels.get("os"), labels.get("arch"))
            if osarch in seen:
                err("%s: a second platform for %s/%s" % ((where,) + osarch))
            seen.add(osarch)
        uri = value(where + ".uri", p.get("uri"))
        sha = value(where + ".sha256", p.get("sha256"))
        if not isinstance(uri, str) or not uri:
            err("%s.uri has to be set" % where)
        else:
            if not uri.startswith("https://"):
                err("%s.uri %r is not https" % (where, uri))
            if not uri.endswith(".tar.gz"):
                err("%s.uri %r is not a .tar.gz" % (where, uri))
            if version and version not in os.path.basename(uri):
                err("%s.uri %r does not name version %s" % (where, uri, version))
        if not isinstance(sha, str) or not SHA256.match(sha):
            err("%s.sha256 %r is not 64 lowercase hex digits" % (where, sha))
        bin_ = p.get("bin")
        if not isinstance(bin_, str) or not bin_:
            err("%s.bin has to be set" % where)
        elif bin_.startswith("/") or ".." in bin_.split("/"):
            err("%s.bin %r is outside the plugin's directory" % (where, bin_))
        files = p.get("files")
        if files is not None:
            if not isinstance(files, list) or not files:
                err("%s.files has to be unspecified or non-empty" % where)
                files = []
            for j, f in enumerate(files):
                if not isinstance(f, dict) or not f.get("from") or not f.get("to"):
                    err("%s.files[%d] needs from and to" % (where, j))
        if archive_dir and isinstance(uri, str) and isinstance(sha, str):
            errors.extend(check_archive(where, archive_dir, uri, sha, bin_, files))
    return errors


def check_archive(where, archive_dir, uri, sha, bin_, files):
    errors = []
    path = os.path.join(archive_dir, os.path.basename(uri))
    if not os.path.isfile(path):
        return ["%s: no archive %s" % (where, path)]
    with open(path, "rb") as fp:
        actual = hashlib.sha256(fp.read()).hexdigest()
    if actual != sha:
        errors.append("%s.sha256 is %s, %s has %s" % (where, sha, path, actual))
    members = archive_members(path)
    installed = set(members) if files is None else set()
    for f in files or []:
        hits = [n for n in members if fnmatch.fnmatchcase(n, f["from"])]
        if not hits:
            errors.append("%s: files.from %r is not in %s" % (where, f["from"], path))
        installed.update(installed_name(f["from"], f["to"], n) for n in hits)
    if bin_ and bin_ not in installed:
        errors.append("%s.bin %r is not among the installed files %s"
                      % (where, bin_, sorted(installed)))
    return errors


# ---- fill ----

def fill(template, dist_dir, version, homepage):
    """The template with the release's values, keeping only the platforms
    whose archive is in dist_dir."""
    head, sep, rest = template.partition("\n  platforms:\n")
    if not sep:
        raise ManifestError("the template has no '  platforms:' block")
    items, cur = [], None
    for line in rest.splitlines(keepends=True):
        if line.startswith("  - "):
            cur = [line]
            items.append(cur)
        elif cur is not None and (line.startswith("    ") or not line.strip()):
            cur.append(line)
        else:
            raise ManifestError("unexpected line after platforms: %r" % line)
    kept = []
    for item in items:
        text = "".join(item)
        text = text.replace("${VERSION}", version).replace("${HOMEPAGE}", homepage)
        uri = re.search(r"^    uri: (.*)$", text, re.M)
        if not uri:
            raise ManifestError("a platform without uri")
        archive = os.path.join(dist_dir, os.path.basename(uri.group(1).strip()))
        if not os.path.isfile(archive):
            continue
        with open(archive, "rb") as fp:
            digest = hashlib.sha256(fp.read()).hexdigest()
        kept.append(PLACEHOLDER.sub(
            lambda mo: digest if mo.group(1).startswith("SHA256_") else mo.group(0),
            text))
    if not kept:
        raise ManifestError("no archive of any platform in %s" % dist_dir)
    head = head.replace("${VERSION}", version).replace("${HOMEPAGE}", homepage)
    body = head.split("\napiVersion:", 1)
    if len(body) != 2:
        raise ManifestError("the template does not start with comments and apiVersion")
    return ("# Written by `make dist` from krew-manifest.yaml for the archives\n"
            "# beside it; submit it to krew-index as plugins/katib.yaml.\n"
            "apiVersion:" + body[1] + sep + "".join(kept))


def main(argv):
    if len(argv) == 6 and argv[1] == "fill":
        with open(argv[2]) as fp:
            sys.stdout.write(fill(fp.read(), argv[3], argv[4], argv[5]))
        return 0
    if len(argv) >= 3 and argv[1] == "check":
        args = argv[2:]
        template = "--template" in args
        archive_dir = None
        if "--archive-dir" in args:
            archive_dir = args[args.index("--archive-dir") + 1]
            args.remove(archive_dir)
        files = [a for a in args if not a.startswith("--")]
        if len(files) != 1:
            print(__doc__, file=sys.stderr)
            return 2
        with open(files[0]) as fp:
            doc = load(fp.read(), files[0])
        errors = check(doc, template=template, archive_dir=archive_dir,
                       expect_name="katib")
        for e in errors:
            print("%s: %s" % (files[0], e))
        return 1 if errors else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ManifestError, OSError, tarfile.TarError) as e:
        print("krew-manifest: %s" % e, file=sys.stderr)
        sys.exit(1)
