//! A shard's part folder: `part.json` (what batch it belongs to and which share of it it
//! ran), `scenario.toml` (the scenario's text as the shard read it, so that the merge does
//! not depend on the file staying unedited) and `replications.bin` (see `codec`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Job;
use super::codec;
use super::shard::Shard;
use crate::engine::RunOutput;
use crate::error::ReportError;
use crate::experiment::Work;
use crate::scenario::Scenario;

pub const MANIFEST: &str = crate::report::folder::PART_MANIFEST;
const SCENARIO: &str = "scenario.toml";
pub const REPLICATIONS: &str = "replications.bin";

/// The scenario a batch ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioId {
    /// As given on the command line.
    pub path: PathBuf,
    /// Absolute: where the merge reads the files the scenario refers to.
    pub resolved: PathBuf,
    pub name: String,
    /// `Scenario::fingerprint`, as `fnv1a64:` and 16 hex digits.
    pub fingerprint: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub ccsim_version: String,
    pub job: Job,
    pub scenario: ScenarioId,
    pub seed: u64,
    pub replications: u32,
    pub shard: Shard,
    /// How many runs the whole batch makes: the shard's are `shard.range(batch_runs)`.
    pub batch_runs: usize,
    pub threads: usize,
    pub wall_time_s: f64,
    pub chats: u64,
    pub events: u64,
}

/// `Scenario::fingerprint` as a manifest writes it.
pub fn fingerprint_text(scenario: &Scenario) -> String {
    format!("fnv1a64:{:016x}", scenario.fingerprint())
}

impl Manifest {
    /// What shard `shard` of `job` on `scenario` records of its `work`: the scenario's path is
    /// made absolute, for a merge that runs in another folder.
    pub fn new(
        job: &Job,
        scenario: &Scenario,
        plan: &crate::experiment::Plan,
        shard: Shard,
        batch_runs: usize,
        work: &Work,
    ) -> Result<Manifest, ReportError> {
        let resolved =
            std::fs::canonicalize(&scenario.path).map_err(|error| ReportError::Read {
                path: scenario.path.clone(),
                error,
            })?;
        Ok(Manifest {
            ccsim_version: env!("CARGO_PKG_VERSION").to_string(),
            job: job.clone(),
            scenario: ScenarioId {
                path: scenario.path.clone(),
                resolved,
                name: scenario.name.clone(),
                fingerprint: fingerprint_text(scenario),
            },
            seed: plan.seed,
            replications: plan.replications,
            shard,
            batch_runs,
            threads: work.threads,
            wall_time_s: work.wall.as_secs_f64(),
            chats: work.runs.iter().map(|r| r.chats).sum(),
            events: work.runs.iter().map(|r| r.events).sum(),
        })
    }
}

/// Writes the part folder `dir` (replacing an earlier part or report there as a whole).
pub fn write(
    dir: &Path,
    manifest: &Manifest,
    scenario: &Scenario,
    runs: &[RunOutput],
) -> Result<(), ReportError> {
    let mut json = serde_json::to_vec_pretty(manifest).expect("a manifest always serialises");
    json.push(b'\n');
    let files: [(&str, &[u8]); 3] = [
        (SCENARIO, scenario.text().as_bytes()),
        (REPLICATIONS, &codec::encode(runs)),
        (MANIFEST, &json),
    ];
    crate::report::folder::replace(dir, |staging| {
        for (name, bytes) in files {
            crate::report::write_bytes(&staging.join(name), bytes)?;
        }
        Ok(())
    })
}

/// Why a part folder cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {why}", path.display())]
pub struct PartError {
    pub path: PathBuf,
    pub why: String,
}

/// Largest `replications.bin` read: a part holds what the unsharded run would hold in
/// memory, which for a long horizon at fine intervals can pass the report files' cap.
const MAX_PART_BYTES: u64 = 16 << 30;

fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, PartError> {
    crate::io::read(path, limit).map_err(|e| PartError {
        path: path.to_path_buf(),
        why: format!("cannot read it: {e}"),
    })
}

/// The manifest of the part folder `dir`.
pub fn manifest(dir: &Path) -> Result<Manifest, PartError> {
    let path = dir.join(MANIFEST);
    let bytes = read_bytes(&path, crate::io::MAX_INPUT_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|e| PartError {
        path,
        why: format!(
            "not a part written by this ccsim ({e}); parts are merged by the version that wrote them"
        ),
    })
}

/// The scenario text the part's shard ran.
pub fn scenario_text(dir: &Path) -> Result<String, PartError> {
    let path = dir.join(SCENARIO);
    String::from_utf8(read_bytes(&path, crate::io::MAX_INPUT_BYTES)?).map_err(|_| PartError {
        path,
        why: "not UTF-8 text".into(),
    })
}

/// The replications of the part folder `dir`.
pub fn replications(dir: &Path) -> Result<Vec<RunOutput>, PartError> {
    let path = dir.join(REPLICATIONS);
    let bytes = read_bytes(&path, MAX_PART_BYTES)?;
    codec::decode(&bytes).map_err(|why| PartError { path, why })
}
