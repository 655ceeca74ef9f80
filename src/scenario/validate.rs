//! Raw scenario → validated `Scenario`. Collects every problem rather than stopping at the
//! first, so that one run of `validate` shows the author all of them, each with its key path.

use std::path::Path;

use super::calendar::{RateWindow, WeekProfile, WeekSchedule, parse_start, parse_window};
use super::dist::{self, Dist};
use super::locate::KeyPath;
use super::raw::{
    RawAgentCount, RawAgents, RawArrivals, RawConversation, RawCount, RawCountWindow, RawDist,
    RawProfile, RawRoute, RawScenario, RawShare, RawTransferTo,
};
use super::trace::Trace;
use super::units::{self, parse_duration, parse_rate};
use super::{
    AgentGroup, ArrivalStream, Bot, BotWhileWaiting, Conversation, Count, Customers, Destination,
    Distribution, Expect, OnShiftEnd, Pickup, ResolvedReturn, Role, Scenario, Simulation, Staffing,
    Target, Team, TeamId, TransferTarget, TurnModel, Variant, WorkModel,
};
use crate::chatlog::Columns;
use crate::inactivity::{ActionKind, Rules};
use crate::routing::capacity;
use crate::stats::metrics::{Metric, Unit};
use crate::time::{DAY, MINUTE, Millis, SECOND};

/// Limits that keep memory bounded and the routing keys exact (see `routing::capacity`).
const MAX_INTERVALS: i64 = 1_000_000;
/// More arrivals than this per replication is a typo (`"2/ms"`), not a plan: hours of work.
const MAX_ARRIVALS: f64 = 1e10;
/// The most replications a run may ask for, in the scenario or with `-r`.
pub const MAX_REPLICATIONS: i64 = 100_000;
/// Times one customer may come back: a few, as real customers do; the bound keeps a run of
/// customers who leave and return at once finite.
const DEFAULT_MAX_RETURNS: i64 = 3;
const MAX_RETURNS: i64 = 100;
/// A day-to-day coefficient of variation beyond this is not a contact centre's volume.
const MAX_DAY_TO_DAY_CV: f64 = 3.0;
const MAX_AGENTS: i64 = capacity::MAX_MEMBERS as i64 - 1;
/// Most characters in a name: names head CSV rows, chart legends and page titles.
pub const MAX_NAME_CHARS: usize = 200;
/// Most entries of a list section (teams, agent groups, arrival streams, variants): far above
/// any real centre, and a bound on the work validation does.
const MAX_ENTRIES: usize = 10_000;
/// Most `[[variants]]`: each is validated as a scenario of its own.
const MAX_VARIANTS: usize = 1_000;
/// How long a missed offer keeps an agent Not ready when the scenario does not say: a few
/// minutes, the time to notice the status and switch it back.
const DEFAULT_NOT_READY_FOR: Millis = 5 * MINUTE;

mod agents;
mod arrivals;
mod conversation;
mod events;
mod experiments;
mod inactivity;
mod priorities;
mod simulation;
mod staffing;
mod teams;

pub struct Validator<'a> {
    base: &'a Path,
    pub problems: Vec<(KeyPath, String)>,
}

