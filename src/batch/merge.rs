//! `ccsim merge`: a set of part folders checked to be the whole of one batch — the same
//! scenario, seed, replications, command and ccsim, every shard exactly once — and its
//! replications put back in the order one machine would have produced them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::part::{self, Manifest, PartError};
use super::shard::Shard;
use crate::engine::RunOutput;
use crate::error::ScenarioError;
use crate::experiment::Plan;
use crate::scenario::Scenario;

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "{}: not a part folder (no part.json) and holds no part-K-of-N folders",
        .0.display()
    )]
    NotPart(PathBuf),
    #[error(transparent)]
    Part(#[from] PartError),
    #[error(
        "{}: from another batch than {}: its {what} is {theirs}, not {ours}; merge only the parts of one command (remove those an earlier batch left in the same folder)",
        theirs_at.display(),
        ours_at.display()
    )]
    Mismatch {
        what: &'static str,
        ours: String,
        theirs: String,
        ours_at: PathBuf,
        theirs_at: PathBuf,
    },
    #[error("shard {shard} is given twice: {} and {}", first.display(), second.display())]
    Duplicate {
        shard: Shard,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "{} of the {count} shards {} missing: {}; run {} and merge again",
        missing.len(),
        if missing.len() == 1 { "is" } else { "are" },
        list(missing),
        if missing.len() == 1 { "it" } else { "them" }
    )]
    Missing { count: u32, missing: Vec<Shard> },
    #[error(
        "{}: holds {held} runs, where shard {shard} of a batch of {batch_runs} runs {expected}",
        path.display()
    )]
    Runs {
        path: PathBuf,
        shard: Shard,
        held: usize,
        expected: usize,
        batch_runs: usize,
    },
    #[error(
        "{}: the scenario the shards ran no longer validates (read as {})",
        part.display(),
        read_as.display()
    )]
    Scenario {
        part: PathBuf,
        read_as: PathBuf,
        #[source]
        error: ScenarioError,
    },
    #[error(
        "{}: the scenario, or a file it reads, changed since the shards ran (fingerprint {now}, the shards' {then}); merge needs the files the shards read",
        path.display()
    )]
    Changed {
        path: PathBuf,
        now: String,
        then: String,
    },
}

/// The first shards of `missing`, so that a message stays readable when most are.
fn list(missing: &[Shard]) -> String {
    let mut text: Vec<String> = missing.iter().take(10).map(Shard::to_string).collect();
    if missing.len() > 10 {
        text.push("…".into());
    }
    text.join(", ")
}

/// The part folders among `dirs`: each is a part folder, or a folder whose `part-*`
/// folders are (the `--out` the shards shared).
pub fn find(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, MergeError> {
    let mut parts = Vec::new();
    for dir in dirs {
        if dir.join(part::MANIFEST).is_file() {
            parts.push(dir.clone());
            continue;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| PartError {
            path: dir.clone(),
            why: format!("cannot read it: {e}"),
        })?;
        let mut inside: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                // A part whose part.json cannot be read is named for that, not missed.
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("part-"))
                    && p.is_dir()
            })
            .collect();
        if inside.is_empty() {
            return Err(MergeError::NotPart(dir.clone()));
        }
        inside.sort();
        parts.extend(inside);
    }
    Ok(parts)
}

/// A batch put back together.
pub struct Merged {
    /// The first shard's manifest: what every part shares.
    pub manifest: Manifest,
    /// The part folders, in shard order.
    pub parts: Vec<PathBuf>,
    /// Every item of the batch, in item order.
    pub runs: Vec<RunOutput>,
    /// The shards' wall times added up.
    pub wall: Duration,
    /// The most threads a shard ran on.
    pub threads: usize,
    scenario_text: String,
    /// Where `scenario_text` was read from, for messages.
    scenario_at: PathBuf,
}

