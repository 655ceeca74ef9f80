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

use super::{PlanningError, Roster, Search};
use crate::engine::RunOutput;

/// Fresh checks before giving up: each adds an agent where a target missed.
pub(super) const MAX_ROUNDS: u32 = 50;

/// The plan confirmed: the need per slot it was built from, the roster, agents on duty per
/// slot, and the last check's replications and seed.
pub(super) struct Confirmed {
    pub need: Vec<u32>,
    pub roster: Roster,
    pub on_duty: Vec<u32>,
    pub runs: Vec<RunOutput>,
    pub seed: u64,
}

/// The seed of fresh check `round` (1, 2, …): a million from the search's, so that a
/// user's next seeds (`--seed 43` after 42) are not the check's customers, and within what a
/// scenario file can hold (a TOML integer), so that `plan.toml` can carry it.
pub(super) fn fresh_seed(seed: u64, round: u32) -> u64 {
    seed.wrapping_add(round as u64 * 1_000_003) & i64::MAX as u64
}

/// Confirms `need` on fresh customers; `build` turns a need per slot into a roster and the
/// agents it puts on duty per slot (at least the need).
pub(super) fn confirm(
    s: &mut Search,
    mut need: Vec<u32>,
    build: impl Fn(&mut Search, &[u32]) -> Result<(Roster, Vec<u32>), PlanningError>,
    stuck: impl Fn(&Search, &[usize], &[RunOutput]) -> PlanningError,
) -> Result<Confirmed, PlanningError> {
    let n = s.slots();
    // The fewest agents on duty with which each slot kept its targets on fresh customers.
    let mut passed: Vec<Option<u32>> = vec![None; n];
    for round in 1..=MAX_ROUNDS {
        let (roster, on_duty) = build(s, &need)?;
        let seed = fresh_seed(s.plan.seed, round);
        let runs = s.simulate_seeded(&s.scenario_with(&roster), seed)?;
        let ok = s.judge(&runs);
        let mut raise = Vec::new();
        for i in (0..n).filter(|&i| s.planned[i]) {
            if ok[i] {
                passed[i] = Some(passed[i].map_or(on_duty[i], |p| p.min(on_duty[i])));
            } else if passed[i].is_none_or(|p| on_duty[i] < p) {
                raise.push(i);
            }
        }
        if raise.is_empty() {
            s.confirmed = passed.iter().map(Option::is_some).collect();
            return Ok(Confirmed {
                need,
                roster,
                on_duty,
                runs,
                seed,
            });
        }
        let at_most: Vec<usize> = raise
            .iter()
            .copied()
            .filter(|&i| on_duty[i] >= s.staffing.max_agents)
            .collect();
        if !at_most.is_empty() {
            return Err(stuck(s, &at_most, &runs));
        }
        for i in raise {
            need[i] = on_duty[i] + 1;
        }
    }
    Err(stuck(s, &[], &[]))
}
