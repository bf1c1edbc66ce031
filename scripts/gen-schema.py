#!/usr/bin/env python3
"""Generate src/schema-data.c from Katib's OpenAPI document.

Usage: scripts/gen-schema.py path/to/katib-swagger.json > src/schema-data.c

The document holds Katib's v1beta1 types and the core/v1 and meta/v1 types
they use.  It lacks batch/v1, so the Job and JobSpec fields (Kubernetes
v1.34, the version Katib's webhook is built against) are listed below by
hand.  Only types reachable from the roots are emitted.  Descriptions are
kept for Katib's own types and ObjectMeta (what `explain` shows); the
core/v1 ones would only make the binary larger.
"""
import json
import sys

ROOTS = [
    "v1beta1.Experiment",
    ".v1beta1.Trial",
    ".v1beta1.Suggestion",
    "io.k8s.api.core.v1.PodTemplateSpec",
    "batch.v1.Job",
]

# batch/v1, from k8s.io/api/batch/v1/types.go (v0.34).
EXTRA = {
    "batch.v1.Job": {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"$ref": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
            "spec": {"$ref": "batch.v1.JobSpec"},
            "status": {"x-any": True},
        },
    },
    "batch.v1.JobSpec": {
        "type": "object",
        "properties": {
            "activeDeadlineSeconds": {"type": "integer", "format": "int64"},
            "backoffLimit": {"type": "integer", "format": "int32"},
            "backoffLimitPerIndex": {"type": "integer", "format": "int32"},
            "completionMode": {"type": "string"},
            "completions": {"type": "integer", "format": "int32"},
            "managedBy": {"type": "string"},
            "manualSelector": {"type": "boolean"},
            "maxFailedIndexes": {"type": "integer", "format": "int32"},
            "parallelism": {"type": "integer", "format": "int32"},
            "podFailurePolicy": {"$ref": "batch.v1.PodFailurePolicy"},
            "podReplacementPolicy": {"type": "string"},
            "selector": {"$ref": "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"},
            "successPolicy": {"$ref": "batch.v1.SuccessPolicy"},
            "suspend": {"type": "boolean"},
            "template": {"$ref": "io.k8s.api.core.v1.PodTemplateSpec"},
            "ttlSecondsAfterFinished": {"type": "integer", "format": "int32"},
        },
    },
    "batch.v1.PodFailurePolicy": {
        "type": "object",
        "properties": {
            "rules": {"type": "array",
                      "items": {"$ref": "batch.v1.PodFailurePolicyRule"}},
        },
    },
    "batch.v1.PodFailurePolicyRule": {
        "type": "object",
        "properties": {
            "action": {"type": "string"},
            "onExitCodes": {"$ref": "batch.v1.PodFailurePolicyOnExitCodesRequirement"},
            "onPodConditions": {
                "type": "array",
                "items": {"$ref": "batch.v1.PodFailurePolicyOnPodConditionsPattern"}},
        },
    },
    "batch.v1.PodFailurePolicyOnExitCodesRequirement": {
        "type": "object",
        "properties": {
            "containerName": {"type": "string"},
            "operator": {"type": "string"},
            "values": {"type": "array",
                       "items": {"type": "integer", "format": "int32"}},
        },
    },
    "batch.v1.PodFailurePolicyOnPodConditionsPattern": {
        "type": "object",
        "properties": {
            "status": {"type": "string"},
            "type": {"type": "string"},
        },
    },
    "batch.v1.SuccessPolicy": {
        "type": "object",
        "properties": {
            "rules": {"type": "array",
                      "items": {"$ref": "batch.v1.SuccessPolicyRule"}},
        },
    },
    "batch.v1.SuccessPolicyRule": {
        "type": "object",
        "properties": {
            "succeededCount": {"type": "integer", "format": "int32"},
            "succeededIndexes": {"type": "string"},
        },
    },
}

SPECIAL = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "SCHEMA_INT_OR_STRING",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "SCHEMA_QUANTITY",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "SCHEMA_STRING",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "SCHEMA_STRING",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Duration": "SCHEMA_STRING",
    "io.k8s.apimachinery.pkg.apis.meta.v1.unstructured.Unstructured": "SCHEMA_ANY",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "SCHEMA_ANY",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "SCHEMA_ANY",
}


def ref_name(prop):
    if "$ref" in prop:
        return prop["$ref"].split("/")[-1]
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in prop.get(key, []):
            if "$ref" in sub:
                return sub["$ref"].split("/")[-1]
    return None


def c_ident(name):
    return "t_" + "".join(c if c.isalnum() else "_" for c in name).strip("_")


def c_str(s):
    if s is None:
        return "NULL"
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    out = out.replace("\t", "\\t").replace("??", "?\\?")
    return '"' + out + '"'


def go_name(name):
    return name.split(".")[-1]


def keep_doc(name):
    return "v1beta1." in name or name.endswith("meta.v1.ObjectMeta")


