//! The future event list: a binary heap ordered by (time, sequence number), so events at the same
//! instant run in the order they were scheduled (guide `statistics.md#determinism-and-statistics`).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::routing::ChatId;
use crate::time::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next customer of arrival source `n`.
    Arrival(u32),
    /// A customer of `source` who gave up, or whose chat was resolved, contacts the center
    /// again, for the `returns`-th time; within the reopen window, `agent` resolved its chat
    /// (else `NO_AGENT`).
    Return {
        source: u32,
        returns: u32,
        agent: u32,
    },
    /// The bot is done with the chat: resolved, or on to a human queue.
    BotDone(ChatId),
    /// A waiting customer's patience runs out (ignored if an agent took the chat first).
    Patience(ChatId),
    /// The bot that keeps a waiting customer company resolves the chat (ignored once an
    /// agent has replied).
    BotResolves(ChatId),
    /// The agent answers offer number `offer` of the chat (stale if another came since).
    OfferAnswer { chat: ChatId, offer: u32 },
    /// The next step of the chat's conversation (turn model; stale unless `version` is the
    /// conversation's current).
    Talk { chat: ChatId, version: u32 },
    /// The next inactivity deadline of the chat's episode (stale unless `version` matches).
    Inactivity { chat: ChatId, version: u32 },
    /// The chat has waited its team's `overflow_after`: secondary agents may take it.
    Overflow(ChatId),
    /// Check whether the chat has gone `auto_close` without a message.
    AutoClose(ChatId),
    /// A held chat's own timer closes it (stale unless `version` is the chat's current hold).
    HoldCloses { chat: ChatId, version: u32 },
    /// The earliest chat of an agent finishes; stale unless `version` is the agent's current.
    Completion { agent: u32, version: u32 },
    /// Shifts or breaks change: every group's changes at this instant are applied together.
    Calendar,
    /// An agent's `shift_end_grace` is over: it hands back the chats it still holds (stale
    /// if it is on shift again, or off a later shift).
    HandBack(u32),
    /// Agent `agent` is Ready again after a missed offer set it Not ready (stale unless
    /// `version` is the agent's current).
    BackToReady { agent: u32, version: u32 },
    /// The snooze of the chat ends, or the agent resumes it early (`early`); stale unless
    /// `version` is the chat's current snooze.
    SnoozeEnds {
        chat: ChatId,
        version: u32,
        early: bool,
    },
    /// Agent `n` looks at the queues it may take from.
    Pickup(u32),
    /// Arrivals stop; the run drains.
    Horizon,
    /// The drain period is over: whatever is open is `unfinished`.
    DrainEnd,
}

/// `Event::Return` of a customer routed like anyone.
pub const NO_AGENT: u32 = u32::MAX;

/// `key` packs (time, sequence) into one integer so that ordering is a single comparison,
/// which the heap's sift loops compile without unpredictable branches.
#[derive(Debug)]
struct Entry {
    key: u128,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
        other.key.cmp(&self.key)
    }
}

/// Each arrival source has at most one pending arrival, and there is one every chat, so those
/// are kept beside the heap, one slot per source, instead of going through it: that halves the
/// heap traffic. Patience timers are in a heap of their own that can drop one (`Timers`). All
/// keys come from the same sequence, so the order of events is exactly that of a single queue.
#[derive(Debug)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    /// Key of the pending arrival of each source (`NONE` when it has none).
    arrivals: Vec<u128>,
    /// (key, source) of the earliest pending arrival.
    next_arrival: (u128, u32),
    patience: Timers,
    seq: u64,
}

const NONE: u128 = u128::MAX;

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            arrivals: Vec::new(),
            next_arrival: (NONE, 0),
            patience: Timers::default(),
            seq: 0,
        }
    }
}

impl EventQueue {
    /// `time` must not be negative (the clock starts at 0).
    #[inline(always)]
    pub fn schedule(&mut self, time: Millis, event: Event) {
        debug_assert!(time >= 0);
        let key = ((time as u128) << 64) | self.seq as u128;
        self.seq += 1;
        match event {
            Event::Arrival(source) => {
                let i = source as usize;
                if i >= self.arrivals.len() {
                    self.arrivals.resize(i + 1, NONE);
                }
                debug_assert_eq!(self.arrivals[i], NONE, "one pending arrival per source");
                self.arrivals[i] = key;
                if key < self.next_arrival.0 {
                    self.next_arrival = (key, source);
                }
            }
            Event::Patience(chat) => self.patience.set(chat, key),
            _ => self.heap.push(Entry { key, event }),
        }
    }

    /// The chat no longer waits for a first reply (or has ended): its patience timer goes.
    pub fn cancel_patience(&mut self, chat: ChatId) {
        self.patience.cancel(chat.index);
    }

