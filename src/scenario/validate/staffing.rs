//! `[staffing]`: the group `ccsim staff` plans, the targets every interval must keep, and the
//! candidate shifts.

use super::*;
use crate::scenario::raw::{RawCost, RawExpect, RawStaffing};
use crate::scenario::templates::parse_template;
use crate::scenario::{Premium, TeamId};
use crate::stats::metrics::IntervalMetric;
use crate::time::WEEK;

/// The most agents `staff` puts on one interval unless `max_agents` says otherwise.
const DEFAULT_MAX_AGENTS: i64 = 1000;

/// What a staffing target may bound: the chats' shares and times, which staffing moves.
const TARGETS: [IntervalMetric; 6] = [
    IntervalMetric::ServiceLevel,
    IntervalMetric::AnswerLevel,
    IntervalMetric::AbandonRate,
    IntervalMetric::AbandonRateQueue,
    IntervalMetric::MeanWait,
    IntervalMetric::WaitP90,
];

impl Validator<'_> {
    pub(super) fn staffing(
        &mut self,
        raw: &RawScenario,
        simulation: &Simulation,
        groups: &[AgentGroup],
    ) -> Option<Staffing> {
        let r = raw.staffing.as_ref()?;
        let k = KeyPath::root().key("staffing");
        let planned = self.planned_groups(&k, raw, r, groups);
        let targets = self.targets(k.key("targets"), raw, &r.targets);
        self.every_target_has_a_group(&k, raw, &targets, &planned, groups);
        let mut shifts = Vec::new();
        for (j, text) in r.shifts.iter().flatten().enumerate() {
            match parse_template(text) {
                Ok(t) if simulation.interval > 0 && t.placements(simulation.interval).is_empty() => {
                    self.fail(
                        k.key("shifts").index(j),
                        "its breaks cannot all be placed without overlapping: widen their windows or shorten them",
                    )
                }
                Ok(t) => shifts.push(t),
                Err(m) => self.fail(k.key("shifts").index(j), m),
            }
        }
        if r.shifts.as_ref().is_some_and(|s| s.is_empty()) {
            self.fail(
                k.key("shifts"),
                "give at least one candidate shift, or leave `shifts` out to plan per interval",
            );
        }
        let work_days = r
            .work_days
            .map(|d| self.whole(k.key("work_days"), Some(d), 5, 1, 7) as usize);
        if work_days.is_some() && shifts.is_empty() {
            self.fail(
                k.key("work_days"),
                "weekly patterns are built from shifts: give `shifts`, or drop `work_days`",
            );
        }
        let max_agents = self.whole(
            k.key("max_agents"),
            r.max_agents,
            DEFAULT_MAX_AGENTS.min(MAX_AGENTS),
            1,
            MAX_AGENTS,
        ) as u32;
        let costs = r
            .cost
            .as_ref()
            .map(|c| self.costs(k.key("cost"), c, &planned, groups));
        let mut premiums = Vec::new();
        for (j, p) in r.premiums.iter().flatten().enumerate() {
            let pk = k.key("premiums").index(j);
            let extra = self.probability(pk.key("extra"), Some(&p.extra));
            match parse_window(&p.when) {
                Ok(w) => premiums.push(Premium {
                    when: WeekSchedule::from_windows(w),
                    extra,
                }),
                Err(m) => self.fail(pk.key("when"), m),
            }
        }
        let interval = simulation.interval;
        if interval > 0
            && (WEEK % interval != 0 || (simulation.start + simulation.warmup) % interval != 0)
        {
            self.fail(
                KeyPath::root().key("simulation").key("interval"),
                "`staff` plans the week interval by interval: the interval must divide a week, and the clock's start plus the warm-up must fall on an interval's start",
            );
        }
        Some(Staffing {
            groups: planned?,
            targets,
            shifts,
            work_days,
            max_agents,
            costs,
            premiums,
        })
    }

    /// `group = "a"` or `groups = ["a", "b"]`: groups of role agent, each named once.
    fn planned_groups(
        &mut self,
        k: &KeyPath,
        raw: &RawScenario,
        r: &RawStaffing,
        groups: &[AgentGroup],
    ) -> Option<Vec<usize>> {
        let (names, key): (Vec<(&String, KeyPath)>, KeyPath) = match (&r.group, &r.groups) {
            (Some(g), None) => (vec![(g, k.key("group"))], k.key("group")),
            (None, Some(list)) => (
                list.iter()
                    .enumerate()
                    .map(|(j, g)| (g, k.key("groups").index(j)))
                    .collect(),
                k.key("groups"),
            ),
            (Some(_), Some(_)) => {
                self.fail(k.key("groups"), "give `group` or `groups`, not both");
                return None;
            }
            (None, None) => {
                self.fail(
                    k.clone(),
                    "needs `group = \"name\"` or `groups = [\"a\", \"b\"]`: the agent groups to plan",
                );
                return None;
            }
        };
        if names.is_empty() {
            self.fail(key, "give at least one agent group to plan");
            return None;
        }
        let mut planned = Vec::new();
        let mut ok = true;
        for (name, gk) in names {
            let Some(g) = raw.agents.iter().position(|a| &a.name == name) else {
                let known: Vec<&str> = raw.agents.iter().map(|a| a.name.as_str()).collect();
                self.fail(
                    gk,
                    format!(
                        "unknown agent group \"{name}\"; the [[agents]] groups are {}",
                        quoted(&known)
                    ),
                );
                ok = false;
                continue;
            };
            if planned.contains(&g) {
                self.fail(gk, format!("agent group \"{name}\" is listed twice"));
                ok = false;
            } else if groups.get(g).is_some_and(|g| g.role != Role::Agent) {
                self.fail(
                    gk,
                    "plan a group of role \"agent\": supervisors and admins take chats only by hand",
                );
                ok = false;
            }
            planned.push(g);
        }
        ok.then_some(planned)
    }

    /// A target on one team needs a planned group that takes its chats; every planned group
    /// needs a target its agents move.
    fn every_target_has_a_group(
        &mut self,
        k: &KeyPath,
        raw: &RawScenario,
        targets: &[Target],
        planned: &Option<Vec<usize>>,
        groups: &[AgentGroup],
    ) {
        let Some(planned) = planned else { return };
        if groups.len() != raw.agents.len() {
            return;
        }
        let team_of = |scope: &str| {
            scope
                .strip_prefix("team:")
                .and_then(|n| raw.teams.iter().position(|t| t.name == n))
        };
        for (i, t) in targets.iter().enumerate() {
            if let Some(team) = team_of(&t.scope)
                && !planned
                    .iter()
                    .any(|&g| groups[g].takes_from(TeamId(team as u32)))
            {
                self.fail(
                    k.key("targets").index(i).key("team"),
                    format!(
                        "no planned group takes team \"{}\"'s chats: add a group of that team to `groups`",
                        raw.teams[team].name
                    ),
                );
            }
        }
        for (j, &g) in planned.iter().enumerate() {
            let measured = targets.iter().any(|t| match team_of(&t.scope) {
                Some(team) => groups[g].takes_from(TeamId(team as u32)),
                None => true,
            });
            if !measured && !targets.is_empty() {
                let key = match &raw.staffing.as_ref().and_then(|s| s.groups.as_ref()) {
                    Some(_) => k.key("groups").index(j),
                    None => k.key("group"),
                };
                self.fail(
                    key,
                    format!(
                        "no target measures the chats of \"{}\"'s teams: give one (`team = ...`) or leave the group out",
                        groups[g].name
                    ),
                );
            }
        }
    }

    /// `cost = 25` for every planned group, or `cost = { vendas = 30, suporte = 25 }`.
    fn costs(
        &mut self,
        k: KeyPath,
        raw: &RawCost,
        planned: &Option<Vec<usize>>,
        groups: &[AgentGroup],
    ) -> Vec<f64> {
        let planned = planned.as_deref().unwrap_or_default();
        let check = |v: &mut Self, key: KeyPath, c: f64| {
            if !c.is_finite() || c <= 0.0 {
                v.fail(
                    key,
                    format!("an agent-hour's cost must be above zero, got {c}"),
                );
                1.0
            } else {
                c
            }
        };
        match raw {
            RawCost::Every(c) => {
                let c = check(self, k, *c);
                vec![c; planned.len()]
            }
            RawCost::ByGroup(map) => {
                for name in map.keys() {
                    if !planned
                        .iter()
                        .any(|&g| groups.get(g).is_some_and(|g| &g.name == name))
                    {
                        self.fail(
                            k.key(name),
                            format!("\"{name}\" is not a planned group (`groups`)"),
                        );
                    }
                }
                planned
                    .iter()
                    .filter_map(|&g| groups.get(g))
                    .map(|g| match map.get(&g.name) {
                        Some(&c) => check(self, k.key(&g.name), c),
                        None => {
                            self.fail(
                                k.clone(),
                                format!("give planned group \"{}\" a cost too", g.name),
                            );
                            1.0
                        }
                    })
                    .collect()
            }
        }
    }

    fn targets(&mut self, key: KeyPath, scenario: &RawScenario, raw: &[RawExpect]) -> Vec<Target> {
        if raw.is_empty() {
            self.fail(
                key.clone(),
                "give at least one target, e.g. { metric = \"service_level\", min = 0.8 }",
            );
        }
        let mut out = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            let k = key.index(i);
            let Some(metric) = TARGETS.iter().copied().find(|m| m.name() == t.metric) else {
                let names: Vec<&str> = TARGETS.iter().map(|m| m.name()).collect();
                self.fail(
                    k.key("metric"),
                    format!(
                        "\"{}\" is not a staffing target: a target bounds a share or a time of the chats, one of {}",
                        t.metric,
                        names.join(", ")
                    ),
                );
                continue;
            };
            if t.regression.is_some() {
                self.fail(
                    k.key("regression"),
                    "is for [[expect]] bounds, which `check` holds against a reference; a staffing target has no reference",
                );
                continue;
            }
            let bound = |v: &mut Self, name: &str, b: &Option<RawShare>| {
                b.as_ref()
                    .map(|b| v.bound(k.key(name), metric.name(), metric.unit(), b))
            };
            let (min, max) = (bound(self, "min", &t.min), bound(self, "max", &t.max));
            match (min, max) {
                (Some(None), _) | (_, Some(None)) => {}
                (None, None) => self.fail(k.clone(), "needs `min`, `max` or both"),
                (Some(Some(lo)), Some(Some(hi))) if lo > hi => {
                    self.fail(k.key("max"), "must not be below `min`")
                }
                (min, max) => {
                    if t.priority.is_some() {
                        self.fail(
                            k.key("priority"),
                            "staffing targets bound the whole centre, a team or a stream; a target per priority class is not supported yet",
                        );
                    } else if let Some(scope) = self.part(&k, scenario, t, true) {
                        out.push(Target {
                            metric,
                            min: min.flatten(),
                            max: max.flatten(),
                            scope,
                        })
                    }
                }
            }
        }
        out
    }
}
