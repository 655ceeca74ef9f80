//! One replication: the `Sim` state and the event loop, which hands each event to the file of
//! its concern (arrivals, offers, conversation, transfers, inactivity, presence). The engine
//! samples what people do, feeds it to the routing core as events, carries out the core's
//! decisions and streams statistics. A replication is a pure function of (scenario, seed,
//! replication index).
//!
//! Steps that every chat takes and that the compiler left as calls (statistics, the event
//! list, a desk's rescheduling, inactivity checks that the block model skips) are
//! `#[inline(always)]`, measured in instructions per chat with `valgrind --tool=callgrind`.

mod arrivals;
mod chat;
mod conversation;
mod hold;
mod inactivity;
pub mod log;
mod offers;
mod presence;
pub mod queue;
mod setup;
mod transfers;

use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::{ChaCha8Rng, Xoshiro256PlusPlus};
use rand::{RngExt, SeedableRng};

use crate::behaviour::arrivals::{ArrivalProcess, Arrivals};
use crate::behaviour::sampler::{CountSampler, Sampler};
use crate::behaviour::streams::{Stream, rng};
use crate::inactivity::{ActionKind, Episode, QueueKind, Stage, Step as InactivityStep};
use crate::routing::{
    AgentId, AgentSpec, ChatId, Decision, Presence as RoutingPresence, QueueId, Router,
};
use crate::scenario::scopes::{NONE, Scopes};
use crate::scenario::{
    Destination, HandBackTo, OnShiftEnd, Scenario, TeamId, TransferTarget, WorkModel,
};
use crate::stats::collector::{Collector, Measure, ReplicationStats, Tag};
use crate::time::{MAX_AHEAD, Millis, ceil_ms, round_ms};
use log::{ChatLog, LogFormat, Outcome};
use queue::{Event, EventQueue, NO_AGENT};

use arrivals::CustomerStreams;
use chat::{Answer, Chat, ChatState};
use conversation::{Desk, OnDesk, Talk, TurnSamplers};
use inactivity::SnoozeSamplers;
use presence::Presence;

/// Work left below this (in ms of work) is done: guards against rounding in `f64` arithmetic.
const DONE: f64 = 1e-6;
const NEVER: Millis = Millis::MAX;
/// How often (in events) the shared progress counter is brought up to date.
const PROGRESS_EVERY: u64 = 1 << 16;

/// What a replication records beyond the report's statistics.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Every chat's row for `chats.csv`, in this format (memory grows with the run).
    pub chats_log: Option<LogFormat>,
    /// Per-interval chat metrics of the `[staffing]` group's teams apart
    /// (`ReplicationStats::focus`), which `ccsim staff` holds to its targets.
    pub staffing_focus: bool,
}

pub struct RunOutput {
    pub stats: ReplicationStats,
    pub events: u64,
    /// Every chat that arrived, warm-up and drain included: the work done, for throughput.
    pub chats: u64,
    /// With `--chats-log`: this replication's rows of `chats.csv`.
    pub chats_log: Option<Vec<u8>>,
}

struct Sim<'a> {
    scenario: &'a Scenario,
    now: Millis,
    events: EventQueue,
    router: Router,
    chats: Vec<Chat>,
    /// Turn model: each chat's conversation, by the chat's index (empty in the block model).
    talks: Vec<Talk>,
    free: Vec<u32>,
    live: u64,
    desks: Vec<Desk>,
    /// Agent ids of each group, a contiguous range.
    group_agents: Vec<std::ops::Range<u32>>,
    /// The queues each agent may take from by hand, if it picks up at all.
    scopes: Vec<Option<Vec<QueueId>>>,
    arrivals: Vec<Arrivals>,
    /// Per source: the streams of new customers, then those of returning ones, so that
    /// returns (which depend on routing) never shift a new customer's draws.
    customers: Vec<[CustomerStreams; 2]>,
    return_rng: Vec<ChaCha8Rng>,
    /// Per source: whether and when a customer whose chat was resolved comes back.
    resolved_rng: Vec<ChaCha8Rng>,
    /// The probability, the time to come back and the reopen window.
    return_after_resolution: Option<(f64, Sampler, Option<Millis>)>,
    agent_rng: ChaCha8Rng,
    pickup_rng: ChaCha8Rng,
    patience: Option<Sampler>,
    /// Block model: work per chat.
    work: Option<Sampler>,
    /// Turn model: the conversation's samplers.
    turns: Option<TurnSamplers>,
    /// When agents snooze chats, for how long, and when they resume early.
    snooze: Option<SnoozeSamplers>,
    /// Per team: how long a missed offer keeps the agent Not ready.
    not_ready_for: Vec<Option<Sampler>>,
    bots: Vec<Option<Sampler>>,
    /// Some stream's bot answers while its chats wait (`while_waiting`).
    waiting_bots: bool,
    /// Some agent group takes other teams' chats as a secondary skill (`overflow_teams`),
    /// so a chat's first start is checked for overflowing; other centres skip the check.
    overflows: bool,
    accept_delays: Vec<Option<Sampler>>,
    pickups: Vec<Option<Sampler>>,
    return_after: Option<Sampler>,
    slowdown: f64,
    /// `concurrency_speed`, if given (guide `scenarios.md#conversation`).
    speeds: Vec<f64>,
    stats: Collector,
    decisions: Vec<Decision>,
    finished: Vec<OnDesk>,
    held: Vec<ChatId>,
    /// Scratch lists of the calendar: presence changes, and agents who hand chats back.
    changes: Vec<RoutingPresence>,
    leaving: Vec<u32>,
    horizon_passed: bool,
    done: bool,
    arrived: u64,
    log: Option<ChatLog>,
    /// Per queue: whether its chats count toward the staffing focus (empty: none do).
    focus: Vec<bool>,
    /// The teams and streams whose numbers are reported apart, and whether there are any.
    parts: Scopes,
    split: bool,
}

