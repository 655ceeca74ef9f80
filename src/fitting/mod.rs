//! `ccsim fit`: a scenario's arrivals, patience and handle time estimated from a chat log.
//! The log is read once, as a stream, into counters whose size depends on the week and the
//! days the log covers, never on its number of chats; the estimates come from them.
//!
//! Patience is the subtle one: only the impatient are seen to leave, so the mean time to
//! abandon of abandoned chats says far less than the truth. A served customer waited at least
//! as long as their wait without leaving: their patience is censored there, and the
//! likelihood counts it so (Mandelbaum & Zeltyn's treatment of call-centre patience).

pub mod families;
pub mod fitted_file;
pub mod survival;
pub mod volume;

use std::path::{Path, PathBuf};

use crate::chatlog::{self, Columns, LogError, LogOutcome, LogSummary, WAITING};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use crate::scenario::locate::KeyPath;
use crate::time::{DAY, MINUTE, Millis};
use families::{Family, FamilyFit};
use survival::{Sample, Times};
use volume::{Counter, Volume};

/// The 97.5% point of the standard normal.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A duration fitted by every family, and the family chosen.
#[derive(Clone, Debug)]
pub struct Estimate {
    pub times: Times,
    /// The families that could be fitted, in `Family::ALL` order.
    pub fits: Vec<FamilyFit>,
}

impl Estimate {
    fn new(sample: Sample) -> Estimate {
        let times = sample.finish();
        let fits = Family::ALL
            .iter()
            .filter_map(|&f| families::fit(f, &times))
            .collect();
        Estimate { times, fits }
    }

    /// The family with the lowest AIC (likelihood, penalised by its number of parameters).
    pub fn best(&self) -> Option<&FamilyFit> {
        self.fits.iter().min_by(|a, b| a.aic.total_cmp(&b.aic))
    }
}

/// Everything `fit` learned from a log.
#[derive(Clone, Debug)]
pub struct Fit {
    pub log: PathBuf,
    pub summary: LogSummary,
    /// The base scenario's reporting interval, the width of the profile's steps.
    pub interval: Millis,
    /// The first and last day of the log (days since 1970).
    pub days: (i64, i64),
    /// Per queue with chats: its name (a team, or `waiting`) and its arrivals.
    pub teams: Vec<(String, Volume)>,
    /// Waits of every chat: observed for the abandoned, censored for the answered.
    pub patience: Estimate,
    /// From the first reply to the end of every served chat.
    pub handle: Estimate,
}

impl Fit {
    pub fn weeks(&self) -> f64 {
        (self.days.1 - self.days.0 + 1) as f64 / 7.0
    }

    /// Why the log gives no patience, if it gives none (the fitted scenario keeps the base's).
    pub fn patience_missing(&self) -> Option<String> {
        let t = &self.patience.times;
        match self.patience.best() {
            Some(_) => None,
            None if t.events() == 0.0 => Some("nobody abandoned".into()),
            None => Some(format!(
                "no distribution could be fitted to its {} waits",
                t.len()
            )),
        }
    }

    /// Why the log gives no handle time, if it gives none (the fitted scenario keeps the
    /// base's).
    pub fn handle_missing(&self) -> Option<String> {
        let t = &self.handle.times;
        match self.handle.best() {
            Some(_) => None,
            None if t.is_empty() => Some("no served chat has a first reply".into()),
            None if t.naive_mean() == 0.0 => Some(format!(
                "every one of its {} served chats ends at its first reply (first_reply_at = ended_at), so the log holds no handle time",
                t.len()
            )),
            None => Some(format!(
                "no distribution could be fitted to its {} served chats",
                t.len()
            )),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

/// Reads the log at `path` (its columns named by `columns`) against the teams of `base`.
pub fn fit(path: &Path, columns: &Columns, base: &Scenario) -> Result<Fit, FitError> {
    let interval = base.simulation.interval;
    if DAY % interval != 0 {
        let key = KeyPath::root().key("simulation").key("interval");
        return Err(ScenarioError::Invalid(vec![base.problem(
            &key,
            "must divide a day evenly (such as \"15m\", \"30m\" or \"1h\") to be the step of a fitted weekly profile".into(),
        )])
        .into());
    }
    let names: Vec<&str> = base.teams.iter().map(|t| t.name.as_str()).collect();
    let mut counters: Vec<Counter> = (0..=names.len()).map(|_| Counter::new(interval)).collect();
    let (mut patience, mut handle) = (Sample::default(), Sample::default());
    let minutes = |t: Millis| t as f64 / MINUTE as f64;
    let summary = chatlog::read(path, columns, &names, |chat| {
        counters[chat.team].add(chat.arrived, interval);
        let wait = minutes(chat.wait());
        match chat.outcome {
            LogOutcome::Abandoned => patience.observe(wait),
            LogOutcome::Served | LogOutcome::LeftAfterReply => patience.censor(wait),
        }
        if let Some(h) = chat.handle() {
            handle.observe(minutes(h));
        }
    })?;
    let days = (summary.first.div_euclid(DAY), summary.last.div_euclid(DAY));
    let teams = counters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = names.get(i).copied().unwrap_or(WAITING).to_string();
            (name, c.volume(days.0, days.1, interval))
        })
        .filter(|(_, v)| v.chats > 0)
        .collect();
    Ok(Fit {
        log: path.to_path_buf(),
        summary,
        interval,
        days,
        teams,
        patience: Estimate::new(patience),
        handle: Estimate::new(handle),
    })
}

pub use crate::scenario::units::duration;
