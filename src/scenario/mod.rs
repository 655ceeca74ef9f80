//! Scenario files: TOML as written (`raw`) → a validated `Scenario` with units as types.
//! Every problem is reported with its file, line, column and key path; a scenario with any
//! problem is never simulated.

pub mod calendar;
pub mod dist;
pub mod locate;
pub mod raw;
pub mod scopes;
pub mod templates;
pub mod trace;
mod typed;
pub mod units;
mod validate;
pub mod variants;
pub mod warnings;
pub mod write;

use std::path::{Path, PathBuf};

use crate::error::{Problem, ScenarioError};
/// The routing core's own types: a scenario is compiled into them.
pub use crate::routing::{Distribution, TeamId};
use crate::time::Millis;
use calendar::{WeekProfile, WeekSchedule};
pub use dist::Dist;
use locate::{KeyPath, SourceMap};
use raw::RawScenario;
pub use trace::{Trace, TracedChat};
pub use validate::MAX_REPLICATIONS;

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// The file it came from, as given.
    pub path: PathBuf,
    /// FNV-1a of the file's bytes, so a report says which version of a scenario produced it.
    pub hash: u64,
    pub simulation: Simulation,
    pub teams: Vec<Team>,
    pub agent_groups: Vec<AgentGroup>,
    pub arrivals: Vec<ArrivalStream>,
    pub customers: Customers,
    pub conversation: Conversation,
    /// Inactivity management (guide `inactivity.md`); empty when the scenario has no
    /// `[inactivity]`.
    pub inactivity: crate::inactivity::Rules,
    pub snooze: Option<Snooze>,
    /// Per agent reply the customer is to answer: the chance the agent puts the chat on hold
    /// by hand (guide `inactivity.md#on-hold`); 0 without on-hold.
    pub hold_after_reply: f64,
    /// `[[variants]]`, for `compare` and `check` (`run` ignores them).
    pub variants: Vec<Variant>,
    /// `[[expect]]` bounds, for `check`.
    pub expects: Vec<Expect>,
    /// `[staffing]`, for `staff`.
    pub staffing: Option<Staffing>,
    /// `[[calendar]]`: dated days whose arrivals differ from the weekly profile.
    pub calendar: Vec<CalendarEvent>,
    /// `[[priorities]]`, in the order written; empty: every chat alike.
    pub priorities: Vec<PriorityClass>,
    /// The document as written, from which variants and sweep points are built.
    source: toml::Table,
    /// The file's text, to say where a key is when a later step (`staff`) finds it wrong.
    text: std::sync::Arc<str>,
    /// The what-ifs applied to the file (`--set PATH=VALUE`, `--scale-arrivals`), as the
    /// terminal's header says them; empty for the file as written.
    pub overrides: Vec<String>,
}

/// The most a `[[calendar]]` day multiplies its arrivals by.
pub const MAX_EVENT_FACTOR: f64 = 100.0;

/// A class of chats (guide `routing.md#priority-classes-and-sla-order`): team queues serve lower
/// `level`s first, then earlier due times (when the chat entered the queue plus `sla`), then older
/// chats.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorityClass {
    pub name: String,
    pub level: u8,
    pub sla: Millis,
}

/// A `[[calendar]]` day: every stream's arrivals that day times `arrivals`.
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarEvent {
    /// The simulated day it falls on, counted from the clock's first day (day 0); days
    /// outside the run have no effect.
    pub day: i64,
    pub arrivals: f64,
    pub label: String,
}

impl Scenario {
    /// Whether some agent group takes other teams' chats as a secondary skill: only such a
    /// centre counts and reports `overflowed`.
    pub fn overflows(&self) -> bool {
        self.agent_groups
            .iter()
            .any(|g| !g.overflow_teams.is_empty())
    }

