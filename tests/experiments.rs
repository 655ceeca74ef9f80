//! `compare`, `sweep` and `check` as a user runs them (guide `experiments.md`), and the statistics
//! that make them worth running: paired differences on common random numbers.

use std::path::{Path, PathBuf};

use ccsim::experiment::{self, Overrides, Plan};
use ccsim::report::csv::paired;
use ccsim::stats::metrics::Metric;
use ccsim::stats::pooled;
use ccsim::stats::summary::t_quantile;
use predicates::prelude::*;

use crate::{ccsim, repo, scenario};

/// The Erlang A example with extra TOML appended, written where a test can run it.
fn erlang_with(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml")).unwrap() + extra;
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn paired_differences_are_far_narrower_than_unpaired_ones() {
    // Two close staffing plans on the same customers: the Erlang A center, and the same with
    // a sixth agent at lunchtime. Common random numbers make each replication's difference
    // small even when the replications themselves vary a lot.
    let base = std::fs::read_to_string(repo("scenarios/erlang-a.toml"))
        .unwrap()
        .replace("horizon = \"30d\"", "horizon = \"5d\"")
        + "\n[[agents]]\nname = \"lunch\"\nteam = \"support\"\ncount = 0\nshifts = [\"mon-sun 12:00-14:00\"]\n"
        + "\n[[variants]]\nname = \"five\"\n\n[[variants]]\nname = \"lunch help\"\nset = { \"agents.lunch.count\" = 1 }\n";
    let s = scenario(&base);
    let variants = experiment::variants(&s).unwrap();
    let refs: Vec<_> = variants.iter().map(|(_, s)| s).collect();
    let plan = Plan::new(
        &s,
        Overrides {
            replications: Some(20),
            seed: Some(3),
        },
        Some(2),
    );
    let outcomes = experiment::run_all(&refs, plan, None).unwrap();
    for m in [Metric::MeanWait, Metric::AbandonRate, Metric::ServiceLevel] {
        let d = paired(&outcomes[0].runs, &outcomes[1].runs, m);
        let (a, b) = (
            pooled::metric(outcomes[0].runs.iter().map(|r| &r.stats), m),
            pooled::metric(outcomes[1].runs.iter().map(|r| &r.stats), m),
        );
        // The unpaired (Welch) interval of the same difference, from the same runs.
        let unpaired =
            t_quantile(0.95, 2 * 20 - 2) * (a.std.powi(2) / 20.0 + b.std.powi(2) / 20.0).sqrt();
        println!(
            "{}: paired ±{:.5}, unpaired ±{unpaired:.5}",
            m.name(),
            d.half_width()
        );
        assert!(
            d.half_width() < 0.5 * unpaired,
            "{}: paired ±{} vs unpaired ±{unpaired}",
            m.name(),
            d.half_width()
        );
    }
}

#[test]
fn compare_writes_paired_differences_against_the_first_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = "\n[[variants]]\nname = \"five\"\n\n[[variants]]\nname = \"six\"\nset = { \"agents.support.count\" = 6 }\n";
    let path = erlang_with(tmp.path(), "cmp.toml", extra);
    let out = tmp.path().join("report");
    ccsim()
        .args(["compare", "-r", "6", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("Δ vs first"))
        .stdout(predicate::str::contains("*"));
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("variant,scope,metric,unit,diff_mean,diff_ci95_low,diff_ci95_high\n"));
    let row = csv
        .lines()
        .find(|l| l.starts_with("six,all,abandon_rate,"))
        .unwrap();
    let cells: Vec<f64> = row.split(',').skip(4).map(|c| c.parse().unwrap()).collect();
    assert!(
        cells[2] < 0.0,
        "a sixth agent lowers abandonment, surely: {row}"
    );
    // The same customers: arrivals do not differ at all.
    assert!(csv.contains("six,all,arrivals,count,0.000000,"), "{csv}");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.contains("\nfive,all,abandon_rate,") && summary.contains("\nsix,all,abandon_rate,")
    );
}

