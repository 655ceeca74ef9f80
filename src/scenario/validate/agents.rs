//! `[[agents]]`: groups, their teams, shifts, breaks and behaviour.

use super::*;
use crate::scenario::raw::{RawBreak, RawRosterEntry};

/// The shortest mean time between two looks at the queues by one agent.
const MIN_PICKUP_EVERY: crate::time::Millis = crate::time::SECOND;

impl Validator<'_> {
    pub(super) fn agents(&mut self, raw: &RawScenario, names: &[&str]) -> Vec<AgentGroup> {
        let key = KeyPath::root().key("agents");
        if raw.agents.is_empty() {
            self.fail(key.clone(), "at least one [[agents]] group is needed");
        }
        let mut groups = Vec::new();
        for (i, a) in raw.agents.iter().enumerate() {
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

    pub(super) fn agent_group(&mut self, k: KeyPath, a: &RawAgents, names: &[&str]) -> AgentGroup {
        let role = match a.role.as_deref().unwrap_or("agent") {
            "agent" => Role::Agent,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            other => {
                self.fail(
                    k.key("role"),
                    format!(
                        "unknown role {}; expected \"agent\", \"supervisor\" or \"admin\"",
                        crate::io::quoted(other)
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
        let capacity = self.whole(
            k.key("capacity"),
            a.capacity,
            1,
            1,
            capacity::MAX_CAPACITY as i64,
        ) as u32;
        let group_breaks = self.breaks(k.key("breaks"), a.breaks.as_deref().unwrap_or_default());
        let (count, schedules, breaks) = match (&a.count, &a.roster) {
            (_, Some(roster)) => {
                if a.count.is_some() || a.shifts.is_some() {
                    self.fail(
                        k.key("roster"),
                        "a roster already says how many agents work which shift: drop `count` and `shifts`",
                    );
                }
                let (schedules, breaks) = self.roster(k.key("roster"), roster, &group_breaks);
                (schedules.len() as u32, schedules, breaks)
            }
            (Some(RawAgentCount::Windows(list)), None) => {
                if a.shifts.is_some() {
                    self.fail(
                        k.key("shifts"),
                        "`count` by window already says when the agents are on duty: drop `shifts`",
                    );
                }
                let schedules = self.count_windows(k.key("count"), list);
                (schedules.len() as u32, schedules, vec![group_breaks])
            }
            (Some(RawAgentCount::Number(n)), None) => {
                let n = self.whole(k.key("count"), Some(*n), 1, 0, MAX_AGENTS) as u32;
                (n, vec![self.shifts(&k, a)], vec![group_breaks])
            }
            (None, None) => (1, vec![self.shifts(&k, a)], vec![group_breaks]),
        };
        let pickup = a.pickup.as_ref().and_then(|p| {
            let assign = p.assign.unwrap_or(false);
            if assign && role == Role::Agent {
                self.fail(
                    k.key("pickup").key("assign"),
                    "only supervisors and admins hand chats out to others: give the group `role = \"supervisor\"` or `\"admin\"`, or leave `assign` out so that its agents take chats themselves",
                );
            }
            let every = self.dist(k.key("pickup").key("every"), &p.every)?;
            // Each look is an event per agent: looks a few milliseconds apart would make a
            // run of billions of events that change nothing.
            if every.mean() < MIN_PICKUP_EVERY as f64 {
                self.fail(
                    k.key("pickup").key("every"),
                    format!(
                        "averages {:.3} s between looks; an agent looks at the queues at most once a second on average (at least 1s)",
                        every.mean() / 1000.0
                    ),
                );
                return None;
            }
            Some(Pickup {
                every,
                waiting: p.waiting.unwrap_or(false),
                assign,
            })
        });
        if role != Role::Agent && a.pickup.is_none() {
            self.fail(
                k.key("role"),
                "supervisors and admins take chats only by hand: give the group a `pickup`",
            );
        }
        let on_shift_end = self.keep_or_requeue(k.key("on_shift_end"), a.on_shift_end.as_deref());
        let shift_end_grace =
            self.duration(k.key("shift_end_grace"), a.shift_end_grace.as_deref(), 0);
        if a.shift_end_grace.is_some() && on_shift_end != OnShiftEnd::Requeue {
            self.fail(
                k.key("shift_end_grace"),
                "is how long an agent off shift keeps its chats before handing them back: it needs on_shift_end = \"requeue\"",
            );
        }
        let on_not_ready = self.keep_or_requeue(k.key("on_not_ready"), a.on_not_ready.as_deref());
        let not_ready_grace =
            self.duration(k.key("not_ready_grace"), a.not_ready_grace.as_deref(), 0);
        if a.not_ready_grace.is_some() && on_not_ready != OnShiftEnd::Requeue {
            self.fail(
                k.key("not_ready_grace"),
                "is how long a Not ready agent keeps its chats before handing them back: it needs on_not_ready = \"requeue\"",
            );
        }
        AgentGroup {
            name: a.name.clone(),
            teams,
            count,
            capacity,
            role,
            schedules,
            breaks,
            absenteeism: self.probability(k.key("absenteeism"), a.absenteeism.as_ref()),
            refuse_probability: self
                .probability(k.key("refuse_probability"), a.refuse_probability.as_ref()),
            accept_delay: a
                .accept_delay
                .as_ref()
                .and_then(|d| self.dist(k.key("accept_delay"), d)),
            pickup,
            on_shift_end,
            shift_end_grace,
            on_not_ready,
            not_ready_grace,
            manual_over_capacity: a.manual_over_capacity.unwrap_or(false),
            speed: self.group_speed(&k, a),
            overflow_teams: a
                .overflow_teams
                .iter()
                .flatten()
                .enumerate()
                .filter_map(|(j, t)| self.team_ref(k.key("overflow_teams").index(j), t, names))
                .collect(),
        }
    }

    /// `speed`: a factor on the group's work, from a tenth to ten times the scenario's.
    fn group_speed(&mut self, k: &KeyPath, a: &RawAgents) -> f64 {
        let speed = a.speed.unwrap_or(1.0);
        if !(0.1..=10.0).contains(&speed) {
            self.fail(
                k.key("speed"),
                format!("is how fast the group works against the scenario's times (1.3: 30% faster), from 0.1 to 10, got {speed}"),
            );
            return 1.0;
        }
        speed
    }

    /// `on_shift_end` or `on_not_ready`: keep the chats, or hand them back.
    fn keep_or_requeue(&mut self, key: KeyPath, value: Option<&str>) -> OnShiftEnd {
        match value.unwrap_or("keep") {
            "keep" => OnShiftEnd::Keep,
            "requeue" => OnShiftEnd::Requeue,
            other => {
                self.fail(
                    key,
                    format!(
                        "unknown value {}; expected \"keep\" or \"requeue\"",
                        crate::io::quoted(other)
                    ),
                );
                OnShiftEnd::Keep
            }
        }
    }

    /// `shifts`: when every agent of the group is on duty (always, when absent).
    fn shifts(&mut self, k: &KeyPath, a: &RawAgents) -> WeekSchedule {
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
        WeekSchedule::from_windows(windows)
    }

    /// Daily breaks `[{ at = "12:00", length = "1h" }, …]` as times of the week.
    fn breaks(&mut self, key: KeyPath, list: &[RawBreak]) -> WeekSchedule {
        let mut breaks = Vec::new();
        for (j, b) in list.iter().enumerate() {
            let bk = key.index(j);
            let length = self.positive_duration(bk.key("length"), Some(&b.length), MINUTE);
            if length >= DAY {
                self.fail(bk.key("length"), "a break must be shorter than a day");
            }
            match parse_window(&format!("mon {}-00:00", b.at)) {
                Ok(day) => breaks.push((day[0].0, length)),
                Err(m) => self.fail(bk.key("at"), m),
            }
        }
        WeekSchedule::daily(&breaks)
    }

    /// `roster = [{ shift, count, breaks }, …]`: each entry's agents work its shift on its
    /// breaks (the group's where it gives none); one schedule and one break set per agent.
    fn roster(
        &mut self,
        key: KeyPath,
        list: &[RawRosterEntry],
        group_breaks: &WeekSchedule,
    ) -> (Vec<WeekSchedule>, Vec<WeekSchedule>) {
        let (mut schedules, mut breaks) = (Vec::new(), Vec::new());
        if list.is_empty() {
            self.fail(key.clone(), "an empty roster means the group never works");
        }
        for (j, e) in list.iter().enumerate() {
            let k = key.index(j);
            let n = self.whole(k.key("count"), Some(e.count), 0, 0, MAX_AGENTS) as usize;
            let shift = match parse_window(&e.shift) {
                Ok(w) => WeekSchedule::from_windows(w),
                Err(m) => {
                    self.fail(k.key("shift"), m);
                    continue;
                }
            };
            let own = match &e.breaks {
                Some(list) => self.breaks(k.key("breaks"), list),
                None => group_breaks.clone(),
            };
            if schedules.len() + n > MAX_AGENTS as usize {
                self.fail(
                    key,
                    format!("more than {MAX_AGENTS} agents in the roster; at most {MAX_AGENTS} are allowed"),
                );
                return (Vec::new(), Vec::new());
            }
            schedules.extend(std::iter::repeat_n(shift, n));
            breaks.extend(std::iter::repeat_n(own, n));
        }
        (schedules, breaks)
    }

    /// `count = [{ when = "mon-fri 08:00-12:00", count = 5 }, …]`: one schedule per agent.
    fn count_windows(&mut self, key: KeyPath, list: &[RawCountWindow]) -> Vec<WeekSchedule> {
        let mut windows = Vec::new();
        for (j, w) in list.iter().enumerate() {
            let n = self.whole(key.index(j).key("count"), Some(w.count), 0, 0, MAX_AGENTS) as u32;
            match parse_window(&w.when) {
                Ok(spans) => windows.extend(spans.into_iter().map(|s| (s, n))),
                Err(m) => self.fail(key.index(j).key("when"), m),
            }
        }
        let schedules = WeekSchedule::stacked(&windows);
        if schedules.len() as i64 > MAX_AGENTS {
            self.fail(
                key,
                format!(
                    "{} agents on duty at once; at most {MAX_AGENTS} are allowed",
                    schedules.len()
                ),
            );
            return Vec::new();
        }
        schedules
    }
}
