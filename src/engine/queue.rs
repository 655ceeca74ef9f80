//! The future event list: a binary heap ordered by (time, sequence number), so events at the
//! same instant run in the order they were scheduled (SPEC §2.1).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::routing::ChatId;
use crate::scenario::units::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next customer of arrival source `n`.
    Arrival(u32),
    /// A waiting customer's patience runs out (ignored if an agent took the chat first).
    Patience(ChatId),
    /// The earliest chat of an agent finishes; stale unless `version` is the agent's current.
    Completion { agent: u32, version: u32 },
    /// Agent group `n` goes on or off shift.
    Shift(u32),
    /// Arrivals stop; the run drains.
    Horizon,
    /// The drain period is over: whatever is open is `unfinished`.
    DrainEnd,
}

#[derive(Debug)]
struct Entry {
    time: Millis,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    pub fn schedule(&mut self, time: Millis, event: Event) {
        self.heap.push(Entry {
            time,
            seq: self.seq,
            event,
        });
        self.seq += 1;
    }

    pub fn pop(&mut self) -> Option<(Millis, Event)> {
        self.heap.pop().map(|e| (e.time, e.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_same_instant_in_scheduling_order() {
        let mut q = EventQueue::default();
        q.schedule(10, Event::Shift(2));
        q.schedule(5, Event::Shift(0));
        q.schedule(10, Event::Shift(3));
        q.schedule(5, Event::Shift(1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (5, Event::Shift(0)),
                (5, Event::Shift(1)),
                (10, Event::Shift(2)),
                (10, Event::Shift(3))
            ]
        );
    }
}
