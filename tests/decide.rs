//! A sweep that decides: chosen columns, points ruled out by the `[[expect]]` bounds, the
//! objective's best point, the trade-off chart, and small multiples past two paths — held
//! against the exact Erlang A answer.

use std::path::Path;

use ccsim::planning::erlang::Queue;
use ccsim::stats::metrics::IntervalMetric;

use crate::{ccsim, repo};

/// The shipped Erlang A scenario (λ = 2/min, 2 min work, 5 min patience), with a bound on
/// abandonment, written into `dir`.
fn bounded(dir: &Path, max: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/erlang-a.toml")).unwrap()
        + &format!("\n[[expect]]\nmetric = \"abandon_rate\"\nmax = \"{max}\"\n");
    let path = dir.join("bounded.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn exact_abandon(servers: u64) -> f64 {
    let q = Queue {
        lambda: 2.0,
        mu: 0.5,
        theta: 0.2,
        servers,
    };
    q.metric(IntervalMetric::AbandonRate, 0.5)
}

#[test]
fn the_best_feasible_point_is_the_fewest_agents_erlang_a_says_keep_the_bound() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bounded(tmp.path(), "4%");
    let out = tmp.path().join("out");
    let run = ccsim()
        .arg("sweep")
        .arg(&scenario)
        .args(["-r", "8", "--set", "agents.support.count=4,5,6,7,8"])
        .args(["--metrics", "abandon_rate,occupancy,abandon_rate@support"])
        .args(["--objective", "max occupancy"])
        .args(["--tradeoff", "max occupancy,abandon_rate"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    // The exact answer: the fewest agents whose abandonment keeps under 4% (more agents
    // only lower the occupancy, which is to be as high as the bound allows).
    let exact: Vec<f64> = (4..=8).map(exact_abandon).collect();
    let fewest = (4..=8).find(|&n| exact_abandon(n) <= 0.04).unwrap();
    assert_eq!(fewest, 6, "the exact answer moved: {exact:?}");
    let best = text
        .lines()
        .find(|l| l.contains("◀ best"))
        .unwrap_or_else(|| panic!("no best row:\n{text}"));
    assert!(best.trim_start().starts_with(&fewest.to_string()), "{best}");
    // Every point far from the bound is judged as the exact value says; the chosen columns
    // are the table's, the team's part named as summary.csv names it.
    let header = text
        .lines()
        .find(|l| l.contains("agents.support.count"))
        .unwrap();
    for column in [
        "abandon_rate %",
        "occupancy %",
        "abandon_rate@team:support %",
        "feasible",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert!(!header.contains("mean_wait"), "{header}");
    for (n, x) in (4..=8).zip(&exact) {
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{n} ")))
            .unwrap();
        if (x - 0.04).abs() > 0.01 {
            let want = if *x <= 0.04 { " yes" } else { " no" };
            assert!(row.contains(want), "{n} agents (exact {x:.4}): {row}");
        }
    }
    assert!(
        text.contains(
            "max occupancy: best of the points that keep the bounds: agents.support.count=6"
        ),
        "{text}"
    );
    // 6 agents against 7: far apart on the same customers.
    assert!(text.contains("runner-up: agents.support.count=7"), "{text}");
    assert!(text.contains("better at 95%"), "{text}");
    // The files: feasibility in sweep.csv, the decision in run.json, the trade-off chart;
    // `ccsim report` draws the same charts from them.
    let sweep = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(
        sweep.starts_with("agents.support.count,status,feasible,scope,"),
        "{sweep}"
    );
    assert!(sweep.contains("\n4,ok,no,all,"));
    let run_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run_json["decision"]["best"]["point"], 2);
    assert_eq!(run_json["decision"]["objective"]["metric"], "occupancy");
    let tradeoff = std::fs::read_to_string(out.join("tradeoff.svg")).unwrap();
    assert!(tradeoff.contains("Trade-off: occupancy against abandon rate"));
    assert!(tradeoff.contains("count=6 ★ best"));
    let heat = std::fs::read_to_string(out.join("sweep.svg")).unwrap();
    for name in ["tradeoff.svg", "sweep.svg"] {
        std::fs::remove_file(out.join(name)).unwrap();
    }
    ccsim().arg("report").arg(&out).assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("tradeoff.svg")).unwrap(),
        tradeoff
    );
    assert_eq!(
        std::fs::read_to_string(out.join("sweep.svg")).unwrap(),
        heat
    );
}

#[test]
fn without_a_way_to_be_better_a_tradeoff_or_objective_asks_for_one_and_names_the_part() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bounded(tmp.path(), "4%");
    for (flag, value, says) in [
        (
            "--tradeoff",
            "occupancy,abandon_rate",
            "\"min occupancy\" or \"max occupancy\"",
        ),
        ("--tradeoff", "abandon_rate", "two metrics"),
        ("--objective", "min nothing", "unknown metric \"nothing\""),
        (
            "--metrics",
            "abandon_rate@vendas",
            "no team, stream or priority class \"vendas\"; it has team:support, stream:web",
        ),
        ("--metrics", "occupancy@support", "per agent group"),
    ] {
        ccsim()
            .arg("sweep")
            .arg(&scenario)
            .args(["-r", "2", "--set", "agents.support.count=4,5", flag, value])
            .arg("--out")
            .arg(tmp.path().join("x"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says))
            .stderr(predicates::str::contains(flag));
    }
}

