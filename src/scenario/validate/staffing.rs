//! `[staffing]`: the group `ccsim staff` plans, the targets every interval must keep, and the
//! candidate shifts.

use super::*;
use crate::scenario::raw::RawExpect;
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
        let group = raw.agents.iter().position(|a| a.name == r.group);
        if group.is_none() {
            let names: Vec<&str> = raw.agents.iter().map(|a| a.name.as_str()).collect();
            self.fail(
                k.key("group"),
                format!(
                    "unknown agent group \"{}\"; the [[agents]] groups are {}",
                    r.group,
                    quoted(&names)
                ),
            );
        }
        if let Some(g) = group.and_then(|g| groups.get(g))
            && g.role != Role::Agent
        {
            self.fail(
                k.key("group"),
                "plan a group of role \"agent\": supervisors and admins take chats only by hand",
            );
        }
        let targets = self.targets(k.key("targets"), raw, &r.targets);
        let mut shifts = Vec::new();
        for (j, text) in r.shifts.iter().flatten().enumerate() {
            match parse_window(text) {
                Ok(w) => shifts.push((text.clone(), WeekSchedule::from_windows(w))),
                Err(m) => self.fail(k.key("shifts").index(j), m),
            }
        }
        if r.shifts.as_ref().is_some_and(|s| s.is_empty()) {
            self.fail(
                k.key("shifts"),
                "give at least one candidate shift, or leave `shifts` out to plan per interval",
            );
        }
        let max_agents = self.whole(
            k.key("max_agents"),
            r.max_agents,
            DEFAULT_MAX_AGENTS.min(MAX_AGENTS),
            1,
            MAX_AGENTS,
        ) as u32;
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
            group: group?,
            targets,
            shifts,
            max_agents,
        })
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
                    if let Some(scope) = self.part(&k, scenario, t, true) {
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
