//! `--shard K/N` and `ccsim merge`: a batch split across processes, however its shards are
//! numbered (by hand, by a Slurm job array, by a Kubernetes Indexed Job) and however many
//! threads each uses, merges into the very report one process writes; a set of parts that is
//! not one whole batch is refused, naming what is wrong.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::{ccsim, repo};

/// The scheduler variables a shard may read: cleared, so that the machine running the tests
/// (perhaps itself a Slurm job) does not number the shards.
const SCHEDULER: [&str; 6] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
];

fn command(args: &[&str], env: &[(&str, &str)]) -> assert_cmd::Command {
    let mut c = ccsim();
    for v in SCHEDULER {
        c.env_remove(v);
    }
    c.envs(env.iter().copied()).args(args);
    c
}

/// The Erlang A example over 3 days: quick, and with waits and abandonment in every file.
fn erlang_a(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"3d\"");
    let path = dir.join("erlang-a.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file of `merged` is the same as in `whole`, but for the run's wall time and threads
/// (`run.json` and the page's line that quotes it).
fn assert_same_report(whole: &Path, merged: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(whole)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.iter().any(|n| n.ends_with(".png")), "{names:?}");
    for name in &names {
        let (a, b) = (
            std::fs::read(whole.join(name)).unwrap(),
            std::fs::read(merged.join(name)).unwrap_or_default(),
        );
        match name.as_str() {
            "run.json" => {
                let (a, b): (serde_json::Value, serde_json::Value) = (
                    serde_json::from_slice(&a).unwrap(),
                    serde_json::from_slice(&b).unwrap(),
                );
                for key in ["scenario_hash", "seed", "replications", "chats", "events"] {
                    assert_eq!(a[key], b[key], "run.json: {key}");
                }
                assert!(b["shards"].is_u64(), "a merged run.json says so");
            }
            "report.html" => {
                let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
                let differ: Vec<(&str, &str)> =
                    a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
                assert_eq!(a.lines().count(), b.lines().count());
                assert!(
                    differ.len() == 1 && differ[0].1.contains("shards"),
                    "report.html differs beyond its run line: {differ:?}"
                );
            }
            _ => assert!(a == b, "{name} differs between the whole run and the merge"),
        }
    }
}

#[test]
fn a_run_split_three_ways_by_hand_slurm_and_kubernetes_merges_into_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = erlang_a(tmp.path());
    let (whole, parts, merged) = (
        tmp.path().join("whole"),
        tmp.path().join("parts"),
        tmp.path().join("merged"),
    );
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["run", s(&scenario), "-r", "5", "--chats-log", "--out"];
        args.extend(extra);
        command(&args, env)
    };
    run(&[s(&whole)], &[]).assert().success();
    run(&[s(&parts), "--shard", "1/3", "--threads", "1"], &[])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "shard 1/3: 1 of 5 runs (replication 1)",
        ));
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "5"),
        ("SLURM_ARRAY_TASK_MIN", "4"),
        ("SLURM_ARRAY_TASK_MAX", "6"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    run(&[s(&parts), "--shard"], &slurm)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "shard 2/3: 2 of 5 runs (replications 2-3)",
        ));
    run(
        &[s(&parts), "--shards", "3"],
        &[("JOB_COMPLETION_INDEX", "2")],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("shard 3/3"));
    command(&["merge", s(&parts), "--out", s(&merged)], &[])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 parts merged"));
    assert_same_report(&whole, &merged);
}

