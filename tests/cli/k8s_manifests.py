#!/usr/bin/env python3
"""Checks the structure of packaging/kubernetes/*.yaml and writes out what t_kubernetes.sh runs.

usage: k8s_manifests.py DIR OUTDIR

Prints TAP-like 'ok - ...' / 'not ok - ...' lines for the structure, and writes to OUTDIR:
profile.yaml (the ConfigMap's profile), apply.cmd and rollback.cmd (the init container's and the
Job's command, one argument a line), verify.sh (the main container's script), ready.cmd and
alive.cmd (the probes' commands, one argument a line) and env (the main container's env as
NAME=VALUE lines). Exit 0 when it could read everything (the lines say what failed), 2 if not.
"""
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
    for c in inits + mains:
        check_privileged_container(c, c["name"], vols)
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
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    d, out = sys.argv[1], sys.argv[2]
    ns = load(d, "namespace.yaml")
    cm = load(d, "configmap.yaml")
    ds = load(d, "daemonset.yaml")
    j = load(d, "rollback-job.yaml")
    k = load(d, "kustomization.yaml")
    check(ns["kind"] == "Namespace" and ns["metadata"]["name"] == cm["metadata"]["namespace"], "the namespace is the ConfigMap's")
    check(ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "privileged",
          "the namespace lets Pod Security admit privileged pods")
    check(cm["kind"] == "ConfigMap" and cm["apiVersion"] == "v1", "configmap.yaml: a v1 ConfigMap")
    with open(os.path.join(out, "profile.yaml"), "w") as f:
        f.write(cm["data"]["profile.yaml"])
    image = daemonset(ds, cm, out)
    job(j, image, out)
    check(j["metadata"]["namespace"] == ns["metadata"]["name"], "Job: in the namespace")
    res = k.get("resources", [])
    check(sorted(res) == ["configmap.yaml", "daemonset.yaml", "namespace.yaml"], "kustomization: the three resources")
    check(all(os.path.exists(os.path.join(d, r)) for r in res), "kustomization: its files exist")
    name = image.rsplit(":", 1)[0]
    check([i.get("name") for i in k.get("images", [])] == [name], "kustomization: sets the DaemonSet's image")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (KeyError, TypeError, IndexError, yaml.YAMLError) as e:
        print(f"not ok - manifests: {type(e).__name__}: {e}")
        sys.exit(2)
