//! One replication: the clock, the event loop, and the block model of work (SPEC §4). The
//! engine samples behaviour, feeds it to the routing core as events, applies the core's
//! assignments and streams statistics. A replication is a pure function of (scenario, seed,
//! replication index).

pub mod queue;

use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::ChaCha8Rng;

use crate::behaviour::arrivals::ArrivalProcess;
use crate::behaviour::sampler::Sampler;
use crate::behaviour::streams::{Stream, rng};
use crate::routing::{AgentId, Assignment, ChatId, Router};
use crate::scenario::units::{MAX_AHEAD, Millis, ceil_ms, round_ms};
use crate::scenario::{Scenario, TeamId};
use crate::stats::collector::{Collector, ReplicationStats};
use queue::{Event, EventQueue};

/// Work left below this (in ms of work) is done: guards against rounding in `f64` arithmetic.
const DONE: f64 = 1e-6;
const NEVER: Millis = Millis::MAX;
/// How often (in events) the shared progress counter is brought up to date.
const PROGRESS_EVERY: u64 = 1 << 16;

pub struct RunOutput {
    pub stats: ReplicationStats,
    pub events: u64,
    /// Every chat that arrived, warm-up and drain included: the work done, for throughput.
    pub chats: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChatState {
    Free,
    Waiting,
    InService,
}

struct Chat {
    generation: u32,
    state: ChatState,
    /// Reporting interval of its arrival, if it arrived in the counted window.
    window: Option<u32>,
    queued_at: Millis,
    work: f64,
}

/// An agent's desk: the chats in its slots and the work each still needs.
struct Desk {
    group: usize,
    capacity: u32,
    chats: Vec<(ChatId, f64)>,
    last: Millis,
    version: u32,
    due: Millis,
    /// On shift or still holding chats after it: its slots count as online time.
    present: bool,
}

struct Sim<'a> {
    scenario: &'a Scenario,
    now: Millis,
    events: EventQueue,
    router: Router,
    chats: Vec<Chat>,
    free: Vec<u32>,
    live: u64,
    desks: Vec<Desk>,
    /// Agent ids of each group, a contiguous range.
    group_agents: Vec<std::ops::Range<u32>>,
    arrivals: Vec<ArrivalProcess>,
    patience_rng: Vec<ChaCha8Rng>,
    work_rng: Vec<ChaCha8Rng>,
    patience: Option<Sampler>,
    work: Sampler,
    slowdown: f64,
    stats: Collector,
    assignments: Vec<Assignment>,
    finished: Vec<ChatId>,
    horizon_passed: bool,
    done: bool,
    arrived: u64,
}

/// Runs replication `replication` of `scenario` with the given seed. `progress` (if any) is
/// advanced by the simulated milliseconds covered, up to `horizon`.
pub fn run_replication(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    progress: Option<&AtomicU64>,
) -> RunOutput {
    let mut sim = Sim::new(scenario, seed, replication);
    let mut count = 0u64;
    let mut reported: Millis = 0;
    let horizon = scenario.simulation.horizon;
    while let Some((time, event)) = sim.events.pop() {
        sim.now = time;
        sim.stats.advance(time);
        sim.handle(event);
        count += 1;
        if count.is_multiple_of(PROGRESS_EVERY)
            && let Some(p) = progress
        {
            let at = time.min(horizon);
            p.fetch_add((at - reported) as u64, Ordering::Relaxed);
            reported = at;
        }
        if sim.done {
            break;
        }
    }
    if let Some(p) = progress {
        p.fetch_add((horizon - reported) as u64, Ordering::Relaxed);
    }
    sim.stats.advance(sim.now.max(horizon));
    let unfinished = sim
        .chats
        .iter()
        .filter(|c| c.state != ChatState::Free && c.window.is_some())
        .count() as u64;
    RunOutput {
        stats: sim.stats.finish(unfinished),
        events: count,
        chats: sim.arrived,
    }
}

