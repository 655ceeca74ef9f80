//! Raw scenario → validated `Scenario`. Collects every problem rather than stopping at the
//! first, so that one run of `validate` shows the author all of them, each with its key path.

use std::path::Path;

use super::calendar::{RateWindow, WeekProfile, WeekSchedule, parse_week_point, parse_window};
use super::dist::{self, Dist};
use super::locate::KeyPath;
use super::raw::{
    RawAgents, RawArrivals, RawConversation, RawCount, RawDist, RawProfile, RawRoute, RawScenario,
    RawTransferTo,
};
use super::units::{self, DAY, MINUTE, Millis, parse_duration, parse_rate};
use super::{
    AgentGroup, ArrivalStream, Bot, Conversation, Count, Customers, Destination, Distribution,
    Expect, OnShiftEnd, Pickup, ResolvedReturn, Role, Scenario, Simulation, Team, TeamId,
    TransferTarget, TurnModel, Variant, WorkModel,
};
use crate::inactivity::{ActionKind, Rules};
use crate::routing::capacity;
use crate::stats::metrics::Metric;

/// Limits that keep memory bounded and the routing keys exact (see `routing::capacity`).
const MAX_INTERVALS: i64 = 1_000_000;
/// More arrivals than this per replication is a typo (`"2/ms"`), not a plan: hours of work.
const MAX_ARRIVALS: f64 = 1e10;
const MAX_REPLICATIONS: i64 = 100_000;
const MAX_AGENTS: i64 = capacity::MAX_MEMBERS as i64 - 1;
/// How long a missed offer keeps an agent Not ready when the scenario does not say: a few
/// minutes, the time to notice the status and switch it back.
const DEFAULT_NOT_READY_FOR: Millis = 5 * MINUTE;

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

    /// A share in [0, 1]; 0 when absent.
    fn probability(&mut self, key: KeyPath, value: Option<f64>) -> f64 {
        let p = value.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&p) {
            self.fail(key, format!("must be a probability from 0 to 1, got {p}"));
            return 0.0;
        }
        p
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
                self.arrival(root.key("arrivals").index(i), a, &names, simulation.horizon)
            })
            .collect();
        if raw.arrivals.is_empty() {
            self.fail(
                root.key("arrivals"),
                "at least one [[arrivals]] stream is needed",
            );
        }
        let customers = self.customers(&raw);
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
            match (e.min, e.max) {
                (None, None) => self.fail(k.clone(), "needs `min`, `max` or both"),
                (Some(lo), Some(hi)) if lo > hi => {
                    self.fail(k.key("max"), "must not be below `min`")
                }
                _ => out.push(Expect {
                    metric,
                    min: e.min,
                    max: e.max,
                }),
            }
        }
        out
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

    fn agents(&mut self, raw: &RawScenario, names: &[&str]) -> Vec<AgentGroup> {
        let key = KeyPath::root().key("agents");
        if raw.agents.is_empty() {
            self.fail(key.clone(), "at least one [[agents]] group is needed");
        }
        let mut groups = Vec::new();
        for (i, a) in raw.agents.iter().enumerate() {
            if raw.agents[..i].iter().any(|o| o.name == a.name) {
                self.fail(
                    key.index(i).key("name"),
                    format!("agent group \"{}\" is defined twice", a.name),
                );
            }
            groups.push(self.agent_group(key.index(i), a, names));
        }
        let total: u64 = groups.iter().map(|g| g.count as u64).sum();
        if total > MAX_AGENTS as u64 {
            self.fail(
                key,
                format!("{total} agents in all; at most {MAX_AGENTS} are allowed"),
            );
        }
        groups
    }

    fn agent_group(&mut self, k: KeyPath, a: &RawAgents, names: &[&str]) -> AgentGroup {
        let role = match a.role.as_deref().unwrap_or("agent") {
            "agent" => Role::Agent,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            other => {
                self.fail(
                    k.key("role"),
                    format!(
                        "unknown role \"{other}\"; expected \"agent\", \"supervisor\" or \"admin\""
                    ),
                );
                Role::Agent
            }
        };
        let mut teams = Vec::new();
        match (&a.team, &a.teams) {
            (Some(t), None) => teams.extend(self.team_ref(k.key("team"), t, names)),
            (None, Some(list)) if !list.is_empty() => {
                for (j, t) in list.iter().enumerate() {
                    teams.extend(self.team_ref(k.key("teams").index(j), t, names));
                }
            }
            (Some(_), Some(_)) => self.fail(k.key("teams"), "give `team` or `teams`, not both"),
            _ if role == Role::Admin => {}
            _ => self.fail(
                k.clone(),
                "needs `team = \"name\"` or `teams = [\"a\", \"b\"]`",
            ),
        }
        let count = self.whole(k.key("count"), a.count, 1, 0, MAX_AGENTS) as u32;
        let capacity = self.whole(
            k.key("capacity"),
            a.capacity,
            1,
            1,
            capacity::MAX_CAPACITY as i64,
        ) as u32;
        let mut windows = Vec::new();
        match &a.shifts {
            None => windows.extend(parse_window("mon-sun 00:00-24:00").unwrap_or_default()),
            Some(list) => {
                for (j, s) in list.iter().enumerate() {
                    match parse_window(s) {
                        Ok(w) => windows.extend(w),
                        Err(m) => self.fail(k.key("shifts").index(j), m),
                    }
                }
                if list.is_empty() {
                    self.fail(k.key("shifts"), "an empty list means the group never works");
                }
            }
        }
        let mut breaks = Vec::new();
        for (j, b) in a.breaks.iter().flatten().enumerate() {
            let bk = k.key("breaks").index(j);
            let length = self.positive_duration(bk.key("length"), Some(&b.length), MINUTE);
            if length >= DAY {
                self.fail(bk.key("length"), "a break must be shorter than a day");
            }
            match parse_window(&format!("mon-sun {}-00:00", b.at)) {
                Ok(days) => breaks.extend(days.into_iter().map(|(s, _)| (s, s + length.min(DAY)))),
                Err(m) => self.fail(bk.key("at"), m),
            }
        }
        let breaks = breaks
            .into_iter()
            .flat_map(|(s, e)| {
                if e <= units::WEEK {
                    vec![(s, e)]
                } else {
                    vec![(s, units::WEEK), (0, e - units::WEEK)]
                }
            })
            .collect();
        let pickup = a.pickup.as_ref().and_then(|p| {
            let every = self.dist(k.key("pickup").key("every"), &p.every)?;
            Some(Pickup {
                every,
                waiting: p.waiting.unwrap_or(false),
            })
        });
        if role != Role::Agent && a.pickup.is_none() {
            self.fail(
                k.key("role"),
                "supervisors and admins take chats only by hand: give the group a `pickup`",
            );
        }
        let on_shift_end = match a.on_shift_end.as_deref().unwrap_or("keep") {
            "keep" => OnShiftEnd::Keep,
            "requeue" => OnShiftEnd::Requeue,
            other => {
                self.fail(
                    k.key("on_shift_end"),
                    format!("unknown value \"{other}\"; expected \"keep\" or \"requeue\""),
                );
                OnShiftEnd::Keep
            }
        };
        AgentGroup {
            name: a.name.clone(),
            teams,
            count,
            capacity,
            role,
            schedule: WeekSchedule::from_windows(windows),
            breaks: WeekSchedule::from_windows(breaks),
            absenteeism: self.probability(k.key("absenteeism"), a.absenteeism),
            refuse_probability: self.probability(k.key("refuse_probability"), a.refuse_probability),
            accept_delay: a
                .accept_delay
                .as_ref()
                .and_then(|d| self.dist(k.key("accept_delay"), d)),
            pickup,
            on_shift_end,
            manual_over_capacity: a.manual_over_capacity.unwrap_or(false),
        }
    }

    fn arrival(
        &mut self,
        key: KeyPath,
        a: &RawArrivals,
        names: &[&str],
        horizon: Millis,
    ) -> Option<ArrivalStream> {
        let route = self.route(&key, a, names);
        let profile = self.profile(&key, a);
        let day_to_day_cv = a.day_to_day_cv.unwrap_or(0.0);
        if !(day_to_day_cv.is_finite() && day_to_day_cv >= 0.0) {
            self.fail(key.key("day_to_day_cv"), "must be a number of at least 0");
        }
        let bot = a.bot.as_ref().and_then(|b| {
            let bk = key.key("bot");
            let resolve_probability =
                self.probability(bk.key("resolve_probability"), b.resolve_probability);
            let duration = self.dist(bk.key("duration"), &b.duration)?;
            Some(Bot {
                duration,
                resolve_probability,
            })
        });
        let profile = profile?;
        let k = if a.rate.is_some() {
            key.key("rate")
        } else {
            key.key("profile")
        };
        let weekly = profile.weekly_volume();
        if weekly <= 0.0 {
            self.fail(k, "the arrival rate is zero at every hour of the week");
            return None;
        }
        if weekly / units::WEEK as f64 * horizon as f64 > MAX_ARRIVALS {
            self.fail(
                k,
                format!("would bring over {MAX_ARRIVALS:e} chats per replication before `horizon`; check the unit"),
            );
            return None;
        }
        Some(ArrivalStream {
            name: a.name.clone(),
            route: route?,
            profile,
            day_to_day_cv,
            bot,
        })
    }

    fn route(
        &mut self,
        key: &KeyPath,
        a: &RawArrivals,
        names: &[&str],
    ) -> Option<Vec<(Destination, f64)>> {
        let waiting = |to: &str| to == "waiting";
        let weighted: Vec<(Destination, f64)> = match (&a.team, &a.route) {
            (Some(t), None) => vec![(
                Destination::Team(self.team_ref(key.key("team"), t, names)?),
                1.0,
            )],
            (None, Some(RawRoute::To(to))) if waiting(to) => vec![(Destination::WaitingBox, 1.0)],
            (None, Some(RawRoute::To(to))) => {
                self.fail(
                    key.key("route"),
                    format!("\"{to}\" is not a route; use route = \"waiting\", `team = \"{to}\"` or a weighted list"),
                );
                return None;
            }
            (None, Some(RawRoute::Weighted(list))) => {
                let mut out = Vec::new();
                for (j, e) in list.iter().enumerate() {
                    let ek = key.key("route").index(j);
                    if !(e.weight.is_finite() && e.weight > 0.0) {
                        self.fail(ek.key("weight"), "must be a number greater than 0");
                    }
                    let dest = match (&e.team, &e.to) {
                        (Some(t), None) => self
                            .team_ref(ek.key("team"), t, names)
                            .map(Destination::Team),
                        (None, Some(to)) if waiting(to) => Some(Destination::WaitingBox),
                        (None, Some(_)) => {
                            self.fail(
                                ek.key("to"),
                                "the only `to` is \"waiting\" (the Waiting box)",
                            );
                            None
                        }
                        _ => {
                            self.fail(
                                ek.clone(),
                                "needs `team = \"name\"` or `to = \"waiting\"`, not both",
                            );
                            None
                        }
                    };
                    out.extend(dest.map(|d| (d, e.weight)));
                }
                if list.is_empty() {
                    self.fail(key.key("route"), "an empty route sends chats nowhere");
                }
                out
            }
            (Some(_), Some(_)) => {
                self.fail(key.key("route"), "give `team` or `route`, not both");
                return None;
            }
            (None, None) => {
                self.fail(key.clone(), "needs `team = \"name\"` or a `route`");
                return None;
            }
        };
        let total: f64 = weighted.iter().map(|w| w.1).sum();
        let mut cumulative = 0.0;
        let route: Vec<(Destination, f64)> = weighted
            .into_iter()
            .map(|(d, w)| {
                cumulative += w / total;
                (d, cumulative)
            })
            .collect();
        (total > 0.0 && !route.is_empty()).then_some(route)
    }

    fn profile(&mut self, key: &KeyPath, a: &RawArrivals) -> Option<WeekProfile> {
        match (&a.rate, &a.profile) {
            (Some(rate), None) => match parse_rate(rate) {
                Ok(r) => Some(WeekProfile::constant(r.0)),
                Err(m) => {
                    self.fail(key.key("rate"), m);
                    None
                }
            },
            (None, Some(RawProfile::Inline(list))) => {
                let before = self.problems.len();
                let mut windows = Vec::new();
                for (j, w) in list.iter().enumerate() {
                    let k = key.key("profile").index(j);
                    match (parse_window(&w.when), parse_rate(&w.rate)) {
                        (Ok(ws), Ok(r)) => windows.extend(ws.into_iter().map(|x| (x, r.0))),
                        (Err(m), _) => self.fail(k.key("when"), m),
                        (_, Err(m)) => self.fail(k.key("rate"), m),
                    }
                }
                (self.problems.len() == before).then(|| WeekProfile::from_windows(&windows))
            }
            (None, Some(RawProfile::File(file))) => match read_profile(&self.base.join(file)) {
                Ok(windows) => Some(WeekProfile::from_windows(&windows)),
                Err(m) => {
                    self.fail(key.key("profile"), m);
                    None
                }
            },
            (Some(_), Some(_)) => {
                self.fail(key.key("profile"), "give `rate` or `profile`, not both");
                None
            }
            (None, None) => {
                self.fail(key.clone(), "needs `rate = \"2/min\"` or a `profile`");
                None
            }
        }
    }

    fn customers(&mut self, raw: &RawScenario) -> Customers {
        let key = KeyPath::root().key("customers");
        let Some(c) = &raw.customers else {
            return Customers::default();
        };
        let patience = c
            .patience
            .as_ref()
            .and_then(|p| self.dist(key.key("patience"), p));
        let patience_in_conversation = c
            .patience_in_conversation
            .as_ref()
            .and_then(|p| self.dist(key.key("patience_in_conversation"), p));
        if c.patience_in_conversation.is_some() && raw.conversation.turns.is_none() {
            self.fail(
                key.key("patience_in_conversation"),
                "belongs to the turn model: the block model has no later replies",
            );
        }
        let return_probability =
            self.probability(key.key("return_probability"), c.return_probability);
        let return_after = c
            .return_after
            .as_ref()
            .and_then(|d| self.dist(key.key("return_after"), d));
        if return_probability > 0.0 && c.return_after.is_none() {
            self.fail(
                key.key("return_after"),
                "`return_probability` needs `return_after`",
            );
        }
        if return_probability > 0.0 && c.patience.is_none() {
            self.fail(
                key.key("return_probability"),
                "only customers who abandon return: give a `patience`",
            );
        }
        let return_after_resolution = c.return_after_resolution.as_ref().and_then(|r| {
            let rk = key.key("return_after_resolution");
            let probability = self.probability(rk.key("probability"), Some(r.probability));
            let after = self.dist(rk.key("after"), &r.after)?;
            Some(ResolvedReturn { probability, after })
        });
        Customers {
            patience,
            patience_in_conversation,
            return_probability,
            return_after,
            return_after_resolution,
        }
    }

    fn conversation(&mut self, raw: &RawScenario, names: &[&str]) -> Option<Conversation> {
        let key = KeyPath::root().key("conversation");
        let c = &raw.conversation;
        let model = self.work_model(&key, c);
        let concurrency_slowdown = c.concurrency_slowdown.unwrap_or(0.0);
        if !(concurrency_slowdown.is_finite() && concurrency_slowdown >= 0.0) {
            self.fail(
                key.key("concurrency_slowdown"),
                "must be a number of at least 0",
            );
        }
        let transfer_probability =
            self.probability(key.key("transfer_probability"), c.transfer_probability);
        let transfer_to = match &c.transfer_to {
            None => None,
            Some(RawTransferTo::Team(t)) => self
                .team_ref(key.key("transfer_to"), t, names)
                .map(TransferTarget::Team),
            Some(RawTransferTo::Group(g)) => {
                match raw.agents.iter().position(|a| a.name == g.group) {
                    Some(i) => Some(TransferTarget::Agents(i)),
                    None => {
                        self.fail(
                            key.key("transfer_to").key("group"),
                            format!("agent group \"{}\" does not exist", g.group),
                        );
                        None
                    }
                }
            }
        };
        if transfer_probability > 0.0 && c.transfer_to.is_none() {
            self.fail(
                key.key("transfer_to"),
                "`transfer_probability` needs the team to transfer to",
            );
        }
        Some(Conversation {
            model: model?,
            concurrency_slowdown,
            transfer_probability,
            transfer_to,
        })
    }

    /// `handle_time` (block model) or `turns` with its reply times (turn model), not both.
    fn work_model(&mut self, key: &KeyPath, c: &RawConversation) -> Option<WorkModel> {
        let turn_keys = [
            ("first_reply", c.first_reply.is_some()),
            ("agent_reply", c.agent_reply.is_some()),
            ("customer_reply", c.customer_reply.is_some()),
            (
                "customer_silent_probability",
                c.customer_silent_probability.is_some(),
            ),
            ("wrap_up", c.wrap_up.is_some()),
        ];
        match (&c.handle_time, &c.turns) {
            (Some(h), None) => {
                for (k, present) in turn_keys {
                    if present {
                        self.fail(
                            key.key(k),
                            "belongs to the turn model: give `turns` instead of `handle_time`",
                        );
                    }
                }
                let handle_time = self.dist(key.key("handle_time"), h)?;
                if let Dist::Constant(v) = handle_time
                    && v <= 0.0
                {
                    self.fail(
                        key.key("handle_time").key("value"),
                        "a chat's work must take some time",
                    );
                }
                Some(WorkModel::Block { handle_time })
            }
            (None, Some(t)) => {
                let turns = self.count(key.key("turns"), t);
                let need = |v: &mut Self, k: &str, d: &Option<RawDist>| match d {
                    Some(d) => v.dist(key.key(k), d),
                    None => {
                        v.fail(key.key(k), "the turn model needs it");
                        None
                    }
                };
                let first_reply = need(self, "first_reply", &c.first_reply);
                let agent_reply = need(self, "agent_reply", &c.agent_reply);
                let customer_reply = need(self, "customer_reply", &c.customer_reply);
                let customer_silent_probability = self.probability(
                    key.key("customer_silent_probability"),
                    c.customer_silent_probability,
                );
                let wrap_up = c
                    .wrap_up
                    .as_ref()
                    .and_then(|d| self.dist(key.key("wrap_up"), d));
                Some(WorkModel::Turns(TurnModel {
                    turns: turns?,
                    first_reply: first_reply?,
                    agent_reply: agent_reply?,
                    customer_reply: customer_reply?,
                    customer_silent_probability,
                    wrap_up,
                }))
            }
            (Some(_), Some(_)) => {
                self.fail(
                    key.key("turns"),
                    "give `handle_time` (block model) or `turns` (turn model), not both",
                );
                None
            }
            (None, None) => {
                self.fail(
                    key.clone(),
                    "needs `handle_time` (block model) or `turns` (turn model)",
                );
                None
            }
        }
    }

    fn count(&mut self, key: KeyPath, raw: &RawCount) -> Option<Count> {
        match raw {
            RawCount::Fixed(n) if (1..=100_000).contains(n) => Some(Count::Fixed(*n as u32)),
            RawCount::Fixed(n) => {
                self.fail(
                    key,
                    format!("must be a whole number from 1 to 100000, got {n}"),
                );
                None
            }
            RawCount::Dist(d) => {
                if !(d.mean.is_finite() && (1.0..=100_000.0).contains(&d.mean)) {
                    self.fail(key.key("mean"), "a count's mean must be from 1 to 100000");
                    return None;
                }
                match d.dist.as_str() {
                    "geometric" => Some(Count::Geometric { mean: d.mean }),
                    "poisson" => Some(Count::Poisson { mean: d.mean }),
                    other => {
                        self.fail(
                            key.key("dist"),
                            format!("unknown count distribution \"{other}\"; expected \"geometric\" or \"poisson\""),
                        );
                        None
                    }
                }
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
                Destination::Team(t) => g.role == Role::Admin || g.teams.contains(&t),
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
    let text = std::fs::read_to_string(path)
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
