//! Numbers nobody can misread and reports nobody can mistake: share units, one folder per
//! command, every error of a file at once, sweeps with invalid points, limits that hold, and
//! the robustness defects an adversarial pass found. Each test runs the binary as a user does.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::{ccsim, repo};

/// `ccsim COMMAND SCENARIO --out OUT`, to assert on.
fn into(command: &str, scenario: &Path, out: &Path) -> assert_cmd::assert::Assert {
    ccsim()
        .arg(command)
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .assert()
}

/// The Erlang A example, 3 days and 3 replications (quick), with `count` agents and extra
/// TOML appended.
pub fn small(dir: &Path, name: &str, count: u32, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"3d\"")
        .replace("replications = 20", "replications = 3")
        .replace("count = 5", &format!("count = {count}"))
        + extra;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_default();
            (f, bytes)
        })
        .collect()
}

/// The row of `metric` in a long-format CSV: its cells.
fn row(csv: &str, metric: &str) -> Vec<String> {
    csv.lines()
        .find(|l| l.split(',').nth(2) == Some(metric))
        .unwrap_or_else(|| panic!("no {metric} row"))
        .split(',')
        .map(str::to_string)
        .collect()
}

#[test]
fn a_share_bound_in_percent_can_fail_and_a_bare_number_above_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Four agents for 4 Erlangs: about 15% of customers give up, far above 5%.
    let bound = |max: &str| format!("\n[[expect]]\nmetric = \"abandon_rate\"\nmax = {max}\n");
    let percent = small(dir.path(), "percent.toml", 4, &bound("\"5%\""));
    ccsim()
        .args(["check", "--out"])
        .arg(dir.path().join("p"))
        .arg(&percent)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<= 5.000 %"))
        .stdout(predicate::str::contains("FAIL"));
    let fraction = small(dir.path(), "fraction.toml", 4, &bound("0.05"));
    ccsim()
        .args(["check", "--out"])
        .arg(dir.path().join("f"))
        .arg(&fraction)
        .assert()
        .code(1);
    // `max = 5` could mean 5% or 500%: refused, located, with both ways to say it.
    let bare = small(dir.path(), "bare.toml", 4, &bound("5"));
    ccsim()
        .arg("check")
        .arg(&bare)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}:35:7: expect[0].max: a share is a fraction from 0 to 1: write 0.05 or \"5%\", not 5",
            bare.display()
        )));
    // Shares in --set too, and every CSV row says its unit.
    let out = dir.path().join("sweep");
    ccsim()
        .arg("sweep")
        .arg(&fraction)
        .args(["--set", "agents.support.absenteeism=0%,0.5", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(row(&summary, "abandon_rate")[3], "fraction");
    assert_eq!(row(&summary, "mean_wait")[3], "min");
    assert_eq!(row(&summary, "arrivals")[3], "count");
    let waits = std::fs::read_to_string(out.join("waits.csv")).unwrap();
    assert!(waits.starts_with("variant,share,wait_min\n"), "{waits}");
}

#[test]
fn every_type_and_value_error_of_a_file_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"4 weeks\"")
        .replace("capacity = 1", "capacity = \"3\"")
        .replace("rate = \"2/min\"", "rate = \"2/min\"\nday_to_day_cv = -1");
    let path = dir.path().join("three.toml");
    std::fs::write(&path, text).unwrap();
    let out = ccsim().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let p = path.display();
    for expected in [
        format!("{p}:4:11: simulation.horizon: expected a duration"),
        format!("{p}:19:12: agents[0].capacity: invalid type: string \"3\""),
        format!("{p}:26:17: arrivals[0].day_to_day_cv: must be from 0 to 3"),
    ] {
        assert!(stderr.contains(&expected), "{expected}\nnot in\n{stderr}");
    }
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let out = ccsim().arg("validate").arg(&empty).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for section in [
        "name",
        "simulation",
        "teams",
        "agents",
        "arrivals",
        "conversation",
    ] {
        assert!(
            stderr.contains(&format!("{section}: is required but missing")),
            "{section}: {stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), 6, "{stderr}");
}

#[test]
fn a_report_folder_holds_only_the_files_of_the_command_that_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let variants = "\n[[variants]]\nname = \"four\"\nset = { \"agents.support.count\" = 4 }\n\n[[variants]]\nname = \"five\"\n";
    let path = small(dir.path(), "v.toml", 5, variants);
    let out = dir.path().join("report");
    into("compare", &path, &out).success();
    assert!(out.join("compare.csv").exists() && out.join("variants.png").exists());
    into("run", &path, &out).success();
    let after = files(&out);
    for stale in ["compare.csv", "variants.png", "variants.svg"] {
        assert!(!after.contains(&stale.to_string()), "{stale} left behind");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("Differences"),
        "an empty Differences section"
    );
    // `report` redraws the folder from its CSVs: a chart of a deleted CSV goes too.
    std::fs::remove_file(out.join("intervals.csv")).unwrap();
    ccsim().arg("report").arg(&out).assert().success();
    assert!(
        !files(&out).iter().any(|f| f.starts_with("interval_")),
        "{:?}",
        files(&out)
    );
    let leftovers: Vec<String> = files(dir.path())
        .into_iter()
        .filter(|f| f.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_folder_ccsim_did_not_write_is_refused_before_the_run_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "precious").unwrap();
    into("run", &path, &mine)
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "is not a ccsim report (it holds \"notes.txt\", which ccsim does not write)",
        ));
    assert_eq!(files(&mine), ["notes.txt"]);
}

