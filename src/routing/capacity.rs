//! `capacity` distribution (SPEC §2.3, seed 004): a chat goes to the eligible agent with the
//! most free slots; ties go to the agent idle the longest since their last assignment, then to
//! the lowest index. Never above capacity.

use super::{AgentId, AgentState};

/// The agent a chat of a team with these `members` should go to, if anyone can take it.
pub fn pick(members: &[AgentId], agents: &[AgentState]) -> Option<AgentId> {
    let mut best: Option<(AgentId, &AgentState)> = None;
    for &id in members {
        let a = &agents[id.0 as usize];
        if !a.online || a.held >= a.capacity {
            continue;
        }
        let better = match best {
            None => true,
            Some((best_id, b)) => {
                let (fa, fb) = (a.capacity - a.held, b.capacity - b.held);
                // `None` (never assigned) sorts before any time: idle the longest.
                fa > fb
                    || (fa == fb
                        && (a.last_assigned < b.last_assigned
                            || (a.last_assigned == b.last_assigned && id.0 < best_id.0)))
            }
        };
        if better {
            best = Some((id, a));
        }
    }
    best.map(|(id, _)| id)
}
