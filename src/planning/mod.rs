//! `ccsim staff`: the fewest agents of one group per interval of the week that keep every
//! target, found by simulating the real rules (`requirement`), the candidate shifts that
//! cover them at the fewest agent-hours (`shifts`), and the plan written back as a scenario
//! (`plan_file`). Every simulation of a search uses the same seed, so successive staffings
//! are compared on the same customers (common random numbers).

mod confirm;
pub mod erlang;
pub mod plan_file;
mod requirement;
mod shifts;

use crate::engine::RunOutput;
use crate::experiment::{self, Outcome, Plan};
use crate::scenario::calendar::WeekSchedule;
use crate::scenario::scopes::{ALL, Scopes};
use crate::scenario::{Dist, Scenario, Staffing, WorkModel};
use crate::stats::metrics::{GroupMetric, IntervalMetric};
use crate::stats::pooled::{focus_value, interval_value};
use crate::stats::summary::{Estimate, Weighted, ratio_estimate};
use crate::time::{MINUTE, Millis, WEEK};

#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    #[error(
        "{}: has no [staffing] table: add one saying which agent group to plan and the targets to keep",
        .0.display()
    )]
    NoStaffing(std::path::PathBuf),
    /// The targets cannot be met, or the shifts cannot cover the need: located in the file.
    #[error(transparent)]
    Scenario(#[from] crate::error::ScenarioError),
    #[error(transparent)]
    Threads(#[from] experiment::ThreadsError),
    #[error("the shift plan could not be solved: {0}")]
    Solver(String),
}

/// One interval of the week that the plan gives a number of agents.
#[derive(Clone, Debug)]
pub struct SlotPlan {
    /// Start, in ms since Monday 00:00.
    pub week_time: Millis,
    /// The first interval of the run (as numbered in `intervals.csv`) that falls here, and
    /// its day (0: the day the clock starts).
    pub first_interval: usize,
    pub day: i64,
    /// Agents of the group needed on duty, by simulation.
    pub required: u32,
    /// Agents on duty in the chosen roster (the requirement when no shifts are given).
    pub scheduled: u32,
    /// What per-interval Erlang A (or C) would staff; `None` where even `max_agents` would
    /// not do by Erlang's reckoning.
    pub erlang: Option<u32>,
    /// Chats per interval that reached the group's teams, on average.
    pub arrivals: f64,
    /// Each target's metric under the final plan, on the customers of its last check (not
    /// those the search chose on), as a ratio of sums over every replication and week.
    pub values: Vec<Estimate>,
    /// How sure the last check makes it that every target holds in this interval: the
    /// smallest, over the targets, of the one-sided confidence that the true value is on the
    /// right side of the bound.
    pub confidence: f64,
    /// Whether the interval's number kept every target on fresh customers.
    pub met: bool,
}

/// What `staff` found.
pub struct StaffingPlan {
    pub slots: Vec<SlotPlan>,
    /// With candidate shifts: how many agents start on each, in the order given.
    pub roster: Vec<(String, u32)>,
    /// The handle time (minutes) and patience (minutes, exponential only) Erlang was given.
    pub handle_time: f64,
    pub patience: Option<f64>,
    /// Simulations run and simulated weeks in all (replications × horizon).
    pub simulations: u32,
    pub simulated_weeks: f64,
    /// The final plan's replications, for the report; its wall time is the whole search's.
    pub outcome: Outcome,
    /// The seed of those replications: fresh customers, not the search's.
    pub seed: u64,
    /// The seed the search chose on.
    pub search_seed: u64,
    /// The scenario with the plan in place.
    pub scenario: Scenario,
}

impl StaffingPlan {
    /// Agent-hours per week of the scheduled plan and of Erlang's per-interval staffing.
    pub fn agent_hours(&self, interval: Millis) -> (f64, f64) {
        let (_, scheduled, erlang) = self.hours(interval);
        (scheduled, erlang)
    }

    /// Agent-hours per week: (required by simulation, scheduled, per-interval Erlang).
    pub fn hours(&self, interval: Millis) -> (f64, f64, f64) {
        let hours = interval as f64 / crate::time::HOUR as f64;
        let sum =
            |f: fn(&SlotPlan) -> u32| self.slots.iter().map(|s| f(s) as f64).sum::<f64>() * hours;
        (
            sum(|s| s.required),
            sum(|s| s.scheduled),
            sum(|s| s.erlang.unwrap_or(0)),
        )
    }
}

/// Runs the staffing search on `scenario`'s `[staffing]` with `plan`'s replications, seed and
/// threads.
pub fn staff(scenario: &Scenario, plan: Plan) -> Result<StaffingPlan, PlanningError> {
    staff_showing(scenario, plan, &|_| {})
}

/// Where a search stands, after each simulation: what a terminal shows while it runs.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// What the simulations are doing now.
    pub phase: &'static str,
    pub simulations: u32,
    /// Intervals of the week whose number kept every target in the last simulation, of those
    /// planned.
    pub holding: usize,
    pub planned: usize,
    /// A rough count of the simulations still to come, where the search can tell.
    pub left: Option<u32>,
    pub elapsed: std::time::Duration,
}

