#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the structure of packaging/kubernetes/*.yaml and writes out what t_kubernetes.sh runs.

usage: k8s_manifests.py DIR OUTDIR
       k8s_manifests.py --render DIR OUTFILE

Prints TAP-like 'ok - ...' / 'not ok - ...' lines for the structure, and writes to OUTDIR:
rendered.yaml (what `kubectl kustomize DIR` gives, rendered here: see render()), profile.yaml
(the generated ConfigMap's profile), apply.cmd and rollback.cmd (the init container's and the
Job's command, one argument a line), verify.sh (the main container's script), ready.cmd and
alive.cmd (the probes' commands, one argument a line) and env (the main container's env as
NAME=VALUE lines). Exit 0 when it could read everything (the lines say what failed), 2 if not.
"""
import copy
import hashlib
import json
import os
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3 has no yaml module; install python3-yaml")
    sys.exit(77)

failed = 0


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1


def load(d, name):
    with open(os.path.join(d, name)) as f:
        docs = [x for x in yaml.safe_load_all(f) if x is not None]
    check(len(docs) == 1, f"{name}: one document")
    return docs[0]


def generated_configmap(d, k):
    """The ConfigMap kustomize's configMapGenerator makes of the kustomization's one generator.

    Its name gets kustomize's content hash: the SHA-256 of the JSON (Go's encoding: sorted keys,
    no spaces, <, > and & escaped) of {"data", "kind", "name"}, whose first ten hex digits are
    kept with 0, 1, 3, a, e mapped to g, h, k, m, t. kustomize 5.5 (kubectl 1.32) hashes an empty
    name (its lookup of metadata/name finds nothing), and so does this; where kubectl or kustomize
    is installed, t_kubernetes.sh compares this rendering with theirs."""
    gens = k.get("configMapGenerator", [])
    check(len(gens) == 1, "kustomization: one configMapGenerator")
    g = gens[0]
    data = {}
    for f in g.get("files", []):
        key, _, path = f.partition("=") if "=" in f else (os.path.basename(f), "", f)
        with open(os.path.join(d, path), encoding="utf-8") as fh:
            data[key] = fh.read()
    enc = json.dumps({"data": data, "kind": "ConfigMap", "name": ""}, sort_keys=True,
                     separators=(",", ":"), ensure_ascii=False)
    enc = enc.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(enc.encode("utf-8")).hexdigest()[:10].translate(str.maketrans("013ae", "ghkmt"))
    meta = {"name": g["name"] + "-" + digest}
    if g.get("namespace"):
        meta["namespace"] = g["namespace"]
    labels = g.get("options", {}).get("labels")
    if labels:
        meta["labels"] = dict(labels)
    return g["name"], {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def render(d):
    """The objects `kubectl kustomize d` prints: the resources, the generated ConfigMap, its new
    name in every configMap volume that named the generator, the images' new tags."""
    k = load(d, "kustomization.yaml")
    objs = [copy.deepcopy(load(d, r)) for r in k.get("resources", [])]
    base, cm = generated_configmap(d, k)
    tags = {i["name"]: i.get("newTag") for i in k.get("images", [])}
    for o in objs:
        pod = o.get("spec", {}).get("template", {}).get("spec", {})
        for v in pod.get("volumes", []):
            if v.get("configMap", {}).get("name") == base:
                v["configMap"]["name"] = cm["metadata"]["name"]
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            name = c.get("image", "").rsplit(":", 1)[0]
            if name in tags and tags[name]:
                c["image"] = name + ":" + tags[name]
    return objs + [cm]