#[test]
fn compare_needs_variants() {
    ccsim()
        .current_dir(repo(""))
        .args(["compare", "scenarios/erlang-a.toml", "-r", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs at least two [[variants]]"));
}

#[test]
fn a_sweep_over_agents_shows_abandonment_falling() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    ccsim()
        .current_dir(repo(""))
        .args([
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "agents.support.count=3,4,5,6,7",
            "-r",
            "4",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with(
        "agents.support.count,status,scope,metric,unit,mean,std,ci95_low,ci95_high,replications\n"
    ));
    let rates: Vec<f64> = csv
        .lines()
        .filter(|l| l.split(',').nth(3) == Some("abandon_rate"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert_eq!(rates.len(), 5);
    assert!(rates.windows(2).all(|w| w[1] < w[0]), "{rates:?}");
}

#[test]
fn a_sweep_takes_two_paths_as_a_grid_and_names_a_wrong_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("grid");
    ccsim()
        .current_dir(repo(""))
        .args(["sweep", "scenarios/erlang-a.toml", "-r", "2", "--out"])
        .arg(&out)
        .args([
            "--set",
            "agents.support.count=4,5",
            "--set",
            "customers.patience.mean=2m,10m",
        ])
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let points: Vec<&str> = csv.lines().filter(|l| l.contains(",arrivals,")).collect();
    assert_eq!(points.len(), 4);
    assert!(points[1].starts_with("4,10m,"), "{points:?}");
    ccsim()
        .current_dir(repo(""))
        .args([
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "agents.sales.count=4",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scenarios/erlang-a.toml"))
        .stderr(predicate::str::contains(
            "`agents` has no entry named \"sales\"",
        ));
    ccsim()
        .current_dir(repo(""))
        .args([
            "sweep",
            "scenarios/erlang-a.toml",
            "--set",
            "teams.support.distribution=random",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown distribution \"random\""));
}

#[test]
fn a_variant_path_that_does_not_exist_is_named_with_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = erlang_with(
        tmp.path(),
        "bad.toml",
        "\n[[variants]]\nname = \"x\"\nset = { \"teams.sales.distribution\" = \"capacity\" }\n",
    );
    ccsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:35:7: variants[0].set: variant \"x\"",
        ))
        .stderr(predicate::str::contains(
            "`teams` has no entry named \"sales\"",
        ));
}

#[test]
fn check_exits_0_when_bounds_hold_1_when_one_is_broken_and_2_on_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = erlang_with(
        tmp.path(),
        "pass.toml",
        "\n[[expect]]\nmetric = \"abandon_rate\"\nmax = 0.2\n",
    );
    ccsim()
        .args(["check", "-r", "4", "--out"])
        .arg(tmp.path().join("r1"))
        .arg(&pass)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("pass"))
        .stdout(predicate::str::contains("check: passed"));
    let fail = erlang_with(
        tmp.path(),
        "fail.toml",
        "\n[[expect]]\nmetric = \"service_level\"\nmin = 0.9\n",
    );
    ccsim()
        .args(["check", "-r", "4", "--out"])
        .arg(tmp.path().join("r2"))
        .arg(&fail)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL"));
    // The bound sits inside the interval: inconclusive passes, unless --strict, which also
    // says how many replications would settle it.
    let close = erlang_with(
        tmp.path(),
        "close.toml",
        "\n[[expect]]\nmetric = \"abandon_rate\"\nmax = 0.0704\n",
    );
    ccsim()
        .args(["check", "-r", "4", "--out"])
        .arg(tmp.path().join("r3"))
        .arg(&close)
        .assert()
        .code(0);
    ccsim()
        .args(["check", "-r", "4", "--strict", "--out"])
        .arg(tmp.path().join("r4"))
        .arg(&close)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("replications would settle it"));
    ccsim()
        .current_dir(repo(""))
        .args(["check", "scenarios/erlang-a.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs [[expect]] bounds"));
    let bad = erlang_with(
        tmp.path(),
        "bad.toml",
        "\n[[expect]]\nmetric = \"happiness\"\nmax = 1\n",
    );
    ccsim()
        .arg("check")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown metric \"happiness\""));
    ccsim()
        .args(["check", "--baseline"])
        .arg(tmp.path().join("nowhere"))
        .arg(&pass)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the baseline"));
}