/// Runs replication `replication` of `scenario` with the given seed. `progress` (if any) is
/// advanced by the simulated milliseconds covered, up to `horizon`.
pub fn run_replication(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    options: Options,
    progress: Option<&AtomicU64>,
) -> RunOutput {
    let mut sim = Sim::new(scenario, seed, replication, options.staffing_focus);
    if let Some(format) = options.chats_log {
        sim.log = Some(ChatLog::new(replication, format, scenario.simulation.start));
    }
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
    for desk in &sim.desks {
        for c in &desk.chats {
            sim.stats.slot_time(desk.group, c.since);
        }
    }
    for c in &sim.chats {
        if c.state != ChatState::Free
            && let Some(tag) = c.window
        {
            sim.stats.unfinished(tag);
        }
    }
    if let Some(log) = sim.log.as_mut() {
        for (i, c) in sim.chats.iter().enumerate() {
            if c.state != ChatState::Free {
                log.close(i as u32, sim.now, Outcome::Unfinished);
            }
        }
    }
    RunOutput {
        stats: sim.stats.finish(),
        events: count,
        chats: sim.arrived,
        chats_log: sim.log.map(ChatLog::into_bytes),
    }
}

impl Sim<'_> {
    /// Inlined into the event loop: left to the compiler it became a call once it grew.
    #[inline(always)]
    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival(source) => {
                self.new_contact(source, 0, NO_AGENT);
                self.schedule_arrival(source);
            }
            Event::Return {
                source,
                returns,
                agent,
            } => self.new_contact(source, returns, agent),
            Event::BotDone(chat) => self.bot_done(chat),
            Event::Patience(chat) => self.patience_ends(chat),
            Event::BotResolves(chat) => self.bot_resolves(chat),
            Event::OfferAnswer { chat, offer } => self.offer_answered(chat, offer),
            Event::Talk { chat, version } => self.talk(chat, version),
            Event::Inactivity { chat, version } => self.inactivity_due(chat, version),
            Event::AutoClose(chat) => self.auto_close_due(chat),
            Event::Overflow(chat) => {
                self.router
                    .overflow_due(chat, self.now, &mut self.decisions);
                self.carry_out();
            }
            Event::HoldCloses { chat, version } => self.hold_closes(chat, version),
            Event::Completion { agent, version } => {
                if self.desks[agent as usize].version == version {
                    self.completion(agent as usize);
                }
            }
            Event::Calendar => self.calendar(),
            Event::HandBack(agent) => {
                if self.hands_back(agent as usize) {
                    self.hand_back(agent as usize);
                }
            }
            Event::BackToReady { agent, version } => {
                let desk = &mut self.desks[agent as usize];
                if desk.away && desk.away_version == version {
                    desk.away = false;
                    self.update_ready(agent as usize);
                }
            }
            Event::SnoozeEnds {
                chat,
                version,
                early,
            } => self.snooze_ends(chat, version, early),
            Event::Pickup(agent) => self.pickup(agent),
            Event::Horizon => {
                self.horizon_passed = true;
                self.done = self.live == 0;
            }
            Event::DrainEnd => self.done = true,
        }
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod testkit;