    pub fn pop(&mut self) -> Option<(Millis, Event)> {
        let heap_key = self.heap.peek().map_or(NONE, |e| e.key);
        let (patience_key, chat) = self.patience.earliest();
        if patience_key < heap_key && patience_key < self.next_arrival.0 {
            self.patience.cancel(chat.index);
            return Some(((patience_key >> 64) as Millis, Event::Patience(chat)));
        }
        let (arrival_key, source) = self.next_arrival;
        if arrival_key < heap_key {
            self.arrivals[source as usize] = NONE;
            self.next_arrival = self
                .arrivals
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .min()
                .unwrap_or((NONE, 0));
            return Some(((arrival_key >> 64) as Millis, Event::Arrival(source)));
        }
        self.heap.pop().map(|e| ((e.key >> 64) as Millis, e.event))
    }
}

/// Customers' patience timers, one per waiting chat, in a heap that can drop one: a chat
/// answered before its customer gives up takes its timer with it, instead of leaving it in the
/// event list until it expires (in a large center on round robin, thousands of them).
#[derive(Debug, Default)]
struct Timers {
    heap: Vec<(u128, ChatId)>,
    /// Per chat slot: its timer's position in `heap` plus one, or 0 for none.
    at: Vec<u32>,
}

impl Timers {
    fn earliest(&self) -> (u128, ChatId) {
        self.heap.first().copied().unwrap_or((
            NONE,
            ChatId {
                index: 0,
                generation: 0,
            },
        ))
    }

    fn set(&mut self, chat: ChatId, key: u128) {
        let slot = chat.index as usize;
        if slot >= self.at.len() {
            self.at.resize(slot + 1, 0);
        }
        self.cancel(chat.index);
        self.heap.push((key, chat));
        self.at[slot] = self.heap.len() as u32;
        self.sift_up(self.heap.len() - 1);
    }

    fn cancel(&mut self, slot: u32) {
        let Some(&at) = self.at.get(slot as usize) else {
            return;
        };
        if at == 0 {
            return;
        }
        let i = at as usize - 1;
        self.at[slot as usize] = 0;
        let last = self.heap.pop().expect("a timer is in the heap");
        if i < self.heap.len() {
            self.heap[i] = last;
            self.at[last.1.index as usize] = i as u32 + 1;
            self.sift_down(i);
            self.sift_up(i);
        }
    }

    fn place(&mut self, i: usize, entry: (u128, ChatId)) {
        self.heap[i] = entry;
        self.at[entry.1.index as usize] = i as u32 + 1;
    }

    fn sift_up(&mut self, mut i: usize) {
        let entry = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].0 <= entry.0 {
                break;
            }
            self.place(i, self.heap[parent]);
            i = parent;
        }
        self.place(i, entry);
    }

    fn sift_down(&mut self, mut i: usize) {
        let entry = self.heap[i];
        let n = self.heap.len();
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].0 < self.heap[left].0 {
                right
            } else {
                left
            };
            if self.heap[child].0 >= entry.0 {
                break;
            }
            self.place(i, self.heap[child]);
            i = child;
        }
        self.place(i, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_stays_two_words_long() {
        // Every heap entry carries one: a larger event slows every sift of the heap.
        assert!(
            std::mem::size_of::<Event>() <= 16,
            "{}",
            std::mem::size_of::<Event>()
        );
    }

    #[test]
    fn earliest_first_and_same_instant_in_scheduling_order() {
        let mut q = EventQueue::default();
        q.schedule(10, Event::Pickup(2));
        q.schedule(5, Event::Pickup(0));
        q.schedule(10, Event::Pickup(3));
        q.schedule(5, Event::Pickup(1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (5, Event::Pickup(0)),
                (5, Event::Pickup(1)),
                (10, Event::Pickup(2)),
                (10, Event::Pickup(3))
            ]
        );
    }

    #[test]
    fn a_cancelled_patience_timer_never_fires_and_the_others_keep_their_order() {
        let chat = |index| ChatId {
            index,
            generation: 0,
        };
        let mut q = EventQueue::default();
        for i in 0..50u32 {
            q.schedule(1_000 - 10 * i64::from(i), Event::Patience(chat(i)));
        }
        q.schedule(500, Event::Pickup(0));
        for i in (0..50).step_by(3) {
            q.cancel_patience(chat(i));
        }
        q.cancel_patience(chat(99)); // never had one
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        let mut want: Vec<_> = (0..50u32)
            .filter(|i| i % 3 != 0)
            .map(|i| (1_000 - 10 * i64::from(i), Event::Patience(chat(i))))
            .collect();
        want.push((500, Event::Pickup(0)));
        want.sort_by_key(|&(t, e)| (t, matches!(e, Event::Patience(_))));
        assert_eq!(order, want);
    }

    #[test]
    fn pops_in_order_whatever_the_push_order() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(5);
        let mut q = EventQueue::default();
        let mut expected = Vec::new();
        for n in 0..2_000u32 {
            let t = rng.random_range(0..300);
            q.schedule(t, Event::Arrival(n));
            expected.push((t, n));
            if n % 3 == 0 {
                // Interleave pops, as the engine does.
                expected.sort();
                let (t0, n0) = expected.remove(0);
                assert_eq!(q.pop(), Some((t0, Event::Arrival(n0))));
            }
        }
        expected.sort();
        let rest: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        let want: Vec<_> = expected
            .into_iter()
            .map(|(t, n)| (t, Event::Arrival(n)))
            .collect();
        assert_eq!(rest, want);
    }
}