/// What two parts must agree on, named as a message says it.
fn identity(m: &Manifest) -> [(&'static str, String); 6] {
    [
        ("ccsim version", m.ccsim_version.clone()),
        (
            "command",
            serde_json::to_string(&m.job).expect("a job always serialises"),
        ),
        ("scenario fingerprint", m.scenario.fingerprint.clone()),
        ("seed", m.seed.to_string()),
        ("replication count", m.replications.to_string()),
        ("shard count", m.shard.count.to_string()),
    ]
}

/// Reads and checks the parts found in `dirs` (see `find`).
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, MergeError> {
    let found = find(dirs)?;
    let mut manifests: Vec<(PathBuf, Manifest)> = Vec::with_capacity(found.len());
    for dir in found {
        let m = part::manifest(&dir)?;
        if !m.shard.is_valid() {
            return Err(PartError {
                path: dir.join(part::MANIFEST),
                why: format!("shard {} is not a shard ccsim makes", m.shard),
            }
            .into());
        }
        manifests.push((dir, m));
    }
    let (first_at, first) = manifests[0].clone();
    let ours = identity(&first);
    for (at, m) in &manifests[1..] {
        for ((what, a), (_, b)) in ours.iter().zip(identity(m)) {
            if *a != b {
                return Err(MergeError::Mismatch {
                    what,
                    ours: a.clone(),
                    theirs: b,
                    ours_at: first_at.clone(),
                    theirs_at: at.clone(),
                });
            }
        }
    }
    let count = first.shard.count;
    let mut by_shard: Vec<Option<(PathBuf, Manifest)>> = vec![None; count as usize];
    for (at, m) in manifests {
        let slot = &mut by_shard[m.shard.index as usize - 1];
        if let Some((earlier, _)) = slot {
            return Err(MergeError::Duplicate {
                shard: m.shard,
                first: earlier.clone(),
                second: at,
            });
        }
        *slot = Some((at, m));
    }
    let missing: Vec<Shard> = (1..=count)
        .filter(|&k| by_shard[k as usize - 1].is_none())
        .map(|index| Shard { index, count })
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { count, missing });
    }
    let mut merged = Merged {
        scenario_text: part::scenario_text(&first_at, &first)?,
        scenario_at: first_at.join("scenario.toml"),
        manifest: first,
        parts: Vec::with_capacity(count as usize),
        runs: Vec::new(),
        wall: Duration::ZERO,
        threads: 0,
    };
    for (at, m) in by_shard.into_iter().flatten() {
        let expected = m.shard.range(m.batch_runs).len();
        let runs = part::replications(&at, &m)?;
        if runs.len() != expected {
            return Err(MergeError::Runs {
                path: at.join(part::REPLICATIONS),
                shard: m.shard,
                held: runs.len(),
                expected,
                batch_runs: m.batch_runs,
            });
        }
        merged.runs.extend(runs);
        merged.wall += Duration::try_from_secs_f64(m.wall_time_s).unwrap_or_default();
        merged.threads = merged.threads.max(m.threads);
        merged.parts.push(at);
    }
    Ok(merged)
}

impl Merged {
    /// The scenario the shards ran, from the text they recorded, its files read where the
    /// first shard read them (named as the shards named it when that is the same file from
    /// here); refused if what it simulates is not what they simulated.
    pub fn scenario(&self) -> Result<Scenario, MergeError> {
        let id = &self.manifest.scenario;
        let at: &Path = if std::fs::canonicalize(&id.path).is_ok_and(|p| p == id.resolved) {
            &id.path
        } else {
            &id.resolved
        };
        let scenario =
            Scenario::parse(&self.scenario_text, at).map_err(|error| MergeError::Scenario {
                part: self.scenario_at.clone(),
                read_as: at.to_path_buf(),
                error,
            })?;
        let mut scenario = scenario;
        scenario.overrides = self.manifest.what_if.clone();
        let now = part::fingerprint_text(&scenario);
        if now != self.manifest.scenario.fingerprint {
            return Err(MergeError::Changed {
                path: at.to_path_buf(),
                now,
                then: self.manifest.scenario.fingerprint.clone(),
            });
        }
        Ok(scenario)
    }

    /// The plan the shards shared.
    pub fn plan(&self, scenario: &Scenario) -> Plan {
        let mut plan = Plan::new(
            scenario,
            crate::experiment::Overrides {
                replications: Some(self.manifest.replications),
                seed: Some(self.manifest.seed),
            },
            None,
        );
        plan.chats_log = self.manifest.job.chats_log();
        plan.shards = Some(self.manifest.shard.count);
        plan
    }
}