    /// Per simulated day up to the horizon's, the factor `[[calendar]]` puts on its arrivals
    /// (1 on ordinary days); empty without events.
    pub fn day_factors(&self) -> Vec<f64> {
        if self.calendar.is_empty() {
            return Vec::new();
        }
        let days = (self.simulation.horizon / crate::time::DAY + 1) as usize;
        let mut factors = vec![1.0; days];
        for e in &self.calendar {
            if let Some(f) = usize::try_from(e.day).ok().and_then(|d| factors.get_mut(d)) {
                *f = e.arrivals;
            }
        }
        factors
    }
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    /// (dotted path, value) pairs, in the order written.
    pub set: Vec<(String, toml::Value)>,
}

/// `[staffing]`: what `ccsim staff` plans.
#[derive(Clone, Debug)]
pub struct Staffing {
    /// The agent groups whose numbers are planned (indices in `agent_groups`), together.
    pub groups: Vec<usize>,
    /// Bounds every interval's mean must keep: on the chats of the planned groups' teams, or
    /// of one team or stream.
    pub targets: Vec<Target>,
    /// Candidate shifts; empty: plan per interval only.
    pub shifts: Vec<templates::ShiftTemplate>,
    /// Days a week each agent works, with the days off together; `None`: every day of a
    /// shift is staffed on its own.
    pub work_days: Option<usize>,
    /// No interval gets more agents of a group than this.
    pub max_agents: u32,
    /// Per planned group (in the order of `groups`), the cost of an agent-hour; `None`: the
    /// plan minimises agent-hours.
    pub costs: Option<Vec<f64>>,
    /// Extra pay on hours worked in a window of the week (nights, weekends).
    pub premiums: Vec<Premium>,
}

/// `{ when = "sat-sun 00:00-24:00", extra = "50%" }`: hours worked then cost `1 + extra`
/// times as much (premiums that overlap add up).
#[derive(Clone, Debug)]
pub struct Premium {
    pub when: WeekSchedule,
    pub extra: f64,
}

/// A bound on a per-interval metric of the chats (a share, or a time in minutes).
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub metric: crate::stats::metrics::IntervalMetric,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The part whose chats it bounds, as `summary.csv` names it (`team:vendas`); `all` for
    /// the chats of the planned group's teams.
    pub scope: String,
}

impl Target {
    /// Its metric as staffing names it: `service_level`, or `service_level (team:vendas)`.
    pub fn label(&self) -> String {
        match self.scope.as_str() {
            "all" => self.metric.name().to_string(),
            part => format!("{} ({part})", self.metric.name()),
        }
    }

    /// Its column stem in `staffing.csv`: `answer_level`, `mean_wait_min@team:vendas`.
    pub fn column(&self) -> String {
        match self.scope.as_str() {
            "all" => self.metric.column(),
            part => format!("{}@{part}", self.metric.column()),
        }
    }

    /// Whether `value` keeps the bound; an undefined value (no chat) keeps every bound.
    pub fn holds(&self, value: f64) -> bool {
        value.is_nan()
            || (self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m))
    }
}

/// A KPI bound `check` holds a run to, and how much worse than a reference (a baseline
/// report, an older scenario) the metric may get before that is a regression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub metric: crate::stats::metrics::Metric,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub tolerance: Tolerance,
    /// The part it bounds, as `summary.csv` names it: `all` (the whole centre),
    /// `team:vendas` or `stream:site`.
    pub scope: String,
}

/// A difference in the worse direction that is not a regression: in the metric's unit, or a
/// fraction of the reference's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    Absolute(f64),
    Relative(f64),
}

impl Tolerance {
    /// Half a percentage point for a share, 10% of the reference for a time or a count.
    pub fn default_for(unit: crate::stats::metrics::Unit) -> Tolerance {
        match unit {
            crate::stats::metrics::Unit::Fraction => Tolerance::Absolute(0.005),
            _ => Tolerance::Relative(0.10),
        }
    }
}

/// When agents snooze ("adiar") chats, and how they come back to them (guide
/// `inactivity.md#snooze`).
#[derive(Clone, Debug)]
pub struct Snooze {
    /// Per customer message: the agent snoozes instead of answering.
    pub probability: f64,
    /// Per agent reply the customer is to answer: the agent snoozes the chat it just answered.
    pub after_reply: f64,
    pub duration: Dist,
    /// Share of snoozes the agent ends early ("continuar"), and when, counted from the start.
    pub resume_probability: f64,
    pub resume_after: Option<Dist>,
}

