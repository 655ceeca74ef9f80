//! The yardstick for the engine's speed: the same M/M/50+M queue as
//! `scenarios/bench-mmn.toml` (22.5 chats/min, 2 min mean work, 5 min mean patience, 50 agents
//! of one slot, 155 days) run by the barest event loop that still does it honestly — a binary
//! heap of arrivals, completions and abandonments on integer milliseconds, the same ChaCha8
//! generators, one FIFO queue, and no routing rules, presence, statistics or reports.
//!
//! `cargo run --release --example bare_loop` prints chats per second; the user guide's
//! performance chapter (`docs/src/performance.md`) compares it with `ccsim run scenarios/bench-mmn.toml --threads 1`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp};

const MINUTE: f64 = 60_000.0;
const HORIZON: i64 = 155 * 24 * 60 * 60_000;
const AGENTS: u32 = 50;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Arrival,
    /// The chat in this slot is done.
    Completion,
    /// The customer in this slot gives up, unless the slot's generation has moved on.
    Abandon {
        slot: u32,
        generation: u32,
    },
}

fn main() {
    let started = Instant::now();
    let mut arrivals = ChaCha8Rng::seed_from_u64(1);
    let mut patience = ChaCha8Rng::seed_from_u64(2);
    let mut work = ChaCha8Rng::seed_from_u64(3);
    let gap = Exp::new(22.5 / MINUTE).expect("positive rate");
    let handle = Exp::new(1.0 / (2.0 * MINUTE)).expect("positive rate");
    let give_up = Exp::new(1.0 / (5.0 * MINUTE)).expect("positive rate");

    let mut heap: BinaryHeap<Reverse<(i64, u64, Event)>> = BinaryHeap::new();
    let mut sequence = 0u64;
    let mut schedule = |heap: &mut BinaryHeap<_>, at: i64, event: Event| {
        sequence += 1;
        heap.push(Reverse((at, sequence, event)));
    };
    // Waiting customers by slot; a slot's generation changes when its customer leaves the queue.
    let mut generations: Vec<u32> = Vec::new();
    let mut free: Vec<u32> = Vec::new();
    let mut queue: VecDeque<(u32, u32, i64)> = VecDeque::new();
    let mut idle = AGENTS;
    let (mut chats, mut served, mut abandoned, mut events) = (0u64, 0u64, 0u64, 0u64);

    schedule(
        &mut heap,
        gap.sample(&mut arrivals).ceil() as i64,
        Event::Arrival,
    );
    while let Some(Reverse((now, _, event))) = heap.pop() {
        events += 1;
        match event {
            Event::Arrival => {
                chats += 1;
                let next = now + gap.sample(&mut arrivals).ceil() as i64;
                if next < HORIZON {
                    schedule(&mut heap, next, Event::Arrival);
                }
                let wait = give_up.sample(&mut patience).ceil() as i64;
                let work = handle.sample(&mut work).ceil() as i64;
                if idle > 0 {
                    idle -= 1;
                    served += 1;
                    schedule(&mut heap, now + work, Event::Completion);
                } else {
                    let slot = free.pop().unwrap_or_else(|| {
                        generations.push(0);
                        generations.len() as u32 - 1
                    });
                    let generation = generations[slot as usize];
                    queue.push_back((slot, generation, work));
                    schedule(&mut heap, now + wait, Event::Abandon { slot, generation });
                }
            }
            Event::Completion => {
                // Customers who gave up are skipped here rather than searched for when they leave.
                let next = std::iter::from_fn(|| queue.pop_front())
                    .find(|&(slot, generation, _)| generations[slot as usize] == generation);
                match next {
                    Some((slot, _, work)) => {
                        generations[slot as usize] += 1;
                        free.push(slot);
                        served += 1;
                        schedule(&mut heap, now + work, Event::Completion);
                    }
                    None => idle += 1,
                }
            }
            Event::Abandon { slot, generation } => {
                if generations[slot as usize] == generation {
                    generations[slot as usize] += 1;
                    free.push(slot);
                    abandoned += 1;
                }
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "bare loop: {chats} chats ({served} served, {abandoned} abandoned), {events} events in {seconds:.3} s: {:.2} M chats/s",
        chats as f64 / seconds / 1e6
    );
}
