//! A staffing found on one set of customers is confirmed on others. The search takes, per
//! interval, the fewest agents whose estimate keeps the targets on its own replications; where
//! the true value sits near a target, that level passes or fails by the luck of those
//! customers, and taking the fewest that pass picks the lucky ones. So the level found is
//! simulated again on fresh random numbers (another seed), and an interval that misses there
//! gets an agent more, and is checked again on fresh numbers, until every interval has kept its
//! targets on customers its level was not chosen on. A level that failed the search's
//! customers and passed fresh ones would have to be lucky twice, independently.
//!
//! An interval that passed a fresh check at a level keeps it: levels only rise here, so
//! checking it again would only add agents wherever noise happened to fall that round.

use super::PlanningError;
use super::search::{GroupRoster, Search};
use crate::engine::RunOutput;

/// Fresh checks before giving up: each adds an agent where a target missed.
pub(super) const MAX_ROUNDS: u32 = 50;

/// The plan confirmed, per planned group: the need per slot it was built from, the roster,
/// agents on duty per slot; and the last check's replications and seed.
pub(super) struct Confirmed {
    pub need: Vec<Vec<u32>>,
    pub rosters: Vec<GroupRoster>,
    pub on_duty: Vec<Vec<u32>>,
    pub runs: Vec<RunOutput>,
    pub seed: u64,
}

/// The seed of fresh check `round` (1, 2, …): a million from the search's, so that a
/// user's next seeds (`--seed 43` after 42) are not the check's customers, and within what a
/// scenario file can hold (a TOML integer), so that `plan.toml` can carry it.
pub(super) fn fresh_seed(seed: u64, round: u32) -> u64 {
    seed.wrapping_add(round as u64 * 1_000_003) & i64::MAX as u64
}

/// A group's roster and the agents it puts on duty per slot (at least its need).
pub(super) type Built = (GroupRoster, Vec<u32>);

/// Confirms `need` (per planned group and slot) on fresh customers; `build` turns one
/// group's need into its roster. A target that misses raises the cheapest group that takes
/// its chats (the first listed among equals).
pub(super) fn confirm(
    s: &mut Search,
    mut need: Vec<Vec<u32>>,
    build: impl Fn(&mut Search, usize, &[u32]) -> Result<Built, PlanningError>,
    stuck: impl Fn(&Search, &[usize], &[RunOutput]) -> PlanningError,
) -> Result<Confirmed, PlanningError> {
    let (n, g) = (s.slots(), s.groups());
    // Per group, the fewest agents on duty with which each slot kept the group's targets on
    // fresh customers.
    let mut passed: Vec<Vec<Option<u32>>> = vec![vec![None; n]; g];
    for round in 1..=MAX_ROUNDS {
        let mut rosters = Vec::with_capacity(g);
        let mut on_duty = Vec::with_capacity(g);
        for (gi, need) in need.iter().enumerate() {
            let (roster, duty) = build(s, gi, need)?;
            rosters.push(roster);
            on_duty.push(duty);
        }
        let seed = fresh_seed(s.plan.seed, round);
        let runs = s.simulate_seeded(&s.scenario_with(&rosters), seed)?;
        let held = s.judge(&runs);
        let mut raise: Vec<(usize, usize)> = Vec::new();
        for gi in 0..g {
            let ok = s.holds_for(&held, gi);
            for i in (0..n).filter(|&i| s.planned[i] && ok[i]) {
                passed[gi][i] =
                    Some(passed[gi][i].map_or(on_duty[gi][i], |p| p.min(on_duty[gi][i])));
            }
        }
        for i in (0..n).filter(|&i| s.planned[i]) {
            for t in (0..held.len()).filter(|&t| !held[t][i]) {
                let cheapest = s.movers[t]
                    .iter()
                    .copied()
                    .min_by(|&a, &b| s.cost(a).total_cmp(&s.cost(b)).then(a.cmp(&b)));
                if let Some(gi) = cheapest
                    && passed[gi][i].is_none_or(|p| on_duty[gi][i] < p)
                    && !raise.contains(&(gi, i))
                {
                    raise.push((gi, i));
                }
            }
        }
        if raise.is_empty() {
            s.confirmed = passed
                .iter()
                .map(|p| p.iter().map(Option::is_some).collect())
                .collect();
            return Ok(Confirmed {
                need,
                rosters,
                on_duty,
                runs,
                seed,
            });
        }
        let at_most: Vec<usize> = raise
            .iter()
            .filter(|&&(gi, i)| on_duty[gi][i] >= s.staffing.max_agents)
            .map(|&(_, i)| i)
            .collect();
        if !at_most.is_empty() {
            return Err(stuck(s, &at_most, &runs));
        }
        for (gi, i) in raise {
            need[gi][i] = on_duty[gi][i] + 1;
        }
    }
    Err(stuck(s, &[], &[]))
}
