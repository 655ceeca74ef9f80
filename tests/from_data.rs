//! Real data in: a log made by ccsim itself (`--chats-log=export`) goes through the same reader
//! as a platform's export, and `fit`, trace replay and `backtest` must recover the system that
//! made it.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::{ccsim, repo};

/// Two teams on a weekday profile, exponential patience (mean 5 minutes) and handle time
/// (mean 2 minutes), no warm-up: a known system to make logs from.
const KNOWN: &str = r#"
name = "known"

[simulation]
horizon = "14d"
warmup = "0s"
interval = "30m"
replications = 20
seed = 1
service_level_target = "30s"

[[teams]]
name = "sales"

[[teams]]
name = "support"

[[agents]]
name = "sales"
team = "sales"
count = [{ when = "mon-sun 08:00-20:00", count = 4 }, { when = "mon-sun 20:00-24:00", count = 2 }, { when = "mon-sun 00:00-08:00", count = 1 }]

[[agents]]
name = "support"
team = "support"
count = 3
shifts = ["mon-sun 00:00-24:00"]

[[arrivals]]
name = "sales"
team = "sales"
profile = [{ when = "mon-sun 08:00-20:00", rate = "100/h" }, { when = "mon-sun 20:00-24:00", rate = "50/h" }, { when = "mon-sun 00:00-08:00", rate = "20/h" }]

[[arrivals]]
name = "support"
team = "support"
rate = "1/min"

[customers]
patience = { dist = "exponential", mean = "5m" }

[conversation]
handle_time = { dist = "exponential", mean = "2m" }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The export log of one replication of `scenario`, seed 2. (Seed 1's eight weeks draw
/// handle times whose plain mean is 3.2 standard errors below the 2 minutes they are drawn
/// with — so with 50 agents and nobody waiting too: a 1-in-700 sample any estimator would
/// miss, not a fault of the fit.)
fn log_of(dir: &Path, scenario: &Path) -> PathBuf {
    let out = dir.join("made");
    ccsim()
        .args([
            "run",
            "-r",
            "1",
            "--seed",
            "2",
            "--chats-log=export",
            "--out",
        ])
        .arg(&out)
        .arg(scenario)
        .assert()
        .success();
    out.join("chats.csv")
}

/// (estimate, low, high) of a `fit.csv` row.
fn fitted(table: &str, quantity: &str, family: &str, parameter: &str) -> (f64, f64, f64) {
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with(&format!("{quantity},{family},{parameter},")))
        .unwrap_or_else(|| panic!("no {quantity} {family} {parameter} in\n{table}"))
        .split(',')
        .collect();
    let n = |i: usize| row[i].parse::<f64>().unwrap();
    (n(3), n(4), n(5))
}

fn inside(what: &str, truth: f64, (est, low, high): (f64, f64, f64)) {
    assert!(
        low <= truth && truth <= high,
        "{what}: {truth} not in [{low}, {high}] (estimate {est})"
    );
}

/// (mean, half width) of a metric in `summary.csv`.
fn summary(dir: &Path, metric: &str) -> (f64, f64) {
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let row: Vec<f64> = text
        .lines()
        .find(|l| l.split(',').nth(2) == Some(metric))
        .unwrap()
        .split(',')
        .skip(4)
        .map(|x| x.parse().unwrap())
        .collect();
    (row[0], (row[3] - row[2]) / 2.0)
}