class Gen:
    def __init__(self, schemas):
        self.schemas = dict(schemas)
        self.schemas.update(EXTRA)
        self.types = {}      # C identifier -> emitted text
        self.order = []
        self.anon = 0

    def named(self, name):
        ident = c_ident(name)
        if ident in self.types:
            return ident
        self.types[ident] = None
        if name in SPECIAL:
            body = self.leaf(name, SPECIAL[name], None)
        else:
            schema = self.schemas[name]
            body = self.type_body(ident, go_name(name), schema,
                                  keep_doc(name))
        self.types[ident] = body
        self.order.append(ident)
        return ident

    def leaf(self, name, kind, doc):
        return '{ %s, %s, NULL, 0, NULL, %s }' % (c_str(go_name(name)), kind,
                                                 c_str(doc))

    def inline(self, prop, goname, keep):
        """The C identifier for an anonymous or referenced property type."""
        ref = ref_name(prop)
        if ref:
            return self.named(ref)
        if prop.get("x-any"):
            return self.anon_type('{ "interface {}", SCHEMA_ANY, NULL, 0, NULL, NULL }')
        t = prop.get("type")
        fmt = prop.get("format")
        if t == "string":
            kind = "SCHEMA_STRING"
            gtype = "string"
            if fmt == "int-or-string":
                kind, gtype = "SCHEMA_INT_OR_STRING", "intstr.IntOrString"
        elif t == "integer":
            kind = "SCHEMA_INT64" if fmt == "int64" else "SCHEMA_INT32"
            gtype = "int64" if fmt == "int64" else "int32"
        elif t == "number":
            kind, gtype = "SCHEMA_NUMBER", "float64"
        elif t == "boolean":
            kind, gtype = "SCHEMA_BOOL", "bool"
        elif t == "array":
            elem = self.inline(prop.get("items", {}), goname, keep)
            return self.anon_type('{ "[]", SCHEMA_ARRAY, NULL, 0, &%s, NULL }' % elem)
        elif t == "object" and "additionalProperties" in prop:
            elem = self.inline(prop["additionalProperties"], goname, keep)
            return self.anon_type('{ "map", SCHEMA_MAP, NULL, 0, &%s, NULL }' % elem)
        elif t == "object" and "properties" in prop:
            self.anon += 1
            ident = "t_anon_%d" % self.anon
            self.types[ident] = None
            self.types[ident] = self.type_body(ident, goname, prop, keep)
            self.order.append(ident)
            return ident
        else:
            kind, gtype = "SCHEMA_ANY", "interface {}"
        return self.anon_type('{ "%s", %s, NULL, 0, NULL, NULL }' % (gtype, kind))

    def anon_type(self, body):
        for ident, text in self.types.items():
            if text == body and ident.startswith("t_anon"):
                return ident
        self.anon += 1
        ident = "t_anon_%d" % self.anon
        self.types[ident] = body
        self.order.append(ident)
        return ident

    def type_body(self, ident, goname, schema, keep):
        props = schema.get("properties", {})
        if schema.get("type") != "object" and not props:
            return self.leaf(goname, "SCHEMA_ANY", None)
        fields = []
        for fname in sorted(props):
            prop = props[fname]
            ftype = self.inline(prop, goname, keep)
            doc = prop.get("description") if keep else None
            fields.append("\t{ %s, %d, '%s', &%s, %s }," % (c_str(fname), len(fname.encode()),
                                                          fname[0], ftype, c_str(doc)))
        farr = "f_" + ident[2:]
        self.fields_text = getattr(self, "fields_text", [])
        self.fields_text.append("static const struct schema_field %s[] = {\n%s\n};\n"
                                % (farr, "\n".join(fields) if fields else "\t{ NULL, 0, 0, NULL, NULL },"))
        doc = schema.get("description") if keep else None
        return '{ %s, SCHEMA_OBJECT, %s, %d, NULL, %s }' % (
            c_str(goname), farr, len(fields), c_str(doc))


def main():
    with open(sys.argv[1]) as fp:
        spec = json.load(fp)
    g = Gen(spec["components"]["schemas"])
    roots = [g.named(r) for r in ROOTS]
    out = sys.stdout
    out.write("/* Generated by scripts/gen-schema.py from Katib's OpenAPI "
              "document; do not edit. */\n")
    out.write('#include "compat.h"\n#include "schema.h"\n\n')
    for ident in g.order:
        out.write("static const struct schema_type %s;\n" % ident)
    out.write("\n")
    for text in getattr(g, "fields_text", []):
        out.write(text)
        out.write("\n")
    for ident in g.order:
        out.write("static const struct schema_type %s = %s;\n" % (ident, g.types[ident]))
    out.write("\n")
    names = {
        "v1beta1.Experiment": "schema_experiment",
        ".v1beta1.Trial": "schema_trial",
        ".v1beta1.Suggestion": "schema_suggestion",
        "io.k8s.api.core.v1.PodTemplateSpec": "schema_pod_template_spec",
        "batch.v1.Job": "schema_batch_job",
    }
    for root, ident in zip(ROOTS, roots):
        out.write("const struct schema_type *const %s = &%s;\n" % (names[root], ident))


if __name__ == "__main__":
    main()
