//! The report directory (guide `outputs.md`). Every file is rendered to bytes first, then the whole
//! folder is written beside the old one and swapped in (`folder`), so that a folder always
//! holds the files of exactly one command.

pub mod backtest;
pub mod charts;
pub mod csv;
pub mod data;
pub mod explore;
pub mod fit;
pub mod folder;
pub mod html;

/// The files a report's charts and page are drawn from (`summary.csv` is required), and
/// `chats.csv`, which `ccsim report` carries over.
const DATA_FILES: [&str; 20] = [
    "chats.csv",
    "report.xlsx",
    "plan.xlsx",
    "backtest.csv",
    "staffing.csv",
    "roster.csv",
    "costs.csv",
    "plan.toml",
    "tune.csv",
    "tuned.toml",
    "summary.csv",
    "intervals.csv",
    "week.csv",
    "agents.csv",
    "waits.csv",
    "compare.csv",
    "compare_intervals.csv",
    "sweep.csv",
    "check.csv",
    "run.json",
];
pub mod staffing;
pub mod terminal;
pub mod tune;
pub mod verdicts;
pub mod xlsx;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::ReportError;
use crate::experiment::{Outcome, Plan};
use crate::scenario::Scenario;
pub use csv::Results;

/// Writes a file's content into the file.
pub type WriteFile<'a> = Box<dyn Fn(&mut dyn Write) -> io::Result<()> + 'a>;

/// What a report file holds.
pub enum Body<'a> {
    Bytes(Vec<u8>),
    /// Written straight into the file: the files that grow with the horizon (per-interval
    /// statistics, the chats log) are never held in memory whole.
    Stream(WriteFile<'a>),
    /// A file of an earlier report, copied as it is (`ccsim report`).
    Copy(PathBuf),
}

/// Named files, in the order they are written.
pub struct Report<'a> {
    pub files: Vec<(String, Body<'a>)>,
}

