//! `ccsim staff`: the fewest agents of each planned group per interval of the week that keep
//! every target, found by simulating the real rules (`requirement`), the candidate shifts
//! that cover them at the least cost (`columns`, `shifts`), and the plan written back as a
//! scenario (`plan_file`). Every simulation of a search uses the same seed, so successive
//! staffings are compared on the same customers (common random numbers).

mod columns;
mod confirm;
pub mod erlang;
pub mod plan_file;
mod requirement;
mod search;
mod shifts;

use crate::engine::RunOutput;
use crate::experiment::{self, Outcome, Plan};
use crate::scenario::Scenario;
use crate::stats::summary::Estimate;
use crate::time::{HOUR, MINUTE, Millis};
use search::{GroupRoster, Search};
pub use shifts::PART_NODES;

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

/// One interval of the week that the plan gives a number of agents of one group.
#[derive(Clone, Debug)]
pub struct SlotPlan {
    /// The planned group (its position in `[staffing] groups`).
    pub group: usize,
    /// Start, in ms since Monday 00:00.
    pub week_time: Millis,
    /// The first interval of the run (as numbered in `intervals.csv`) that falls here, and
    /// its day (0: the day the clock starts).
    pub first_interval: usize,
    pub day: i64,
    /// Agents of the group needed on duty and Ready, by simulation.
    pub required: u32,
    /// Agents of the group on duty and off their breaks in the chosen roster (the requirement
    /// when no shifts are given).
    pub scheduled: u32,
    /// What per-interval Erlang A (or C) would staff; `None` where even `max_agents` would
    /// not do by Erlang's reckoning.
    pub erlang: Option<u32>,
    /// Chats per interval that reached the group's teams, on average (a team that several
    /// planned groups take shared equally among them).
    pub arrivals: f64,
    /// Each target's metric under the final plan, on the customers of its last check (not
    /// those the search chose on), as a ratio of sums over every replication and week.
    pub values: Vec<Estimate>,
    /// How sure the last check makes it that every target holds in this interval: the
    /// smallest, over the targets, of the one-sided confidence that the true value is on the
    /// right side of the bound.
    pub confidence: f64,
    /// Whether the interval's number kept every target the group moves on fresh customers.
    pub met: bool,
}

/// Agents of one planned group who work the same shift on the same days with the same breaks.
#[derive(Clone, Debug)]
pub struct RosterEntry {
    /// The planned group (its position in `[staffing] groups`).
    pub group: usize,
    /// The shift as worked: `"mon-fri 08:00-17:00"`.
    pub shift: String,
    /// Each break's start as a time of day and its length (empty: the group's own breaks).
    pub breaks: Vec<(Millis, Millis)>,
    pub agents: u32,
    /// Paid hours a week per agent.
    pub hours: f64,
    /// What a week of one agent costs (premiums included); in hours when no cost is given.
    pub cost: f64,
}

/// One planned group's side of the plan.
#[derive(Clone, Debug)]
pub struct GroupPlan {
    /// Its index in the scenario's agent groups, and its teams' names.
    pub index: usize,
    pub name: String,
    pub teams: Vec<String>,
    /// The handle time (minutes) Erlang was given for it.
    pub handle_time: f64,
    /// The cost of an agent-hour, when given.
    pub hourly: Option<f64>,
    /// Agent-hours a week: required by simulation, scheduled, per-interval Erlang.
    pub hours: (f64, f64, f64),
    /// What the scheduled week costs, premiums included (in hours when no cost is given).
    pub cost: f64,
}

