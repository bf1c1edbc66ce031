#!/usr/bin/python3
"""Reads a recorded cluster through the replay server with Kubernetes'
own Python client (python3-kubernetes, on which Katib's SDK is built),
and checks that it sees what the recording holds: every Experiment,
Trial and pod listed, got, watched, and every container's log read.

Usage: kube-python-client.py KUBECONFIG CLUSTER_DIR
Prints one line of counts; exits 1 naming the first difference.
"""
import os
import sys

import yaml
from kubernetes import client, config, watch

GROUP, VERSION = "kubeflow.org", "v1beta1"


def recorded(cluster):
    """The recording's objects, as the replay server reads them."""
    objs = []
    for root, dirs, files in os.walk(cluster):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "logs"
                         and not (root == cluster and d == "timeline"))
        for f in sorted(files):
            if f.startswith(".") or not f.endswith((".yaml", ".yml", ".json")):
                continue
            with open(os.path.join(root, f)) as fp:
                for doc in yaml.safe_load_all(fp):
                    if not isinstance(doc, dict):
                        continue
                    if doc.get("kind", "").endswith("List") and "items" in doc:
                        objs.extend(i for i in doc["items"] if isinstance(i, dict))
                    elif doc.get("kind") != "AdmissionReview":
                        objs.append(doc)
    return objs


def key(o):
    m = o.get("metadata", {})
    return (m.get("namespace", "default"), m["name"])


def expect(what, got, want):
    if got != want:
        sys.exit(f"{what}: the client saw {got}, the recording holds {want}")


def main():
    kubeconfig, cluster = sys.argv[1:3]
    objs = recorded(cluster)
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    custom = client.CustomObjectsApi()
    counts = []
    for plural, kind in (("experiments", "Experiment"), ("trials", "Trial")):
        want = sorted(key(o) for o in objs
                      if o.get("kind") == kind and o.get("apiVersion") == f"{GROUP}/{VERSION}")
        items = custom.list_cluster_custom_object(GROUP, VERSION, plural)["items"]
        expect(f"list {plural}", sorted(key(o) for o in items), want)
        for ns, name in want:
            got = custom.get_namespaced_custom_object(GROUP, VERSION, ns, plural, name)
            expect(f"get {plural} {ns}/{name}", key(got), (ns, name))
        for ns in sorted({ns for ns, _ in want}):
            seen = [(e["type"], key(e["object"])) for e in watch.Watch().stream(
                custom.list_namespaced_custom_object, GROUP, VERSION, ns, plural,
                timeout_seconds=1)]
            expect(f"watch {plural} in {ns}", sorted(seen),
                   sorted(("ADDED", k) for k in want if k[0] == ns))
        counts.append(f"{len(want)} {plural}")
    pods = [o for o in objs if o.get("kind") == "Pod" and o.get("apiVersion") == "v1"]
    want = sorted(key(o) for o in pods)
    # The typed client: a pod that lacks a required field fails to load.
    listed = core.list_pod_for_all_namespaces()
    expect("list pods", sorted((p.metadata.namespace, p.metadata.name) for p in listed.items), want)
    seen = [(e["type"], (e["object"].metadata.namespace, e["object"].metadata.name))
            for e in watch.Watch().stream(core.list_pod_for_all_namespaces, timeout_seconds=1)]
    expect("watch pods", sorted(seen), sorted(("ADDED", k) for k in want))
    logs = 0
    for o in pods:
        ns, name = key(o)
        p = core.read_namespaced_pod(name, ns)
        expect(f"get pod {ns}/{name}", (p.metadata.namespace, p.metadata.name), (ns, name))
        for c in o.get("spec", {}).get("containers", []):
            path = os.path.join(cluster, "logs", ns, name, c["name"] + ".log")
            want_log = open(path).read() if os.path.exists(path) else ""
            got = core.read_namespaced_pod_log(name, ns, container=c["name"])
            expect(f"log of {ns}/{name}/{c['name']}", got, want_log)
            logs += 1
    counts.append(f"{len(pods)} pods, {logs} logs")
    print(", ".join(counts))


if __name__ == "__main__":
    main()