impl<'a> Report<'a> {
    /// The report of `run`: the scenario as written is its only variant, named after it.
    pub fn for_run(scenario: &'a Scenario, plan: &Plan, outcome: &'a Outcome) -> Report<'a> {
        let results = [Results {
            name: &scenario.name,
            scenario,
            runs: &outcome.runs,
        }];
        let mut report = Report::for_variants(&results, plan, outcome, false);
        if let Some(format) = plan.chats_log {
            let at = report.files.len() - 1;
            let runs = &outcome.runs;
            report.files.insert(
                at,
                (
                    "chats.csv".to_string(),
                    Body::Stream(Box::new(move |w| csv::chats(w, runs, format))),
                ),
            );
        }
        report
    }

    /// The report of `staff`: the run report of the plan it found, `staffing.csv`, and the
    /// plan as a scenario, `plan.toml`.
    pub fn for_staffing(
        scenario: &'a Scenario,
        plan: &Plan,
        found: &'a crate::planning::StaffingPlan,
    ) -> Report<'a> {
        let mut report = Report::for_run(&found.scenario, plan, &found.outcome);
        let at = report.files.len() - 1;
        report.files.insert(
            at,
            (
                "staffing.csv".to_string(),
                Body::Bytes(csv::staffing(scenario, found)),
            ),
        );
        report.files.insert(
            at + 1,
            (
                "plan.toml".to_string(),
                Body::Bytes(crate::planning::plan_file::render(scenario, found).into_bytes()),
            ),
        );
        let results = vec![Results {
            name: &found.scenario.name,
            scenario: &found.scenario,
            runs: &found.outcome.runs,
        }];
        report.files.insert(
            at + 2,
            (
                "plan.xlsx".to_string(),
                Body::Stream(Box::new(move |w| {
                    let book = xlsx::plan(scenario, found, &results).map_err(io::Error::other)?;
                    w.write_all(&book)
                })),
            ),
        );
        report.files.insert(
            at + 3,
            ("costs.csv".to_string(), Body::Bytes(csv::costs(found))),
        );
        if !found.roster.is_empty() {
            report.files.insert(
                at + 4,
                ("roster.csv".to_string(), Body::Bytes(csv::roster(found))),
            );
        }
        report
    }

    /// The report of `backtest`: the run report of the replay, and `backtest.csv`.
    pub fn for_backtest(plan: &Plan, b: &'a crate::backtest::Backtest) -> Report<'a> {
        let mut report = Report::for_run(&b.scenario, plan, &b.outcome);
        let at = report.files.len() - 1;
        report.files.insert(
            at,
            ("backtest.csv".to_string(), Body::Bytes(backtest::csv(b))),
        );
        report
    }

    /// The report of several variants (`compare`, `check`), with `compare.csv` if asked.
    /// `outcome` gives the run's totals (its wall time is the whole run's).
    pub fn for_variants(
        variants: &[Results<'a>],
        plan: &Plan,
        outcome: &Outcome,
        compare: bool,
    ) -> Report<'a> {
        let owned: Vec<Results<'a>> = variants.iter().map(Results::clone).collect();
        let sheets = owned.clone();
        let bytes = |name: &str, b: Vec<u8>| (name.to_string(), Body::Bytes(b));
        let mut files = vec![
            bytes("summary.csv", csv::summary(variants)),
            (
                "intervals.csv".to_string(),
                Body::Stream(Box::new(move |w| csv::intervals(w, &owned))),
            ),
            bytes("week.csv", csv::week(variants)),
            bytes("agents.csv", csv::agents(variants)),
            bytes("waits.csv", csv::waits(variants)),
            (
                "report.xlsx".to_string(),
                Body::Stream(Box::new(move |w| {
                    w.write_all(&xlsx::report(&sheets).map_err(io::Error::other)?)
                })),
            ),
        ];
        if compare {
            files.push(bytes("compare.csv", csv::compare(variants)));
            let owned: Vec<Results<'a>> = variants.iter().map(Results::clone).collect();
            files.push((
                "compare_intervals.csv".to_string(),
                Body::Stream(Box::new(move |w| csv::compare_intervals(w, &owned))),
            ));
        }
        let chats: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.chats).sum();
        let events: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.events).sum();
        let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
        if let Some(first) = variants.first() {
            files.push(bytes(
                "run.json",
                run_json(first.scenario, plan, outcome, &names, chats, events),
            ));
        }
        Report { files }
    }

    /// The report of `sweep`: `sweep.csv` and the summary of every point that ran; an
    /// `Err` point was skipped as invalid, for the reason given.
    pub fn for_sweep(
        paths: &[String],
        points: &[(Vec<String>, Result<Results<'a>, String>)],
        decided: &crate::experiment::decide::Decided,
        plan: &Plan,
        outcome: &Outcome,
    ) -> Report<'a> {
        let rows: Vec<csv::SweepRow> = points
            .iter()
            .map(|(values, r)| {
                let r = r.as_ref().map_err(String::as_str);
                (values.clone(), r)
            })
            .collect();
        let results: Vec<Results> = points
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(Results::clone)
            .collect();
        let mut report = Report::for_variants(&results, plan, outcome, false);
        report.files.insert(
            0,
            (
                "sweep.csv".to_string(),
                Body::Bytes(csv::sweep(paths, &rows, &decided.feasible)),
            ),
        );
        if let Some(d) = decision_json(paths, decided) {
            report.set_run_field("decision", d);
        }
        report
    }

    /// Adds `key` to `run.json`'s object.
    fn set_run_field(&mut self, key: &str, value: serde_json::Value) {
        for (name, body) in &mut self.files {
            if let (true, Body::Bytes(bytes)) = (name == "run.json", &mut *body) {
                let mut run: serde_json::Value =
                    serde_json::from_slice(bytes).expect("ccsim wrote it");
                run[key] = value;
                let mut text = serde_json::to_vec_pretty(&run).expect("in memory");
                text.push(b'\n');
                *bytes = text;
                return;
            }
        }
    }

    /// Adds a file (such as `check.csv`) before the report is written.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((name.to_string(), Body::Bytes(bytes)));
    }

    /// The data files of an earlier report folder, to draw its charts and page again.
    pub fn read(dir: &Path) -> Result<Report<'static>, ReportError> {
        let mut files = Vec::new();
        for name in DATA_FILES {
            let path = dir.join(name);
            if path.is_file() {
                files.push((name.to_string(), Body::Copy(path)));
            } else if name == "summary.csv" {
                return Err(ReportError::Read {
                    path,
                    error: io::Error::new(io::ErrorKind::NotFound, "no such file"),
                });
            }
        }
        Ok(Report { files })
    }

    /// Writes the report as the whole content of `dir`: its data files, then the charts and
    /// page drawn from those files as written. Returns how many charts. Nothing of an
    /// earlier report in `dir` survives, and a failure leaves it untouched.
    pub fn publish(&self, dir: &Path) -> Result<usize, ReportError> {
        folder::replace(dir, |staging| {
            for (name, body) in &self.files {
                write_body(&staging.join(name), body)?;
            }
            let data = data::ReportData::from_dir(staging).map_err(ReportError::Data)?;
            let charts = charts::all(&data).map_err(ReportError::Chart)?;
            for c in &charts {
                write_bytes(&staging.join(format!("{}.svg", c.name)), c.svg.as_bytes())?;
                write_bytes(&staging.join(format!("{}.png", c.name)), &c.png)?;
            }
            let page = html::page(&data, &charts);
            write_bytes(&staging.join("report.html"), page.as_bytes())?;
            Ok(charts.len())
        })
    }
}

pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|error| ReportError::Write {
        path: path.to_path_buf(),
        error,
    })
}

fn write_body(path: &Path, body: &Body) -> Result<(), ReportError> {
    let fail = |error| ReportError::Write {
        path: path.to_path_buf(),
        error,
    };
    match body {
        Body::Bytes(b) => write_bytes(path, b),
        Body::Copy(from) => {
            std::fs::copy(from, path)
                .map(|_| ())
                .map_err(|error| ReportError::Read {
                    path: from.clone(),
                    error,
                })
        }
        Body::Stream(write) => {
            let file = std::fs::File::create(path).map_err(fail)?;
            let mut w = io::BufWriter::with_capacity(1 << 16, file);
            write(&mut w).and_then(|()| w.flush()).map_err(fail)
        }
    }
}

/// Where a run's report goes unless `--out` says otherwise: `reports/<scenario name>/`.
pub fn default_dir(scenario: &Scenario) -> PathBuf {
    let safe: String = scenario
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Path::new("reports").join(safe)
}

fn run_json(
    scenario: &Scenario,
    plan: &Plan,
    outcome: &Outcome,
    variants: &[&str],
    chats: u64,
    events: u64,
) -> Vec<u8> {
    let mut doc = json!({
        "format": folder::REPORT_FORMAT,
        "scenario": scenario.path.display().to_string(),
        "scenario_name": scenario.name,
        "scenario_hash": format!("fnv1a64:{:016x}", scenario.hash),
        "service_level_target_s": scenario.simulation.service_level_target as f64 / 1000.0,
        "interval_s": scenario.simulation.interval as f64 / 1000.0,
        "variants": variants,
        "seed": plan.seed,
        "replications": plan.replications,
        "threads": outcome.threads,
        "version": env!("CARGO_PKG_VERSION"),
        "wall_time_s": outcome.wall.as_secs_f64(),
        "chats": chats,
        "events": events,
    });
    if let Some(n) = plan.shards {
        doc["shards"] = json!(n);
    }
    if !scenario.overrides.is_empty() {
        doc["what_if"] = json!(scenario.overrides);
    }
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a JSON value always serialises");
    bytes.push(b'\n');
    bytes
}

/// What a sweep was asked to decide and what it found, for `run.json`: the charts and the
/// page read it there, so that `ccsim report` draws them again. `None` when nothing was
/// asked, so that the file is as before.
fn decision_json(
    paths: &[String],
    decided: &crate::experiment::decide::Decided,
) -> Option<serde_json::Value> {
    let d = &decided.decision;
    if d.metrics.is_empty() && d.tradeoff.is_none() && d.objective.is_none() {
        return None;
    }
    let aim = |a: &crate::experiment::decide::Aim| serde_json::json!({ "goal": a.goal.name(), "metric": a.measure.name() });
    let best = decided.best.as_ref().map(|b| {
        serde_json::json!({
            "point": b.row,
            "runner_up": b.runner_up.map(|(r, _)| r),
            "settled": b.settled(),
            "among_unsure": b.among_unsure,
        })
    });
    Some(serde_json::json!({
        "paths": paths,
        "metrics": d.metrics.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "tradeoff": d.tradeoff.as_ref().map(|t| t.iter().map(aim).collect::<Vec<_>>()),
        "objective": d.objective.as_ref().map(aim),
        "best": best,
    }))
}
