//! The report directory (SPEC §6). Every file is rendered to bytes first and then written
//! atomically (temporary file, then rename), so an interrupted run never leaves half a CSV.

pub mod csv;
pub mod terminal;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::ReportError;
use crate::experiment::{Outcome, Plan};
use crate::scenario::Scenario;
pub use csv::Results;

/// Named file contents, in the order they are written.
pub struct Report {
    pub files: Vec<(&'static str, Vec<u8>)>,
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
                .insert(at, ("chats.csv", csv::chats(&outcome.runs)));
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
            ("summary.csv", csv::summary(variants)),
            ("intervals.csv", csv::intervals(variants)),
            ("agents.csv", csv::agents(variants)),
        ];
        if compare {
            files.push(("compare.csv", csv::compare(variants)));
        }
        let chats: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.chats).sum();
        let events: u64 = variants.iter().flat_map(|v| v.runs).map(|r| r.events).sum();
        let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
        if let Some(first) = variants.first() {
            files.push((
                "run.json",
                run_json(first.scenario, plan, outcome, &names, chats, events),
            ));
        }
        Report { files }
    }

    /// The report of `sweep`: `sweep.csv` and the summary of every point.
    pub fn for_sweep(
        paths: &[String],
        points: &[(Vec<String>, Results)],
        plan: &Plan,
        outcome: &Outcome,
    ) -> Report {
        let rows: Vec<(Vec<String>, &[crate::engine::RunOutput])> = points
            .iter()
            .map(|(values, r)| (values.clone(), r.runs))
            .collect();
        let results: Vec<Results> = points
            .iter()
            .map(|(_, r)| Results {
                name: r.name,
                scenario: r.scenario,
                runs: r.runs,
            })
            .collect();
        let mut report = Report::for_variants(&results, plan, outcome, false);
        report
            .files
            .insert(0, ("sweep.csv", csv::sweep(paths, &rows)));
        report
    }

    pub fn write(&self, dir: &Path) -> Result<(), ReportError> {
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |error| ReportError::Write { path, error }
        };
        fs::create_dir_all(dir).map_err(fail(dir))?;
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp"));
            fs::write(&tmp, bytes).map_err(fail(&tmp))?;
            fs::rename(&tmp, &path).map_err(fail(&path))?;
        }
        Ok(())
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