#[test]
fn fit_recovers_the_system_that_made_the_log_and_the_round_trip_keeps_its_abandonment() {
    let dir = tempfile::tempdir().unwrap();
    let known = write(dir.path(), "known.toml", KNOWN);
    // Eight weeks of log: each interval's rate rests on eight of its weekday, so the fitted
    // profile's noise (which raises abandonment, as any spread of the load does) is small.
    let long = write(dir.path(), "long.toml", &KNOWN.replace("14d", "56d"));
    let log = log_of(dir.path(), &long);
    let fitted_path = dir.path().join("fitted.toml");
    ccsim()
        .arg("fit")
        .arg(&log)
        .arg("--scenario")
        .arg(&known)
        .arg("--out")
        .arg(&fitted_path)
        .assert()
        .success()
        .stdout(predicate::str::contains("shorter than the fitted mean"));
    let table = std::fs::read_to_string(dir.path().join("fit.csv")).unwrap();
    inside(
        "patience",
        5.0,
        fitted(&table, "patience", "exponential", "mean_minutes"),
    );
    inside(
        "handle time",
        2.0,
        fitted(&table, "handle_time", "exponential", "mean_minutes"),
    );
    // sales: 12 h at 100, 4 h at 50, 8 h at 20 a day; support: 60 an hour.
    inside(
        "sales volume",
        7.0 * (1200.0 + 200.0 + 160.0),
        fitted(&table, "arrivals.sales", "", "chats_per_week"),
    );
    inside(
        "support volume",
        7.0 * 1440.0,
        fitted(&table, "arrivals.support", "", "chats_per_week"),
    );
    // Only the impatient are seen to leave, and they leave early: the naive mean is off by
    // a factor of three or more, which the censored fit is not.
    let (naive, _, _) = {
        let row: Vec<&str> = table
            .lines()
            .find(|l| l.starts_with("patience,abandoned_only,"))
            .unwrap()
            .split(',')
            .collect();
        (row[3].parse::<f64>().unwrap(), 0.0, 0.0)
    };
    assert!(naive * 3.0 <= 5.0, "naive mean {naive}");
    // The fitted file says where each value came from.
    let text = std::fs::read_to_string(&fitted_path).unwrap();
    assert!(
        text.contains("# patience: censored maximum likelihood"),
        "{text}"
    );
    assert!(text.contains("# Fitted from"), "{text}");

    // Round trip: the fitted scenario loses the original's abandonment no more than the
    // two runs' confidence intervals allow.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (scenario, out) in [(&known, &a), (&fitted_path, &b)] {
        ccsim()
            .args(["run", "--seed", "5", "--out"])
            .arg(out)
            .arg(scenario)
            .assert()
            .success();
    }
    let ((ma, ha), (mb, hb)) = (summary(&a, "abandon_rate"), summary(&b, "abandon_rate"));
    assert!(
        (ma - mb).abs() <= (ha * ha + hb * hb).sqrt(),
        "original {ma} ± {ha}, fitted {mb} ± {hb}"
    );
}

#[test]
fn a_trace_with_its_own_times_replays_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let known = write(dir.path(), "known.toml", KNOWN);
    let log = log_of(dir.path(), &known);
    let text = std::fs::read_to_string(&log).unwrap();
    let (rows, abandoned) = (
        text.lines().count() - 1,
        text.lines().filter(|l| l.ends_with(",abandoned")).count(),
    );
    // The same centre fed the log's arrivals, handle times and times to abandon: every
    // replication is the log again.
    let replay = KNOWN
        .replace(
            "team = \"sales\"\nprofile = [{ when = \"mon-sun 08:00-20:00\", rate = \"100/h\" }, { when = \"mon-sun 20:00-24:00\", rate = \"50/h\" }, { when = \"mon-sun 00:00-08:00\", rate = \"20/h\" }]",
            &format!("trace = \"{}\"\ntrace_times = true", log.display()),
        )
        .replace(
            "[[arrivals]]\nname = \"support\"\nteam = \"support\"\nrate = \"1/min\"\n",
            "",
        );
    let replay = write(dir.path(), "replay.toml", &replay);
    let out = dir.path().join("replayed");
    ccsim()
        .args(["run", "-r", "3", "--out"])
        .arg(&out)
        .arg(&replay)
        .assert()
        .success();
    let (arrivals, spread) = summary(&out, "arrivals");
    assert_eq!((arrivals, spread), (rows as f64, 0.0));
    let (left, spread) = summary(&out, "abandoned");
    assert_eq!((left, spread), (abandoned as f64, 0.0));
}