/// Customers whose chat was resolved who write again (guide
/// `routing.md#customers-who-come-back-and-reopened-chats`: the bot takes over again and the new
/// message is routed like any other).
#[derive(Clone, Debug)]
pub struct ResolvedReturn {
    pub probability: f64,
    pub after: Dist,
    /// A customer who writes again within this time of the resolution goes first to the agent who
    /// resolved the chat (guide `routing.md#customers-who-come-back-and-reopened-chats`); `None`:
    /// routed like anyone.
    pub reopen_window: Option<Millis>,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    /// Week time (ms since Monday 00:00) at which the clock starts.
    pub start: Millis,
    /// The date of the day the clock starts on (days since 1970-01-01), when `start` gives
    /// one: what `[[calendar]]` events are placed by.
    pub date: Option<i64>,
    pub horizon: Millis,
    pub warmup: Millis,
    pub drain: Millis,
    pub interval: Millis,
    pub replications: u32,
    pub seed: u64,
    pub service_level_target: Millis,
}

#[derive(Clone, Debug)]
pub struct Team {
    pub name: String,
    pub distribution: Distribution,
    /// How long an offer may go unanswered before it counts as a refusal (guide
    /// `routing.md#offers-refusals-and-timeouts`).
    pub offer_timeout: Option<Millis>,
    /// With `not_ready_on_timeout`: how long an agent who lets an offer time out stays Not
    /// ready before switching back to Ready (guide `routing.md#shift-ends-breaks-and-hand-backs`).
    pub not_ready_for: Option<Dist>,
    /// Where the chats an agent hands back (at a shift end, or Not ready) go.
    pub hand_back_to: HandBackTo,
    /// How long its chats wait before the groups that list it in `overflow_teams` may take
    /// them (guide `routing.md#overflow`); `None` when no group does.
    pub overflow_after: Option<Millis>,
    /// Among agents with the same free slots, the faster group's first (guide
    /// `routing.md#faster-first`).
    pub faster_first: bool,
}

/// Where a team's chats go when their agent hands them back (guide
/// `routing.md#manual-takes-supervisors-and-admins`, Chatwoot's reassignment of an offline agent's
/// conversations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandBackTo {
    /// Back to the team's queue, routed like any waiting chat.
    Queue,
    /// Straight to another available agent of the team, the one with the most free slots,
    /// into a slot or its own queue; to the team's queue when nobody is available.
    Agent,
}

/// Which queues a group may take from by hand, and whether it receives chats automatically.
pub use crate::routing::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnShiftEnd {
    /// The agent finishes the chats it holds after its shift.
    Keep,
    /// The agent hands them back to their team's queue.
    Requeue,
}

#[derive(Clone, Debug)]
pub struct Pickup {
    /// Time between two manual takes by the same agent.
    pub every: Dist,
    /// Whether the agent also takes from the Waiting box.
    pub waiting: bool,
    /// A supervisor or admin who hands its teams' waiting chats to their agents instead of
    /// taking them itself.
    pub assign: bool,
}

