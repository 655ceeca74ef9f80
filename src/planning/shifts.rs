//! Candidate shifts that cover the requirement at the fewest agent-hours: an integer program
//! (how many agents start on each shift, every interval covered), solved by `microlp`. Shifts
//! change the backlog (agents come and go in blocks), so the roster is checked on fresh
//! customers (`confirm`), and an interval that misses a target asks for one agent more than it
//! had before solving again.

use good_lp::{Expression, Solution, SolverModel, Variable, constraint, microlp, variable};

use super::confirm::{Confirmed, confirm};
use super::{PlanningError, Roster, Search};
use crate::engine::RunOutput;
use crate::scenario::locate::KeyPath;
use crate::time::Millis;

/// (agents per shift, agents on duty per slot, the final roster's replications).
pub(super) fn cover(s: &mut Search, required: &[u32]) -> Result<Confirmed, PlanningError> {
    let interval = s.base.simulation.interval;
    let shifts = &s.staffing.shifts;
    // covers[i]: the shifts on duty for the whole of slot i.
    let covers: Vec<Vec<usize>> = (0..s.slots())
        .map(|i| {
            let from = i as Millis * interval;
            (0..shifts.len())
                .filter(|&j| shifts[j].1.covers(from, from + interval))
                .collect()
        })
        .collect();
    let uncovered: Vec<usize> = (0..s.slots())
        .filter(|&i| required[i] > 0 && covers[i].is_empty())
        .collect();
    if !uncovered.is_empty() {
        let message = format!(
            "no candidate shift covers {} interval{} that need{} agents: {}; add a shift that does",
            uncovered.len(),
            if uncovered.len() == 1 { "" } else { "s" },
            if uncovered.len() == 1 { "s" } else { "" },
            s.labels(&uncovered)
        );
        let key = KeyPath::root().key("staffing").key("shifts");
        return Err(
            crate::error::ScenarioError::Invalid(vec![s.base.problem(&key, message)]).into(),
        );
    }
    let hours: Vec<f64> = shifts.iter().map(|(_, w)| w.weekly_hours()).collect();
    confirm(
        s,
        required.to_vec(),
        |s, need| {
            let counts = solve(&covers, &hours, need, s.staffing.max_agents)?;
            let on_duty = covers
                .iter()
                .map(|c| c.iter().map(|&j| counts[j]).sum())
                .collect();
            Ok((Roster::Shifts(counts), on_duty))
        },
        stuck_error,
    )
}

fn stuck_error(s: &Search, slots: &[usize], _: &[RunOutput]) -> PlanningError {
    let key = KeyPath::root().key("staffing").key("shifts");
    let message = if slots.is_empty() {
        format!(
            "no roster of the candidate shifts kept every target on fresh customers after {} rounds; add shorter or differently placed shifts",
            super::confirm::MAX_ROUNDS
        )
    } else {
        format!(
            "with the candidate shifts, {} interval{} miss{} a target even at {} agents (max_agents): {}",
            slots.len(),
            if slots.len() == 1 { "" } else { "s" },
            if slots.len() == 1 { "es" } else { "" },
            s.staffing.max_agents,
            s.labels(slots)
        )
    };
    crate::error::ScenarioError::Invalid(vec![s.base.problem(&key, message)]).into()
}

/// The fewest agent-hours of shifts (`hours` each) such that every slot has at least its
/// `need` on duty.
fn solve(
    covers: &[Vec<usize>],
    hours: &[f64],
    need: &[u32],
    max_agents: u32,
) -> Result<Vec<u32>, PlanningError> {
    let mut vars = good_lp::variables!();
    let x: Vec<Variable> = hours
        .iter()
        .map(|_| vars.add(variable().integer().min(0).max(max_agents)))
        .collect();
    let cost: Expression = x.iter().zip(hours).map(|(&v, &h)| h * v).sum();
    let mut model = vars.minimise(cost).using(microlp);
    for (c, &n) in covers.iter().zip(need) {
        if n > 0 {
            let on: Expression = c.iter().map(|&j| x[j]).sum();
            model = model.with(constraint!(on >= n as f64));
        }
    }
    let solution = model
        .solve()
        .map_err(|e| PlanningError::Solver(e.to_string()))?;
    Ok(x.iter()
        .map(|&v| solution.value(v).round().max(0.0) as u32)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheapest_roster_covers_every_slot() {
        // Four slots; shift 0 covers slots 0–1 (2 h), shift 1 slots 1–3 (3 h), shift 2
        // slots 0–3 (4 h). Need 2, 3, 1, 1: two on shift 0 and one on shift 1 (7 h) beats
        // any use of the long shift.
        let covers = vec![vec![0, 2], vec![0, 1, 2], vec![1, 2], vec![1, 2]];
        let counts = solve(&covers, &[2.0, 3.0, 4.0], &[2, 3, 1, 1], 10).unwrap();
        assert_eq!(counts, vec![2, 1, 0]);
        // Raising the last slot's need makes the long shift worth it: one on shift 1 and
        // two on the long one (11 h) beat three on shift 1 and two on shift 0 (13 h).
        let counts = solve(&covers, &[2.0, 3.0, 4.0], &[2, 3, 1, 3], 10).unwrap();
        assert_eq!(counts, vec![0, 1, 2]);
    }
}
