//! The state a staffing search shares between its steps: the scenario, the slots of the week
//! it plans, the planned groups' staffing now, and what it has simulated so far.

use super::columns::{Column, break_times};
use super::{PlanningError, Progress};
use crate::engine::RunOutput;
use crate::experiment::{self, Plan};
use crate::scenario::calendar::WeekSchedule;
use crate::scenario::scopes::{ALL, Scopes};
use crate::scenario::{Dist, Scenario, Staffing, TeamId, WorkModel};
use crate::stats::metrics::{GroupMetric, IntervalMetric};
use crate::stats::pooled::{focus_value, interval_value};
use crate::stats::summary::{Estimate, Weighted, ratio_estimate};
use crate::time::{MINUTE, Millis, WEEK};

/// How one planned group is staffed in one simulation.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum GroupRoster {
    /// As the scenario writes it.
    AsWritten,
    /// This many agents on duty in each slot of the week, stacked (`WeekSchedule::stacked`).
    Levels(Vec<u32>),
    /// Agents on shifts, in the order the roster lists them.
    Shifts(Vec<Entry>),
}

/// Agents who each work every column of `columns` (the same shift and breaks on several
/// days, or one weekly pattern).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Entry {
    pub columns: Vec<usize>,
    pub count: u32,
}

pub(super) struct Search<'a> {
    pub base: &'a Scenario,
    pub staffing: &'a Staffing,
    pub plan: Plan,
    /// Per slot of the week: whether the run measures it (falls in `[warmup, horizon)`).
    pub planned: Vec<bool>,
    /// Per slot: the first interval of the run in it.
    pub first: Vec<usize>,
    /// Each planned group's staffing now, in the order of `staffing.groups`.
    pub rosters: Vec<GroupRoster>,
    /// Per target: the planned groups (positions in `staffing.groups`) that take the chats it
    /// measures, and so may be raised when it misses.
    pub movers: Vec<Vec<usize>>,
    /// What one agent of a candidate shift can work (empty without shifts).
    pub columns: Vec<Column>,
    scopes: Scopes,
    pub simulations: u32,
    pub simulated_weeks: f64,
    /// Worker threads the simulations ran on.
    pub threads: usize,
    /// Per planned group and slot: whether its number kept every target on fresh customers.
    pub confirmed: Vec<Vec<bool>>,
    /// Where the search stands is told here, with the phase and a rough count of what is left.
    pub show: Option<&'a dyn Fn(&Progress)>,
    /// Per planned group, how its last shift plan was solved.
    pub solved: Vec<Option<super::shifts::Solved>>,
    /// Whether a team's chats go first to the groups that pool the most teams, before the
    /// cheapest (`precedence`).
    pub pooling_first: bool,
    phase: &'static str,
    left: Option<u32>,
    started: std::time::Instant,
}

impl<'a> Search<'a> {
    pub fn new(base: &'a Scenario, staffing: &'a Staffing, plan: Plan) -> Self {
        let sim = &base.simulation;
        let slots = (WEEK / sim.interval) as usize;
        let intervals = ((sim.horizon - sim.warmup) + sim.interval - 1) / sim.interval;
        let mut planned = vec![false; slots];
        let mut first = vec![0; slots];
        for k in 0..intervals as usize {
            let slot = Self::slot_of(base, k);
            if !planned[slot] {
                planned[slot] = true;
                first[slot] = k;
            }
        }
        let scopes = Scopes::of(base);
        let movers = staffing
            .targets
            .iter()
            .map(|t| {
                let team = t
                    .scope
                    .strip_prefix("team:")
                    .and_then(|n| base.teams.iter().position(|x| x.name == n));
                (0..staffing.groups.len())
                    .filter(|&gi| {
                        team.is_none_or(|team| {
                            base.agent_groups[staffing.groups[gi]].takes_from(TeamId(team as u32))
                        })
                    })
                    .collect()
            })
            .collect();
        Search {
            base,
            staffing,
            plan: Plan {
                staffing_focus: true,
                chats_log: None,
                ..plan
            },
            planned,
            first,
            rosters: vec![GroupRoster::AsWritten; staffing.groups.len()],
            movers,
            columns: super::columns::columns(staffing, sim.interval),
            scopes,
            simulations: 0,
            simulated_weeks: 0.0,
            threads: 0,
            confirmed: Vec::new(),
            show: None,
            pooling_first: false,
            solved: vec![None; staffing.groups.len()],
            phase: "measuring the week as written",
            left: None,
            started: std::time::Instant::now(),
        }
    }

    pub fn slots(&self) -> usize {
        self.planned.len()
    }

