#!/bin/bash
# Tries deploy/slurm/sweep.sbatch on a real Slurm: configures a one-node cluster on this
# machine (Debian's slurm-wlm and munge, as root), submits the sweep's job array and its
# merge, waits for them, and checks that every CSV and chart of the merged report is
# byte-identical to the same sweep run unsharded. Stops the cluster it started when done.
#
#   sudo deploy/slurm/local-test.sh            # from the repository root
#
# Settings: SHARDS (default 8), REPLICATIONS (default 40), KEEP=1 leaves the cluster up.
set -euo pipefail

cd "$(dirname "$0")/../.."
SHARDS=${SHARDS:-8}
REPLICATIONS=${REPLICATIONS:-40}
SCENARIO=scenarios/erlang-a.toml
SWEEP="--set agents.support.count=4,5,6 --set customers.patience.mean=2m,5m"
WORK=$PWD/target/slurm-test
say() { printf '\n== %s\n' "$*"; }

if [[ $(id -u) != 0 ]]; then
    echo "local-test.sh configures Slurm and munge system-wide: run it as root" >&2
    exit 2
fi
if ! command -v slurmctld > /dev/null || ! command -v munged > /dev/null; then
    say "installing slurm-wlm and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null
fi

say "building ccsim"
cargo build --release --locked -q
CCSIM=$PWD/target/release/ccsim

say "configuring a one-node cluster"
node=$(hostname -s)
# The node as slurmd sees it (sockets, cores, memory), less room for the daemons.
seen=$(slurmd -C | head -1)
hardware="${seen% RealMemory=*} RealMemory=$(( ${seen##*RealMemory=} - 512 ))"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
cat > /etc/slurm/slurm.conf <<CONF
# Written by ccsim's deploy/slurm/local-test.sh: one node, everything as root, no cgroups.
ClusterName=ccsim-test
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
$hardware State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key /run/munge
chmod 400 /etc/munge/munge.key
pgrep -x munged > /dev/null || runuser -u munge -- munged
pkill -x slurmctld || true
pkill -x slurmd || true
sleep 1
slurmctld -c
slurmd -c
stop() {
    if [[ ${KEEP:-0} != 1 ]]; then
        scontrol shutdown > /dev/null 2>&1 || true
    fi
}
trap stop EXIT
for _ in $(seq 60); do
    sinfo -h -o '%T' 2> /dev/null | grep -qx idle && break
    sleep 1
done
sinfo

say "the sweep unsharded, for comparison"
whole=$WORK/whole
rm -rf "$WORK"
mkdir -p "$WORK"
# shellcheck disable=SC2086  # SWEEP is a list of options
"$CCSIM" sweep "$SCENARIO" $SWEEP -r "$REPLICATIONS" --out "$whole" 2> /dev/null | tail -1

say "submitting $SHARDS shards and the merge"
submitted=$(SCENARIO=$SCENARIO SWEEP=$SWEEP SHARDS=$SHARDS REPLICATIONS=$REPLICATIONS \
    WORK=$WORK/cluster CCSIM=$CCSIM deploy/slurm/sweep.sbatch)
echo "$submitted"
merge_job=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<< "$submitted")
for _ in $(seq 600); do
    [[ -z $(squeue -h -j "$merge_job" 2> /dev/null) ]] && break
    sleep 1
done
squeue

say "what the jobs wrote"
cat "$WORK/cluster/shard-1.out"
cat "$WORK/cluster/merge.out"

say "comparing with the unsharded sweep"
deploy/same-report.sh "$whole" "$WORK/cluster/report"
