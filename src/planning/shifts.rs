//! Candidate shifts that cover the requirement at the least cost (agent-hours when no cost is
//! given): an integer program per planned group (how many agents work each column: a shift on
//! a day or a weekly pattern, with its breaks placed; every interval covered by agents on
//! duty and off their breaks), solved by `microlp`, each independent part of the week (days
//! no shift links) on its own. Shifts change the backlog (agents come and go in blocks), so
//! the roster is checked on fresh customers (`confirm`), and an interval that misses a target
//! asks for one agent more than it had before solving again.

use good_lp::{Expression, Solution, SolverModel, Variable, constraint, microlp, variable};

use super::PlanningError;
use super::confirm::{Confirmed, confirm};
use super::search::{Entry, GroupRoster, Search};
use crate::engine::RunOutput;
use crate::scenario::locate::KeyPath;

pub(super) fn cover(s: &mut Search, required: &[Vec<u32>]) -> Result<Confirmed, PlanningError> {
    // covers[i]: the columns on duty and off their breaks for the whole of slot i.
    let mut covers: Vec<Vec<usize>> = vec![Vec::new(); s.slots()];
    for (c, column) in s.columns.iter().enumerate() {
        for &i in &column.covers {
            covers[i].push(c);
        }
    }
    let uncovered: Vec<usize> = (0..s.slots())
        .filter(|&i| required.iter().any(|r| r[i] > 0) && covers[i].is_empty())
        .collect();
    if !uncovered.is_empty() {
        let message = format!(
            "no candidate shift covers {} interval{} that need{} agents: {}; add a shift that does{}",
            uncovered.len(),
            if uncovered.len() == 1 { "" } else { "s" },
            if uncovered.len() == 1 { "s" } else { "" },
            s.labels(&uncovered),
            if s.columns.iter().any(|c| c.break_schedule.is_some()) {
                " (an agent on a break does not cover the intervals it overlaps)"
            } else {
                ""
            }
        );
        let key = KeyPath::root().key("staffing").key("shifts");
        return Err(
            crate::error::ScenarioError::Invalid(vec![s.base.problem(&key, message)]).into(),
        );
    }
    confirm(
        s,
        required.to_vec(),
        |s, gi, need| {
            let cost: Vec<f64> = s.columns.iter().map(|c| s.cost(gi) * c.weighted).collect();
            let counts = solve(&covers, &cost, need, s.staffing.max_agents)?;
            let on_duty = covers
                .iter()
                .map(|c| c.iter().map(|&j| counts[j]).sum())
                .collect();
            Ok((GroupRoster::Shifts(entries(s, &counts)), on_duty))
        },
        stuck_error,
    )
}

/// The roster's entries from agents per column: without weekly patterns, the days of one
/// shift with the same breaks and the same number of agents are written together.
fn entries(s: &Search, counts: &[u32]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (c, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let column = &s.columns[c];
        let together = s.staffing.work_days.is_none().then(|| {
            out.iter_mut().find(|e| {
                let other = &s.columns[e.columns[0]];
                e.count == n && other.template == column.template && other.breaks == column.breaks
            })
        });
        match together.flatten() {
            Some(e) => e.columns.push(c),
            None => out.push(Entry {
                columns: vec![c],
                count: n,
            }),
        }
    }
    out
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

/// Groups of slots that no column links: each is an integer program of its own (a day,
/// without shifts past midnight or weekly patterns). Returns per slot its part's number.
fn parts(covers: &[Vec<usize>], columns: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..covers.len() + columns).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (i, c) in covers.iter().enumerate() {
        for &j in c {
            let (a, b) = (root(&mut parent, i), root(&mut parent, covers.len() + j));
            parent[a] = b;
        }
    }
    (0..covers.len()).map(|i| root(&mut parent, i)).collect()
}

/// The cheapest agents per column (`cost` each) such that every slot has at least its
/// `need` on duty.
fn solve(
    covers: &[Vec<usize>],
    cost: &[f64],
    need: &[u32],
    max_agents: u32,
) -> Result<Vec<u32>, PlanningError> {
    let part = parts(covers, cost.len());
    let mut counts = vec![0u32; cost.len()];
    let mut roots: Vec<usize> = (0..need.len())
        .filter(|&i| need[i] > 0)
        .map(|i| part[i])
        .collect();
    roots.sort_unstable();
    roots.dedup();
    for r in roots {
        let slots: Vec<usize> = (0..need.len()).filter(|&i| part[i] == r).collect();
        let mut used: Vec<usize> = slots
            .iter()
            .flat_map(|&i| covers[i].iter().copied())
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut vars = good_lp::variables!();
        let x: Vec<Variable> = used
            .iter()
            .map(|_| vars.add(variable().integer().min(0).max(max_agents)))
            .collect();
        let total: Expression = x.iter().zip(&used).map(|(&v, &j)| cost[j] * v).sum();
        let mut model = vars.minimise(total).using(microlp);
        for &i in slots.iter().filter(|&&i| need[i] > 0) {
            let on: Expression = covers[i]
                .iter()
                .map(|j| x[used.binary_search(j).expect("a column of this part")])
                .sum();
            model = model.with(constraint!(on >= need[i] as f64));
        }
        let solution = model
            .solve()
            .map_err(|e| PlanningError::Solver(e.to_string()))?;
        for (&v, &j) in x.iter().zip(&used) {
            counts[j] = solution.value(v).round().max(0.0) as u32;
        }
    }
    Ok(counts)
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

#[cfg(test)]
mod parts_tests {
    use super::*;

    #[test]
    fn days_no_shift_links_are_solved_apart_and_still_cheapest() {
        // Slots 0–1 (one day) and 2–3 (another), columns 0–1 on the first, 2 on the second.
        let covers = vec![vec![0, 1], vec![1], vec![2], vec![2]];
        let p = parts(&covers, 3);
        assert_eq!(p[0], p[1]);
        assert_eq!(p[2], p[3]);
        assert_ne!(p[0], p[2]);
        let counts = solve(&covers, &[1.0, 2.0, 2.0], &[3, 1, 2, 0], 10).unwrap();
        // Slot 0 needs 3: two on column 0 and one on column 1 (which slot 1 needs) cost 4.
        assert_eq!(counts, vec![2, 1, 2]);
    }
}