#[derive(Clone, Debug)]
pub struct AgentGroup {
    pub name: String,
    pub teams: Vec<TeamId>,
    pub count: u32,
    pub capacity: u32,
    pub role: Role,
    /// When its agents are on duty: one schedule for all (`shifts`), or one per agent
    /// (`count` by window, see `WeekSchedule::stacked`).
    pub schedules: Vec<WeekSchedule>,
    /// Daily breaks, during which the agents are Not ready: one for all, or one per agent
    /// (a `roster` whose shifts have their own breaks).
    pub breaks: Vec<WeekSchedule>,
    /// Share of shifts an agent does not show up for.
    pub absenteeism: f64,
    pub refuse_probability: f64,
    /// Time to answer an offer; `None`: at once.
    pub accept_delay: Option<Dist>,
    pub pickup: Option<Pickup>,
    pub on_shift_end: OnShiftEnd,
    /// With `requeue`: how long an agent off shift keeps its chats before handing back the
    /// ones still open (guide `routing.md#shift-ends-breaks-and-hand-backs`); 0: at once.
    pub shift_end_grace: Millis,
    /// Whether the agent hands back its chats when it goes Not ready (a break, a missed offer) and
    /// stays so for `not_ready_grace` (guide `routing.md#shift-ends-breaks-and-hand-backs`).
    pub on_not_ready: OnShiftEnd,
    pub not_ready_grace: Millis,
    pub manual_over_capacity: bool,
    /// How fast its agents work against the scenario's times: 1.3 does a chat's work (or
    /// writes a reply) in 1/1.3 of the time (guide `scenarios.md#agents`).
    pub speed: f64,
    /// Teams whose chats the group takes once they have waited the team's `overflow_after`,
    /// after its own teams' (guide `routing.md#overflow`).
    pub overflow_teams: Vec<TeamId>,
}

impl AgentGroup {
    /// When agent `i` of the group (counted from 0) is on duty.
    pub fn schedule(&self, i: usize) -> &WeekSchedule {
        &self.schedules[i.min(self.schedules.len().saturating_sub(1))]
    }

    /// When agent `i` of the group is on a break.
    pub fn break_of(&self, i: usize) -> &WeekSchedule {
        &self.breaks[i.min(self.breaks.len().saturating_sub(1))]
    }

    /// Whether somebody of the group is on duty at week time `t` and everybody on duty is on
    /// a break: nobody of it Ready.
    pub fn all_on_break(&self, t: Millis) -> bool {
        let mut on = (0..self.count as usize)
            .filter(|&i| self.schedule(i).is_on(t))
            .peekable();
        on.peek().is_some() && on.all(|i| self.break_of(i).is_on(t))
    }

    /// Whether any agent of the group is on duty at week time `t`.
    pub fn on_duty(&self, t: Millis) -> bool {
        self.count > 0 && self.schedules.iter().any(|s| s.is_on(t))
    }

    /// Whether the group's agents may take team `t`'s chats: its own teams', or every team's
    /// for an admin.
    pub fn takes_from(&self, t: TeamId) -> bool {
        self.role == Role::Admin || self.teams.contains(&t)
    }
}

/// Where an arriving chat goes after the bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Team(TeamId),
    WaitingBox,
}

#[derive(Clone, Debug)]
pub struct Bot {
    pub duration: Dist,
    pub resolve_probability: f64,
    /// The bot keeps answering while the chat waits for its first human reply.
    pub while_waiting: Option<BotWhileWaiting>,
}

/// A bot that keeps the customer company while the chat waits: the automation goes on until
/// the agent's first message (guide `routing.md#the-bot` `bot`). Every `every` it may resolve the
/// chat, with `resolve_probability` each time.
#[derive(Clone, Copy, Debug)]
pub struct BotWhileWaiting {
    pub resolve_probability: f64,
    pub every: Millis,
}

#[derive(Clone, Debug)]
pub struct ArrivalStream {
    pub name: String,
    /// Destinations with their cumulative weights, normalised so the last is 1.
    pub route: Vec<(Destination, f64)>,
    pub profile: WeekProfile,
    /// Coefficient of variation of a day-level volume factor with mean 1; 0 for none.
    pub day_to_day_cv: f64,
    pub bot: Option<Bot>,
    /// With `[[priorities]]`: its chats' classes (indices in `Scenario::priorities`) with
    /// cumulative shares, the last 1; empty without priorities.
    pub classes: Vec<(u8, f64)>,
    /// A chat log replayed instead of sampled arrivals (`profile` and `route` then describe
    /// it, for the estimates made before a run).
    pub trace: Option<std::sync::Arc<Trace>>,
}

