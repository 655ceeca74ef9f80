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
//!
//! Several groups are searched one at a time, the others held where they stand; a group that
//! shares a team or a target with another is searched again after that group changed, a few
//! rounds at most. Groups with no team in common are searched once each, as they would be
//! alone. The groups that a team's chats are given to last (`Search::precedence`: the
//! dearest, then those taking fewer teams) are searched first: searched while the others
//! still stand at their first guess, they are lowered furthest, and the groups given the
//! chats first carry the rest.

use super::PlanningError;
use super::search::{GroupRoster, Search};
use crate::engine::RunOutput;
use crate::scenario::locate::KeyPath;
use crate::stats::metrics::IntervalMetric;
use crate::time::Millis;

/// Simulations before the halving stops and the search only raises what misses.
const MAX_HALVINGS: u32 = 40;
/// Slots lowered together in the last pass are this far apart, so that a miss can be blamed
/// on the one lowered slot near it: a slot's agents serve its own chats, the backlog of the
/// slot before, and leave a backlog to the two after.
const STRIDE: usize = 4;

/// Rounds of searching the groups again after a group they share a team with changed.
const MAX_ROUNDS: usize = 3;

/// Every planned group's requirement, from `start`, each searched with the others held.
pub(super) fn joint(s: &mut Search, start: Vec<Vec<u32>>) -> Result<Vec<Vec<u32>>, PlanningError> {
    let g = s.groups();
    for (gi, levels) in start.iter().enumerate() {
        s.rosters[gi] = GroupRoster::Levels(levels.clone());
    }
    let mut levels = start;
    let mut stale = vec![true; g];
    let mut order: Vec<usize> = (0..g).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (s.precedence(a), s.precedence(b));
        pb.0.total_cmp(&pa.0).then(pb.1.total_cmp(&pa.1))
    });
    for _ in 0..MAX_ROUNDS {
        for &gi in &order {
            if !std::mem::take(&mut stale[gi]) {
                continue;
            }
            let found = search(s, gi, levels[gi].clone())?;
            if found != levels[gi] {
                for other in (0..g).filter(|&o| o != gi && s.interact(gi, o)) {
                    stale[other] = true;
                }
            }
            s.rosters[gi] = GroupRoster::Levels(found.clone());
            levels[gi] = found;
        }
        if !stale.contains(&true) {
            break;
        }
    }
    Ok(levels)
}

/// Group `gi`'s requirement, from `start`, the other groups held where they stand.
fn search(s: &mut Search, gi: usize, start: Vec<u32>) -> Result<Vec<u32>, PlanningError> {
    let max = s.staffing.max_agents;
    let alone = s.groups() == 1;
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
        let (runs, ok) = s.try_levels(gi, &levels)?;
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
                    // With other groups, a target of the whole centre may be missing their
                    // agents: this group stays at the most until they are searched, and is
                    // searched again after. Alone, nothing else can help.
                    if alone {
                        unreachable.push(i);
                    }
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
        if next == levels && (0..n).all(|i| ok[i] || (!alone && levels[i] >= max)) {
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
    lower(s, gi, &mut levels)?;
    Ok(levels)
}

/// The last pass: every slot tries one agent fewer, slots `STRIDE` apart at once; a slot keeps
/// the cut if no target misses in the slot before it, in it, or in the two after. The result is
/// simulated again, and a slot that misses there gets its agent back.
fn lower(s: &mut Search, gi: usize, levels: &mut [u32]) -> Result<(), PlanningError> {
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
        let (_, ok) = s.try_levels(gi, &trial)?;
        for &i in &tried {
            if (0..STRIDE).all(|d| ok[(i + n - 1 + d) % n]) {
                levels[i] -= 1;
            }
        }
    }
    let max = s.staffing.max_agents;
    loop {
        let (runs, ok) = s.try_levels(gi, levels)?;
        let (stuck, missing): (Vec<usize>, Vec<usize>) =
            (0..n).filter(|&i| !ok[i]).partition(|&i| levels[i] >= max);
        // Alone, a slot at the most that misses is out of reach; with other groups it waits
        // for theirs (see `search`).
        if s.groups() == 1 && !stuck.is_empty() {
            return Err(unreachable_error(s, &stuck, &runs));
        }
        if missing.is_empty() {
            return Ok(());
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
    let on_break = (0..s.groups()).find_map(|gi| {
        let slots: Vec<usize> = slots
            .iter()
            .copied()
            .filter(|&i| s.on_break(gi, i))
            .collect();
        (!slots.is_empty()).then_some((s.staffing.groups[gi], slots))
    });
    if let Some((g, on_break)) = on_break {
        let group = &s.base.agent_groups[g];
        let key = KeyPath::root().key("agents").index(g).key("breaks");
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

impl Search<'_> {
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

    /// Whether planned group `gi`'s own breaks leave nobody of it Ready in slot `i`: breaks the
    /// templates place replace them, so only without those.
    fn on_break(&self, gi: usize, i: usize) -> bool {
        let interval = self.base.simulation.interval;
        let group = &self.base.agent_groups[self.staffing.groups[gi]];
        let t = i as Millis * interval + interval / 2;
        self.staffing.shifts.iter().all(|s| s.breaks.is_empty())
            && group.breaks.iter().all(|b| b.is_on(t))
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
            let total = self.slot_estimates_in(runs, "all", IntervalMetric::AbandonRate)[i].mean;
            let queue =
                self.slot_estimates_in(runs, "all", IntervalMetric::AbandonRateQueue)[i].mean;
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
            why.push("more agents of the planned groups cannot change it: look at other teams' chats, inactivity moves and bots".to_string());
        }
        why.join("; ")
    }

    /// Refuses, before searching, targets that even `max_agents` of every planned group on
    /// duty in every interval do not keep, saying which and why: one simulation instead of a
    /// search that climbs to the cap.
    pub(super) fn reachable(&mut self) -> Result<(), PlanningError> {
        let max = self.staffing.max_agents;
        let levels: Vec<u32> = self
            .planned
            .iter()
            .map(|&p| if p { max } else { 0 })
            .collect();
        let rosters = vec![GroupRoster::Levels(levels); self.groups()];
        let runs = self.simulate(&self.scenario_with(&rosters))?;
        let held = self.judge(&runs);
        let missing: Vec<usize> = (0..self.slots())
            .filter(|&i| held.iter().any(|h| !h[i]))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(unreachable_error(self, &missing, &runs))
    }
}
