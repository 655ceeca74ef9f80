//! The scenario as written: serde types close to the TOML, every table closed to unknown keys.
//! Nothing here is checked beyond its TOML type; `validate` turns it into a `Scenario`.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    pub simulation: RawSimulation,
    pub teams: Vec<RawTeam>,
    pub agents: Vec<RawAgents>,
    pub arrivals: Vec<RawArrivals>,
    #[serde(default)]
    pub customers: Option<RawCustomers>,
    pub conversation: RawConversation,
    pub inactivity: Option<RawInactivity>,
    pub variants: Option<Vec<RawVariant>>,
    pub expect: Option<Vec<RawExpect>>,
    pub staffing: Option<RawStaffing>,
    pub calendar: Option<Vec<RawCalendarEvent>>,
    pub priorities: Option<Vec<RawPriority>>,
}

/// `[[priorities]]`: a class of chats, its place in the queues and its target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPriority {
    pub name: String,
    pub level: Option<i64>,
    pub sla: String,
}

/// `priority = "vip"`, or shares of a stream's chats by class.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawPriorityChoice {
    One(String),
    Shares(Vec<RawPriorityShare>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPriorityShare {
    pub class: String,
    pub share: RawShare,
}

/// `[[calendar]]`: a dated day whose arrivals are the profile's times `arrivals`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendarEvent {
    pub date: String,
    pub arrivals: f64,
    pub label: Option<String>,
}

/// What `ccsim staff` plans: one group's agents per interval, for targets, on candidate shifts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaffing {
    pub group: Option<String>,
    pub groups: Option<Vec<String>>,
    pub targets: Vec<RawExpect>,
    pub shifts: Option<Vec<String>>,
    pub work_days: Option<i64>,
    pub max_agents: Option<i64>,
    pub cost: Option<RawCost>,
    pub premiums: Option<Vec<RawPremium>>,
}

/// The cost of an agent-hour: one for every planned group, or one per group by name.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawCost {
    Every(f64),
    ByGroup(std::collections::BTreeMap<String, f64>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPremium {
    pub when: String,
    pub extra: RawShare,
}

/// A variant: the scenario with some keys set otherwise, by dotted path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub name: String,
    pub set: Option<toml::Table>,
}

/// A share as written: a fraction (`0.05`) or a percentage (`"5%"`). A KPI bound takes the
/// same form, and a duration (`"90s"`) for a KPI in minutes.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum RawShare {
    Number(f64),
    Text(String),
}