#[derive(Clone, Debug, Default)]
pub struct Customers {
    /// Time a customer waits for the first human reply; `None`: nobody abandons.
    pub patience: Option<Dist>,
    /// Turn model: time a customer waits for each later reply before leaving.
    pub patience_in_conversation: Option<Dist>,
    /// Share of customers who gave up that contact again, and after how long.
    pub return_probability: f64,
    pub return_after: Option<Dist>,
    pub return_after_resolution: Option<ResolvedReturn>,
    /// How many times one customer contacts the center again at most, whatever the reason:
    /// without a bound, customers who give up at once and come straight back never stop.
    pub max_returns: u32,
    /// Of the customers who give up during the conversation, the share who leave without a
    /// word (guide `scenarios.md#customers`): their chat stays open on the agent's slot.
    pub silent_abandonment: f64,
    /// How long after its reply an agent closes a chat whose customer left silently; `None`:
    /// the platform's timers (on-hold, auto-close) end it.
    pub silent_noticed_after: Option<Dist>,
}

#[derive(Clone, Debug)]
pub struct Conversation {
    pub model: WorkModel,
    /// `s`: the block model drains each chat at `1 / (1 + s(k - 1))`; the turn model stretches each
    /// agent reply by `1 + s(k - 1)`, for `k` chats held (guide `scenarios.md#conversation`).
    pub concurrency_slowdown: f64,
    /// Instead of the linear slowdown: each chat's speed while the agent holds `k` chats,
    /// `k` from 1, the last entry for every `k` past the table (guide `scenarios.md#conversation`);
    /// empty: the linear form.
    pub concurrency_speed: Vec<f64>,
    /// Share of chats the agent hands to `transfer_to` when done with its part.
    pub transfer_probability: f64,
    pub transfer_to: Option<TransferTarget>,
}

/// How the work of a chat is modelled (guide `scenarios.md#conversation`).
#[derive(Clone, Debug)]
pub enum WorkModel {
    /// An amount of work per chat, drawn at arrival.
    Block { handle_time: Dist },
    /// A conversation of timed messages.
    Turns(TurnModel),
}

impl WorkModel {
    pub fn is_turns(&self) -> bool {
        matches!(self, WorkModel::Turns(_))
    }
}

#[derive(Clone, Debug)]
pub struct TurnModel {
    /// Agent messages in the conversation, the first reply included; at least 1.
    pub turns: Count,
    pub first_reply: Dist,
    pub agent_reply: Dist,
    pub customer_reply: Dist,
    /// After each agent message, the chance that the customer writes no more.
    pub customer_silent_probability: f64,
    pub wrap_up: Option<Dist>,
}

/// A whole number of at least 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Count {
    Fixed(u32),
    /// 1 + a geometric number of further turns, mean `mean`.
    Geometric {
        mean: f64,
    },
    /// 1 + a Poisson number of further turns, mean `mean`.
    Poisson {
        mean: f64,
    },
}

/// Where transferred chats go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferTarget {
    /// Another team's queue.
    Team(TeamId),
    /// An available agent of the agent group with this index (guide
    /// `routing.md#sequential-distribution-round-robin`), or nowhere.
    Agents(usize),
}

impl Scenario {
    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = crate::io::read_to_string(path).map_err(|error| ScenarioError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Scenario::parse(&text, path)
    }

    /// The file's text as it was read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A hash of the scenario as validated, every file it reads (profiles, a trace) included
    /// but not the paths it was read from: the shards of a batch and their merge may see the
    /// same files under other paths, and must agree on what they simulate.
    pub fn fingerprint(&self) -> u64 {
        use std::fmt::Write as _;
        let mut s = self.clone();
        s.path = PathBuf::new();
        // What the what-ifs changed is in the text and what it built; their wording is not.
        s.overrides = Vec::new();
        for a in &mut s.arrivals {
            if let Some(t) = &mut a.trace {
                std::sync::Arc::make_mut(t).path = PathBuf::new();
            }
        }
        let mut h = validate::Fnv1a::default();
        write!(h, "{s:?}").expect("hashing cannot fail");
        h.0
    }

    /// The file as an editable document, comments and layout kept: what `plan.toml`, a
    /// fitted scenario and a backtest's replay are written from.
    pub fn document(&self) -> toml_edit::DocumentMut {
        self.text
            .parse()
            .expect("the scenario was parsed when it was loaded")
    }

