//! Raw scenario → validated `Scenario`. Collects every problem rather than stopping at the
//! first, so that one run of `validate` shows the author all of them, each with its key path.

use std::path::Path;

use super::calendar::{RateWindow, WeekProfile, WeekSchedule, parse_week_point, parse_window};
use super::dist::{self, Dist};
use super::locate::KeyPath;
use super::raw::{
    RawAgents, RawArrivals, RawConversation, RawCount, RawDist, RawProfile, RawRoute, RawScenario,
    RawShare, RawTransferTo,
};
use super::units::{self, DAY, MINUTE, Millis, parse_duration, parse_rate};
use super::{
    AgentGroup, ArrivalStream, Bot, Conversation, Count, Customers, Destination, Distribution,
    Expect, OnShiftEnd, Pickup, ResolvedReturn, Role, Scenario, Simulation, Team, TeamId,
    TransferTarget, TurnModel, Variant, WorkModel,
};
use crate::inactivity::{ActionKind, Rules};
use crate::routing::capacity;
use crate::stats::metrics::{Metric, Unit};

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
/// How long a missed offer keeps an agent Not ready when the scenario does not say: a few
/// minutes, the time to notice the status and switch it back.
const DEFAULT_NOT_READY_FOR: Millis = 5 * MINUTE;

mod agents;
mod arrivals;
mod conversation;
mod inactivity;