impl Progress {
    /// About how long the rest takes, at the pace so far.
    pub fn time_left(&self) -> Option<std::time::Duration> {
        let per = self.elapsed.checked_div(self.simulations.max(1))?;
        self.left.filter(|&n| n > 0).map(|n| per * n)
    }
}

/// `staff`, telling `show` where it stands after each simulation.
pub fn staff_showing(
    scenario: &Scenario,
    plan: Plan,
    show: &dyn Fn(&Progress),
) -> Result<StaffingPlan, PlanningError> {
    let staffing = scenario
        .staffing
        .as_ref()
        .ok_or_else(|| PlanningError::NoStaffing(scenario.path.clone()))?;
    let started = std::time::Instant::now();
    let mut search = Search::new(scenario, staffing, plan);
    search.show = Some(show);
    let first = search.simulate(&search.scenario_with(&Roster::AsWritten))?;
    let (handle_time, patience) = search.erlang_inputs(&first);
    let arrivals = search.slot_means(&first, IntervalMetric::Arrivals);
    let interval_min = scenario.simulation.interval as f64 / MINUTE as f64;
    let group = &scenario.agent_groups[staffing.group];
    let sl_target = scenario.simulation.service_level_target as f64 / MINUTE as f64;
    let erlang: Vec<Option<u32>> = arrivals
        .iter()
        .map(|a| {
            let lambda = if a.is_nan() { 0.0 } else { a / interval_min };
            erlang::agents_needed(
                lambda,
                1.0 / handle_time,
                patience.map_or(0.0, |p| 1.0 / p),
                group.capacity,
                &staffing.targets,
                sl_target,
                staffing.max_agents,
            )
        })
        .collect();
    let start: Vec<u32> = erlang
        .iter()
        .zip(&search.planned)
        .map(|(e, &planned)| {
            if planned {
                e.unwrap_or(staffing.max_agents)
            } else {
                0
            }
        })
        .collect();
    search.enter("checking the targets with max_agents on duty", None);
    search.reachable()?;
    let required = requirement::search(&mut search, start)?;
    search.enter("confirming the plan on fresh customers", Some(1));
    let confirmed = if staffing.shifts.is_empty() {
        confirm::confirm(
            &mut search,
            required.clone(),
            |_, need| Ok((Roster::Levels(need.to_vec()), need.to_vec())),
            requirement::unreachable_error,
        )?
    } else {
        shifts::cover(&mut search, &required)?
    };
    let roster = match &confirmed.roster {
        Roster::Shifts(counts) => staffing
            .shifts
            .iter()
            .zip(counts)
            .map(|((name, _), &n)| (name.clone(), n))
            .collect(),
        _ => Vec::new(),
    };
    let final_scenario = search.scenario_with(&confirmed.roster);
    let values: Vec<Vec<Estimate>> = search.slot_estimates(&confirmed.runs);
    let slots = (0..search.slots())
        .filter(|&i| search.planned[i])
        .map(|i| SlotPlan {
            week_time: i as Millis * scenario.simulation.interval,
            first_interval: search.first[i],
            day: search.day(search.first[i]),
            required: confirmed.need[i],
            scheduled: confirmed.on_duty[i],
            erlang: erlang[i],
            arrivals: arrivals[i],
            confidence: confidence(&staffing.targets, &values[i]),
            values: values[i].clone(),
            met: search.confirmed[i],
        })
        .collect();
    Ok(StaffingPlan {
        slots,
        roster,
        handle_time,
        patience,
        simulations: search.simulations,
        simulated_weeks: search.simulated_weeks,
        outcome: Outcome {
            runs: confirmed.runs,
            wall: started.elapsed(),
            threads: search.threads,
        },
        seed: confirmed.seed,
        search_seed: plan.seed,
        scenario: final_scenario,
    })
}