#[test]
fn a_two_way_sweep_split_across_its_points_merges_into_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = erlang_a(tmp.path());
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            s(&scenario),
            "-r",
            "3",
            "--set",
            "agents.support.count=4,5,6",
            "--set",
            "customers.patience.mean=2m,5m",
            // What the sweep decides travels with the shards to the merge.
            "--objective",
            "max occupancy",
            "--tradeoff",
            "max occupancy,abandon_rate",
        ];
        args.extend(extra);
        command(&args, &[])
    };
    let whole = tmp.path().join("whole");
    sweep(&["--out", s(&whole)]).assert().success();
    assert!(whole.join("tradeoff.svg").is_file());
    // Four shards of 18 (point, replication) runs: each spans several points.
    let mut parts = Vec::new();
    for k in 1..=4 {
        let dir = tmp.path().join(format!("node{k}"));
        sweep(&["--out", s(&dir), "--shard", &format!("{k}/4")])
            .assert()
            .success()
            .stdout(predicate::str::contains("of 6 sweep points"));
        parts.push(dir.join(format!("part-{k}-of-4")));
    }
    parts.reverse();
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|p| s(p)));
    args.extend(["--out", s(&merged)]);
    command(&args, &[]).assert().success();
    assert_same_report(&whole, &merged);
    assert!(std::fs::read(merged.join("sweep.csv")).unwrap().len() > 100);
    for chart in ["tradeoff.svg", "sweep.svg"] {
        assert_eq!(
            std::fs::read(whole.join(chart)).unwrap(),
            std::fs::read(merged.join(chart)).unwrap(),
            "{chart}"
        );
    }
}

#[test]
fn a_sharded_check_fails_at_the_merge_as_it_fails_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, parts, merged) = (
        tmp.path().join("whole"),
        tmp.path().join("parts"),
        tmp.path().join("merged"),
    );
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "scenarios/loja.toml", "-r", "4", "--out"];
        args.extend(extra);
        let mut c = command(&args, &[]);
        c.current_dir(repo(""));
        c
    };
    check(&[s(&whole)]).assert().code(1);
    for k in ["1/2", "2/2"] {
        check(&[s(&parts), "--shard", k]).assert().success();
    }
    command(&["merge", s(&parts), "--out", s(&merged)], &[])
        .current_dir(repo(""))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("check: FAILED"));
    assert_same_report(&whole, &merged);
}

#[test]
fn parts_that_are_not_one_whole_batch_are_refused_naming_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = erlang_a(tmp.path());
    let shard = |k: &str, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "run",
            s(&scenario),
            "-r",
            "4",
            "--shard",
            k,
            "--out",
            s(out),
        ];
        args.extend(extra);
        command(&args, &[]).assert().success();
    };
    let parts = tmp.path().join("parts");
    for k in ["1/3", "3/3"] {
        shard(k, &parts, &[]);
    }
    let merged = tmp.path().join("merged");
    let merge = |dirs: &[&Path]| {
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|d| s(d)));
        args.extend(["--out", s(&merged)]);
        command(&args, &[]).assert().code(2)
    };
    merge(&[&parts]).stderr(predicate::str::contains(
        "1 of the 3 shards is missing: 2/3",
    ));

    let again = tmp.path().join("again");
    shard("1/3", &again, &[]);
    merge(&[&parts, &again]).stderr(
        predicate::str::contains("shard 1/3 is given twice")
            .and(predicate::str::contains("again/part-1-of-3")),
    );

    let other = tmp.path().join("other");
    shard("2/3", &other, &["--seed", "9"]);
    merge(&[&parts, &other]).stderr(
        predicate::str::contains("its seed is 9, not").and(predicate::str::contains("other")),
    );

    shard("2/3", &parts, &[]);
    let part = parts.join("part-1-of-3");
    let text = std::fs::read_to_string(part.join("scenario.toml")).unwrap();
    std::fs::write(
        part.join("scenario.toml"),
        text.replace("count = 5", "count = 6"),
    )
    .unwrap();
    merge(&[&parts]).stderr(predicate::str::contains(
        "part-1-of-3/scenario.toml: not the data its part.json describes",
    ));
    std::fs::write(part.join("scenario.toml"), text).unwrap();

    let bin = parts.join("part-3-of-3").join("replications.bin");
    let bytes = std::fs::read(&bin).unwrap();
    std::fs::write(&bin, &bytes[..bytes.len() / 2]).unwrap();
    merge(&[&parts]).stderr(predicate::str::contains(
        "part-3-of-3/replications.bin: not the data its part.json describes",
    ));
    std::fs::write(&bin, &bytes).unwrap();
    merge(&[tmp.path()]).stderr(predicate::str::contains("not a part folder"));
    command(&["merge", s(&parts), "--out", s(&merged)], &[])
        .assert()
        .success();
    assert!(merged.join("summary.csv").is_file());
}