#[test]
fn a_backtest_of_a_log_from_the_same_scenario_keeps_the_actual_inside_the_band() {
    let dir = tempfile::tempdir().unwrap();
    let known = write(dir.path(), "known.toml", &KNOWN.replace("14d", "7d"));
    let log = log_of(dir.path(), &known);
    let out = dir.path().join("backtest");
    // Another seed than the log's, or one replication would be the log itself.
    ccsim()
        .arg("backtest")
        .arg(&log)
        .arg("--scenario")
        .arg(&known)
        .args(["-r", "39", "--seed", "77", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("backtest over 336 intervals"));
    let text = std::fs::read_to_string(out.join("backtest.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .skip(4)
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 336);
    for (k, kpi) in ["arrivals", "abandon_rate", "service_level", "mean_wait_min"]
        .iter()
        .enumerate()
    {
        assert_eq!(header[4 + 4 * k], format!("{kpi}_actual"));
        let compared: Vec<&[f64]> = rows
            .iter()
            .map(|r| &r[4 * k..4 * k + 4])
            .filter(|v| v.iter().all(|x| x.is_finite()))
            .collect();
        let inside = compared
            .iter()
            .filter(|v| v[2] <= v[0] && v[0] <= v[3])
            .count();
        let share = inside as f64 / compared.len() as f64;
        assert!(share >= 0.9, "{kpi}: {inside} of {} inside", compared.len());
        if *kpi == "arrivals" {
            // The arrivals are the log's own: simulated and actual agree exactly.
            assert!(compared.iter().all(|v| v[0] == v[1]));
        }
    }
    for f in ["backtest.png", "backtest.svg", "report.html", "summary.csv"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<h2>Backtest</h2>"));
}

const HEADER: &str = "id,team,arrived_at,first_reply_at,ended_at,outcome\n";

#[test]
fn bad_logs_are_refused_naming_the_file_the_row_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let good = "1,support,2026-03-02T08:00:00,2026-03-02T08:00:10,2026-03-02T08:03:00,served\n";
    let cases = [
        (
            "2,support,02/03/2026 08:01,,2026-03-02T08:02:00,abandoned",
            "arrived_at",
        ),
        (
            "2,support,2026-03-02T08:01:00,,2026-03-02T07:02:00,abandoned",
            "ended_at",
        ),
        (
            "2,support,2026-03-02T08:01:00,,2026-03-02T08:02:00,gone",
            "outcome",
        ),
        (
            "2,billing,2026-03-02T08:01:00,,2026-03-02T08:02:00,abandoned",
            "team",
        ),
    ];
    for (i, (row, column)) in cases.iter().enumerate() {
        let log = write(
            dir.path(),
            &format!("bad{i}.csv"),
            &format!("{HEADER}{good}{row}\n"),
        );
        for command in ["fit", "backtest"] {
            let mut cmd = ccsim();
            cmd.arg(command)
                .arg(&log)
                .arg("--scenario")
                .arg(repo("scenarios/erlang-a.toml"));
            if command == "fit" {
                cmd.arg("--out").arg(dir.path().join("f.toml"));
            } else {
                cmd.arg("--out").arg(dir.path().join("bt"));
            }
            cmd.assert()
                .code(2)
                .stderr(predicate::str::contains(format!(
                    "bad{i}.csv:3: column `{column}`"
                )));
        }
    }
    assert!(!dir.path().join("f.toml").exists() && !dir.path().join("bt").exists());
}

#[test]
fn duplicated_ids_are_counted_and_other_header_names_are_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ticket,queue,created,first_reply_at,closed,outcome,agent\n");
    for day in 2..=15 {
        for (n, hour) in (8..20).enumerate() {
            text += &format!(
                "{day}-{n},support,2026-03-{day:02}T{hour:02}:00:00,2026-03-{day:02}T{hour:02}:00:30,2026-03-{day:02}T{hour:02}:04:00,served,ana\n"
            );
        }
        text += &format!(
            "{day}-x,support,2026-03-{day:02}T12:10:00,,2026-03-{day:02}T12:11:00,abandoned,\n"
        );
    }
    text += "2-0,support,2026-03-02T08:00:00,2026-03-02T08:00:30,2026-03-02T08:04:00,served,ana\n";
    let log = write(dir.path(), "export.csv", &text);
    let fitted = dir.path().join("fitted.toml");
    let run = |columns: Option<&str>| {
        let mut cmd = ccsim();
        cmd.arg("fit")
            .arg(&log)
            .arg("--scenario")
            .arg(repo("scenarios/erlang-a.toml"))
            .arg("--out")
            .arg(&fitted);
        if let Some(c) = columns {
            cmd.args(["--columns", c]);
        }
        cmd.assert()
    };
    run(None).code(2).stderr(
        predicate::str::contains("no column `id`")
            .and(predicate::str::contains("--columns id=HEADER")),
    );
    run(Some(
        "id=ticket,team=queue,arrived_at=created,ended_at=closed",
    ))
    .success()
    .stdout(predicate::str::contains(
        "1 rows repeat the id of an earlier row and were skipped",
    ));
    let text = std::fs::read_to_string(&fitted).unwrap();
    assert!(text.contains("# Log: 1 rows repeat"), "{text}");
    // 14 days of 12 served chats and 1 abandoned, the repeated row skipped.
    assert!(text.contains("182 chats of team support"), "{text}");
}

#[test]
fn a_trace_takes_its_times_and_teams_from_the_log_alone() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(repo("scenarios/erlang-a.toml")).unwrap();
    let both = write(
        dir.path(),
        "both.toml",
        &base.replace(
            "rate = \"2/min\"",
            "rate = \"2/min\"\ntrace = \"missing.csv\"",
        ),
    );
    ccsim()
        .args(["validate"])
        .arg(&both)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("arrivals[0].rate: a `trace` brings its own")
                .and(predicate::str::contains(
                    "arrivals[0].trace: cannot replay it",
                ))
                .and(predicate::str::contains("missing.csv")),
        );
    ccsim()
        .args(["run", "--chats-log=export", "-r", "2", "--out"])
        .arg(dir.path().join("x"))
        .arg(repo("scenarios/erlang-a.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add -r 1"));
}