/// A bound a KPI must keep (`ccsim check`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub metric: String,
    pub min: Option<RawShare>,
    pub max: Option<RawShare>,
    /// `[[expect]]` only: how much worse than the reference is not yet a regression.
    pub regression: Option<RawShare>,
    /// The metric of one team's chats, or of one arrival stream's or priority class's,
    /// instead of the centre's.
    pub team: Option<String>,
    pub stream: Option<String>,
    pub priority: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInactivity {
    pub team_queue: Option<RawFlowSet>,
    pub agent_queue: Option<RawFlowSet>,
    pub waiting_queue: Option<RawFlowSet>,
    pub auto_close: Option<RawAutoClose>,
    pub snooze: Option<RawSnooze>,
    pub on_hold: Option<RawOnHold>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOnHold {
    pub after_reply: Option<RawShare>,
    pub after_silence: Option<String>,
    pub close_after: String,
    pub resume: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFlowSet {
    pub first_alert: String,
    pub second_alert: String,
    pub action: Option<RawAction>,
    pub exceptions: Option<Vec<RawException>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    pub teams: Vec<String>,
    pub first_alert: String,
    pub second_alert: String,
    pub action: Option<RawAction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub after: Option<String>,
    pub transfer_to: Option<String>,
    pub close: Option<bool>,
    pub reassign: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAutoClose {
    pub after: String,
    pub from: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSnooze {
    pub probability: Option<RawShare>,
    pub after_reply: Option<RawShare>,
    pub duration: RawDist,
    pub resume_probability: Option<RawShare>,
    pub resume_after: Option<RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub start: Option<String>,
    pub horizon: String,
    pub warmup: Option<String>,
    pub drain: Option<String>,
    pub interval: Option<String>,
    pub replications: Option<i64>,
    pub seed: Option<i64>,
    pub service_level_target: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    pub name: String,
    pub distribution: Option<String>,
    pub max_chats: Option<i64>,
    pub offer_timeout: Option<String>,
    pub not_ready_on_timeout: Option<bool>,
    pub not_ready_for: Option<RawDist>,
    pub hand_back_to: Option<String>,
    pub overflow_after: Option<String>,
    pub faster_first: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgents {
    pub name: String,
    pub team: Option<String>,
    pub teams: Option<Vec<String>>,
    pub count: Option<RawAgentCount>,
    pub capacity: Option<i64>,
    pub shifts: Option<Vec<String>>,
    /// Agents by shift, each shift with its own breaks (what `ccsim staff` writes).
    pub roster: Option<Vec<RawRosterEntry>>,
    pub role: Option<String>,
    pub breaks: Option<Vec<RawBreak>>,
    pub absenteeism: Option<RawShare>,
    pub refuse_probability: Option<RawShare>,
    pub accept_delay: Option<RawDist>,
    pub pickup: Option<RawPickup>,
    pub on_shift_end: Option<String>,
    pub shift_end_grace: Option<String>,
    pub on_not_ready: Option<String>,
    pub not_ready_grace: Option<String>,
    pub manual_over_capacity: Option<bool>,
    pub speed: Option<f64>,
    pub overflow_teams: Option<Vec<String>>,
}

/// How many agents a group has: a number (on duty per `shifts`), or how many are on duty in
/// each window of the week (what `ccsim staff` writes).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAgentCount {
    Number(i64),
    Windows(Vec<RawCountWindow>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountWindow {
    pub when: String,
    pub count: i64,
}

/// `roster = [{ shift = "mon-fri 08:00-17:00", count = 3, breaks = [...] }]`: `count` agents
/// who work `shift`, on these breaks (the group's `breaks` when left out).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRosterEntry {
    pub shift: String,
    pub count: i64,
    pub breaks: Option<Vec<RawBreak>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBreak {
    pub at: String,
    pub length: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPickup {
    pub every: RawDist,
    pub waiting: Option<bool>,
    pub assign: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub name: String,
    pub team: Option<String>,
    pub route: Option<RawRoute>,
    pub rate: Option<String>,
    pub profile: Option<RawProfile>,
    pub day_to_day_cv: Option<f64>,
    /// A volume multiplier on the rate or profile: what-ifs (`--scale-arrivals 3`).
    pub scale: Option<f64>,
    pub bot: Option<RawBot>,
    pub trace: Option<String>,
    pub trace_times: Option<bool>,
    pub columns: Option<std::collections::BTreeMap<String, String>>,
    pub priority: Option<RawPriorityChoice>,
}

/// `route = "waiting"`, or a weighted list of teams and the Waiting box.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawRoute {
    To(String),
    Weighted(Vec<RawRouteEntry>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouteEntry {
    pub team: Option<String>,
    pub to: Option<String>,
    pub weight: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    pub duration: RawDist,
    pub resolve_probability: Option<RawShare>,
    pub while_waiting: Option<RawBotWhileWaiting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBotWhileWaiting {
    pub resolve_probability: RawShare,
    pub every: String,
}

/// A profile is either a CSV file beside the scenario or an inline list of windows.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawProfile {
    File(String),
    Inline(Vec<RawProfileWindow>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfileWindow {
    pub when: String,
    pub rate: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomers {
    pub patience: Option<RawDist>,
    pub patience_in_conversation: Option<RawDist>,
    pub return_probability: Option<RawShare>,
    pub return_after: Option<RawDist>,
    pub return_after_resolution: Option<RawResolvedReturn>,
    pub max_returns: Option<i64>,
    pub silent_abandonment: Option<RawShare>,
    pub silent_noticed_after: Option<RawDist>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResolvedReturn {
    pub probability: RawShare,
    pub after: RawDist,
    pub reopen_window: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConversation {
    pub handle_time: Option<RawDist>,
    pub turns: Option<RawCount>,
    pub first_reply: Option<RawDist>,
    pub agent_reply: Option<RawDist>,
    pub customer_reply: Option<RawDist>,
    pub customer_silent_probability: Option<RawShare>,
    pub wrap_up: Option<RawDist>,
    pub concurrency_slowdown: Option<f64>,
    pub concurrency_speed: Option<Vec<f64>>,
    pub transfer_probability: Option<RawShare>,
    pub transfer_to: Option<RawTransferTo>,
}

/// `transfer_to = "team"` or `transfer_to = { group = "agent group" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawTransferTo {
    Team(String),
    Group(RawGroupRef),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupRef {
    pub group: String,
}

/// A count: a whole number, or `{ dist = "geometric" | "poisson", mean = 5 }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawCount {
    Fixed(i64),
    Dist(RawCountDist),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountDist {
    pub dist: String,
    pub mean: f64,
}

/// One flat table for every distribution, so that a misspelt parameter is an unknown key and
/// a missing one can be named; `validate` checks which parameters each `dist` takes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: String,
    pub mean: Option<String>,
    pub sd: Option<String>,
    pub value: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub mode: Option<String>,
    pub scale: Option<String>,
    pub shape: Option<f64>,
    pub file: Option<String>,
}
