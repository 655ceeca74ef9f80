//! A team's queue of waiting chats, oldest first. Customers who leave are removed lazily: the
//! entry stays until it reaches the head and is then skipped, which keeps leaving O(1). When
//! the entries of customers who left outnumber the waiting ones, the queue is compacted, so
//! that a queue nobody serves does not grow with the run (amortised O(1) per leaver).

use std::collections::VecDeque;

use super::ChatId;

#[derive(Debug, Default)]
pub struct TeamQueue {
    /// (ticket, chat): tickets grow across all teams, so heads compare by age between teams.
    entries: VecDeque<(u64, ChatId)>,
    waiting: u32,
    /// The largest ticket pushed: a smaller one (a higher priority) is inserted in place.
    last: u64,
}

impl TeamQueue {
    /// A chat joins: at the back, or where its ticket places it when priorities order the
    /// queue (guide `routing.md#priority-classes-and-sla-order`).
    pub fn push(&mut self, ticket: u64, chat: ChatId) {
        if ticket < self.last {
            return self.insert(ticket, chat);
        }
        self.last = ticket;
        self.entries.push_back((ticket, chat));
        self.waiting += 1;
    }

    /// The oldest chat still waiting; `live` tells whether an entry still waits here.
    pub fn head(&mut self, live: impl Fn(ChatId) -> bool) -> Option<(u64, ChatId)> {
        while let Some(&(ticket, chat)) = self.entries.front() {
            if live(chat) {
                return Some((ticket, chat));
            }
            self.entries.pop_front();
        }
        None
    }

    /// A chat that had left the queue comes back to the place its `ticket` gives it among the
    /// entries still here.
    pub fn insert(&mut self, ticket: u64, chat: ChatId) {
        let at = self.entries.partition_point(|&(t, _)| t < ticket);
        self.entries.insert(at, (ticket, chat));
        self.waiting += 1;
    }

    /// The first chat in queue order that is still waiting and `eligible`, with its position.
    /// Without `scan`, only the head is looked at: queues where eligibility follows queue
    /// order (an older chat is eligible first) need no more.
    pub fn first(
        &mut self,
        live: impl Fn(ChatId) -> bool,
        eligible: impl Fn(ChatId) -> bool,
        scan: bool,
    ) -> Option<(usize, u64, ChatId)> {
        let (ticket, chat) = self.head(&live)?;
        if eligible(chat) {
            return Some((0, ticket, chat));
        }
        if !scan {
            return None;
        }
        self.entries
            .iter()
            .enumerate()
            .skip(1)
            .find(|&(_, &(_, c))| live(c) && eligible(c))
            .map(|(at, &(t, c))| (at, t, c))
    }

    /// Takes the entry at `at` (a position `first` gave) out of the queue.
    pub fn take(&mut self, at: usize) {
        match at {
            0 => self.entries.pop_front(),
            _ => self.entries.remove(at),
        };
        self.waiting -= 1;
    }

    pub fn pop_head(&mut self) {
        self.entries.pop_front();
        self.waiting -= 1;
    }

    /// A waiting chat left the queue by some other way than its head (the customer gave up);
    /// `live` tells whether an entry still waits here.
    pub fn forget_one(&mut self, live: impl Fn(ChatId) -> bool) {
        self.waiting -= 1;
        if self.entries.len() > 2 * self.waiting as usize + 64 {
            self.entries.retain(|&(_, chat)| live(chat));
            debug_assert_eq!(self.entries.len(), self.waiting as usize);
        }
    }

    pub fn waiting(&self) -> u32 {
        self.waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_who_left_do_not_pile_up_in_a_queue_nobody_serves() {
        // Everyone gives up before being served: the entries must not grow with the run.
        let mut q = TeamQueue::default();
        let mut gone = std::collections::HashSet::new();
        for i in 0..100_000u32 {
            let chat = ChatId {
                index: i,
                generation: 0,
            };
            q.push(i as u64, chat);
            gone.insert(i);
            q.forget_one(|c| !gone.contains(&c.index));
            assert!(q.entries.len() <= 2 * q.waiting() as usize + 65);
        }
        assert_eq!(q.waiting(), 0);
        assert!(q.entries.len() <= 65, "{}", q.entries.len());
    }
}