/// What `staff` found.
pub struct StaffingPlan {
    /// Every planned group's slots, group by group.
    pub slots: Vec<SlotPlan>,
    /// With candidate shifts: the agents on each shift, group by group.
    pub roster: Vec<RosterEntry>,
    pub groups: Vec<GroupPlan>,
    /// Whether `[staffing] cost` was given: costs are money, else premium-weighted hours.
    pub costed: bool,
    /// With shifts: whether every group's roster was proved the cheapest of its shifts, and
    /// the cost below which no roster of them can go (the linear relaxation's).
    pub shift_plan: Option<(bool, f64)>,
    /// The mean patience (minutes, exponential only) Erlang was given.
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

impl RosterEntry {
    /// Its breaks as times of day: `"12:00-13:00; 15:30-15:45"`.
    pub fn breaks_text(&self) -> String {
        let clock = crate::scenario::calendar::clock;
        self.breaks
            .iter()
            .map(|&(at, length)| {
                let end = (at + length) % crate::time::DAY;
                format!("{}-{}", clock(at), clock(end))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl StaffingPlan {
    /// Agent-hours per week over the planned groups: (required by simulation, scheduled,
    /// per-interval Erlang).
    pub fn hours(&self) -> (f64, f64, f64) {
        self.groups.iter().fold((0.0, 0.0, 0.0), |a, g| {
            (a.0 + g.hours.0, a.1 + g.hours.1, a.2 + g.hours.2)
        })
    }

    /// The plan's weekly cost over the planned groups.
    pub fn cost(&self) -> f64 {
        self.groups.iter().map(|g| g.cost).sum()
    }

    /// Per slot of the week that the run measures, summed over the planned groups: (week
    /// time, required, scheduled, Erlang or `None` where any group's is).
    pub fn totals(&self) -> Vec<(Millis, u32, u32, Option<u32>)> {
        let mut out: std::collections::BTreeMap<Millis, (u32, u32, Option<u32>)> =
            std::collections::BTreeMap::new();
        for s in &self.slots {
            let t = out.entry(s.week_time).or_insert((0, 0, Some(0)));
            t.0 += s.required;
            t.1 += s.scheduled;
            t.2 = t.2.zip(s.erlang).map(|(a, b)| a + b);
        }
        out.into_iter()
            .map(|(at, (r, s, e))| (at, r, s, e))
            .collect()
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
    let first = search.simulate(&search.scenario_with(&search.rosters.clone()))?;
    search.enter("checking the targets with max_agents on duty", None);
    search.reachable()?;
    // Where a dearer group pools teams that cheaper groups take apart, which is cheaper
    // depends on how much the pooling saves: both are planned and the cheaper plan kept.
    let orders: &[bool] = if search.pooling_matters() {
        &[false, true]
    } else {
        &[false]
    };
    let mut best: Option<Candidate> = None;
    for &pooling_first in orders {
        search.pooling_first = pooling_first;
        let candidate = plan_candidate(&mut search, &first)?;
        if best.as_ref().is_none_or(|b| candidate.cost < b.cost) {
            best = Some(candidate);
        }
    }
    let Candidate {
        inputs,
        solved,
        confirmed,
        flags,
        ..
    } = best.expect("at least one order is planned");
    let shift_plan = solved
        .iter()
        .flatten()
        .fold(None, |acc: Option<(bool, f64)>, s| {
            let (proved, bound) = acc.unwrap_or((true, 0.0));
            Some((proved && s.proved, bound + s.bound))
        });
    search.confirmed = flags;
    let final_scenario = search.scenario_with(&confirmed.rosters);
    let values: Vec<Vec<Estimate>> = search.slot_estimates(&confirmed.runs);
    let hour = scenario.simulation.interval as f64 / HOUR as f64;
    let mut slots = Vec::new();
    let mut roster = Vec::new();
    let mut groups = Vec::new();
    for (gi, (handle_time, _, arrivals, erlang)) in inputs.iter().enumerate() {
        let g = staffing.groups[gi];
        let before = slots.len();
        slots.extend((0..search.slots()).filter(|&i| search.planned[i]).map(|i| {
            let targets = &staffing.targets;
            let own: Vec<Estimate> = values[i].clone();
            SlotPlan {
                group: gi,
                week_time: i as Millis * scenario.simulation.interval,
                first_interval: search.first[i],
                day: search.day(search.first[i]),
                required: confirmed.need[gi][i],
                scheduled: confirmed.on_duty[gi][i],
                erlang: erlang[i],
                arrivals: arrivals[i],
                confidence: confidence(targets, &own),
                values: own,
                met: search.confirmed[gi][i],
            }
        }));
        let mine = &slots[before..];
        let sum = |f: fn(&SlotPlan) -> f64| mine.iter().map(f).sum::<f64>() * hour;
        let hours = (
            sum(|s| s.required as f64),
            sum(|s| s.scheduled as f64),
            sum(|s| s.erlang.unwrap_or(0) as f64),
        );
        let entries = match &confirmed.rosters[gi] {
            GroupRoster::Shifts(entries) => roster_entries(&search, gi, entries),
            _ => Vec::new(),
        };
        let cost = weekly_cost(&search, gi, &confirmed.rosters[gi], &confirmed.on_duty[gi]);
        let group = &scenario.agent_groups[g];
        groups.push(GroupPlan {
            index: g,
            name: group.name.clone(),
            teams: group
                .teams
                .iter()
                .map(|t| scenario.teams[t.0 as usize].name.clone())
                .collect(),
            handle_time: *handle_time,
            hourly: staffing.costs.as_ref().map(|c| c[gi]),
            hours,
            cost,
        });
        roster.extend(entries);
    }
    Ok(StaffingPlan {
        slots,
        roster,
        groups,
        costed: staffing.costs.is_some(),
        shift_plan,
        patience: inputs.first().and_then(|i| i.1),
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

/// Erlang's inputs and column for one planned group: handle time, patience, arrivals per
/// slot, agents per slot.
type ErlangInputs = (f64, Option<f64>, Vec<f64>, Vec<Option<u32>>);

/// A plan confirmed under one order of the groups, and what its week costs.
struct Candidate {
    inputs: Vec<ErlangInputs>,
    solved: Vec<Option<shifts::Solved>>,
    confirmed: confirm::Confirmed,
    flags: Vec<Vec<bool>>,
    cost: f64,
}

/// Plans every group under the search's order: Erlang's first guess from `first` (the week as
/// written), the joint requirement, and the roster confirmed on fresh customers.
fn plan_candidate(search: &mut Search, first: &[RunOutput]) -> Result<Candidate, PlanningError> {
    let scenario = search.base;
    let staffing = search.staffing;
    let interval_min = scenario.simulation.interval as f64 / MINUTE as f64;
    let sl_target = scenario.simulation.service_level_target as f64 / MINUTE as f64;
    let mut inputs = Vec::new();
    let mut start = Vec::new();
    for gi in 0..search.groups() {
        let (handle_time, patience) = search.erlang_inputs(first, gi);
        let arrivals = search.group_arrivals(first, gi);
        let group = &scenario.agent_groups[staffing.groups[gi]];
        let targets: Vec<_> = staffing
            .targets
            .iter()
            .zip(&search.movers)
            .filter(|(_, m)| m.contains(&gi))
            .map(|(t, _)| t.clone())
            .collect();
        let erlang: Vec<Option<u32>> = arrivals
            .iter()
            .map(|a| {
                let lambda = if a.is_nan() { 0.0 } else { a / interval_min };
                erlang::agents_needed(
                    lambda,
                    1.0 / handle_time,
                    patience.map_or(0.0, |p| 1.0 / p),
                    group.capacity,
                    &targets,
                    sl_target,
                    staffing.max_agents,
                )
            })
            .collect();
        start.push(
            erlang
                .iter()
                .zip(&search.planned)
                .map(|(e, &planned)| match planned {
                    true => e.unwrap_or(staffing.max_agents),
                    false => 0,
                })
                .collect::<Vec<u32>>(),
        );
        inputs.push((handle_time, patience, arrivals, erlang));
    }
    let required = requirement::joint(search, start)?;
    search.enter("confirming the plan on fresh customers", Some(1));
    let confirmed = if staffing.shifts.is_empty() {
        confirm::confirm(
            search,
            required,
            |_, _, need| Ok((GroupRoster::Levels(need.to_vec()), need.to_vec())),
            requirement::unreachable_error,
        )?
    } else {
        shifts::cover(search, &required)?
    };
    let cost = (0..search.groups())
        .map(|gi| weekly_cost(search, gi, &confirmed.rosters[gi], &confirmed.on_duty[gi]))
        .sum();
    Ok(Candidate {
        inputs,
        solved: search.solved.iter_mut().map(Option::take).collect(),
        flags: std::mem::take(&mut search.confirmed),
        confirmed,
        cost,
    })
}

/// What group `gi`'s week costs under `roster`: its shifts' pay, or each interval's agents on
/// duty at its premiums.
fn weekly_cost(s: &Search, gi: usize, roster: &GroupRoster, on_duty: &[u32]) -> f64 {
    match roster {
        // Plus zero: an empty sum of floats is -0.
        GroupRoster::Shifts(entries) => {
            roster_entries(s, gi, entries)
                .iter()
                .map(|e| e.agents as f64 * e.cost)
                .sum::<f64>()
                + 0.0
        }
        _ => {
            let interval = s.base.simulation.interval;
            on_duty
                .iter()
                .enumerate()
                .map(|(i, &n)| n as f64 * s.slot_weight(i as Millis * interval))
                .sum::<f64>()
                * s.cost(gi)
        }
    }
}

/// A group's roster as the plan states it: each entry's shift, breaks, agents and cost.
fn roster_entries(s: &Search, gi: usize, entries: &[search::Entry]) -> Vec<RosterEntry> {
    entries
        .iter()
        .map(|e| {
            let first = &s.columns[e.columns[0]];
            let template = &s.staffing.shifts[first.template];
            let mut days: Vec<usize> = e
                .columns
                .iter()
                .flat_map(|&c| s.columns[c].days.iter().copied())
                .collect();
            days.sort_unstable();
            let columns = e.columns.iter().map(|&c| &s.columns[c]);
            RosterEntry {
                group: gi,
                shift: format!(
                    "{} {}",
                    crate::scenario::calendar::day_list(&days),
                    template.hours()
                ),
                breaks: match first.break_schedule {
                    Some(_) => s.column_breaks(first),
                    None => Vec::new(),
                },
                agents: e.count,
                hours: columns.clone().map(|c| c.hours).sum(),
                cost: columns.map(|c| c.weighted).sum::<f64>() * s.cost(gi),
            }
        })
        .collect()
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
