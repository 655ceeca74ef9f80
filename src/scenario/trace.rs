//! `[[arrivals]] trace = "LOG.csv"`: a chat log's arrival instants replayed instead of
//! sampled, each chat to the team its row names — and, with `trace_times`, each with its own
//! handle time and, if it was abandoned, its own time to abandon. The log's clock is laid on
//! the simulated one at the log's first `start` point (Monday 00:00 unless given) at or
//! before its first chat.

use std::path::{Path, PathBuf};

use super::Destination;
use super::calendar::{RateWindow, WeekProfile};
use crate::chatlog::timestamp::week_origin;
use crate::chatlog::{self, Columns, LogSummary};
use crate::routing::TeamId;
use crate::time::{MINUTE, Millis, WEEK};

/// The step of a trace's average week.
const BIN: Millis = 15 * MINUTE;

/// One logged chat, on the simulated clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TracedChat {
    pub at: Millis,
    pub destination: Destination,
    /// Until the first reply, or until the customer left.
    pub wait: Millis,
    /// The customer left before any reply.
    pub abandoned: bool,
    /// From the first reply to the end, for a served chat.
    pub handle: Option<Millis>,
}

#[derive(Clone, Debug)]
pub struct Trace {
    pub path: PathBuf,
    /// In arrival order (file order among equal times), those before `horizon` only.
    pub chats: Vec<TracedChat>,
    /// Replay each chat's own handle time and time to abandon.
    pub times: bool,
    /// The log's time (milliseconds since 1970 on its clock) of simulated time 0.
    pub origin: Millis,
    pub summary: LogSummary,
    /// Chats of the log at or after `horizon`, not replayed.
    pub after_horizon: u64,
}

impl Trace {
    /// Reads the log at `path` for a scenario with these teams, starting at week point
    /// `start` and running until `horizon`.
    pub fn read(
        path: &Path,
        columns: &Columns,
        teams: &[&str],
        start: Millis,
        horizon: Millis,
        times: bool,
    ) -> Result<Trace, chatlog::LogError> {
        let mut chats = Vec::new();
        let summary = chatlog::read(path, columns, teams, |c| chats.push(*c))?;
        let origin = week_origin(summary.first, start);
        chats.sort_by_key(|c| c.arrived);
        let all = chats.len();
        let chats: Vec<TracedChat> = chats
            .into_iter()
            .map(|c| TracedChat {
                at: c.arrived - origin,
                destination: match teams.get(c.team) {
                    Some(_) => Destination::Team(TeamId(c.team as u32)),
                    None => Destination::WaitingBox,
                },
                wait: c.wait(),
                abandoned: c.abandoned(),
                handle: c.handle(),
            })
            .take_while(|c| c.at < horizon)
            .collect();
        Ok(Trace {
            path: path.to_path_buf(),
            after_horizon: (all - chats.len()) as u64,
            chats,
            times,
            origin,
            summary,
        })
    }

    /// The average week of the replayed chats (of those to `only`, if given), by quarter of
    /// an hour: what the chats cost and when they come, for the estimates made before a run
    /// (`expected_chats`, the warnings about teams nobody staffs).
    pub fn profile(&self, only: Option<Destination>) -> WeekProfile {
        let mut bins = [0u64; (WEEK / BIN) as usize];
        for c in self
            .chats
            .iter()
            .filter(|c| only.is_none_or(|d| d == c.destination))
        {
            bins[(c.at.rem_euclid(WEEK) / BIN) as usize] += 1;
        }
        let span = self.chats.last().map_or(0, |c| c.at) + 1;
        let weeks = span as f64 / WEEK as f64;
        let windows: Vec<RateWindow> = bins
            .iter()
            .enumerate()
            .map(|(h, &n)| {
                let from = h as Millis * BIN;
                ((from, from + BIN), n as f64 / (weeks.max(1.0) * BIN as f64))
            })
            .collect();
        WeekProfile::from_windows(&windows)
    }

    /// Each destination's share of the chats, cumulative, as a route is written.
    pub fn route(&self, teams: usize) -> Vec<(Destination, f64)> {
        let mut counts = vec![0u64; teams + 1];
        for c in &self.chats {
            counts[match c.destination {
                Destination::Team(t) => t.0 as usize,
                Destination::WaitingBox => teams,
            }] += 1;
        }
        let total = self.chats.len().max(1) as f64;
        let mut cumulative = 0.0;
        counts
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(i, &n)| {
                cumulative += n as f64 / total;
                let d = if i < teams {
                    Destination::Team(TeamId(i as u32))
                } else {
                    Destination::WaitingBox
                };
                (d, cumulative)
            })
            .collect()
    }
}
