//! What-ifs without editing files: `--set PATH=VALUE` and `--scale-arrivals` on `run`,
//! `compare`, `check` and `staff`, which change the scenario run, say so, and carry through
//! shards and the plan `staff` writes.

use std::path::Path;

use predicates::prelude::*;

use crate::{ccsim, repo};

fn file(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The whole centre's mean of `metric` in a report's `summary.csv`.
fn mean(dir: &Path, metric: &str) -> f64 {
    let summary = file(dir, "summary.csv");
    let row = summary
        .lines()
        .find(|l| l.contains(&format!(",all,{metric},")))
        .unwrap_or_else(|| panic!("no {metric}"));
    row.split(',').nth(4).unwrap().parse().unwrap()
}

#[test]
fn a_set_is_the_same_run_as_the_edited_file_and_the_header_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"3d\"");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).unwrap();
    let edited = dir.path().join("edited.toml");
    std::fs::write(
        &edited,
        text.replace("count = 5", "count = 6")
            .replace("rate = \"2/min\"", "rate = \"2/min\"\nscale = 1.5"),
    )
    .unwrap();
    let (set, by_hand) = (dir.path().join("set"), dir.path().join("hand"));
    ccsim()
        .arg("run")
        .arg(&path)
        .args([
            "--set",
            "agents.support.count=6",
            "--scale-arrivals",
            "1.5",
            "--out",
        ])
        .arg(&set)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "what-if, not the file as written: agents.support.count=6, arrivals ×1.5",
        ));
    ccsim()
        .arg("run")
        .arg(&edited)
        .arg("--out")
        .arg(&by_hand)
        .assert()
        .success()
        .stdout(predicate::str::contains("what-if").not());
    for f in ["summary.csv", "intervals.csv", "agents.csv", "waits.csv"] {
        assert_eq!(file(&set, f), file(&by_hand, f), "{f}");
    }
    assert!(file(&set, "run.json").contains("\"what_if\""));
    assert!(file(&set, "report.html").contains("What-if, not the file as written"));
    // Half again as many chats as the file as written brings.
    let plain = dir.path().join("plain");
    ccsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&plain)
        .assert()
        .success();
    let ratio = mean(&set, "arrivals") / mean(&plain, "arrivals");
    assert!((ratio - 1.5).abs() < 0.03, "{ratio}");
}

#[test]
fn a_set_that_does_not_apply_is_bad_input_naming_it() {
    let scenario = repo("scenarios/centro.toml");
    for (args, says) in [
        (
            vec!["--set", "agents.nobody.count=3"],
            "--set agents.nobody.count=3: \"agents.nobody.count\": `agents` has no entry named \"nobody\"",
        ),
        (
            vec!["--set", "agents.suporte-manha.count"],
            "expected PATH=VALUE",
        ),
        (
            vec!["--set", "agents.suporte-manha.count=-2"],
            "agents[2].count",
        ),
        (vec!["--scale-arrivals", "0"], "arrivals[0].scale"),
        (vec!["--set", "simulation.nope=1"], "simulation"),
    ] {
        ccsim()
            .arg("run")
            .arg(&scenario)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn shards_of_a_what_if_merge_into_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo("scenarios/centro.toml");
    let set = ["--set", "agents.pos-venda-tarde.count=2", "-r", "4"];
    let whole = dir.path().join("whole");
    ccsim()
        .arg("run")
        .arg(&scenario)
        .args(set)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let parts = dir.path().join("parts");
    for k in ["1/2", "2/2"] {
        ccsim()
            .arg("run")
            .arg(&scenario)
            .args(set)
            .args(["--shard", k, "--out"])
            .arg(&parts)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .assert()
            .success();
    }
    let merged = dir.path().join("merged");
    ccsim()
        .arg("merge")
        .arg(&parts)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    for f in ["summary.csv", "intervals.csv"] {
        assert_eq!(file(&whole, f), file(&merged, f), "{f}");
    }
    assert!(file(&merged, "run.json").contains("agents.pos-venda-tarde.count=2"));
}

#[test]
fn staff_plans_the_what_if_and_its_plan_carries_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    ccsim()
        .args([
            "staff",
            "scenarios/loja.toml",
            "--set",
            "agents.suporte.capacity=5",
            "-r",
            "4",
            "--out",
        ])
        .arg(&out)
        .current_dir(repo(""))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("(capacity 5)").and(predicate::str::contains(
                "what-if, not the file as written: agents.suporte.capacity=5",
            )),
        );
    let plan = file(&out, "plan.toml");
    // The planned group, now a roster of shifts, keeps the what-if's capacity.
    let planned: Vec<&str> = plan
        .split("[[agents]]")
        .skip(1)
        .filter(|a| a.trim_start().starts_with("name = \"suporte\""))
        .collect();
    assert_eq!(planned.len(), 1, "{plan}");
    assert!(planned[0].contains("capacity = 5"), "{plan}");
    assert!(planned[0].contains("roster = ["), "{plan}");
    let book = std::fs::read(out.join("plan.xlsx")).unwrap();
    assert!(book.starts_with(b"PK"), "plan.xlsx is a workbook");
}

#[test]
fn a_dated_event_multiplies_its_day_and_needs_a_clock_on_dates() {
    // The example's Black Friday, Friday 2026-11-27 (day 11 of a run from Monday the 16th),
    // brings 2.5 times the chats of the Friday before; 20 replications of ~720 chats a day
    // make the ratio's sd about 0.02.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    ccsim()
        .args(["run", "scenarios/centro.toml", "--out"])
        .arg(&out)
        .current_dir(repo(""))
        .assert()
        .success();
    let mut per_day = std::collections::BTreeMap::<u32, f64>::new();
    for line in file(&out, "intervals.csv").lines() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[1] == "all" && cells[6] == "arrivals" {
            *per_day.entry(cells[3].parse().unwrap()).or_default() +=
                cells[8].parse::<f64>().unwrap();
        }
    }
    let ratio = per_day[&11] / per_day[&4];
    assert!((ratio - 2.5).abs() < 0.1, "{ratio}: {per_day:?}");
    let text = std::fs::read_to_string(repo("scenarios/centro.toml")).unwrap();
    for (from, to, says) in [
        (
            "start = \"2026-11-16\"",
            "start = \"mon 00:00\"",
            "calendar[0].date: a dated event needs a clock that starts on a date",
        ),
        (
            "start = \"2026-11-16\"",
            "start = \"2026-11-16 08:00\"",
            "simulation.start: with [[calendar]] events the clock starts at midnight",
        ),
        (
            "date = \"2026-11-27\"",
            "date = \"2026-02-30\"",
            "\"2026-02-30\" is not a date of the calendar",
        ),
        ("arrivals = 2.5", "arrivals = -1.0", "calendar[0].arrivals"),
    ] {
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, text.replace(from, to)).unwrap();
        ccsim()
            .arg("validate")
            .arg(&bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}