#[test]
fn three_swept_paths_draw_a_heat_map_and_lines_per_value_of_the_third() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    ccsim()
        .current_dir(repo(""))
        .args(["sweep", "scenarios/erlang-a.toml", "-r", "2"])
        .args(["--set", "agents.support.count=4,6"])
        .args(["--set", "customers.patience.mean=2m,5m"])
        .args(["--set", "conversation.handle_time.mean=1m,2m,3m"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("sweep.svg")).unwrap();
    for v in ["1m", "2m", "3m"] {
        let caption = format!("conversation.handle_time.mean={v}");
        assert!(svg.contains(&caption), "no panel {caption}");
    }
    // Three panels in rows of two: the chart grows to two rows.
    assert!(svg.contains("height=\"900\""), "{}", &svg[..200]);
    // The same metric as lines: against the first path, a line per value of the second
    // (named in the legend), a panel per value of the third, on a number line.
    let lines = std::fs::read_to_string(out.join("sweep_lines.svg")).unwrap();
    assert!(lines.contains("height=\"900\""), "{}", &lines[..200]);
    for text in [
        "handle_time.mean=1m",
        "handle_time.mean=3m",
        "patience.mean=2m",
        "patience.mean=5m",
        "Service level against support.count, a line per patience.mean",
    ] {
        assert!(lines.contains(text), "no {text}");
    }
    assert!(out.join("sweep_lines.png").exists());
}

#[test]
fn tune_finds_the_fewest_agents_erlang_a_allows_without_running_the_whole_grid() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bounded(tmp.path(), "4%");
    let out = tmp.path().join("tuned");
    let run = ccsim()
        .arg("tune")
        .arg(&scenario)
        .args(["-r", "6", "--vary", "agents.support.count=2..14"])
        .args(["--objective", "max occupancy"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout);
    // The exact answer, as the sweep's test has it: 6 agents.
    let fewest = (2..=14).find(|&n| exact_abandon(n) <= 0.04).unwrap();
    assert!(
        text.contains(&format!(
            "max occupancy: best agents.support.count={fewest} "
        )),
        "{text}"
    );
    assert!(
        text.contains("settled: the best beats every feasible neighbour at 95%"),
        "{text}"
    );
    let searched: usize = text
        .split("searched ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(searched < 13, "the search ran {searched} of 13 points");
    let csv = std::fs::read_to_string(out.join("tune.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{fewest},")) && l.contains(",best,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("5,") && l.contains(",no,")),
        "{csv}"
    );
    // tuned.toml is the scenario with the best point set, and runs as it is.
    let tuned = out.join("tuned.toml");
    let toml = std::fs::read_to_string(&tuned).unwrap();
    assert!(toml.contains(&format!("count = {fewest}")), "{toml}");
    ccsim().arg("validate").arg(&tuned).assert().success();
}

#[test]
fn a_box_that_cannot_be_read_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bounded(tmp.path(), "4%");
    for (vary, says) in [
        ("agents.support.count=9..2", "HI must be above LO"),
        ("agents.support.count=2-9", "no `..`"),
        (
            "agents.support.count=1m..9",
            "two numbers, two durations or two shares",
        ),
        (
            "agents.nobody.count=1..9",
            "`agents` has no entry named \"nobody\"",
        ),
    ] {
        ccsim()
            .arg("tune")
            .arg(&scenario)
            .args(["--vary", vary, "--objective", "max occupancy"])
            .arg("--out")
            .arg(tmp.path().join("x"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }
    ccsim()
        .arg("tune")
        .arg(&scenario)
        .args(["--vary", "agents.support.count=2..9"])
        .args(["--vary", "agents.support.count=3..4"])
        .args(["--objective", "max occupancy"])
        .arg("--out")
        .arg(tmp.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("varied twice"));
}

#[test]
fn a_tuning_is_the_same_on_one_thread_and_on_four() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = bounded(tmp.path(), "4%");
    let tune = |threads: &str| {
        let out = tmp.path().join(format!("t{threads}"));
        ccsim()
            .arg("tune")
            .arg(&scenario)
            .args(["-r", "4", "--threads", threads])
            .args(["--vary", "agents.support.count=3..9"])
            .args(["--vary", "customers.patience.mean=2m..8m/2m"])
            .args(["--objective", "max occupancy"])
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let (one, four) = (tune("1"), tune("4"));
    for file in ["tune.csv", "sweep.csv", "summary.csv", "tuned.toml"] {
        assert_eq!(
            std::fs::read(one.join(file)).unwrap(),
            std::fs::read(four.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_bound_given_on_the_command_line_binds_as_one_in_the_file_and_travels_with_tuned_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = ccsim()
        .current_dir(repo(""))
        .args(["tune", "scenarios/erlang-a.toml", "-r", "6"])
        .args(["--vary", "agents.support.count=2..14"])
        .args([
            "--objective",
            "max occupancy",
            "--expect",
            "abandon_rate<=4%",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fewest = (2..=14).find(|&n| exact_abandon(n) <= 0.04).unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains(&format!("best agents.support.count={fewest} ")),
        "{text}"
    );
    let toml = std::fs::read_to_string(out.join("tuned.toml")).unwrap();
    assert!(
        toml.contains("[[expect]]\nmetric = \"abandon_rate\"\nmax = \"4%\""),
        "{toml}"
    );
    for (expect, says) in [
        ("abandon_rate<5%", "no `<=` or `>=`"),
        ("nothing<=3", "unknown metric \"nothing\""),
        ("abandon_rate@nope<=5%", "no team or stream \"nope\""),
        ("abandon_rate<=lots", "expected a share"),
    ] {
        ccsim()
            .current_dir(repo(""))
            .args([
                "tune",
                "scenarios/erlang-a.toml",
                "--vary",
                "agents.support.count=4..6",
            ])
            .args(["--objective", "max occupancy", "--expect", expect])
            .arg("--out")
            .arg(tmp.path().join("x"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--expect"))
            .stderr(predicates::str::contains(says));
    }
}
