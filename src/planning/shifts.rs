//! Candidate shifts that cover the requirement at the least cost (agent-hours when no cost is
//! given): an integer program per planned group (how many agents work each column: a shift on
//! a day or a weekly pattern, with its breaks placed; every interval covered by agents on
//! duty and off their breaks), solved by `microlp`, each independent part of the week (days
//! no shift links) on its own. `microlp` is called directly rather than through `good_lp`
//! for its node limit: a limit on time would make the roster depend on the machine's speed. Shifts change the backlog (agents come and go in blocks), so
//! the roster is checked on fresh customers (`confirm`), and an interval that misses a target
//! asks for one agent more than it had before solving again.

use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, TerminationReason};

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
            let solved = solve(&covers, &cost, need, s.staffing.max_agents)?;
            let on_duty = covers
                .iter()
                .map(|c| c.iter().map(|&j| solved.counts[j]).sum())
                .collect();
            let roster = GroupRoster::Shifts(entries(s, &solved.counts));
            s.solved[gi] = Some(solved);
            Ok((roster, on_duty))
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

/// Branch-and-bound nodes one part's integer program may take before the best roster found
/// so far is used: a week of weekly patterns with several break windows can take `microlp`
/// minutes and gigabytes to prove. Nodes, not seconds, so that the roster is the same on any
/// machine.
pub const PART_NODES: u64 = 2_000;

/// A roster from the integer programs: agents per column, whether every part was proved
/// cheapest, and the linear relaxation's cost (no roster costs less).
#[derive(Clone, Debug)]
pub(super) struct Solved {
    pub counts: Vec<u32>,
    pub proved: bool,
    pub bound: f64,
}

/// The cheapest agents per column (`cost` each) such that every slot has at least its
/// `need` on duty: each part of the week on its own, started from the linear relaxation
/// rounded up and trimmed, which the branch and bound improves on within `PART_NODES`.
fn solve(
    covers: &[Vec<usize>],
    cost: &[f64],
    need: &[u32],
    max_agents: u32,
) -> Result<Solved, PlanningError> {
    let part = parts(covers, cost.len());
    let mut solved = Solved {
        counts: vec![0u32; cost.len()],
        proved: true,
        bound: 0.0,
    };
    let mut roots: Vec<usize> = (0..need.len())
        .filter(|&i| need[i] > 0)
        .map(|i| part[i])
        .collect();
    roots.sort_unstable();
    roots.dedup();
    let solver = |e: microlp::Error| PlanningError::Solver(e.to_string());
    for r in roots {
        let slots: Vec<usize> = (0..need.len())
            .filter(|&i| part[i] == r && need[i] > 0)
            .collect();
        let mut used: Vec<usize> = slots
            .iter()
            .flat_map(|&i| covers[i].iter().copied())
            .collect();
        used.sort_unstable();
        used.dedup();
        let at = |j: &usize| used.binary_search(j).expect("a column of this part");
        let model = |integer: bool| {
            let mut p = Problem::new(OptimizationDirection::Minimize);
            let x: Vec<microlp::Variable> = used
                .iter()
                .map(|&j| match integer {
                    true => p.add_integer_var(cost[j], (0, max_agents as i32)),
                    false => p.add_var(cost[j], (0.0, max_agents as f64)),
                })
                .collect();
            for &i in &slots {
                let on: Vec<(microlp::Variable, f64)> =
                    covers[i].iter().map(|j| (x[at(j)], 1.0)).collect();
                p.add_constraint(on.as_slice(), ComparisonOp::Ge, need[i] as f64);
            }
            (p, x)
        };
        let (relaxed, x) = model(false);
        let relaxed = relaxed
            .solve()
            .map_err(solver)?
            .into_solution()
            .map_err(|_| PlanningError::Solver("the relaxation stopped early".into()))?;
        let lp: Vec<f64> = x.iter().map(|&v| relaxed.var_value_raw(v)).collect();
        solved.bound += relaxed.objective();
        let start = round_up(&lp, &used, covers, &slots, need, cost);
        let (exact, x) = model(true);
        let mut options = SolveOptions::default();
        options.node_limit = Some(PART_NODES);
        options.warm_start = Some(x.iter().zip(&start).map(|(&v, &n)| (v, n as f64)).collect());
        let solution = exact
            .solve_with(options)
            .map_err(solver)?
            .into_solution()
            .map_err(|_| PlanningError::Solver("no roster found within the node limit".into()))?;
        solved.proved &= solution.termination_reason() == TerminationReason::ProvenOptimal;
        for (&v, &j) in x.iter().zip(&used) {
            solved.counts[j] = solution.var_value(v).round().max(0.0) as u32;
        }
    }
    Ok(solved)
}

/// A roster that keeps every slot of a part: the relaxation's agents rounded up, then, dearest
/// column first, one fewer wherever every slot still has its need.
fn round_up(
    lp: &[f64],
    used: &[usize],
    covers: &[Vec<usize>],
    slots: &[usize],
    need: &[u32],
    cost: &[f64],
) -> Vec<u32> {
    let mut n: Vec<u32> = lp
        .iter()
        .map(|v| (v - 1e-6).ceil().max(0.0) as u32)
        .collect();
    let on = |n: &[u32], i: usize| -> u32 {
        covers[i]
            .iter()
            .map(|j| n[used.binary_search(j).expect("a column of this part")])
            .sum()
    };
    let mut order: Vec<usize> = (0..used.len()).collect();
    order.sort_by(|&a, &b| cost[used[b]].total_cmp(&cost[used[a]]));
    for k in order {
        while n[k] > 0 {
            n[k] -= 1;
            if slots.iter().any(|&i| on(&n, i) < need[i]) {
                n[k] += 1;
                break;
            }
        }
    }
    n
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
        let counts = solve(&covers, &[2.0, 3.0, 4.0], &[2, 3, 1, 1], 10)
            .unwrap()
            .counts;
        assert_eq!(counts, vec![2, 1, 0]);
        // Raising the last slot's need makes the long shift worth it: one on shift 1 and
        // two on the long one (11 h) beat three on shift 1 and two on shift 0 (13 h).
        let counts = solve(&covers, &[2.0, 3.0, 4.0], &[2, 3, 1, 3], 10)
            .unwrap()
            .counts;
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
        let solved = solve(&covers, &[1.0, 2.0, 2.0], &[3, 1, 2, 0], 10).unwrap();
        assert!(solved.proved);
        let counts = solved.counts;
        // Slot 0 needs 3: two on column 0 and one on column 1 (which slot 1 needs) cost 4.
        assert_eq!(counts, vec![2, 1, 2]);
    }

    #[test]
    fn a_relaxation_rounded_up_and_trimmed_keeps_every_slot() {
        // Three slots, each column covering two of them round the ring: the relaxation puts
        // half an agent on each column; rounded up that is three agents, and one can go.
        let covers = vec![vec![0, 2], vec![0, 1], vec![1, 2]];
        let used = [0, 1, 2];
        let n = round_up(
            &[0.5, 0.5, 0.5],
            &used,
            &covers,
            &[0, 1, 2],
            &[1, 1, 1],
            &[1.0; 3],
        );
        assert_eq!(n.iter().sum::<u32>(), 2);
        for (i, c) in covers.iter().enumerate() {
            assert!(c.iter().map(|&j| n[j]).sum::<u32>() >= 1, "slot {i}");
        }
    }
}