/// The smallest one-sided confidence, over the targets, that the true value keeps its bound:
/// Student's t of the distance to the bound in standard errors. An interval with no chat
/// keeps every bound.
fn confidence(targets: &[crate::scenario::Target], values: &[Estimate]) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    targets
        .iter()
        .zip(values)
        .map(|(t, e)| {
            if e.mean.is_nan() {
                return 1.0;
            }
            let margin = match (t.min, t.max) {
                (Some(min), Some(max)) => (e.mean - min).min(max - e.mean),
                (Some(min), None) => e.mean - min,
                (None, Some(max)) => max - e.mean,
                (None, None) => f64::INFINITY,
            };
            let se = e.std / (e.n.max(1) as f64).sqrt();
            if se.is_nan() || se <= 0.0 || e.n < 2 {
                return if margin >= 0.0 { 1.0 } else { 0.0 };
            }
            StudentsT::new(0.0, 1.0, (e.n - 1) as f64)
                .map(|d| d.cdf(margin / se))
                .unwrap_or(f64::NAN)
        })
        .fold(1.0, f64::min)
}

/// How the planned group is staffed in one simulation.
#[derive(Clone, Debug)]
enum Roster {
    /// As the scenario writes it.
    AsWritten,
    /// This many agents on duty in each slot of the week, stacked (`WeekSchedule::stacked`).
    Levels(Vec<u32>),
    /// This many agents on each candidate shift.
    Shifts(Vec<u32>),
}

/// The state a search shares between its steps: the scenario, the slots of the week it plans,
/// and what it has simulated so far.
struct Search<'a> {
    base: &'a Scenario,
    staffing: &'a Staffing,
    plan: Plan,
    /// Per slot of the week: whether the run measures it (falls in `[warmup, horizon)`).
    planned: Vec<bool>,
    /// Per slot: the first interval of the run in it.
    first: Vec<usize>,
    simulations: u32,
    simulated_weeks: f64,
    /// Worker threads the simulations ran on.
    threads: usize,
    /// Per slot: whether its number kept every target on fresh customers.
    confirmed: Vec<bool>,
    /// Where the search stands is told here, with the phase and a rough count of what is left.
    show: Option<&'a dyn Fn(&Progress)>,
    phase: &'static str,
    left: Option<u32>,
    started: std::time::Instant,
}

