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
    /// `ccsim-part`: by this a folder is known to be a part ccsim wrote.
    pub format: String,
    pub ccsim_version: String,
    pub job: Job,
    pub scenario: ScenarioId,
    /// The what-ifs the scenario's text was changed by (`--set`), for the merged header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what_if: Vec<String>,
    pub seed: u64,
    pub replications: u32,
    pub shard: Shard,
    /// How many runs the whole batch makes: the shard's are `shard.range(batch_runs)`.
    pub batch_runs: usize,
    pub threads: usize,
    pub wall_time_s: f64,
    pub chats: u64,
    pub events: u64,
    /// The part's data as written: `replications.bin`'s length and CRC-32, and
    /// `scenario.toml`'s CRC-32. Checked before a merge uses them.
    pub replications_bytes: u64,
    pub replications_crc32: String,
    pub scenario_crc32: String,
    /// CRC-32 of this manifest as written with `checksum` empty: it ties what the manifest
    /// says (batch, shard, replications) to the data, so that an edited manifest, or data
    /// swapped in from another part or run, is refused instead of merged.
    pub checksum: String,
}

fn crc32(bytes: &[u8]) -> String {
    format!("crc32:{:08x}", crc32fast::hash(bytes))
}

impl Manifest {
    /// The checksum of the manifest as it stands, `checksum` left out.
    fn own_checksum(&self) -> String {
        let blank = Manifest {
            checksum: String::new(),
            ..self.clone()
        };
        crc32(&serde_json::to_vec_pretty(&blank).expect("a manifest always serialises"))
    }
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
            format: crate::report::folder::PART_FORMAT.to_string(),
            ccsim_version: env!("CARGO_PKG_VERSION").to_string(),
            job: job.clone(),
            scenario: ScenarioId {
                path: scenario.path.clone(),
                resolved,
                name: scenario.name.clone(),
                fingerprint: fingerprint_text(scenario),
            },
            what_if: scenario.overrides.clone(),
            seed: plan.seed,
            replications: plan.replications,
            shard,
            batch_runs,
            threads: work.threads,
            wall_time_s: work.wall.as_secs_f64(),
            chats: work.runs.iter().map(|r| r.chats).sum(),
            events: work.runs.iter().map(|r| r.events).sum(),
            // What the data are is known when the part is written (`write` fills these).
            replications_bytes: 0,
            replications_crc32: String::new(),
            scenario_crc32: String::new(),
            checksum: String::new(),
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
    let data = codec::encode(runs);
    let text = scenario.text().as_bytes();
    let mut manifest = Manifest {
        replications_bytes: data.len() as u64,
        replications_crc32: crc32(&data),
        scenario_crc32: crc32(text),
        ..manifest.clone()
    };
    manifest.checksum = manifest.own_checksum();
    let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    json.push(b'\n');
    let files: [(&str, &[u8]); 3] = [(SCENARIO, text), (REPLICATIONS, &data), (MANIFEST, &json)];
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

/// The manifest of the part folder `dir`, checked against its own checksum.
pub fn manifest(dir: &Path) -> Result<Manifest, PartError> {
    let path = dir.join(MANIFEST);
    let bytes = read_bytes(&path, crate::io::MAX_INPUT_BYTES)?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| PartError {
        path: path.clone(),
        why: format!(
            "not a part written by this ccsim ({e}); parts are merged by the version that wrote them"
        ),
    })?;
    if m.format != crate::report::folder::PART_FORMAT || m.checksum != m.own_checksum() {
        return Err(PartError {
            path,
            why: "edited or damaged since its shard wrote it (its checksum does not match): run that shard again".into(),
        });
    }
    Ok(m)
}

/// Why a part's data file is not the one its manifest describes.
fn damaged(path: PathBuf) -> PartError {
    PartError {
        path,
        why: "not the data its part.json describes (damaged, or from another part or run): run that shard again".into(),
    }
}

/// The scenario text the part's shard ran.
pub fn scenario_text(dir: &Path, manifest: &Manifest) -> Result<String, PartError> {
    let path = dir.join(SCENARIO);
    let bytes = read_bytes(&path, crate::io::MAX_INPUT_BYTES)?;
    if crc32(&bytes) != manifest.scenario_crc32 {
        return Err(damaged(path));
    }
    String::from_utf8(bytes).map_err(|_| PartError {
        path,
        why: "not UTF-8 text".into(),
    })
}

/// The replications of the part folder `dir`: its length checked against the manifest
/// before anything is read, its bytes after.
pub fn replications(dir: &Path, manifest: &Manifest) -> Result<Vec<RunOutput>, PartError> {
    let path = dir.join(REPLICATIONS);
    let len = std::fs::metadata(&path)
        .map(|m| m.len())
        .map_err(|e| PartError {
            path: path.clone(),
            why: format!("cannot read it: {e}"),
        })?;
    if len != manifest.replications_bytes {
        return Err(damaged(path));
    }
    let bytes = read_bytes(&path, manifest.replications_bytes.min(MAX_PART_BYTES))?;
    if crc32(&bytes) != manifest.replications_crc32 {
        return Err(damaged(path));
    }
    codec::decode(&bytes).map_err(|why| PartError { path, why })
}