#[test]
fn a_folder_where_a_chart_should_go_does_not_leave_a_mix() {
    // Before: `waits.png/` as a folder made the run exit 2 with five new CSVs and a `.tmp`
    // beside the old charts. A report holding something ccsim never writes (a folder) is no
    // longer ccsim's to replace: refused before the run, and left exactly as it was.
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    let out = dir.path().join("r");
    into("run", &path, &out).success();
    std::fs::remove_file(out.join("waits.png")).unwrap();
    std::fs::create_dir(out.join("waits.png")).unwrap();
    std::fs::write(out.join("waits.png").join("mine.txt"), "x").unwrap();
    let before = files(&out);
    into("run", &path, &out)
        .code(2)
        .stderr(predicate::str::contains(
            "\"waits.png\", which ccsim does not write",
        ));
    assert_eq!(files(&out), before);
    assert!(out.join("waits.png").join("mine.txt").is_file());
    assert_eq!(files(dir.path()), ["r", "s.toml"]);
}

#[test]
fn an_interrupted_run_leaves_either_the_old_report_or_the_new_one_never_a_mix() {
    // Before: SIGINT while writing left `summary.csv` of the new seed beside `run.json` of
    // the old one, and a `.intervals.csv.tmp`. Signals are sent at a spread of moments, from
    // the simulation through the writing of a large `chats.csv`; after each, the folder is
    // the old report byte for byte, or a whole new one.
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "")
        .to_string_lossy()
        .into_owned();
    std::fs::write(
        &path,
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("horizon = \"3d\"", "horizon = \"20d\""),
    )
    .unwrap();
    let out = dir.path().join("r");
    let run = |seed: &str| {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("ccsim"));
        c.args(["run", "--chats-log", "--seed", seed, &path, "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    assert!(run("1").status().unwrap().success());
    let old = snapshot(&out);
    let started = Instant::now();
    assert!(run("2").status().unwrap().success());
    let whole = started.elapsed();
    let new = snapshot(&out);
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&old), names(&new));
    // The same run again differs only in its wall time, which only run.json holds.
    let same = |a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]| {
        names(a) == names(b)
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.0 == "run.json" || x.1 == y.1)
    };
    let mut outcomes = (0, 0);
    for step in 0..12u32 {
        // Back to the old report, then a run of the new seed interrupted at step/12 of its
        // length.
        assert!(run("1").status().unwrap().success());
        let old = snapshot(&out);
        let signal = if step % 2 == 0 { "-INT" } else { "-TERM" };
        let mut child = run("2").spawn().unwrap();
        std::thread::sleep(whole * step / 12);
        let _ = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status();
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == old {
            outcomes.0 += 1;
        } else {
            assert!(
                same(&now, &new),
                "step {step}: a mix of two reports: {:?}",
                names(&now)
            );
            outcomes.1 += 1;
        }
        let hidden: Vec<String> = files(dir.path())
            .into_iter()
            .filter(|f| f.starts_with('.'))
            .collect();
        // The interrupted run removed its staging folder and its lock on the way out.
        assert!(hidden.is_empty(), "{hidden:?}");
    }
    assert!(outcomes.0 > 0, "no interruption landed before the end");
}

