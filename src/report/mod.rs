//! The report directory (SPEC §6). Every file is rendered to bytes first, then the whole
//! folder is written beside the old one and swapped in (`folder`), so that a folder always
//! holds the files of exactly one command.

pub mod charts;
pub mod csv;
pub mod data;
pub mod folder;
pub mod html;

/// The files a report's charts and page are drawn from (`summary.csv` is required), and
/// `chats.csv`, which `ccsim report` carries over.
const DATA_FILES: [&str; 9] = [
    "chats.csv",
    "summary.csv",
    "intervals.csv",
    "agents.csv",
    "waits.csv",
    "compare.csv",
    "sweep.csv",
    "check.csv",
    "run.json",
];
pub mod terminal;

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::ReportError;
use crate::experiment::{Outcome, Plan};
use crate::scenario::Scenario;
pub use csv::Results;

/// Named file contents, in the order they are written.
pub struct Report {
    pub files: Vec<(String, Vec<u8>)>,
}

impl Report {
    /// The report of `run`: the scenario as written is its only variant, named after it.
    pub fn for_run(scenario: &Scenario, plan: &Plan, outcome: &Outcome) -> Report {
        let results = [Results {
            name: &scenario.name,
            scenario,
            runs: &outcome.runs,
        }];
        let mut report = Report::for_variants(&results, plan, outcome, false);
        if plan.chats_log {
            let at = report.files.len() - 1;
            report
                .files
                .insert(at, ("chats.csv".to_string(), csv::chats(&outcome.runs)));
        }
        report
    }

    /// The report of several variants (`compare`, `check`), with `compare.csv` if asked.
    /// `outcome` gives the run's totals (its wall time is the whole run's).
    pub fn for_variants(
        variants: &[Results],
        plan: &Plan,
        outcome: &Outcome,
        compare: bool,
    ) -> Report {
        let mut files = vec![
            ("summary.csv".to_string(), csv::summary(variants)),
            ("intervals.csv".to_string(), csv::intervals(variants)),
            ("agents.csv".to_string(), csv::agents(variants)),
            ("waits.csv".to_string(), csv::waits(variants)),
        ];
        if compare {
            files.push(("compare.csv".to_string(), csv::compare(variants)));
        }
        let chats: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.chats).sum();
        let events: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.events).sum();
        let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
        if let Some(first) = variants.first() {
            files.push((
                "run.json".to_string(),
                run_json(first.scenario, plan, outcome, &names, chats, events),
            ));
        }
        Report { files }
    }

    /// The report of `sweep`: `sweep.csv` and the summary of every point that ran; an
    /// `Err` point was skipped as invalid, for the reason given.
    pub fn for_sweep(
        paths: &[String],
        points: &[(Vec<String>, Result<Results, String>)],
        plan: &Plan,
        outcome: &Outcome,
    ) -> Report {
        let rows: Vec<csv::SweepRow> = points
            .iter()
            .map(|(values, r)| {
                let r = r.as_ref().map(|r| r.runs).map_err(String::as_str);
                (values.clone(), r)
            })
            .collect();
        let results: Vec<Results> = points
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(|r| Results {
                name: r.name,
                scenario: r.scenario,
                runs: r.runs,
            })
            .collect();
        let mut report = Report::for_variants(&results, plan, outcome, false);
        report
            .files
            .insert(0, ("sweep.csv".to_string(), csv::sweep(paths, &rows)));
        report
    }

    /// Adds a file (such as `check.csv`) before the report is written.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((name.to_string(), bytes));
    }

    /// The files of an earlier report directory that the charts and page are drawn from.
    pub fn read(dir: &Path) -> Result<Report, ReportError> {
        let mut files = Vec::new();
        for name in DATA_FILES {
            let path = dir.join(name);
            match crate::io::read(&path, crate::io::MAX_REPORT_BYTES) {
                Ok(bytes) => files.push((name.to_string(), bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != "summary.csv" => {}
                Err(error) => return Err(ReportError::Read { path, error }),
            }
        }
        Ok(Report { files })
    }

    /// The charts (PNG and SVG) and `report.html` drawn from this report's data files.
    pub fn visuals(&self) -> Result<Report, ReportError> {
        let files: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let data = data::ReportData::from_files(&files).map_err(ReportError::Data)?;
        let charts = charts::all(&data).map_err(ReportError::Chart)?;
        let mut out = Vec::new();
        for c in &charts {
            out.push((format!("{}.svg", c.name), c.svg.clone().into_bytes()));
            out.push((format!("{}.png", c.name), c.png.clone()));
        }
        out.push((
            "report.html".to_string(),
            html::page(&data, &charts).into_bytes(),
        ));
        Ok(Report { files: out })
    }

    /// Writes the report as the whole content of `dir`, its data files with the charts and
    /// page drawn from them; returns how many charts. Nothing of an earlier report in `dir`
    /// survives, and a failure leaves it untouched.
    pub fn publish(&self, dir: &Path) -> Result<usize, ReportError> {
        let visuals = self.visuals()?;
        let files = self.files.iter().chain(&visuals.files);
        folder::replace(dir, files.map(|(n, b)| (n.as_str(), b.as_slice())))?;
        Ok((visuals.files.len() - 1) / 2)
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
    let doc = json!({
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
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a JSON value always serialises");
    bytes.push(b'\n');
    bytes
}