    /// A problem with `key` found after validation, located in the file as written.
    pub fn problem(&self, key: &KeyPath, message: String) -> Problem {
        let map = SourceMap::new(&self.text);
        let (line, column) = map.line_col(map.span_of(key).start);
        Problem {
            file: self.path.clone(),
            line,
            column,
            key: key.to_string(),
            message,
        }
    }

    /// Parses scenario text; `path` names it in messages and anchors relative file names.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let map = SourceMap::new(text);
        let locate = |key: &KeyPath, span: std::ops::Range<usize>, message: String| {
            let (line, column) = map.line_col(span.start);
            Problem {
                file: path.to_path_buf(),
                line,
                column,
                key: key.to_string(),
                message,
            }
        };
        let source: toml::Table = match text.parse() {
            Ok(doc) => doc,
            Err(e) => {
                // Broken TOML: nothing further can be read.
                let e: toml::de::Error = e;
                let span = e.span().unwrap_or(0..0);
                let key = map.path_at(&span);
                let message = friendly(e.message());
                return Err(ScenarioError::Invalid(vec![locate(&key, span, message)]));
            }
        };
        let typed = typed::check(text, source.clone(), friendly);
        let mut problems: Vec<Problem> = typed
            .problems
            .into_iter()
            .map(|p| {
                let span = p.span.unwrap_or_else(|| map.span_of(&p.key));
                locate(&p.key, span, p.message)
            })
            .collect();
        let base = path.parent().unwrap_or(Path::new("."));
        let mut v = validate::Validator::new(base);
        let scenario = typed
            .raw
            .and_then(|raw| v.scenario(raw, path, text, source));
        problems.extend(
            v.problems
                .into_iter()
                .filter(|(key, _)| !typed.reported.iter().any(|r| key.starts_with(r)))
                .map(|(key, message)| locate(&key, map.span_of(&key), message)),
        );
        problems.sort_by_key(|p| (p.line, p.column));
        let Some(scenario) = scenario.filter(|_| problems.is_empty()) else {
            return Err(ScenarioError::Invalid(problems));
        };
        // Every variant must make a valid scenario too, or `compare` would fail half-way.
        for (i, variant) in scenario.variants.iter().enumerate() {
            if let Err(message) = scenario.with(&variant.set) {
                let key = KeyPath::root().key("variants").index(i).key("set");
                problems.push(locate(
                    &key,
                    map.span_of(&key),
                    format!("variant \"{}\": {message}", variant.name),
                ));
            }
        }
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(ScenarioError::Invalid(problems))
        }
    }

    /// The scenario with `set` applied (a variant, a sweep point). The message says which path
    /// or key is wrong.
    /// The scenario with `sets` (`PATH=VALUE`, one value each, the paths of `sweep`) applied
    /// to its text and every stream's volume multiplied by `scale`: a what-if without editing
    /// the file. The text keeps its comments, so that a plan or a shard's part written from
    /// it is the file as changed.
    pub fn overridden(
        &self,
        sets: &[String],
        scale: Option<f64>,
    ) -> Result<Scenario, ScenarioError> {
        if sets.is_empty() && scale.is_none() {
            return Ok(self.clone());
        }
        let bad = ScenarioError::Override;
        let mut doc: toml_edit::DocumentMut = self
            .text
            .parse()
            .map_err(|e| bad(format!("{}: {e}", self.path.display())))?;
        let mut said = Vec::new();
        for set in sets {
            let Some((path, text)) = set.split_once('=') else {
                return Err(bad(format!(
                    "--set {set}: expected PATH=VALUE, such as agents.suporte.count=3"
                )));
            };
            let (path, text) = (path.trim(), text.trim());
            variants::apply_text(&mut doc, path, &variants::parse_value(text))
                .map_err(|m| bad(format!("--set {set}: {m}")))?;
            said.push(format!("{path}={text}"));
        }
        if let Some(factor) = scale {
            for stream in &self.arrivals {
                let path = format!("arrivals.{}.scale", stream.name);
                let now = doc
                    .get("arrivals")
                    .and_then(toml_edit::Item::as_array_of_tables)
                    .and_then(|list| {
                        list.iter()
                            .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(&stream.name))
                    })
                    .and_then(|t| t.get("scale"))
                    .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                    .unwrap_or(1.0);
                variants::apply_text(&mut doc, &path, &toml::Value::Float(now * factor))
                    .map_err(|m| bad(format!("--scale-arrivals {factor}: {m}")))?;
            }
            said.push(format!("arrivals ×{factor}"));
        }
        let mut s = Scenario::parse(&doc.to_string(), &self.path)?;
        s.overrides = said;
        Ok(s)
    }

    pub fn with(&self, set: &[(String, toml::Value)]) -> Result<Scenario, String> {
        let mut doc = self.source.clone();
        for (path, value) in set {
            variants::apply(&mut doc, path, value.clone())?;
        }
        let raw: RawScenario = toml::Value::Table(doc.clone())
            .try_into()
            .map_err(|e: toml::de::Error| friendly(e.message()))?;
        let base = self.path.parent().unwrap_or(Path::new("."));
        let mut v = validate::Validator::new(base);
        let built = v.scenario(raw, &self.path, "", doc);
        match built {
            Some(mut s) if v.problems.is_empty() => {
                s.hash = self.hash;
                Ok(s)
            }
            _ => Err(v
                .problems
                .iter()
                .map(|(k, m)| format!("{k}: {m}"))
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }
}

/// serde's wording, made to say what a scenario author should write.
fn friendly(message: &str) -> String {
    if message.contains("untagged enum RawShare") {
        return "expected a share such as 0.05 or \"5%\"".into();
    }
    if message.contains("untagged enum RawAgentCount") {
        return "expected a whole number of agents, or a list of { when = \"mon-fri 08:00-12:00\", count = 5 } tables".into();
    }
    if message.contains("untagged enum RawProfile") {
        return "expected a CSV file name or a list of { when = \"mon-fri 08:00-18:00\", rate = \"12/h\" } tables".into();
    }
    let mut m = message.trim().to_string();
    for (serde, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [...]"),
        (
            "expected struct RawDist",
            "expected a table such as { dist = \"exponential\", mean = \"2m\" }",
        ),
        ("expected struct ", "expected a table "),
    ] {
        m = m.replace(serde, plain);
    }
    if m.contains("expected a string") && (m.contains("integer") || m.contains("floating point")) {
        // Durations and rates are the strings a bare number most often stands for.
        m.push_str("; a duration or a rate takes its unit, in quotes: \"6m\", \"90s\", \"2/min\"");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// No input makes validation panic: thousands of random edits of real scenarios (including
    /// multi-byte characters, which TOML error spans can point into) either parse or fail
    /// with located problems.
    #[test]
    fn mangled_scenarios_never_panic() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(2026);
        let alphabet: Vec<char> = "=[]{}\",.-:0123456789abcdemsh/é€ \n#".chars().collect();
        for file in ["erlang-a.toml", "day-shifts.toml"] {
            let path = dir.join(file);
            let original: Vec<char> = std::fs::read_to_string(&path).unwrap().chars().collect();
            for _ in 0..1500 {
                let mut text = original.clone();
                for _ in 0..rng.random_range(1..4) {
                    let at = rng.random_range(0..text.len());
                    match rng.random_range(0..3) {
                        0 => {
                            text.remove(at);
                        }
                        1 => text.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                        _ => text[at] = alphabet[rng.random_range(0..alphabet.len())],
                    }
                }
                let text: String = text.into_iter().collect();
                if let Err(ScenarioError::Invalid(problems)) = Scenario::parse(&text, &path) {
                    assert!(!problems.is_empty());
                    for p in problems {
                        assert!(p.line >= 1 && p.column >= 1, "{p}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_rate_typo_that_would_run_for_hours_is_refused() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/erlang-a.toml"),
        )
        .unwrap()
        .replace("rate = \"2/min\"", "rate = \"20/ms\"");
        let err = Scenario::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("arrivals[0].rate: would bring over"), "{err}");
    }
}