#[test]
fn a_sweep_names_every_invalid_point_and_can_skip_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    let set = [
        "--set",
        "simulation.warmup=1d,4d,5d",
        "--set",
        "agents.support.count=4,5",
    ];
    let out = dir.path().join("sweep");
    let refused = ccsim()
        .arg("sweep")
        .arg(&path)
        .args(set)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("4 of 6 sweep points are not valid"),
        "{stderr}"
    );
    for point in [
        "warmup=4d, agents.support.count=4",
        "warmup=5d, agents.support.count=5",
    ] {
        assert!(stderr.contains(point), "{point}: {stderr}");
    }
    assert!(
        stderr.contains("must be shorter than `horizon`"),
        "{stderr}"
    );
    assert!(!out.exists());
    let skipped = ccsim()
        .arg("sweep")
        .arg(&path)
        .args(set)
        .args(["--skip-invalid", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(skipped.status.success());
    let stderr = String::from_utf8_lossy(&skipped.stderr);
    assert!(
        stderr.contains("skipping 4 invalid sweep points"),
        "{stderr}"
    );
    // One side-by-side table: a line per point, the KPIs as columns.
    let stdout = String::from_utf8_lossy(&skipped.stdout);
    assert!(stdout.contains("service_level %") && stdout.contains("answer_level %"));
    assert_eq!(stdout.matches("skipped (invalid)").count(), 4, "{stdout}");
    assert_eq!(
        stdout.matches("metric").count(),
        0,
        "no table per point: {stdout}"
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with("simulation.warmup,agents.support.count,status,scope,metric,"));
    assert_eq!(csv.matches(",ok,all,service_level,").count(), 2);
    assert_eq!(csv.matches("skipped: simulation.warmup").count(), 4);
    assert!(out.join("sweep.png").exists());
}

#[test]
fn a_sweep_refuses_what_it_cannot_vary_and_values_given_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    for (set, says) in [
        ("simulation.replications=2,3", "cannot be swept"),
        ("simulation.seed=1,2", "cannot be swept"),
        ("agents.support.count=4,4", "the value 4 is given twice"),
    ] {
        ccsim()
            .arg("sweep")
            .arg(&path)
            .args(["--set", set])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn replications_beyond_the_limit_are_refused_on_the_command_line_too() {
    for r in ["4294967295", "100001", "0"] {
        let started = Instant::now();
        ccsim()
            .args(["run", "-r", r])
            .arg(repo("scenarios/erlang-a.toml"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("1..=100000"));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn a_long_run_says_what_it_will_simulate_before_it_starts_in_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
        .args(["run", "-r", "8", "--out"])
        .arg(dir.path().join("r"))
        .arg(repo("scenarios/bench-mmn.toml"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    // 155 days at 22.5 per minute: 5,022,000 chats a replication.
    assert!(
        line.starts_with("ccsim: simulating about 40176000 chats (1 scenario × 8 replications)"),
        "{line}"
    );
}

#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = Command::new(assert_cmd::cargo::cargo_bin("ccsim"))
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("r"))
        .stdout(full)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn a_baseline_of_other_variants_or_with_nan_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let expect = "\n[[expect]]\nmetric = \"abandon_rate\"\nmax = \"30%\"\n";
    let path = small(dir.path(), "s.toml", 5, expect);
    let base = dir.path().join("base");
    into("check", &path, &base).success();
    let renamed = small(
        dir.path(),
        "renamed.toml",
        5,
        &format!("{expect}\n[[variants]]\nname = \"other\"\n"),
    );
    for strict in [false, true] {
        let mut cmd = ccsim();
        cmd.arg("check").arg(&renamed).arg("--baseline").arg(&base);
        if strict {
            cmd.arg("--strict");
        }
        cmd.assert().code(2).stderr(predicate::str::contains(
            "bad baseline: it has no variant \"other\" of this scenario (it has \"erlang-a\")",
        ));
    }
    let summary = base.join("summary.csv");
    let text = std::fs::read_to_string(&summary).unwrap();
    let cells = row(&text, "abandon_rate");
    let nan = text.replace(&cells.join(","), &{
        let mut c = cells.clone();
        c[4] = "NaN".into();
        c.join(",")
    });
    std::fs::write(&summary, nan).unwrap();
    ccsim()
        .arg("check")
        .arg(&path)
        .arg("--baseline")
        .arg(&base)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad baseline: line 9: the mean of abandon_rate is \"NaN\", not a number",
        ));
}

#[test]
fn report_refuses_a_csv_that_ccsim_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 5, "");
    let out = dir.path().join("r");
    into("run", &path, &out).success();
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let cells = row(&summary, "mean_wait");
    let mut bad = cells.clone();
    bad[4] = "n/a".into();
    std::fs::write(
        out.join("summary.csv"),
        summary.replace(&cells.join(","), &bad.join(",")),
    )
    .unwrap();
    let before = snapshot(&out);
    ccsim()
        .arg("report")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "summary.csv line 12: \"n/a\" is not a number",
        ));
    assert!(snapshot(&out) == before);
}

