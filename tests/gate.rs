//! `check` as a CI gate: a policy change fails it, redrawn random numbers rarely do (Holm over
//! the whole family, a tolerance below which nothing is a regression), a paired check of an
//! unchanged scenario sees exactly no difference, and the verdicts reach CI systems.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ccsim::experiment::check::{self, BaselineRow};
use ccsim::experiment::{self, Overrides, Plan};
use ccsim::report::csv::kpis;
use ccsim::scenario::Scenario;
use predicates::prelude::*;

use crate::{ccsim, scenario};

/// A 6-agent team of capacity 2 on capacity distribution, three bounds.
fn store(regression: &str) -> String {
    format!(
        r#"name = "store"
[simulation]
horizon = "1d"
warmup = "2h"
replications = 10
seed = 42
service_level_target = "1m"
[[teams]]
name = "support"
distribution = "capacity"
[[agents]]
name = "agents"
team = "support"
count = 6
capacity = 2
[[arrivals]]
name = "web"
team = "support"
rate = "3/min"
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "3m" }}

[[expect]]
metric = "abandon_rate"
max = "15%"
{regression}
[[expect]]
metric = "mean_wait"
max = "2m"
{regression}
[[expect]]
metric = "service_level"
min = "70%"
{regression}"#
    )
}

/// The store as it is (`old.toml`) and with its team on sequential distribution (`new.toml`).
fn policy_change(dir: &Path) -> (PathBuf, PathBuf) {
    let old = write(dir, "old.toml", &store(""));
    let sequential = store("").replace(
        "distribution = \"capacity\"",
        "distribution = \"sequential\"",
    );
    (old, write(dir, "new.toml", &sequential))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The KPIs of `s` with `seed`.
fn kpis_at(s: &Scenario, seed: u64) -> Vec<(String, ccsim::experiment::check::ScopedKpis)> {
    let mut plan = Plan::new(s, Overrides::default(), Some(2));
    plan.seed = seed;
    vec![(
        s.name.clone(),
        vec![(
            "all".to_string(),
            kpis(&experiment::run(s, plan, None).unwrap().runs),
        )],
    )]
}

/// Whether `s` run with `seed` fails its check against a baseline run with `baseline`.
fn fails(s: &Scenario, baseline: u64, seed: u64) -> bool {
    let rows: BTreeMap<(String, String, String), BaselineRow> = kpis_at(s, baseline)[0].1[0]
        .1
        .iter()
        .map(|(m, e)| {
            (
                (s.name.clone(), "all".to_string(), m.name().to_string()),
                BaselineRow {
                    mean: e.mean,
                    std: e.std,
                    n: e.n,
                },
            )
        })
        .collect();
    let now = kpis_at(s, seed);
    let mut bounds = check::evaluate(&now, &s.expects);
    let mut compared = check::hold_against(&now, &s.expects, &rows);
    check::decide(&mut bounds, &mut compared);
    check::Tally::of(&bounds, &compared, false).failed()
}

#[test]
fn redrawn_random_numbers_fail_the_gate_about_one_time_in_twenty_at_most() {
    // With no tolerance, each of the three comparisons is a true null at its boundary: on
    // its own it would fail 5% of the time, the three together about 14%. Holm keeps the
    // family at 5%. 100 independent (baseline, check) pairs of seeds: 5 failures on average
    // at most; 11 or more would happen with probability about 1% if the rate were 5%.
    let strict = scenario(&store("regression = 0"));
    let alarms = (0..100)
        .filter(|i| fails(&strict, 1_000 + i, 2_000 + i))
        .count();
    println!("no tolerance: {alarms} of 100 independent pairs failed");
    assert!(alarms <= 10, "{alarms} of 100");
    // The case of a CI pipeline: one baseline (seed 42), then checks of the same scenario
    // with seeds 100–199, as a code change that redraws the random numbers would run it.
    // With the default tolerance (half a point of a share, 10% of a time) noise this small
    // does not reach it.
    let default = scenario(&store(""));
    let alarms = (100..200).filter(|&seed| fails(&default, 42, seed)).count();
    println!("default tolerance: {alarms} of 100 checks on other seeds failed");
    assert!(alarms <= 5, "{alarms} of 100");
}

#[test]
fn a_policy_change_fails_the_gate_and_an_unchanged_scenario_differs_by_exactly_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = policy_change(tmp.path());
    // Paired on the same customers.
    let junit = tmp.path().join("verdicts.xml");
    let json = tmp.path().join("verdicts.json");
    ccsim()
        .arg("check")
        .arg(&new)
        .arg("--against")
        .arg(&old)
        .arg("--junit")
        .arg(&junit)
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(tmp.path().join("paired"))
        .env("GITHUB_ACTIONS", "true")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSION"))
        .stdout(predicate::str::contains("check: FAILED (3 failed, 3 passed)"))
        // The annotation points at the [[expect]] of abandon_rate, line 25 of the file.
        .stdout(predicate::str::contains(format!(
            "::error file={},line=25,title=ccsim check::abandon_rate regressed against the older scenario",
            new.display()
        )));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"6\" failures=\"3\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 6);
    assert_eq!(xml.matches("<failure ").count(), 3);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["verdict"], "failed");
    assert_eq!(doc["failed"], 3);
    let wait = &doc["comparisons"][1];
    assert_eq!(wait["metric"], "mean_wait");
    assert_eq!(wait["verdict"], "regression");
    assert!(wait["now"].as_f64().unwrap() > wait["before"].as_f64().unwrap());
    // Against a baseline report of the old scenario (independent customers) it fails too.
    let base = tmp.path().join("base");
    ccsim()
        .arg("check")
        .arg(&old)
        .arg("--out")
        .arg(&base)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("check: passed (3 passed)"));
    ccsim()
        .arg("check")
        .arg(&new)
        .arg("--baseline")
        .arg(&base)
        .args(["--seed", "7", "--out"])
        .arg(tmp.path().join("against-base"))
        .assert()
        .code(1);
    // The old scenario against itself: every difference exactly 0, with an interval of 0.
    ccsim()
        .arg("check")
        .arg(&old)
        .arg("--against")
        .arg(&old)
        .arg("--json")
        .arg(&json)
        .arg("--out")
        .arg(tmp.path().join("same"))
        .assert()
        .code(0);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let compared = doc["comparisons"].as_array().unwrap();
    assert_eq!(compared.len(), 3);
    for c in compared {
        for field in ["diff", "diff_ci95_low", "diff_ci95_high"] {
            assert_eq!(c[field].as_f64(), Some(0.0), "{c}");
        }
    }
}