    pub fn groups(&self) -> usize {
        self.staffing.groups.len()
    }

    /// The slot of the week that interval `k` of the run falls in.
    fn slot_of(s: &Scenario, k: usize) -> usize {
        let sim = &s.simulation;
        let t = (sim.start + sim.warmup + k as Millis * sim.interval).rem_euclid(WEEK);
        (t / sim.interval) as usize
    }

    /// The day of interval `k`, as `intervals.csv` numbers it.
    pub fn day(&self, k: usize) -> i64 {
        let sim = &self.base.simulation;
        (sim.start % crate::time::DAY + sim.warmup + k as Millis * sim.interval)
            .div_euclid(crate::time::DAY)
    }

    /// Whether two planned groups take some team's chats both.
    pub fn share_a_team(&self, a: usize, b: usize) -> bool {
        (0..self.base.teams.len()).any(|t| self.takes(a, t) && self.takes(b, t))
    }

    /// Whether staffing planned group `a` moves what group `b` is judged on: a team they both
    /// take, or a target both take chats of (the whole centre's, a stream's).
    pub fn interact(&self, a: usize, b: usize) -> bool {
        self.share_a_team(a, b) || self.movers.iter().any(|m| m.contains(&a) && m.contains(&b))
    }

    /// Whether the templates place breaks: then they replace the planned groups' own.
    fn places_breaks(&self) -> bool {
        self.columns.iter().any(|c| c.break_schedule.is_some())
    }