#[test]
fn customers_who_leave_and_return_at_once_end_and_count_in_the_guard() {
    // Before: patience 1 ms, every customer returning 1 ms later, nobody to serve them: an
    // endless, growing run. Each customer now returns at most `max_returns` times (3).
    let dir = tempfile::tempdir().unwrap();
    let path = small(dir.path(), "s.toml", 0, "");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "patience = { dist = \"exponential\", mean = \"5m\" }",
        "patience = { dist = \"constant\", value = \"1ms\" }\nreturn_probability = 1.0\nreturn_after = { dist = \"constant\", value = \"1ms\" }",
    );
    std::fs::write(&path, text).unwrap();
    let started = Instant::now();
    let out = dir.path().join("r");
    ccsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(30));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let arrivals: f64 = row(&summary, "arrivals")[4].parse().unwrap();
    let abandoned: f64 = row(&summary, "abandoned")[4].parse().unwrap();
    // 2 days counted at 2/min, each customer 4 times (a few returns fall past the horizon).
    assert!((arrivals / 5760.0 - 4.0).abs() < 0.1, "{arrivals}");
    assert_eq!(arrivals, abandoned);
}

#[test]
fn a_huge_day_to_day_variation_is_refused_and_the_largest_allowed_runs_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let cv = |v: &str| {
        let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
            .unwrap()
            .replace(
                "rate = \"2/min\"",
                &format!("rate = \"2/min\"\nday_to_day_cv = {v}"),
            );
        let path = dir.path().join(format!("cv{v}.toml"));
        std::fs::write(&path, text).unwrap();
        path
    };
    ccsim()
        .arg("validate")
        .arg(cv("1e6"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "day_to_day_cv: must be from 0 to 3",
        ));
    let started = Instant::now();
    ccsim()
        .arg("run")
        .arg(cv("3"))
        .arg("--out")
        .arg(dir.path().join("r"))
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_plan_that_is_valid_but_broken_is_warned_about_once() {
    // A sequential team staffed on weekdays 08:00–18:00 while chats come all week: chats
    // that arrive at night are stranded, and nobody sweeps a sequential queue.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("night.toml");
    std::fs::write(
        &path,
        r#"
name = "night"
[simulation]
horizon = "7d"
replications = 2
[[teams]]
name = "suporte"
distribution = "sequential"
[[agents]]
name = "day"
team = "suporte"
count = 3
capacity = 3
shifts = ["mon-fri 08:00-18:00"]
[[arrivals]]
name = "site"
team = "suporte"
rate = "6/h"
[customers]
patience = { dist = "exponential", mean = "2h" }
[conversation]
handle_time = { dist = "exponential", mean = "5m" }
"#,
    )
    .unwrap();
    let out = ccsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 50 of the week's 168 hours are staffed: 70% of the chats come when nobody is.
    let coverage = "`site` sends 70% of its chats to `suporte` when nobody of it is on shift: mon-fri 00:00–08:00, 18:00–24:00; sat,sun 00:00–24:00";
    assert_eq!(stderr.matches(coverage).count(), 1, "{stderr}");
    assert!(
        stderr.contains("chats per replication were stranded") && stderr.contains("`pickup`"),
        "{stderr}"
    );
    // Warnings are not errors: `validate` says them and still passes.
    ccsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains(coverage));
}