#[test]
fn a_tolerance_that_cannot_apply_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let points_on_a_time = write(
        tmp.path(),
        "bad.toml",
        &store("").replacen(
            "max = \"2m\"\n",
            "max = \"2m\"\nregression = \"3 points\"\n",
            1,
        ),
    );
    ccsim()
        .arg("check")
        .arg(&points_on_a_time)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:32:14: expect[1].regression",
        ))
        .stderr(predicate::str::contains("has no percentage points"));
    let against_nothing = write(tmp.path(), "ok.toml", &store(""));
    ccsim()
        .arg("check")
        .arg(&against_nothing)
        .arg("--against")
        .arg(tmp.path().join("missing.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
}

#[test]
fn a_paired_check_split_into_shards_merges_into_the_same_verdicts() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = policy_change(tmp.path());
    let check = |extra: &[&str], out: &Path| {
        ccsim()
            .arg("check")
            .arg(&new)
            .arg("--against")
            .arg(&old)
            .args(["-r", "4"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
    };
    let whole = tmp.path().join("whole");
    check(&[], &whole).code(1);
    let parts = tmp.path().join("parts");
    for shard in ["1/3", "2/3", "3/3"] {
        check(&["--shard", shard], &parts).success();
    }
    let merged = tmp.path().join("merged");
    ccsim()
        .arg("merge")
        .arg(&parts)
        .arg("--out")
        .arg(&merged)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("check: FAILED"));
    for file in ["check.csv", "summary.csv", "intervals.csv"] {
        assert_eq!(
            std::fs::read(whole.join(file)).unwrap(),
            std::fs::read(merged.join(file)).unwrap(),
            "{file}"
        );
    }
}
