//! `sequential` distribution — round robin (guide
//! `routing.md#sequential-distribution-round-robin`): one ring per team holding all its members;
//! the pick is the next eligible agent after the last one picked. Agents skipped (offline, Not
//! ready, at `max_chats`) keep their place. Load is ignored unless `max_chats` is set, so an agent
//! can be given more chats than its capacity.

/// Where the ring stands: the position (among the team's members) of the last agent picked.
#[derive(Clone, Debug, Default)]
pub struct Ring {
    last: Option<usize>,
}

impl Ring {
    /// The next member after the last pick for whom `eligible` holds, going round once. The
    /// ring only moves when somebody is picked.
    pub fn pick(&mut self, members: usize, eligible: impl Fn(usize) -> bool) -> Option<usize> {
        let start = self.last.map_or(0, |l| l + 1);
        let found = (0..members)
            .map(|i| (start + i) % members)
            .find(|&p| eligible(p))?;
        self.last = Some(found);
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_round_in_order_and_skipped_agents_keep_their_place() {
        // guide `routing.md#sequential-distribution-round-robin`: "ineligible agents are skipped
        // but keep their place".
        let mut ring = Ring::default();
        let all = |_| true;
        assert_eq!(ring.pick(3, all), Some(0));
        assert_eq!(ring.pick(3, all), Some(1));
        // Agent 2 is Not ready: skipped, and the ring goes on to 0.
        assert_eq!(ring.pick(3, |p| p != 2), Some(0));
        // Agent 2 is back: it is next after 1, its place was kept.
        assert_eq!(ring.pick(3, all), Some(1));
        assert_eq!(ring.pick(3, all), Some(2));
    }

    #[test]
    fn nobody_eligible_leaves_the_ring_where_it_was() {
        let mut ring = Ring::default();
        assert_eq!(ring.pick(2, |_| true), Some(0));
        assert_eq!(ring.pick(2, |_| false), None);
        assert_eq!(ring.pick(2, |_| true), Some(1));
        assert_eq!(ring.pick(0, |_| true), None);
    }
}