#[test]
fn answer_level_is_the_pickup_wait_that_staffing_moves_and_service_level_is_not() {
    // The turn model with plenty of agents: every chat is taken at once, but the first reply
    // takes 90 s of typing, beyond the 60 s target. service_level is 0 however many agents
    // there are; answer_level, the share taken within 60 s, is 1.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typing.toml");
    std::fs::write(
        &path,
        r#"
name = "typing"
[simulation]
horizon = "2d"
replications = 3
service_level_target = "60s"
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 20
capacity = 3
[[arrivals]]
name = "in"
team = "t"
rate = "6/h"
[conversation]
turns = 2
first_reply = { dist = "constant", value = "90s" }
agent_reply = { dist = "constant", value = "45s" }
customer_reply = { dist = "constant", value = "1m" }
"#,
    )
    .unwrap();
    let out = dir.path().join("r");
    into("run", &path, &out)
        .success()
        .stdout(predicate::str::contains("Staff to answer_level"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(row(&summary, "service_level")[4], "0.000000");
    assert_eq!(row(&summary, "answer_level")[4], "1.000000");
    assert_eq!(row(&summary, "answer_level")[3], "fraction");
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(intervals.contains(",answer_level,fraction,1.000000,"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("answer_level"));
}

#[test]
fn a_significant_difference_is_coloured_by_better_or_worse_and_names_are_never_cut() {
    let dir = tempfile::tempdir().unwrap();
    let variants = "\n[[variants]]\nname = \"five agents, as today\"\n\n[[variants]]\nname = \"four agents after the budget cut\"\nset = { \"agents.support.count\" = 4 }\n";
    let path = small(dir.path(), "v.toml", 5, variants);
    let out = dir.path().join("r");
    into("compare", &path, &out)
        .success()
        .stdout(predicate::str::contains("four agents after the budget cut"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let diffs = &html[html.find("Differences").unwrap()..];
    let cell = |metric: &str| {
        let at = diffs.find(&format!("<tr><td>{metric}")).unwrap();
        diffs[at..at + diffs[at..].find("</tr>").unwrap()].to_string()
    };
    // One agent fewer: more customers give up (worse, red), occupancy rises (neither).
    assert!(
        cell("abandon_rate").contains("class=worse"),
        "{}",
        cell("abandon_rate")
    );
    assert!(cell("served").contains("class=worse"), "{}", cell("served"));
    assert!(
        cell("occupancy").contains("class=sig"),
        "{}",
        cell("occupancy")
    );
    assert!(
        !cell("arrivals").contains("<td class="),
        "{}",
        cell("arrivals")
    );
}

#[test]
fn only_run_takes_the_chats_log_and_the_others_say_so() {
    for command in ["compare", "sweep", "check"] {
        ccsim()
            .args([command, "--chats-log"])
            .arg(repo("scenarios/loja.toml"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "unexpected argument '--chats-log'",
            ));
    }
}