pub struct Validator<'a> {
    base: &'a Path,
    pub problems: Vec<(KeyPath, String)>,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
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

    fn positive_duration(&mut self, key: KeyPath, text: Option<&str>, default: Millis) -> Millis {
        let ms = self.duration(key.clone(), text, default);
        if ms <= 0 {
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
        if raw.name.trim().is_empty() {
            self.fail(root.key("name"), "must not be empty");
        }
        let simulation = self.simulation(&raw);
        let teams = self.teams(&raw);
        let names: Vec<&str> = raw.teams.iter().map(|t| t.name.as_str()).collect();
        let agent_groups = self.agents(&raw, &names);
        let arrivals: Vec<ArrivalStream> = raw
            .arrivals
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let before: Vec<&str> = raw.arrivals[..i].iter().map(|o| o.name.as_str()).collect();
                self.arrival(
                    root.key("arrivals").index(i),
                    a,
                    &names,
                    &before,
                    simulation.horizon,
                )
            })
            .collect();
        if raw.arrivals.is_empty() {
            self.fail(
                root.key("arrivals"),
                "at least one [[arrivals]] stream is needed",
            );
        }
        let customers = self.customers(&raw);
        self.volume_with_returns(&arrivals, &customers, simulation.horizon);
        let conversation = self.conversation(&raw, &names);
        let (inactivity, snooze) = self.inactivity(&raw, &names);
        let variants = self.variants(&raw);
        let expects = self.expects(&raw);
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
            variants,
            expects,
            source,
        })
    }

    /// Returning customers are chats too: with returns, the volume guard counts every
    /// customer as many times as it may come back.
    fn volume_with_returns(&mut self, arrivals: &[ArrivalStream], c: &Customers, horizon: Millis) {
        let returns = c.return_probability > 0.0 || c.return_after_resolution.is_some();
        if !returns {
            return;
        }
        let first: f64 = arrivals
            .iter()
            .map(|a| a.profile.volume_over(horizon))
            .sum();
        let most = first * (1.0 + c.max_returns as f64);
        if first <= MAX_ARRIVALS && most > MAX_ARRIVALS {
            self.fail(
                KeyPath::root().key("customers").key("max_returns"),
                format!(
                    "with {} returns per customer a replication could bring {most:.3e} chats, over {MAX_ARRIVALS:e}; lower it",
                    c.max_returns
                ),
            );
        }
    }

    fn variants(&mut self, raw: &RawScenario) -> Vec<Variant> {
        let key = KeyPath::root().key("variants");
        let mut out: Vec<Variant> = Vec::new();
        for (i, v) in raw.variants.iter().flatten().enumerate() {
            if out.iter().any(|o| o.name == v.name) {
                self.fail(
                    key.index(i).key("name"),
                    format!("variant \"{}\" is defined twice", v.name),
                );
            }
            out.push(Variant {
                name: v.name.clone(),
                set: v
                    .set
                    .iter()
                    .flatten()
                    .map(|(p, value)| (p.clone(), value.clone()))
                    .collect(),
            });
        }
        out
    }

    fn expects(&mut self, raw: &RawScenario) -> Vec<Expect> {
        let key = KeyPath::root().key("expect");
        let mut out = Vec::new();
        for (i, e) in raw.expect.iter().flatten().enumerate() {
            let k = key.index(i);
            let Some(metric) = Metric::from_name(&e.metric) else {
                let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
                self.fail(
                    k.key("metric"),
                    format!(
                        "unknown metric \"{}\"; expected one of {}",
                        e.metric,
                        names.join(", ")
                    ),
                );
                continue;
            };
            let min = e
                .min
                .as_ref()
                .and_then(|b| self.bound(k.key("min"), metric, b));
            let max = e
                .max
                .as_ref()
                .and_then(|b| self.bound(k.key("max"), metric, b));
            let given = |b: &Option<RawShare>, parsed: Option<f64>| b.is_none() || parsed.is_some();
            if !given(&e.min, min) || !given(&e.max, max) {
                continue;
            }
            match (min, max) {
                (None, None) => self.fail(k.clone(), "needs `min`, `max` or both"),
                (Some(lo), Some(hi)) if lo > hi => {
                    self.fail(k.key("max"), "must not be below `min`")
                }
                _ => out.push(Expect { metric, min, max }),
            }
        }
        out
    }

    /// A KPI bound in the metric's own unit: a share as `0.05` or `"5%"`, a time in minutes
    /// or as a duration (`"90s"`), a count as a number.
    fn bound(&mut self, key: KeyPath, metric: Metric, raw: &RawShare) -> Option<f64> {
        let parsed = match (metric.unit(), raw) {
            (Unit::Fraction, _) => units::parse_share(raw),
            (Unit::Minutes, RawShare::Text(t)) => parse_duration(t)
                .map(|ms| ms as f64 / MINUTE as f64)
                .map_err(|m| format!("`{}` is in minutes: {m}", metric.name())),
            (_, RawShare::Number(x)) if x.is_finite() => Ok(*x),
            (unit, RawShare::Number(x)) => {
                Err(format!("must be a number, got {x} ({})", unit.name()))
            }
            (_, RawShare::Text(t)) => Err(format!(
                "`{}` is a count, not a share or a time: write a number, not \"{t}\"",
                metric.name()
            )),
        };
        match parsed {
            Ok(x) => Some(x),
            Err(m) => {
                self.fail(key, m);
                None
            }
        }
    }

    fn simulation(&mut self, raw: &RawScenario) -> Simulation {
        let s = &raw.simulation;
        let key = KeyPath::root().key("simulation");
        let start = match s.start.as_deref().map(parse_week_point) {
            None => 0,
            Some(Ok(t)) => t,
            Some(Err(m)) => {
                self.fail(key.key("start"), m);
                0
            }
        };
        let before = self.problems.len();
        let horizon = self.positive_duration(key.key("horizon"), Some(&s.horizon), DAY);
        let warmup = self.duration(key.key("warmup"), s.warmup.as_deref(), 0);
        if warmup >= horizon && self.problems.len() == before {
            self.fail(
                key.key("warmup"),
                "must be shorter than `horizon`, or no chat would be counted",
            );
        }
        let drain = self.duration(key.key("drain"), s.drain.as_deref(), DAY);
        if horizon.saturating_add(drain) > capacity::MAX_TIME {
            self.fail(
                key.key("horizon"),
                "`horizon` plus `drain` must stay under 34 years",
            );
        }
        let interval =
            self.positive_duration(key.key("interval"), s.interval.as_deref(), 30 * MINUTE);
        let intervals = (horizon - warmup).max(0) / interval;
        if intervals > MAX_INTERVALS {
            self.fail(
                key.key("interval"),
                format!(
                    "makes {intervals} reporting intervals between `warmup` and `horizon`; \
                     at most {MAX_INTERVALS} are allowed: choose a longer interval"
                ),
            );
        }
        let replications = self.whole(
            key.key("replications"),
            s.replications,
            10,
            1,
            MAX_REPLICATIONS,
        ) as u32;
        let seed = match s.seed {
            Some(v) if v < 0 => {
                self.fail(key.key("seed"), "must be a whole number of at least 0");
                0
            }
            v => v.unwrap_or(1) as u64,
        };
        let service_level_target = self.duration(
            key.key("service_level_target"),
            s.service_level_target.as_deref(),
            MINUTE,
        );
        Simulation {
            start,
            horizon,
            warmup,
            drain,
            interval,
            replications,
            seed,
            service_level_target,
        }
    }

    fn teams(&mut self, raw: &RawScenario) -> Vec<Team> {
        let key = KeyPath::root().key("teams");
        if raw.teams.is_empty() {
            self.fail(key.clone(), "at least one [[teams]] entry is needed");
        }
        let mut teams = Vec::new();
        for (i, t) in raw.teams.iter().enumerate() {
            let k = key.index(i);
            if raw.teams[..i].iter().any(|o| o.name == t.name) {
                self.fail(
                    k.key("name"),
                    format!("team \"{}\" is defined twice", t.name),
                );
            }
            if t.name == "waiting" {
                self.fail(
                    k.key("name"),
                    "\"waiting\" names the Waiting box; choose another name",
                );
            }
            let max_chats = t
                .max_chats
                .map(|m| self.whole(k.key("max_chats"), Some(m), 1, 1, u32::MAX as i64) as u32);
            let distribution = match t.distribution.as_deref().unwrap_or("capacity") {
                "capacity" => Distribution::Capacity,
                "sequential" => Distribution::Sequential { max_chats },
                "manual" => Distribution::Manual,
                other => {
                    self.fail(
                        k.key("distribution"),
                        format!(
                            "unknown distribution \"{other}\"; expected \"sequential\", \"capacity\" or \"manual\""
                        ),
                    );
                    Distribution::Capacity
                }
            };
            if max_chats.is_some() && !matches!(distribution, Distribution::Sequential { .. }) {
                self.fail(
                    k.key("max_chats"),
                    "applies only to distribution = \"sequential\"",
                );
            }
            let offer_timeout = t
                .offer_timeout
                .as_deref()
                .map(|o| self.positive_duration(k.key("offer_timeout"), Some(o), MINUTE));
            let not_ready_on_timeout = t.not_ready_on_timeout.unwrap_or(false);
            if not_ready_on_timeout && offer_timeout.is_none() {
                self.fail(
                    k.key("not_ready_on_timeout"),
                    "needs an `offer_timeout` to time out",
                );
            }
            if t.not_ready_for.is_some() && !not_ready_on_timeout {
                self.fail(
                    k.key("not_ready_for"),
                    "has no effect without `not_ready_on_timeout = true`",
                );
            }
            let not_ready_for = not_ready_on_timeout.then(|| match &t.not_ready_for {
                Some(d) => self.dist(k.key("not_ready_for"), d),
                None => Some(Dist::Constant(DEFAULT_NOT_READY_FOR as f64)),
            });
            teams.push(Team {
                name: t.name.clone(),
                distribution,
                offer_timeout,
                not_ready_for: not_ready_for.flatten(),
            });
        }
        teams
    }

    fn team_ref(&mut self, key: KeyPath, name: &str, names: &[&str]) -> Option<TeamId> {
        match names.iter().position(|n| *n == name) {
            Some(i) => Some(TeamId(i as u32)),
            None => {
                self.fail(
                    key,
                    format!(
                        "team \"{name}\" does not exist; [[teams]] defines {}",
                        quoted(names)
                    ),
                );
                None
            }
        }
    }

    /// Every queue chats can reach must have someone who can take chats from it, or they would
    /// only ever be abandoned or unfinished.
    fn check_coverage(
        &mut self,
        raw: &RawScenario,
        names: &[&str],
        groups: &[AgentGroup],
        arrivals: &[ArrivalStream],
        conversation: Option<&Conversation>,
        inactivity: &Rules,
    ) {
        let serves = |d: Destination| {
            groups.iter().any(|g| match d {
                Destination::WaitingBox => g.pickup.as_ref().is_some_and(|p| p.waiting),
                Destination::Team(t) => g.takes_from(t),
            })
        };
        for (i, a) in arrivals.iter().enumerate() {
            for (j, &(d, _)) in a.route.iter().enumerate() {
                if serves(d) {
                    continue;
                }
                let k = KeyPath::root().key("arrivals").index(i);
                let k = match (&raw.arrivals[i].route, d) {
                    (Some(RawRoute::Weighted(_)), _) => k.key("route").index(j),
                    (Some(RawRoute::To(_)), _) => k.key("route"),
                    _ => k.key("team"),
                };
                match d {
                    Destination::WaitingBox => self.fail(
                        k,
                        "nobody takes chats from the Waiting box: give a group `pickup = { ..., waiting = true }`",
                    ),
                    Destination::Team(t) => {
                        self.fail(k, format!("no [[agents]] group serves team \"{}\"", names[t.0 as usize]))
                    }
                }
            }
        }
        if let Some(TransferTarget::Team(t)) = conversation.and_then(|c| c.transfer_to)
            && !serves(Destination::Team(t))
        {
            self.fail(
                KeyPath::root().key("conversation").key("transfer_to"),
                format!(
                    "no [[agents]] group serves team \"{}\"",
                    names[t.0 as usize]
                ),
            );
        }
        let kinds = [
            ("team_queue", &inactivity.team_queue),
            ("agent_queue", &inactivity.agent_queue),
            ("waiting_queue", &inactivity.waiting_queue),
        ];
        for (kind, set) in kinds {
            let Some(set) = set else { continue };
            let flows = std::iter::once(&set.main).chain(set.exceptions.iter().map(|e| &e.1));
            for flow in flows {
                if let Some(ActionKind::Transfer(t)) = flow.action.map(|a| a.kind)
                    && !serves(Destination::Team(t))
                {
                    self.fail(
                        KeyPath::root()
                            .key("inactivity")
                            .key(kind)
                            .key("action")
                            .key("transfer_to"),
                        format!(
                            "no [[agents]] group serves team \"{}\"",
                            names[t.0 as usize]
                        ),
                    );
                }
            }
        }
    }
}

/// A profile CSV: header `weekday,start,end,rate_per_hour`, then rows such as
/// `mon-fri,08:00,12:00,40`.
fn read_profile(path: &Path) -> Result<Vec<RateWindow>, String> {
    let text = crate::io::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .map(|(_, l)| {
            l.split(',')
                .map(|c| c.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    if header != ["weekday", "start", "end", "rate_per_hour"] {
        return Err(format!(
            "{} must start with the header row weekday,start,end,rate_per_hour",
            path.display()
        ));
    }
    let mut windows = Vec::new();
    for (i, line) in lines {
        let at = |m: String| format!("{} line {}: {m}", path.display(), i + 1);
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [days, start, end, rate] = cells[..] else {
            return Err(at(format!("expected 4 cells, found {}", cells.len())));
        };
        let ws = parse_window(&format!("{days} {start}-{end}")).map_err(at)?;
        let per_hour: f64 = rate
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r >= 0.0)
            .ok_or_else(|| {
                at(format!(
                    "rate_per_hour must be a number of at least 0, got \"{rate}\""
                ))
            })?;
        let per_ms = per_hour / units::HOUR as f64;
        windows.extend(ws.into_iter().map(|w| (w, per_ms)));
    }
    Ok(windows)
}