/// FNV-1a, 64 bits: fed bytes, or text through `fmt::Write`, so that a value's `Debug` form is
/// hashed without being held in memory.
pub struct Fnv1a(pub u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.feed(s.as_bytes());
        Ok(())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.feed(bytes);
    h.0
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Validator<'a> {
    /// `base` is the folder that file names in the scenario are relative to.
    /// `base` is the folder that file names in the scenario are relative to.
    pub fn new(base: &'a Path) -> Self {
        Validator {
            base,
            problems: Vec::new(),
        }
    }

    fn fail(&mut self, key: KeyPath, message: impl Into<String>) {
        self.problems.push((key, message.into()));
    }

    fn duration(&mut self, key: KeyPath, text: Option<&str>, default: Millis) -> Millis {
        match text.map(parse_duration) {
            None => default,
            Some(Ok(ms)) => ms,
            Some(Err(m)) => {
                self.fail(key, m);
                default
            }
        }
    }

    /// A name as ccsim writes it into CSVs, charts, pages and the terminal: not empty, at most
    /// `MAX_NAME_CHARS`, no control character (an ESC would drive the terminal), and not
    /// starting like a spreadsheet formula (`=`, `+`, `-`, `@`), which a spreadsheet opening
    /// a CSV would run.
    fn name(&mut self, key: KeyPath, name: &str) {
        let chars = name.chars().count();
        if name.trim().is_empty() {
            self.fail(key, "must not be empty");
        } else if chars > MAX_NAME_CHARS {
            self.fail(
                key,
                format!("is {chars} characters long; a name has at most {MAX_NAME_CHARS}"),
            );
        } else if name.chars().any(char::is_control) {
            self.fail(
                key,
                "must not contain control characters (such as a tab, ESC, BEL or NUL)",
            );
        } else if name.starts_with(['=', '+', '-', '@']) {
            self.fail(
                key,
                "must not start with `=`, `+`, `-` or `@`: a spreadsheet opening the CSVs would run the cell as a formula",
            );
        }
    }

    /// The names of one list section, each checked (`name`) and none given twice, in one pass;
    /// and no more than `most` entries.
    fn unique_names(&mut self, key: &KeyPath, kind: &str, names: &[&str], most: usize) {
        if names.len() > most {
            self.fail(
                key.clone(),
                format!("{} entries; at most {most} are allowed", names.len()),
            );
            return;
        }
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        for (i, &name) in names.iter().enumerate() {
            let k = key.index(i).key("name");
            self.name(k.clone(), name);
            if !seen.insert(name) {
                self.fail(k, format!("{kind} \"{name}\" is defined twice"));
            }
        }
    }

    /// A duration that must be longer than zero; one that does not parse (a negative one
    /// included) is reported once, by `duration`, not a second time for its fallback.
    fn positive_duration(&mut self, key: KeyPath, text: Option<&str>, default: Millis) -> Millis {
        let known = self.problems.len();
        let ms = self.duration(key.clone(), text, default);
        if ms <= 0 && self.problems.len() == known {
            self.fail(key, "must be longer than zero");
            return default;
        }
        ms
    }

    fn dist(&mut self, key: KeyPath, raw: &RawDist) -> Option<Dist> {
        match dist::parse_dist(raw, self.base) {
            Ok(d) => Some(d),
            Err((k, m)) => {
                self.fail(key.key(k), m);
                None
            }
        }
    }

    fn whole(&mut self, key: KeyPath, value: Option<i64>, default: i64, min: i64, max: i64) -> i64 {
        let v = value.unwrap_or(default);
        if v < min || v > max {
            self.fail(
                key,
                format!("must be a whole number from {min} to {max}, got {v}"),
            );
            return default;
        }
        v
    }

    /// A share in [0, 1], written `0.05` or `"5%"`; 0 when absent.
    fn probability(&mut self, key: KeyPath, value: Option<&RawShare>) -> f64 {
        match value.map(units::parse_share) {
            None => 0.0,
            Some(Ok(p)) => p,
            Some(Err(m)) => {
                self.fail(key, m);
                0.0
            }
        }
    }

    pub fn scenario(
        &mut self,
        raw: RawScenario,
        path: &Path,
        text: &str,
        source: toml::Table,
    ) -> Option<Scenario> {
        let root = KeyPath::root();
        self.name(root.key("name"), &raw.name);
        let variant_names: Vec<&str> = raw
            .variants
            .iter()
            .flatten()
            .map(|v| v.name.as_str())
            .collect();
        let lists: [(&str, &str, Vec<&str>, usize); 4] = [
            (
                "teams",
                "team",
                raw.teams.iter().map(|t| t.name.as_str()).collect(),
                MAX_ENTRIES,
            ),
            (
                "agents",
                "agent group",
                raw.agents.iter().map(|a| a.name.as_str()).collect(),
                MAX_ENTRIES,
            ),
            (
                "arrivals",
                "arrival stream",
                raw.arrivals.iter().map(|a| a.name.as_str()).collect(),
                MAX_ENTRIES,
            ),
            ("variants", "variant", variant_names, MAX_VARIANTS),
        ];
        for (section, kind, names, most) in lists {
            self.unique_names(&root.key(section), kind, &names, most);
        }
        let simulation = self.simulation(&raw);
        let mut teams = self.teams(&raw);
        let names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
        let agent_groups = self.agents(&raw, &names);
        self.overflow(&mut teams, &agent_groups);
        let mut arrivals: Vec<ArrivalStream> = raw
            .arrivals
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                self.arrival(root.key("arrivals").index(i), a, &names, &simulation)
            })
            .collect();
        if raw.arrivals.is_empty() {
            self.fail(
                root.key("arrivals"),
                "at least one [[arrivals]] stream is needed",
            );
        }
        let priorities = self.priorities(&raw);
        if arrivals.len() == raw.arrivals.len() {
            for (i, (stream, a)) in arrivals.iter_mut().zip(&raw.arrivals).enumerate() {
                stream.classes = self.classes_of(root.key("arrivals").index(i), a, &priorities);
            }
        }
        let customers = self.customers(&raw);
        self.volume_with_returns(&arrivals, &customers, simulation.horizon);
        let conversation = self.conversation(&raw, &names);
        if let Some(c) = &conversation
            && matches!(c.model, WorkModel::Turns(_))
        {
            for (i, a) in raw.arrivals.iter().enumerate() {
                if a.trace_times == Some(true) {
                    self.fail(
                        root.key("arrivals").index(i).key("trace_times"),
                        "replays handle times, which needs the block model (`[conversation] handle_time`), not turns",
                    );
                }
            }
        }
        let (inactivity, snooze, hold_after_reply) = self.inactivity(&raw, &names, &customers);
        let variants = self.variants(&raw);
        let expects = self.expects(&raw);
        let staffing = self.staffing(&raw, &simulation, &agent_groups);
        let calendar = self.calendar(&raw, &simulation);
        self.check_coverage(
            &raw,
            &names,
            &agent_groups,
            &arrivals,
            conversation.as_ref(),
            &inactivity,
        );
        if !self.problems.is_empty() {
            return None;
        }
        Some(Scenario {
            name: raw.name,
            path: path.to_path_buf(),
            hash: fnv1a(text.as_bytes()),
            simulation,
            teams,
            agent_groups,
            arrivals,
            customers,
            conversation: conversation?,
            inactivity,
            snooze,
            hold_after_reply,
            variants,
            expects,
            staffing,
            calendar,
            priorities,
            source,
            text: text.into(),
            overrides: Vec::new(),
        })
    }
}