NAME = {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63}
META = {"type": "object", "required": ["name"], "properties": {
    "name": NAME, "namespace": NAME,
    "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}
CONTAINER = {"type": "object", "required": ["name", "image"], "properties": {
    "name": NAME, "image": {"type": "string", "pattern": "^[^:]+:[A-Za-z0-9_][A-Za-z0-9_.-]*$"},
    "command": {"type": "array", "items": {"type": "string"}},
    "args": {"type": "array", "items": {"type": "string"}}}}
# The parts of the Kubernetes API schema (core/v1, apps/v1) these objects use, as JSON Schema.
SCHEMA = {"oneOf": [
    {"type": "object", "required": ["apiVersion", "kind", "metadata"],
     "properties": {"apiVersion": {"const": "v1"}, "kind": {"const": "Namespace"}, "metadata": META}},
    {"type": "object", "required": ["apiVersion", "kind", "metadata", "data"],
     "properties": {"apiVersion": {"const": "v1"}, "kind": {"const": "ConfigMap"}, "metadata": META,
                    "data": {"type": "object", "additionalProperties": {"type": "string"}}}},
    {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
     "properties": {"apiVersion": {"const": "apps/v1"}, "kind": {"const": "DaemonSet"}, "metadata": META,
                    "spec": {"type": "object", "required": ["selector", "template"], "properties": {
                        "selector": {"type": "object", "required": ["matchLabels"]},
                        "template": {"type": "object", "required": ["metadata", "spec"], "properties": {
                            "spec": {"type": "object", "required": ["containers"], "properties": {
                                "containers": {"type": "array", "minItems": 1, "items": CONTAINER},
                                "initContainers": {"type": "array", "items": CONTAINER},
                                "volumes": {"type": "array", "items": {"type": "object", "required": ["name"],
                                                                        "properties": {"name": NAME}}}}}}}}}}}]}


def check_rendered(objs):
    """A schema check of each rendered object, and the references between them."""
    try:
        import jsonschema
    except ImportError:
        print("# python3-jsonschema missing: the rendered objects' schema is not checked")
        jsonschema = None
    for o in objs:
        what = f"rendered {o.get('kind')} {o.get('metadata', {}).get('name')}"
        if jsonschema:
            try:
                jsonschema.validate(o, SCHEMA)
                check(True, f"{what}: valid against the API schema's parts")
            except jsonschema.ValidationError as e:
                check(False, f"{what}: {e.message}")
    cms = {o["metadata"]["name"] for o in objs if o["kind"] == "ConfigMap"}
    for o in objs:
        if o["kind"] != "DaemonSet":
            continue
        refs = [v["configMap"]["name"] for v in o["spec"]["template"]["spec"].get("volumes", []) if "configMap" in v]
        check(refs and all(r in cms for r in refs), f"rendered DaemonSet: its configMap volumes name rendered ConfigMaps ({refs})")


def mounts_of(c):
    return {m["name"]: m for m in c.get("volumeMounts", [])}


def check_privileged_container(c, where, volumes):
    sc = c.get("securityContext", {})
    check(sc.get("privileged") is True, f"{where}: privileged (a writable /proc/sys)")
    check(sc.get("readOnlyRootFilesystem") is True, f"{where}: read-only root filesystem")
    res = c.get("resources", {})
    check("requests" in res and "limits" in res, f"{where}: resource requests and limits")
    m = mounts_of(c)
    for path in ("/etc/sysctl.d", "/var/lib/twtune"):
        vol = [v for v in volumes if v.get("hostPath", {}).get("path") == path]
        check(len(vol) == 1 and vol[0]["name"] in m and m[vol[0]["name"]]["mountPath"] == path
              and not m[vol[0]["name"]].get("readOnly", False),
              f"{where}: the node's {path} mounted writable at {path}")


def check_reader_container(c, where, volumes):
    """A container that only reads (verify): unprivileged, every hostPath mount read-only."""
    sc = c.get("securityContext", {})
    check(not sc.get("privileged", False) and sc.get("allowPrivilegeEscalation") is False
          and sc.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: unprivileged, no capabilities")
    check(sc.get("readOnlyRootFilesystem") is True, f"{where}: read-only root filesystem")
    m = mounts_of(c)
    for v in volumes:
        if "hostPath" in v and v["name"] in m:
            check(m[v["name"]].get("readOnly") is True, f"{where}: the node's {v['hostPath']['path']} read-only")


def write_lines(out, name, lines):
    with open(os.path.join(out, name), "w") as f:
        f.write("".join(str(x) + "\n" for x in lines))


def daemonset(ds, cm, out):
    check(ds["kind"] == "DaemonSet" and ds["apiVersion"] == "apps/v1", "daemonset.yaml: an apps/v1 DaemonSet")
    spec = ds["spec"]
    pod = spec["template"]["spec"]
    sel = spec["selector"]["matchLabels"]
    labels = spec["template"]["metadata"]["labels"]
    check(all(labels.get(k) == v for k, v in sel.items()), "selector matches the pod template's labels")
    us = spec.get("updateStrategy", {})
    check(us.get("type") == "RollingUpdate" and us.get("rollingUpdate", {}).get("maxUnavailable") == 1,
          "RollingUpdate, one node at a time")
    check(pod.get("hostNetwork") is True, "hostNetwork: the node's network namespace")
    check(pod.get("hostIPC") is True, "hostIPC: the node's IPC keys")
    check(not pod.get("hostPID", False), "no hostPID (PID 1 in the host's network namespace is enough)")
    check({"operator": "Exists"} in pod.get("tolerations", []), "tolerates every taint: every node")
    check(pod.get("priorityClassName") == "system-node-critical", "system-node-critical")
    check(pod.get("automountServiceAccountToken") is False, "no API token")
    check(ds["metadata"]["namespace"] == cm["metadata"]["namespace"], "DaemonSet and ConfigMap in one namespace")
    vols = pod["volumes"]
    cmvol = [v for v in vols if v.get("configMap", {}).get("name") == cm["metadata"]["name"]]
    check(len(cmvol) == 1, "the ConfigMap is a volume")
    inits, mains = pod.get("initContainers", []), pod["containers"]
    check(len(inits) == 1 and len(mains) == 1, "one init container (apply), one container (verify)")
    images = {c["image"] for c in inits + mains}
    check(len(images) == 1, "one image for both")
    for c in inits:
        check_privileged_container(c, c["name"], vols)
    for c in mains:
        check_reader_container(c, c["name"], vols)
    for c in inits + mains:
        m = mounts_of(c)
        check(cmvol and cmvol[0]["name"] in m and m[cmvol[0]["name"]].get("readOnly") is True,
              f"{c['name']}: the profile mounted read-only")
    profile_path = os.path.join(mounts_of(inits[0])[cmvol[0]["name"]]["mountPath"], "profile.yaml")
    check(inits[0]["command"][-1] == profile_path, "apply reads the mounted profile")
    check("profile.yaml" in cm["data"], "the ConfigMap holds profile.yaml")
    write_lines(out, "apply.cmd", inits[0]["command"])
    main = mains[0]
    check(main["command"] == ["/bin/sh", "-c"] and len(main["args"]) == 1, "verify: a shell script")
    with open(os.path.join(out, "verify.sh"), "w") as f:
        f.write(main["args"][0])
    write_lines(out, "ready.cmd", main["readinessProbe"]["exec"]["command"])
    write_lines(out, "alive.cmd", main["livenessProbe"]["exec"]["command"])
    write_lines(out, "env", [f"{e['name']}={e['value']}" for e in main.get("env", [])])
    run_mount = [m for m in main["volumeMounts"] if m["mountPath"] == "/run/twtune"]
    check(len(run_mount) == 1, "verify: /run/twtune for its result")
    return images.pop()


def job(j, image, out):
    check(j["kind"] == "Job" and j["apiVersion"] == "batch/v1", "rollback-job.yaml: a batch/v1 Job")
    pod = j["spec"]["template"]["spec"]
    check(pod.get("nodeName") == "NODE_NAME" and "NODE_NAME" in j["metadata"]["name"], "Job: NODE_NAME to fill in")
    check(pod.get("hostNetwork") is True and pod.get("hostIPC") is True, "Job: the node's namespaces")
    check(pod.get("restartPolicy") == "Never" and j["spec"].get("backoffLimit") == 0, "Job: runs once")
    c = pod["containers"][0]
    check(c["image"] == image, "Job: the DaemonSet's image")
    check_privileged_container(c, "rollback", pod["volumes"])
    write_lines(out, "rollback.cmd", c["command"])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--render":
        with open(sys.argv[3], "w") as f:
            yaml.safe_dump_all(render(sys.argv[2]), f, sort_keys=True)
        return 1 if failed else 0
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    d, out = sys.argv[1], sys.argv[2]
    ns = load(d, "namespace.yaml")
    ds = load(d, "daemonset.yaml")
    j = load(d, "rollback-job.yaml")
    k = load(d, "kustomization.yaml")
    _, cm = generated_configmap(d, k)
    cm["metadata"]["name"] = k["configMapGenerator"][0]["name"]  # as the DaemonSet names it
    objs = render(d)
    check_rendered(objs)
    with open(os.path.join(out, "rendered.yaml"), "w") as f:
        yaml.safe_dump_all(objs, f, sort_keys=True)
    check(ns["kind"] == "Namespace" and ns["metadata"]["name"] == cm["metadata"]["namespace"], "the namespace is the ConfigMap's")
    check(cm["metadata"]["name"] != objs[-1]["metadata"]["name"], f"the ConfigMap's name carries its content hash ({objs[-1]['metadata']['name']})")
    check(ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "privileged",
          "the namespace lets Pod Security admit privileged pods")
    check(cm["kind"] == "ConfigMap" and cm["apiVersion"] == "v1", "the generated profile: a v1 ConfigMap")
    with open(os.path.join(out, "profile.yaml"), "w") as f:
        f.write(cm["data"]["profile.yaml"])
    image = daemonset(ds, cm, out)
    job(j, image, out)
    check(j["metadata"]["namespace"] == ns["metadata"]["name"], "Job: in the namespace")
    res = k.get("resources", [])
    check(sorted(res) == ["daemonset.yaml", "namespace.yaml"], "kustomization: the two resources (the profile is generated)")
    check(all(os.path.exists(os.path.join(d, r)) for r in res), "kustomization: its files exist")
    name = image.rsplit(":", 1)[0]
    check([i.get("name") for i in k.get("images", [])] == [name], "kustomization: sets the DaemonSet's image")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyError, TypeError, IndexError, OSError, yaml.YAMLError) as e:
        print(f"not ok - manifests: {type(e).__name__}: {e}")
        sys.exit(2)