#[test]
fn shard_numbers_that_cannot_be_meant_are_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = erlang_a(tmp.path());
    let out = tmp.path().join("parts");
    let refused = |extra: &[&str], env: &[(&str, &str)], says: &str| {
        let mut args = vec!["run", s(&scenario), "--out", s(&out)];
        args.extend(extra);
        command(&args, env)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    };
    refused(&["--shard", "4/3"], &[], "K must be from 1 to N");
    refused(&["--shard", "two"], &[], "expected K/N");
    refused(&["--shard"], &[], "SLURM_ARRAY_TASK_ID");
    refused(
        &["--shard"],
        &[("JOB_COMPLETION_INDEX", "1")],
        "add --shards N",
    );
    refused(
        &["--shards", "3"],
        &[("JOB_COMPLETION_INDEX", "3")],
        "0 to 2",
    );
    refused(&["--shard", "1/3", "--shards", "4"], &[], "--shards 4");
    assert!(!out.exists(), "nothing was written");
    command(&["staff", "scenarios/loja.toml", "--shard", "1/2"], &[])
        .current_dir(repo(""))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("staff cannot be split into shards")
                .and(predicate::str::contains("plan.toml -r N --shard K/N")),
        );
}

#[test]
fn a_file_the_scenario_reads_that_changed_since_the_shards_ran_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("day-shifts.toml");
    std::fs::copy(repo("scenarios/day-shifts.toml"), &scenario).unwrap();
    std::fs::create_dir(tmp.path().join("profiles")).unwrap();
    let profile = tmp.path().join("profiles/weekday-support.csv");
    std::fs::copy(repo("scenarios/profiles/weekday-support.csv"), &profile).unwrap();
    let parts = tmp.path().join("parts");
    for k in ["1/2", "2/2"] {
        command(
            &[
                "run",
                s(&scenario),
                "-r",
                "2",
                "--shard",
                k,
                "--out",
                s(&parts),
            ],
            &[],
        )
        .assert()
        .success();
    }
    let text = std::fs::read_to_string(&profile).unwrap();
    let edited = text.replacen(",40\n", ",41\n", 1);
    assert_ne!(text, edited, "the test edits a rate of the profile");
    std::fs::write(&profile, edited).unwrap();
    let merged = tmp.path().join("merged");
    command(&["merge", s(&parts), "--out", s(&merged)], &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed since the shards ran"));
    assert!(!merged.exists(), "no report from parts it cannot trust");
    std::fs::write(&profile, text).unwrap();
    command(&["merge", s(&parts), "--out", s(&merged)], &[])
        .assert()
        .success();
}

/// `deploy/slurm/sweep.sbatch` as Slurm runs it: each array task's stage with the variables
/// Slurm sets, then the merge stage; the report is the unsharded sweep's. (The submission
/// itself, `sbatch` and the dependency, is tried on a real Slurm by `local-test.sh`.)
#[test]
fn the_slurm_script_runs_each_array_task_as_its_shard_and_the_merge_as_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = erlang_a(tmp.path());
    let sweep = "--set agents.support.count=4,5 --set customers.patience.mean=2m,5m";
    let work = tmp.path().join("work");
    let stage = |stage: &str, task: Option<&str>| {
        let mut c = std::process::Command::new("bash");
        c.arg(repo("deploy/slurm/sweep.sbatch"));
        for v in SCHEDULER {
            c.env_remove(v);
        }
        c.envs([
            ("SLURM_JOB_ID", "77"),
            ("CCSIM_STAGE", stage),
            ("SCENARIO", s(&scenario)),
            ("SWEEP", sweep),
            ("REPLICATIONS", "3"),
            ("WORK", s(&work)),
            (
                "CCSIM",
                assert_cmd::cargo::cargo_bin("ccsim").to_str().unwrap(),
            ),
        ]);
        if let Some(id) = task {
            c.envs([
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ]);
        }
        let done = c.output().unwrap();
        assert!(
            done.status.success(),
            "{stage} {task:?}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    for id in ["1", "2", "3"] {
        stage("shard", Some(id));
    }
    stage("merge", None);
    let whole = tmp.path().join("whole");
    let mut args = vec!["sweep", s(&scenario), "-r", "3", "--out", s(&whole)];
    args.extend(sweep.split(' '));
    command(&args, &[]).assert().success();
    assert_same_report(&whole, &work.join("report"));
}
