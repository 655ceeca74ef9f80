//! The per-interval requirement, by an iterative staffing algorithm in the spirit of Feldman,
//! Mandelbaum, Massey & Whitt (2008): simulate the whole week with a staffing, restaff each
//! interval from what it showed, simulate again, so that the backlog one interval leaves to
//! the next is seen, until nothing changes. Each interval keeps the largest number seen to
//! miss a target and the smallest seen to keep them all, moving by doubling steps until both
//! are known, then halving the gap between them. A last pass lowers intervals by one where every target still
//! holds.
//!
//! An interval's number also moves the intervals after it (a backlog, or its absence), so a
//! bound seen under other neighbours may not hold now: the newest observation wins, and the
//! search ends with a simulation of the final staffing in which every interval holds.

use super::{PlanningError, Roster, Search};
use crate::engine::RunOutput;
use crate::scenario::locate::KeyPath;

/// Simulations before the halving stops and the search only raises what misses.
const MAX_HALVINGS: u32 = 40;
/// Slots lowered together in the last pass are this far apart, so that a miss can be blamed
/// on the one lowered slot near it: a slot's agents serve its own chats, the backlog of the
/// slot before, and leave a backlog to the two after.
const STRIDE: usize = 4;

pub(super) fn search(s: &mut Search, start: Vec<u32>) -> Result<Vec<u32>, PlanningError> {
    let max = s.staffing.max_agents;
    let n = s.slots();
    let mut levels = start;
    // Largest level seen to miss (-1: none) and smallest seen to hold.
    let mut missed: Vec<i64> = vec![-1; n];
    let mut held: Vec<Option<u32>> = vec![None; n];
    // Steps up from a miss and down from a hold with nothing below known, doubling.
    let mut step: Vec<u32> = vec![1; n];
    let mut down: Vec<u32> = vec![1; n];
    let mut halving = true;
    let mut rounds = 0;
    s.enter("searching the requirement", None);
    loop {
        let (runs, ok) = s.try_roster(&Roster::Levels(levels.clone()))?;
        rounds += 1;
        let mut unreachable = Vec::new();
        let mut next = levels.clone();
        // A slot whose chats still miss may be missing the next slot's agents: chats that
        // arrive late in it (or leave a bot late) are answered after it ends.
        for i in (0..n).filter(|&i| s.planned[i] && !ok[i]) {
            let after = (i + 1) % n;
            if s.planned[after] && ok[after] && levels[after] < max {
                next[after] = levels[after] + 1;
            }
        }
        for i in (0..n).filter(|&i| s.planned[i]) {
            let l = levels[i];
            if ok[i] {
                held[i] = Some(l);
                if missed[i] >= l as i64 {
                    missed[i] = l as i64 - 1;
                }
                if halving && l as i64 - missed[i] > 1 && next[i] == l {
                    next[i] = if missed[i] < 0 {
                        l.saturating_sub(down[i])
                    } else {
                        (missed[i] + (l as i64 - missed[i]) / 2) as u32
                    };
                    down[i] = down[i].saturating_mul(2);
                }
            } else {
                missed[i] = l as i64;
                if held[i].is_some_and(|h| h <= l) {
                    held[i] = None;
                }
                if l >= max {
                    unreachable.push(i);
                    continue;
                }
                next[i] = match held[i] {
                    Some(h) => h,
                    None => (l + step[i]).min(max),
                };
                step[i] = step[i].saturating_mul(2);
            }
        }
        if !unreachable.is_empty() {
            return Err(unreachable_error(s, &unreachable, &runs));
        }
        if next == levels && ok.iter().all(|&o| o) {
            break;
        }
        if rounds >= MAX_HALVINGS {
            halving = false;
        }
        // Rough: the widest bracket left halves each round, then the last pass and the
        // confirmation.
        let widest = (0..n)
            .filter(|&i| s.planned[i])
            .map(|i| match held[i] {
                Some(h) if missed[i] >= 0 => (h as i64 - missed[i]).max(1) as u32,
                _ => 8,
            })
            .max()
            .unwrap_or(1);
        s.enter(
            "searching the requirement",
            Some(widest.ilog2() + 1 + STRIDE as u32 + 2),
        );
        levels = next;
    }
    lower(s, &mut levels)?;
    Ok(levels)
}

/// The last pass: every slot tries one agent fewer, slots `STRIDE` apart at once; a slot keeps
/// the cut if no target misses in the slot before it, in it, or in the two after. The result is
/// simulated again, and a slot that misses there gets its agent back.
fn lower(s: &mut Search, levels: &mut [u32]) -> Result<(), PlanningError> {
    let n = s.slots();
    s.enter(
        "trying one agent fewer per interval",
        Some(STRIDE as u32 + 2),
    );
    for phase in 0..STRIDE {
        let tried: Vec<usize> = (0..n)
            .filter(|&i| i % STRIDE == phase && s.planned[i] && levels[i] > 0)
            .collect();
        if tried.is_empty() {
            continue;
        }
        let mut trial = levels.to_vec();
        for &i in &tried {
            trial[i] -= 1;
        }
        let (_, ok) = s.try_roster(&Roster::Levels(trial))?;
        for &i in &tried {
            if (0..STRIDE).all(|d| ok[(i + n - 1 + d) % n]) {
                levels[i] -= 1;
            }
        }
    }
    loop {
        let (runs, ok) = s.try_roster(&Roster::Levels(levels.to_vec()))?;
        let missing: Vec<usize> = (0..n).filter(|&i| !ok[i]).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let stuck: Vec<usize> = missing
            .iter()
            .copied()
            .filter(|&i| levels[i] >= s.staffing.max_agents)
            .collect();
        if !stuck.is_empty() {
            return Err(unreachable_error(s, &stuck, &runs));
        }
        for i in missing {
            levels[i] += 1;
        }
    }
}

/// Slots that miss a target with `max_agents` on duty: which, what they reach, and why more
/// agents would not help.
pub(super) fn unreachable_error(s: &Search, slots: &[usize], runs: &[RunOutput]) -> PlanningError {
    // A whole group on its break is not helped by more of it: point at its breaks, not at
    // `max_agents`.
    let on_break: Vec<usize> = slots.iter().copied().filter(|&i| s.on_break(i)).collect();
    if !on_break.is_empty() {
        let group = &s.base.agent_groups[s.staffing.group];
        let key = KeyPath::root()
            .key("agents")
            .index(s.staffing.group)
            .key("breaks");
        let message = format!(
            "nobody of \"{}\" is Ready in {} interval{} ({}): the whole group is on its break then, so no number of its agents keeps the targets; stagger the breaks (split the group in two with breaks at different times) or let another group take the team's chats",
            group.name,
            on_break.len(),
            if on_break.len() == 1 { "" } else { "s" },
            s.labels(&on_break)
        );
        return crate::error::ScenarioError::Invalid(vec![s.base.problem(&key, message)]).into();
    }
    let key = KeyPath::root().key("staffing").key("max_agents");
    let first = slots.first().copied();
    let message = format!(
        "even {} agents (max_agents) do not keep every target in {} interval{}: {}{}",
        s.staffing.max_agents,
        slots.len(),
        if slots.len() == 1 { "" } else { "s" },
        s.labels(slots),
        first.map_or(String::new(), |i| format!(
            " (at {}: {}); {}",
            s.label(i),
            s.misses(runs, i),
            s.why_unreachable(runs, i)
        )),
    );
    crate::error::ScenarioError::Invalid(vec![s.base.problem(&key, message)]).into()
}
