//! `capacity` distribution (guide `routing.md#capacity-distribution`): a chat goes to the eligible
//! agent with the most free slots; ties go to the agent idle the longest since their last
//! assignment, then to the lowest index. Never above capacity.
//!
//! The rule is a lexicographic order, so each member's standing packs into one `u64` — free
//! slots, then idleness, then position — and a pick is the maximum of those keys.

use super::AgentState;
use crate::time::Millis;

/// Capacity is at most 2^8 - 1 chats per agent.
pub const MAX_CAPACITY: u32 = (1 << 8) - 1;
/// "Idle since" takes 40 bits: assignments up to 2^40 ms (34 years) after the start.
pub const MAX_TIME: Millis = (1 << 40) - 2;
/// A team has at most 2^16 members.
pub const MAX_MEMBERS: usize = 1 << 16;

/// The standing of the member at `position` of a team: larger is better; 0 for an agent who cannot
/// take a chat (offline, Not ready or full). In a team that prefers faster agents (guide
/// `routing.md#faster-first` `faster_first`), the agent's speed rank comes between free slots and
/// idleness, which then counts in whole seconds to leave it room.
#[inline(always)]
pub fn key(a: &AgentState, position: usize, faster: bool) -> u64 {
    if !a.available() || a.held >= a.capacity {
        return 0;
    }
    let free = (a.capacity - a.held) as u64;
    // Never assigned sorts as idle the longest.
    let since = a.last_assigned.map_or(0, |t| t + 1) as u64;
    let idle = (MAX_TIME as u64 + 1) - since;
    let rank = (MAX_MEMBERS - 1 - position) as u64;
    match faster {
        false => (free << 56) | (idle << 16) | rank,
        true => (free << 56) | ((a.speed_rank as u64) << 48) | ((idle / 1000) << 16) | rank,
    }
}

/// The members' keys in a tournament tree: each inner node holds the larger key of its two
/// children, so the best member is at the root and a change costs log2(members) steps — no
/// scan over the team per chat, whatever its size.
#[derive(Clone, Debug, Default)]
pub struct Standings {
    /// Leaves start at `leaves`; node `i` has children `2i` and `2i + 1`; node 0 is unused.
    tree: Vec<u64>,
    leaves: usize,
}

impl Standings {
    pub fn new(members: usize) -> Self {
        let leaves = members.next_power_of_two().max(1);
        Standings {
            tree: vec![0; 2 * leaves],
            leaves,
        }
    }

    pub fn set(&mut self, position: usize, key: u64) {
        let mut i = self.leaves + position;
        let mut best = key;
        self.tree[i] = key;
        while i > 1 {
            best = best.max(self.tree[i ^ 1]);
            i /= 2;
            if self.tree[i] == best {
                break;
            }
            self.tree[i] = best;
        }
    }

    /// Position of the best member, if any is eligible. Keys embed the position, so the
    /// largest key is unique.
    pub fn best(&self) -> Option<usize> {
        let best = self.tree[1];
        (best > 0).then(|| MAX_MEMBERS - 1 - (best & 0xffff) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{AgentSpec, Role};

    fn agent(capacity: u32, held: u32, last: Option<Millis>) -> AgentState {
        let mut a = AgentState::new(&AgentSpec {
            teams: Vec::new(),
            capacity,
            role: Role::Agent,
            manual_over_capacity: false,
            overflow_teams: Vec::new(),
            speed_rank: 0,
        });
        a.held = held;
        a.online = true;
        a.last_assigned = last;
        a
    }

    #[test]
    fn keys_order_by_free_slots_then_idleness_then_position() {
        let pick = |agents: &[AgentState]| {
            let mut s = Standings::new(agents.len());
            for (i, a) in agents.iter().enumerate() {
                s.set(i, key(a, i, false));
            }
            s.best()
        };
        // More free slots beats being idle longer.
        assert_eq!(pick(&[agent(3, 2, None), agent(3, 0, Some(50))]), Some(1));
        // Equal free slots: idle the longest (assigned earliest, or never).
        assert_eq!(pick(&[agent(2, 1, Some(9)), agent(2, 1, Some(3))]), Some(1));
        assert_eq!(pick(&[agent(2, 1, Some(0)), agent(2, 1, None)]), Some(1));
        // Everything equal: the lowest position, wherever it sits in the tree.
        let same: Vec<_> = (0..11).map(|_| agent(1, 0, Some(7))).collect();
        assert_eq!(pick(&same), Some(0));
        let mut later = same.clone();
        later[0].held = 1;
        later[9].last_assigned = Some(6);
        assert_eq!(pick(&later), Some(9));
    }

    #[test]
    fn faster_first_ranks_speed_after_free_slots_and_before_idleness() {
        // guide `routing.md#faster-first` `faster_first`.
        let fast = |held, last| {
            let mut a = agent(3, held, last);
            a.speed_rank = 2;
            a
        };
        let pick = |agents: &[AgentState]| {
            let mut s = Standings::new(agents.len());
            for (i, a) in agents.iter().enumerate() {
                s.set(i, key(a, i, true));
            }
            s.best()
        };
        // Equal free slots: the faster agent, although the other has idled longer.
        assert_eq!(pick(&[agent(3, 1, None), fast(1, Some(60_000))]), Some(1));
        // More free slots still come first.
        assert_eq!(pick(&[agent(3, 0, None), fast(1, None)]), Some(0));
        // Equal speed: idle the longest, counted in seconds.
        assert_eq!(pick(&[fast(1, Some(9_000)), fast(1, Some(3_000))]), Some(1));
        assert_eq!(
            pick(&[fast(1, Some(3_100)), fast(1, Some(3_900))]),
            Some(0),
            "the same second: position"
        );
    }

    #[test]
    fn full_and_offline_agents_are_never_picked() {
        let mut off = agent(2, 0, None);
        off.online = false;
        assert_eq!(key(&off, 0, false), 0);
        let mut away = agent(2, 0, None);
        away.ready = false;
        assert_eq!(key(&away, 0, true), 0);
        assert_eq!(key(&agent(2, 2, None), 0, false), 0);
        let mut s = Standings::new(5);
        assert_eq!(s.best(), None);
        s.set(3, key(&agent(1, 0, None), 3, false));
        assert_eq!(s.best(), Some(3));
        s.set(3, 0);
        assert_eq!(s.best(), None, "a key falling back to 0 leaves nobody");
        assert_eq!(Standings::new(0).best(), None);
    }
}