impl<'a> Search<'a> {
    fn new(base: &'a Scenario, staffing: &'a Staffing, plan: Plan) -> Self {
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
            simulations: 0,
            simulated_weeks: 0.0,
            threads: 0,
            confirmed: Vec::new(),
            show: None,
            phase: "measuring the week as written",
            left: None,
            started: std::time::Instant::now(),
        }
    }

    fn slots(&self) -> usize {
        self.planned.len()
    }

    /// The slot of the week that interval `k` of the run falls in.
    fn slot_of(s: &Scenario, k: usize) -> usize {
        let sim = &s.simulation;
        let t = (sim.start + sim.warmup + k as Millis * sim.interval).rem_euclid(WEEK);
        (t / sim.interval) as usize
    }

    /// The day of interval `k`, as `intervals.csv` numbers it.
    fn day(&self, k: usize) -> i64 {
        let sim = &self.base.simulation;
        (sim.start % crate::time::DAY + sim.warmup + k as Millis * sim.interval)
            .div_euclid(crate::time::DAY)
    }

    fn scenario_with(&self, roster: &Roster) -> Scenario {
        let mut s = self.base.clone();
        let interval = self.base.simulation.interval;
        let group = &mut s.agent_groups[self.staffing.group];
        match roster {
            Roster::AsWritten => {}
            Roster::Levels(levels) => {
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
            }
            Roster::Shifts(counts) => {
                group.schedules = self
                    .staffing
                    .shifts
                    .iter()
                    .zip(counts)
                    .flat_map(|((_, schedule), &n)| {
                        std::iter::repeat_n(schedule.clone(), n as usize)
                    })
                    .collect();
                group.count = group.schedules.len() as u32;
            }
        }
        s
    }

    /// Simulates `roster`: its replications, and per slot whether every target held.
    fn try_roster(
        &mut self,
        roster: &Roster,
    ) -> Result<(Vec<RunOutput>, Vec<bool>), PlanningError> {
        let runs = self.simulate(&self.scenario_with(roster))?;
        let ok = self.judge(&runs);
        Ok((runs, ok))
    }

    fn simulate(&mut self, scenario: &Scenario) -> Result<Vec<RunOutput>, PlanningError> {
        self.simulate_seeded(scenario, self.plan.seed)
    }

    /// Simulates `scenario` on the customers of `seed`.
    fn simulate_seeded(
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

    /// Per slot: the mean of a focus metric over every replication and every week.
    fn slot_means(&self, runs: &[RunOutput], metric: IntervalMetric) -> Vec<f64> {
        self.slot_estimates_of(runs, metric)
            .into_iter()
            .map(|e| e.mean)
            .collect()
    }

    fn slot_estimates_of(&self, runs: &[RunOutput], metric: IntervalMetric) -> Vec<Estimate> {
        self.slot_estimates_in(runs, "all", metric)
    }

    /// Per slot, `metric` of the chats of part `scope` (`team:vendas`, as `summary.csv` names
    /// it), or of the planned group's teams for `all` or a part the run does not split.
    fn slot_estimates_in(
        &self,
        runs: &[RunOutput],
        scope: &str,
        metric: IntervalMetric,
    ) -> Vec<Estimate> {
        let part = Scopes::of(self.base).position(scope).filter(|&s| s != ALL);
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

    /// Per slot, each target's estimate, in the order of the targets.
    fn slot_estimates(&self, runs: &[RunOutput]) -> Vec<Vec<Estimate>> {
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

    /// Per slot: whether every target holds (slots the run does not measure always do).
    fn judge(&self, runs: &[RunOutput]) -> Vec<bool> {
        let values = self.slot_estimates(runs);
        let ok: Vec<bool> = values
            .iter()
            .map(|v| {
                self.staffing
                    .targets
                    .iter()
                    .zip(v)
                    .all(|(t, e)| t.holds(e.mean))
            })
            .collect();
        if let Some(show) = self.show {
            show(&Progress {
                phase: self.phase,
                simulations: self.simulations,
                holding: (0..ok.len()).filter(|&i| self.planned[i] && ok[i]).count(),
                planned: self.planned.iter().filter(|&&p| p).count(),
                left: self.left,
                elapsed: self.started.elapsed(),
            });
        }
        ok
    }

    /// Enters `phase`, with a rough count of the simulations it and the rest will take.
    fn enter(&mut self, phase: &'static str, left: Option<u32>) {
        self.phase = phase;
        self.left = left;
    }

    /// The handle time (minutes) Erlang is given: the scenario's for the block model, as a
    /// planner reads it off a spreadsheet; for the turn model, the slot time per chat the
    /// group spent in the first simulation, as a platform would report it. And the mean
    /// patience when it is exponential (Erlang A), else `None` (Erlang C).
    fn erlang_inputs(&self, runs: &[RunOutput]) -> (f64, Option<f64>) {
        let g = self.staffing.group;
        let handle = match &self.base.conversation.model {
            WorkModel::Block { handle_time } => handle_time.mean() / MINUTE as f64,
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

    /// "mon 08:30" for slot `i`.
    fn label(&self, i: usize) -> String {
        crate::scenario::calendar::week_label(i as Millis * self.base.simulation.interval)
    }

    /// The targets slot `i` misses in `runs`, with the values reached: why it is stuck.
    fn misses(&self, runs: &[RunOutput], i: usize) -> String {
        let values = &self.slot_estimates(runs)[i];
        self.staffing
            .targets
            .iter()
            .zip(values)
            .filter(|(t, e)| !t.holds(e.mean))
            .map(|(t, e)| {
                let (unit, scale) = t.metric.unit().display();
                format!("{} {:.1}{unit}", t.label(), e.mean * scale)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the planned group is on its break during slot `i` of the week.
    fn on_break(&self, i: usize) -> bool {
        let interval = self.base.simulation.interval;
        let group = &self.base.agent_groups[self.staffing.group];
        group.breaks.is_on(i as Millis * interval + interval / 2)
    }

    /// Why the targets slot `i` misses with `max_agents` on duty are out of staffing's reach.
    fn why_unreachable(&self, runs: &[RunOutput], i: usize) -> String {
        let values = &self.slot_estimates(runs)[i];
        let missed = |m: IntervalMetric| {
            self.staffing
                .targets
                .iter()
                .zip(values)
                .any(|(t, e)| t.metric == m && !t.holds(e.mean))
        };
        let mut why = Vec::new();
        if missed(IntervalMetric::AbandonRate) {
            let total = self.slot_estimates_of(runs, IntervalMetric::AbandonRate)[i].mean;
            let queue = self.slot_estimates_of(runs, IntervalMetric::AbandonRateQueue)[i].mean;
            why.push(format!(
                "{:.1}% of the customers left after an agent had taken their chat (while the first reply was written) and only {:.1}% before, and more agents only shorten the wait before; to bound what staffing changes, target abandon_rate_queue",
                100.0 * (total - queue),
                100.0 * queue
            ));
        }
        if missed(IntervalMetric::ServiceLevel) {
            why.push("the first reply comes after the service-level target even for chats taken at once (the agent's first reply takes that long); target answer_level, which counts the moment an agent takes the chat".to_string());
        }
        if why.is_empty() {
            why.push("more agents of this group cannot change it: look at other teams' chats, inactivity moves and bots".to_string());
        }
        why.join("; ")
    }

    /// Refuses, before searching, targets that even `max_agents` on duty in every interval do
    /// not keep, saying which and why: one simulation instead of a search that climbs to the
    /// cap.
    fn reachable(&mut self) -> Result<(), PlanningError> {
        let max = self.staffing.max_agents;
        let levels: Vec<u32> = self
            .planned
            .iter()
            .map(|&p| if p { max } else { 0 })
            .collect();
        let (runs, ok) = self.try_roster(&Roster::Levels(levels))?;
        let missing: Vec<usize> = (0..self.slots()).filter(|&i| !ok[i]).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(requirement::unreachable_error(self, &missing, &runs))
    }

    fn labels(&self, slots: &[usize]) -> String {
        const SHOWN: usize = 12;
        let mut text: Vec<String> = slots.iter().take(SHOWN).map(|&i| self.label(i)).collect();
        if slots.len() > SHOWN {
            text.push(format!("and {} more", slots.len() - SHOWN));
        }
        text.join(", ")
    }
}
