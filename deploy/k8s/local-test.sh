#!/bin/bash
# Tries deploy/k8s/sweep-job.yaml without a cluster: checks it against the Kubernetes API
# schema offline (kubernetes-validate, from PyPI, carries the schemas), then plays its pods
# on this machine in the order Kubernetes would run them — each shard pod with its own
# JOB_COMPLETION_INDEX, then the merge pod's wait and merge — with the shared volume as a
# folder, and checks that the merged report's CSVs and charts are byte-identical to the same
# sweep run unsharded.
#
#   deploy/k8s/local-test.sh            # from the repository root
set -euo pipefail

cd "$(dirname "$0")/../.."
MANIFEST=deploy/k8s/sweep-job.yaml
say() { printf '\n== %s\n' "$*"; }

say "checking $MANIFEST against the Kubernetes schema"
if ! command -v kubernetes-validate > /dev/null; then
    pip install -q kubernetes-validate
fi
kubernetes-validate --strict "$MANIFEST"

say "building ccsim"
cargo build --release --locked -q

say "playing the pods, the volume as a folder"
volume=$PWD/target/k8s-test
rm -rf "$volume"
mkdir -p "$volume/bin"
cp target/release/ccsim "$volume/bin/"
cp -r scenarios "$volume/"
python3 - "$MANIFEST" "$volume" <<'PY'
import os, subprocess, sys, yaml

manifest, volume = sys.argv[1], sys.argv[2]

def here(text):
    return text.replace("/work", volume)

def play(container, index=None):
    env = dict(os.environ)
    env.pop("SLURM_ARRAY_TASK_ID", None)
    if index is not None:
        env["JOB_COMPLETION_INDEX"] = str(index)
    argv = [here(a) for a in container.get("command", []) + container.get("args", [])]
    cwd = here(container["workingDir"]) if "workingDir" in container else volume
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    last = done.stdout.strip().splitlines()[-1:] or [""]
    print(f"  {container['name']}{'' if index is None else f' (index {index})'}: exit {done.returncode}: {last[0][:110]}")
    if done.returncode != 0:
        sys.exit(f"pod container {container['name']} failed")

for doc in yaml.safe_load_all(open(manifest)):
    if doc["kind"] != "Job":
        continue
    spec = doc["spec"]
    pod = spec["template"]["spec"]
    indexed = spec.get("completionMode") == "Indexed"
    print(f"job {doc['metadata']['name']}: {spec.get('completions', 1)} completion(s)")
    for i in range(spec.get("completions", 1)):
        for c in pod.get("initContainers", []) + pod["containers"]:
            play(c, i if indexed else None)
PY

say "the same sweep unsharded, for comparison"
shard_args=$(python3 -c "
import yaml, sys
job = [d for d in yaml.safe_load_all(open('$MANIFEST')) if d['metadata']['name'] == 'ccsim-sweep-shards'][0]
args = job['spec']['template']['spec']['containers'][0]['args']
skip = {'--shards', '--threads', '--out'}
out, i = [], 0
while i < len(args):
    if args[i] in skip: i += 2; continue
    out.append(args[i]); i += 1
print('\n'.join(out))")
mapfile -t whole_args <<< "$shard_args"
(cd "$volume" && bin/ccsim "${whole_args[@]}" --out whole 2> /dev/null | tail -1)

say "comparing"
exec deploy/same-report.sh "$volume/whole" "$volume/report"