impl<'a> Sim<'a> {
    fn new(scenario: &'a Scenario, seed: u64, replication: u32) -> Self {
        let sim = &scenario.simulation;
        let mut agents = Vec::new();
        let mut desks = Vec::new();
        let mut group_agents = Vec::new();
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            let first = agents.len() as u32;
            for _ in 0..group.count {
                agents.push((group.teams.clone(), group.capacity));
                desks.push(Desk {
                    group: g,
                    capacity: group.capacity,
                    chats: Vec::with_capacity(group.capacity as usize),
                    last: 0,
                    version: 0,
                    due: NEVER,
                    present: false,
                });
            }
            group_agents.push(first..agents.len() as u32);
        }
        let distributions: Vec<_> = scenario.teams.iter().map(|t| t.distribution).collect();
        let sampler =
            |d| Sampler::new(d).expect("distributions are checked when the scenario is validated");
        let sources = scenario.arrivals.len() as u32;
        let mut s = Sim {
            scenario,
            now: 0,
            events: EventQueue::default(),
            router: Router::new(&distributions, &agents),
            chats: Vec::new(),
            free: Vec::new(),
            live: 0,
            desks,
            group_agents,
            arrivals: scenario
                .arrivals
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    ArrivalProcess::new(
                        &a.profile,
                        sim.start,
                        rng(seed, replication, Stream::Arrivals(i as u32)),
                    )
                })
                .collect(),
            patience_rng: (0..sources)
                .map(|i| rng(seed, replication, Stream::Patience(i)))
                .collect(),
            work_rng: (0..sources)
                .map(|i| rng(seed, replication, Stream::Work(i)))
                .collect(),
            patience: scenario.customers.patience.as_ref().map(sampler),
            work: sampler(&scenario.conversation.handle_time),
            slowdown: scenario.conversation.concurrency_slowdown,
            stats: Collector::new(
                sim.warmup,
                sim.horizon,
                sim.interval,
                sim.service_level_target,
                scenario.agent_groups.len(),
            ),
            assignments: Vec::new(),
            finished: Vec::new(),
            horizon_passed: false,
            done: false,
            arrived: 0,
        };
        for g in 0..scenario.agent_groups.len() {
            s.shift(g);
        }
        for i in 0..sources {
            s.schedule_arrival(i);
        }
        s.events.schedule(sim.horizon, Event::Horizon);
        s.events
            .schedule(sim.horizon.saturating_add(sim.drain), Event::DrainEnd);
        s
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival(source) => self.arrival(source),
            Event::Patience(chat) => self.patience_ends(chat),
            Event::Completion { agent, version } => {
                if self.desks[agent as usize].version == version {
                    self.completion(agent as usize);
                }
            }
            Event::Shift(group) => self.shift(group as usize),
            Event::Horizon => {
                self.horizon_passed = true;
                self.done = self.live == 0;
            }
            Event::DrainEnd => self.done = true,
        }
    }

    fn schedule_arrival(&mut self, source: u32) {
        let t = self.arrivals[source as usize].next_arrival();
        if t < self.scenario.simulation.horizon {
            self.events.schedule(t, Event::Arrival(source));
        }
    }

    fn arrival(&mut self, source: u32) {
        let s = source as usize;
        let work = self.work.sample(&mut self.work_rng[s]);
        let patience = self
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.patience_rng[s]));
        let window = self.stats.window();
        if let Some(k) = window {
            self.stats.arrival(k);
        }
        let chat = self.allocate(Chat {
            generation: 0,
            state: ChatState::Waiting,
            window,
            queued_at: self.now,
            work,
        });
        self.arrived += 1;
        self.stats.levels.queue_length += 1.0;
        let team: TeamId = self.scenario.arrivals[s].team;
        self.router
            .enqueue(chat, team, self.now, &mut self.assignments);
        self.apply_assignments();
        if self.chats[chat.index as usize].state == ChatState::Waiting
            && let Some(p) = patience
        {
            self.events
                .schedule(self.now + round_ms(p).min(MAX_AHEAD), Event::Patience(chat));
        }
        self.schedule_arrival(source);
    }

    fn allocate(&mut self, chat: Chat) -> ChatId {
        self.live += 1;
        match self.free.pop() {
            Some(i) => {
                let slot = &mut self.chats[i as usize];
                let generation = slot.generation.wrapping_add(1);
                *slot = Chat { generation, ..chat };
                ChatId {
                    index: i,
                    generation,
                }
            }
            None => {
                self.chats.push(chat);
                ChatId {
                    index: self.chats.len() as u32 - 1,
                    generation: 0,
                }
            }
        }
    }

    fn release(&mut self, chat: ChatId) {
        self.chats[chat.index as usize].state = ChatState::Free;
        self.free.push(chat.index);
        self.live -= 1;
        if self.horizon_passed && self.live == 0 {
            self.done = true;
        }
    }

    fn chat(&self, id: ChatId) -> Option<&Chat> {
        self.chats
            .get(id.index as usize)
            .filter(|c| c.generation == id.generation && c.state != ChatState::Free)
    }

    fn patience_ends(&mut self, id: ChatId) {
        let Some(chat) = self.chat(id) else { return };
        let (window, wait) = (chat.window, self.now - chat.queued_at);
        if chat.state != ChatState::Waiting || !self.router.withdraw(id) {
            return;
        }
        self.stats.levels.queue_length -= 1.0;
        if let Some(k) = window {
            self.stats.abandoned(k, wait);
        }
        self.release(id);
    }

    fn apply_assignments(&mut self) {
        let mut list = std::mem::take(&mut self.assignments);
        for a in list.drain(..) {
            self.start(a);
        }
        self.assignments = list;
    }

    /// An agent starts on a chat: its wait ends (the block model's first reply, SPEC §2.10).
    fn start(&mut self, a: Assignment) {
        let now = self.now;
        let chat = &mut self.chats[a.chat.index as usize];
        debug_assert_eq!(chat.state, ChatState::Waiting);
        chat.state = ChatState::InService;
        let (window, wait, work) = (chat.window, now - chat.queued_at, chat.work);
        self.stats.levels.queue_length -= 1.0;
        if let Some(k) = window {
            self.stats.served(k, wait);
        }
        let agent = a.agent.0 as usize;
        self.drain_work(agent);
        self.desks[agent].chats.push((a.chat, work));
        self.stats.levels.busy_slots += 1.0;
        self.stats.group_levels[self.desks[agent].group].0 += 1.0;
        self.reschedule(agent);
        self.refresh_presence(agent);
    }

    /// Brings the agent's remaining work up to now at the speed its current load allows
    /// (limited processor sharing, SPEC §4). Call before the load changes.
    fn drain_work(&mut self, agent: usize) {
        let desk = &mut self.desks[agent];
        let dt = (self.now - desk.last) as f64;
        desk.last = self.now;
        if dt > 0.0 && !desk.chats.is_empty() {
            let done = dt * speed(self.slowdown, desk.chats.len());
            for (_, left) in desk.chats.iter_mut() {
                *left -= done;
            }
        }
    }

    /// Schedules the agent's next completion if its load changed when that happens.
    fn reschedule(&mut self, agent: usize) {
        let desk = &mut self.desks[agent];
        let due = if desk.chats.is_empty() {
            NEVER
        } else {
            let least = desk
                .chats
                .iter()
                .map(|c| c.1)
                .fold(f64::INFINITY, f64::min)
                .max(0.0);
            self.now + ceil_ms(least / speed(self.slowdown, desk.chats.len())).min(MAX_AHEAD)
        };
        if due != desk.due {
            desk.due = due;
            desk.version = desk.version.wrapping_add(1);
            if due != NEVER {
                let version = desk.version;
                self.events.schedule(
                    due,
                    Event::Completion {
                        agent: agent as u32,
                        version,
                    },
                );
            }
        }
    }

    fn completion(&mut self, agent: usize) {
        self.drain_work(agent);
        let desk = &mut self.desks[agent];
        let group = desk.group;
        let finished = &mut self.finished;
        desk.chats.retain(|&(chat, left)| {
            let done = left <= DONE;
            if done {
                finished.push(chat);
            }
            !done
        });
        desk.due = NEVER;
        let mut list = std::mem::take(&mut self.finished);
        for chat in list.drain(..) {
            self.stats.levels.busy_slots -= 1.0;
            self.stats.group_levels[group].0 -= 1.0;
            if self.chats[chat.index as usize].window.is_some() {
                self.stats.resolved(group);
            }
            self.router.finish(chat, self.now, &mut self.assignments);
            self.apply_assignments();
            self.release(chat);
        }
        self.finished = list;
        self.reschedule(agent);
        self.refresh_presence(agent);
    }

    fn shift(&mut self, g: usize) {
        let group = &self.scenario.agent_groups[g];
        let start = self.scenario.simulation.start;
        let on = group.schedule.is_on(self.now + start);
        for a in self.group_agents[g].clone() {
            let was = self.router.agent(AgentId(a)).online;
            if was != on {
                self.stats.levels.agents_online += if on { 1.0 } else { -1.0 };
            }
            self.router
                .set_online(AgentId(a), on, self.now, &mut self.assignments);
            self.apply_assignments();
            self.refresh_presence(a as usize);
        }
        if let Some(t) = group.schedule.next_change(self.now, start) {
            self.events.schedule(t, Event::Shift(g as u32));
        }
    }

    fn refresh_presence(&mut self, agent: usize) {
        let present =
            self.router.agent(AgentId(agent as u32)).online || !self.desks[agent].chats.is_empty();
        let desk = &mut self.desks[agent];
        if present != desk.present {
            desk.present = present;
            let slots = if present {
                desk.capacity as f64
            } else {
                -(desk.capacity as f64)
            };
            self.stats.levels.present_slots += slots;
            self.stats.group_levels[desk.group].1 += slots;
        }
    }
}

/// Work per millisecond of each chat while an agent holds `k` of them.
#[inline]
fn speed(slowdown: f64, k: usize) -> f64 {
    1.0 / (1.0 + slowdown * (k as f64 - 1.0))
}

#[cfg(test)]
mod tests;
