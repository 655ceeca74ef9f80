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

/// Named file contents, in the order they are written.
pub struct Report {
    pub files: Vec<(&'static str, Vec<u8>)>,
}

impl Report {
    /// The report of `run`: the scenario as written is its only variant, named after it.
    pub fn for_run(scenario: &Scenario, plan: &Plan, outcome: &Outcome) -> Report {
        let variant = scenario.name.as_str();
        let runs = &outcome.runs;
        let mut files = vec![
            ("summary.csv", csv::summary(variant, runs)),
            ("intervals.csv", csv::intervals(variant, scenario, runs)),
            ("agents.csv", csv::agents(variant, scenario, runs)),
        ];
        if plan.chats_log {
            files.push(("chats.csv", csv::chats(runs)));
        }
        files.push(("run.json", run_json(scenario, plan, outcome)));
        Report { files }
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

fn run_json(scenario: &Scenario, plan: &Plan, outcome: &Outcome) -> Vec<u8> {
    let doc = json!({
        "scenario": scenario.path.display().to_string(),
        "scenario_name": scenario.name,
        "scenario_hash": format!("fnv1a64:{:016x}", scenario.hash),
        "seed": plan.seed,
        "replications": plan.replications,
        "threads": outcome.threads,
        "version": env!("CARGO_PKG_VERSION"),
        "wall_time_s": outcome.wall.as_secs_f64(),
        "chats": outcome.chats(),
        "events": outcome.events(),
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a JSON value always serialises");
    bytes.push(b'\n');
    bytes
}