#[test]
fn check_against_a_baseline_fails_a_run_that_got_worse() {
    let tmp = tempfile::tempdir().unwrap();
    let expect = "\n[[expect]]\nmetric = \"mean_wait\"\nmax = 5\n";
    let today = erlang_with(tmp.path(), "today.toml", expect);
    let baseline = tmp.path().join("baseline");
    ccsim()
        .args(["check", "-r", "6", "--out"])
        .arg(&baseline)
        .arg(&today)
        .assert()
        .code(0);
    // The same scenario passes against itself...
    ccsim()
        .args(["check", "-r", "6", "--out"])
        .arg(tmp.path().join("again"))
        .arg("--baseline")
        .arg(&baseline)
        .arg(&today)
        .assert()
        .code(0);
    // ...one agent fewer still keeps the bound, but waits are longer than the baseline's.
    let text = std::fs::read_to_string(&today)
        .unwrap()
        .replace("count = 5", "count = 4");
    let worse = tmp.path().join("today-worse.toml");
    std::fs::write(&worse, text).unwrap();
    ccsim()
        .args(["check", "-r", "6", "--out"])
        .arg(tmp.path().join("worse"))
        .arg("--baseline")
        .arg(&baseline)
        .arg(&worse)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSION"));
}

#[test]
fn a_team_s_bound_is_judged_on_its_own_chats_and_an_unknown_team_is_bad_input() {
    // The three-team example: the centre keeps its abandonment bound while post-sale, one
    // agent a shift, misses its own answer level; the files and the page say which team.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    ccsim()
        .args(["check", "scenarios/centro.toml", "--out"])
        .arg(&out)
        .current_dir(repo(""))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("answer_level (team:pos-venda)"));
    let check = std::fs::read_to_string(out.join("check.csv")).unwrap();
    assert!(check.starts_with("variant,scope,metric,"), "{check}");
    let verdict = |scope: &str, metric: &str| {
        let row = check
            .lines()
            .find(|l| l.starts_with(&format!("centro,{scope},{metric},")))
            .unwrap_or_else(|| panic!("no {scope} {metric} row: {check}"));
        row.rsplit(',').next().unwrap().to_string()
    };
    assert_eq!(verdict("all", "abandon_rate"), "pass");
    assert_eq!(verdict("team:pos-venda", "answer_level"), "fail");
    assert_eq!(verdict("team:suporte", "mean_wait"), "pass");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    for scope in [
        "all",
        "team:vendas",
        "team:suporte",
        "team:pos-venda",
        "stream:whatsapp",
        "stream:instagram",
    ] {
        assert!(
            summary.contains(&format!("\ncentro,{scope},answer_level,")),
            "{scope}"
        );
    }
    assert!(
        !summary.contains("team:vendas,occupancy"),
        "occupancy is per agent group"
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<h2>Per team and per stream</h2>"));
    assert!(page.contains("answer_level (team:pos-venda)"));
    assert!(out.join("teams_abandon_rate.png").is_file());

    let text = std::fs::read_to_string(repo("scenarios/centro.toml")).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        text.replace(
            "team = \"pos-venda\"              #",
            "team = \"posvenda\" #",
        ),
    )
    .unwrap();
    // The file, line and column of the value.
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("team = \"pos-venda\"              #"))
        .unwrap();
    ccsim().arg("check").arg(&bad).assert().code(2).stderr(
        predicate::str::contains(format!("bad.toml:{line}:8: expect[1].team"))
            .and(predicate::str::contains("unknown team \"posvenda\"")),
    );
}