    pub fn scenario_with(&self, rosters: &[GroupRoster]) -> Scenario {
        let mut s = self.base.clone();
        let interval = self.base.simulation.interval;
        let places_breaks = self.places_breaks();
        for (gi, roster) in rosters.iter().enumerate() {
            let group = &mut s.agent_groups[self.staffing.groups[gi]];
            match roster {
                GroupRoster::AsWritten => {}
                GroupRoster::Levels(levels) => {
                    let windows: Vec<_> = levels
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| **n > 0)
                        .map(|(i, &n)| {
                            let from = i as Millis * interval;
                            ((from, from + interval), n)
                        })
                        .collect();
                    group.schedules = WeekSchedule::stacked(&windows);
                    group.count = group.schedules.len() as u32;
                    if places_breaks {
                        group.breaks = vec![WeekSchedule::from_windows(Vec::new())];
                    }
                }
                GroupRoster::Shifts(entries) => {
                    let own = group.breaks[0].clone();
                    let (mut schedules, mut breaks) = (Vec::new(), Vec::new());
                    for e in entries {
                        let n = e.count as usize;
                        schedules.extend(std::iter::repeat_n(self.entry_schedule(e), n));
                        let b = self.columns[e.columns[0]].break_schedule.clone();
                        breaks.extend(std::iter::repeat_n(b.unwrap_or_else(|| own.clone()), n));
                    }
                    group.count = schedules.len() as u32;
                    group.schedules = schedules;
                    group.breaks = breaks;
                }
            }
        }
        s
    }

    /// When an agent of `entry` is on duty: every day of its columns.
    pub fn entry_schedule(&self, entry: &Entry) -> WeekSchedule {
        let c = &self.columns[entry.columns[0]];
        let days: Vec<usize> = entry
            .columns
            .iter()
            .flat_map(|&c| self.columns[c].days.iter().copied())
            .collect();
        super::columns::shift_schedule(&self.staffing.shifts[c.template], &days)
    }

    /// The rosters now, with group `gi` at `levels`.
    fn with_levels(&self, gi: usize, levels: &[u32]) -> Vec<GroupRoster> {
        let mut rosters = self.rosters.clone();
        rosters[gi] = GroupRoster::Levels(levels.to_vec());
        rosters
    }

    /// Simulates group `gi` at `levels`, the others as they stand: its replications, and per
    /// slot whether every target the group moves held.
    pub fn try_levels(
        &mut self,
        gi: usize,
        levels: &[u32],
    ) -> Result<(Vec<RunOutput>, Vec<bool>), PlanningError> {
        let runs = self.simulate(&self.scenario_with(&self.with_levels(gi, levels)))?;
        let held = self.judge(&runs);
        Ok((runs, self.holds_for(&held, gi)))
    }

    pub fn simulate(&mut self, scenario: &Scenario) -> Result<Vec<RunOutput>, PlanningError> {
        self.simulate_seeded(scenario, self.plan.seed)
    }

    /// Simulates `scenario` on the customers of `seed`.
    pub fn simulate_seeded(
        &mut self,
        scenario: &Scenario,
        seed: u64,
    ) -> Result<Vec<RunOutput>, PlanningError> {
        self.simulations += 1;
        if let Some(left) = &mut self.left {
            *left = left.saturating_sub(1);
        }
        let sim = &scenario.simulation;
        self.simulated_weeks += self.plan.replications as f64 * sim.horizon as f64 / WEEK as f64;
        let outcome = experiment::run(scenario, Plan { seed, ..self.plan }, None)?;
        self.threads = outcome.threads;
        Ok(outcome.runs)
    }

    /// Per slot, `metric` of the chats of part `scope` (`team:vendas`, as `summary.csv` names
    /// it), or of the planned groups' teams for `all` or a part the run does not split.
    pub fn slot_estimates_in(
        &self,
        runs: &[RunOutput],
        scope: &str,
        metric: IntervalMetric,
    ) -> Vec<Estimate> {
        let part = self.scopes.position(scope).filter(|&s| s != ALL);
        let mut values: Vec<Vec<Weighted>> = vec![Vec::new(); self.slots()];
        for r in runs {
            for k in 0..r.stats.focus.len() {
                let v = match part {
                    Some(s) => interval_value(&r.stats, s, k, metric),
                    None => focus_value(&r.stats, k, metric),
                };
                values[Self::slot_of(self.base, k)].push(v);
            }
        }
        values
            .into_iter()
            .map(|v| ratio_estimate(v, metric.scale()))
            .collect()
    }

    /// Per slot, the mean of `metric` over every replication and every week.
    pub fn slot_means(&self, runs: &[RunOutput], scope: &str, metric: IntervalMetric) -> Vec<f64> {
        self.slot_estimates_in(runs, scope, metric)
            .into_iter()
            .map(|e| e.mean)
            .collect()
    }

    /// Per slot, each target's estimate, in the order of the targets.
    pub fn slot_estimates(&self, runs: &[RunOutput]) -> Vec<Vec<Estimate>> {
        let per_target: Vec<Vec<Estimate>> = self
            .staffing
            .targets
            .iter()
            .map(|t| self.slot_estimates_in(runs, &t.scope, t.metric))
            .collect();
        (0..self.slots())
            .map(|i| per_target.iter().map(|t| t[i]).collect())
            .collect()
    }

    /// Per target and slot: whether it holds (slots the run does not measure always do).
    /// Tells `show` how many slots keep every target.
    pub fn judge(&self, runs: &[RunOutput]) -> Vec<Vec<bool>> {
        let values = self.slot_estimates(runs);
        let held: Vec<Vec<bool>> = self
            .staffing
            .targets
            .iter()
            .enumerate()
            .map(|(t, target)| values.iter().map(|v| target.holds(v[t].mean)).collect())
            .collect();
        if let Some(show) = self.show {
            show(&Progress {
                phase: self.phase,
                simulations: self.simulations,
                holding: (0..self.slots())
                    .filter(|&i| self.planned[i] && held.iter().all(|h| h[i]))
                    .count(),
                planned: self.planned.iter().filter(|&&p| p).count(),
                left: self.left,
                elapsed: self.started.elapsed(),
            });
        }
        held
    }

    /// Per slot: whether every target that group `gi` moves holds.
    pub fn holds_for(&self, held: &[Vec<bool>], gi: usize) -> Vec<bool> {
        (0..self.slots())
            .map(|i| {
                self.movers
                    .iter()
                    .zip(held)
                    .all(|(m, h)| !m.contains(&gi) || h[i])
            })
            .collect()
    }

    /// Enters `phase`, with a rough count of the simulations it and the rest will take.
    pub fn enter(&mut self, phase: &'static str, left: Option<u32>) {
        self.phase = phase;
        self.left = left;
    }

    /// The handle time (minutes) Erlang is given for group `gi`: the scenario's for the block
    /// model, as a planner reads it off a spreadsheet, over the group's speed; for the turn
    /// model, the slot time per chat the group spent in the first simulation, as a platform
    /// would report it. And the
    /// mean patience when it is exponential (Erlang A), else `None` (Erlang C).
    pub fn erlang_inputs(&self, runs: &[RunOutput], gi: usize) -> (f64, Option<f64>) {
        let g = self.staffing.groups[gi];
        let handle = match &self.base.conversation.model {
            // A faster group does the same work in less time (guide `scenarios.md#agents` `speed`).
            WorkModel::Block { handle_time } => {
                handle_time.mean() / MINUTE as f64 / self.base.agent_groups[g].speed
            }
            WorkModel::Turns(_) => {
                let busy: f64 = runs.iter().map(|r| r.stats.slot_minutes[g]).sum();
                let chats: f64 = runs
                    .iter()
                    .map(|r| r.stats.groups[g][GroupMetric::ChatsHandled as usize])
                    .sum();
                if chats > 0.0 { busy / chats } else { f64::NAN }
            }
        };
        let patience = match &self.base.customers.patience {
            Some(d @ Dist::Exponential { .. }) => Some(d.mean() / MINUTE as f64),
            _ => None,
        };
        (handle, patience)
    }

    /// Per slot, the chats of group `gi`'s teams that it is first given to carry: each team's
    /// shared equally among the planned groups that take it and come first by `precedence`,
    /// none to the others.
    pub fn group_arrivals(&self, runs: &[RunOutput], gi: usize) -> Vec<f64> {
        if self.groups() == 1 {
            return self.slot_means(runs, "all", IntervalMetric::Arrivals);
        }
        let split = self
            .scopes
            .position(&format!("team:{}", self.base.teams[0].name))
            .is_some();
        let mut total = vec![0.0; self.slots()];
        for (t, team) in self.base.teams.iter().enumerate() {
            let carriers = self.carriers(t, self.pooling_first);
            if !carriers.contains(&gi) {
                continue;
            }
            let scope = match split {
                true => format!("team:{}", team.name),
                false => "all".to_string(),
            };
            for (sum, a) in
                total
                    .iter_mut()
                    .zip(self.slot_means(runs, &scope, IntervalMetric::Arrivals))
            {
                if !a.is_nan() {
                    *sum += a / carriers.len() as f64;
                }
            }
            if !split {
                break;
            }
        }
        total
    }

    /// Which planned groups a team's chats are given to first, smaller first: the cheapest,
    /// and among those the ones that take the most teams, whose agents pool their teams'
    /// chats; or, `pooling_first`, the other way round.
    pub fn precedence(&self, gi: usize) -> (f64, f64) {
        self.precedence_as(gi, self.pooling_first)
    }

    fn precedence_as(&self, gi: usize, pooling_first: bool) -> (f64, f64) {
        let teams = -(self.base.agent_groups[self.staffing.groups[gi]].teams.len() as f64);
        match pooling_first {
            false => (self.cost(gi), teams),
            true => (teams, self.cost(gi)),
        }
    }

    /// Whether planned group `gi` takes team `t`'s chats.
    fn takes(&self, gi: usize, t: usize) -> bool {
        self.base.agent_groups[self.staffing.groups[gi]].takes_from(TeamId(t as u32))
    }

    /// The planned groups team `t`'s chats are given to first (`precedence_as`).
    fn carriers(&self, t: usize, pooling_first: bool) -> Vec<usize> {
        let takers: Vec<usize> = (0..self.groups()).filter(|&g| self.takes(g, t)).collect();
        let key = |g: usize| self.precedence_as(g, pooling_first);
        let best = takers
            .iter()
            .map(|&g| key(g))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        takers
            .into_iter()
            .filter(|&g| Some(key(g)) == best)
            .collect()
    }

    /// Whether the two orders of `precedence` give some team's chats to different groups.
    pub fn pooling_matters(&self) -> bool {
        (0..self.base.teams.len()).any(|t| self.carriers(t, false) != self.carriers(t, true))
    }

    /// "mon 08:30" for slot `i`.
    pub fn label(&self, i: usize) -> String {
        crate::scenario::calendar::week_label(i as Millis * self.base.simulation.interval)
    }

    pub fn labels(&self, slots: &[usize]) -> String {
        const SHOWN: usize = 12;
        let mut text: Vec<String> = slots.iter().take(SHOWN).map(|&i| self.label(i)).collect();
        if slots.len() > SHOWN {
            text.push(format!("and {} more", slots.len() - SHOWN));
        }
        text.join(", ")
    }

    /// The cost of an agent-hour of planned group `gi` (1: agent-hours).
    pub fn cost(&self, gi: usize) -> f64 {
        self.staffing.costs.as_ref().map_or(1.0, |c| c[gi])
    }

    /// The hours of the interval at `week_time`, each times one plus its premiums: what an
    /// agent on duty then costs per unit of `cost`.
    pub fn slot_weight(&self, week_time: Millis) -> f64 {
        let interval = self.base.simulation.interval;
        let extra: f64 = self
            .staffing
            .premiums
            .iter()
            .map(|p| p.extra * p.when.overlap(week_time, week_time + interval) as f64)
            .sum();
        (interval as f64 + extra) / crate::time::HOUR as f64
    }

    /// The breaks of an agent of `column`, as `plan.toml` writes them.
    pub fn column_breaks(&self, column: &Column) -> Vec<(Millis, Millis)> {
        break_times(&self.staffing.shifts[column.template], &column.breaks)
    }
}
