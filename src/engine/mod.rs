//! One replication: the clock, the event loop, the block model of work (SPEC §4), and the
//! presence of agents (shifts, breaks, absences). The engine samples what people do, feeds it
//! to the routing core as events, carries out the core's decisions and streams statistics. A
//! replication is a pure function of (scenario, seed, replication index).

mod arrivals;
mod conversation;
mod inactivity;
pub mod log;
mod offers;
mod presence;
pub mod queue;

use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::{ChaCha8Rng, Xoshiro256PlusPlus};
use rand::{RngExt, SeedableRng};

use crate::behaviour::arrivals::ArrivalProcess;
use crate::behaviour::sampler::{CountSampler, Sampler};
use crate::behaviour::streams::{Stream, rng};
use crate::inactivity::{ActionKind, Episode, QueueKind, Stage, Step as InactivityStep};
use crate::routing::{
    AgentId, AgentSpec, ChatId, Decision, Presence as RoutingPresence, QueueId, Router,
};
use crate::scenario::units::{MAX_AHEAD, Millis, ceil_ms, round_ms};
use crate::scenario::{Destination, OnShiftEnd, Scenario, TeamId, TransferTarget, WorkModel};
use crate::stats::collector::{Collector, ReplicationStats};
use log::{ChatLog, Outcome};
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
    /// With `--chats-log`: this replication's rows of `chats.csv`.
    pub chats_log: Option<Vec<u8>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChatState {
    Free,
    /// With the bot, before any human queue.
    Bot,
    /// In a queue, on offer, or in an agent's queue: not being worked on.
    Waiting,
    InService,
}

/// How the agent will answer the offer in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Accept,
    Refuse,
    Timeout,
}

struct Chat {
    generation: u32,
    state: ChatState,
    source: u32,
    /// Reporting interval of its arrival, if it arrived in the counted window.
    window: Option<u32>,
    /// The queue it was last routed through: where `requeue` sends it back.
    queue: QueueId,
    /// When it entered the human queue; its wait runs from here to its first start.
    queued_at: Millis,
    started: bool,
    /// Work left on the current part (SPEC §4 block model).
    work: f64,
    /// Work at the team it will be transferred to when this part is done, if it will be.
    transfer: Option<f64>,
    patience: Option<f64>,
    bot_resolves: bool,
    /// The offer in flight: its number (older answers are stale), agent and answer.
    offer: u32,
    offer_agent: u32,
    answer: Answer,
    /// Turn model: the conversation.
    talk: Option<Talk>,
    /// How many times this customer had contacted the center before this chat.
    returns: u32,
}

impl Chat {
    /// Has the customer had a human reply? In the block model, when an agent starts on it.
    fn first_replied(&self) -> bool {
        match &self.talk {
            Some(t) => t.replied,
            None => self.started,
        }
    }
}

/// A conversation in the turn model (SPEC §4).
#[derive(Clone, Debug)]
struct Talk {
    /// The chat's own stream: its reply times and silences are the same whoever handles it.
    rng: Xoshiro256PlusPlus,
    /// Agent messages still to come.
    turns_left: u32,
    replied: bool,
    /// The chat's wait for an agent, kept for `mean_wait_served` at the first reply.
    wait: Millis,
    /// Numbers the scheduled step: older steps are stale.
    version: u32,
    next: Step,
    /// A customer message waits for an agent's reply (arrival counts as one, SPEC §2.6).
    unanswered: bool,
    /// The agent snoozed the chat: inactivity management leaves it alone (seed 003).
    snoozed: bool,
    /// Numbers the scheduled end of the snooze: older ends are stale.
    snooze_version: u32,
    /// Arrived at or after `auto_close.from`: only such chats are closed for silence (seed
    /// 003: "casos anteriores a esta data não serão impactados").
    closable: bool,
    /// The inactivity clock of the unanswered message in the current queue.
    episode: Option<Episode>,
    /// Numbers the scheduled inactivity deadline: older ones are stale.
    episode_version: u32,
    /// Time of the last message of either side, for `auto_close`.
    last_message: Millis,
    /// An auto-close check is scheduled (it re-arms itself while messages keep coming).
    close_pending: bool,
}

impl Talk {
    fn new(rng: Xoshiro256PlusPlus, turns_left: u32) -> Self {
        Talk {
            rng,
            turns_left,
            replied: false,
            wait: 0,
            version: 0,
            unanswered: true,
            snoozed: false,
            snooze_version: 0,
            closable: true,
            episode: None,
            episode_version: 0,
            last_message: 0,
            close_pending: false,
            next: Step::AgentReply,
        }
    }
}

/// What happens next in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    AgentReply,
    CustomerMessage,
    /// The customer gives up waiting for a later reply.
    CustomerLeaves,
    /// The agent finishes the chat.
    WrapUp,
}

struct SnoozeSamplers {
    /// Per customer message.
    probability: f64,
    /// Per agent reply that the customer is to answer.
    after_reply: f64,
    duration: Sampler,
    resume_probability: f64,
    resume_after: Option<Sampler>,
}

struct CustomerStreams {
    patience: ChaCha8Rng,
    work: ChaCha8Rng,
    route: ChaCha8Rng,
}

struct TurnSamplers {
    turns: CountSampler,
    first_reply: Sampler,
    agent_reply: Sampler,
    customer_reply: Sampler,
    customer_silent_probability: f64,
    wrap_up: Option<Sampler>,
    patience_in_conversation: Option<Sampler>,
}

/// An agent's desk: the chats in its slots and the work each still needs, and its presence.
struct Desk {
    group: usize,
    capacity: u32,
    chats: Vec<OnDesk>,
    last: Millis,
    version: u32,
    due: Millis,
    /// On shift (whether or not it showed up).
    on_shift: bool,
    /// Did not show up for the current shift (absenteeism).
    absent: bool,
    /// Set Not ready by a timed-out offer, until `not_ready_for` has passed.
    away: bool,
    /// Numbers the scheduled return to Ready: older returns are stale.
    away_version: u32,
    on_break: bool,
    presence: Presence,
}

/// A chat in one of an agent's slots.
#[derive(Clone, Copy, Debug)]
struct OnDesk {
    chat: ChatId,
    /// Work still needed, in ms at full speed.
    left: f64,
    /// When it took the slot, for the group's busy slot-time.
    since: Millis,
}

/// What an agent's time counts as in `agents.csv`, and whether its slots count as online.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Presence {
    Offline,
    NotReady,
    /// Not ready because a missed offer set it so (`not_ready_on_timeout`).
    Away,
    Ready,
    /// Off shift but still finishing chats: its slots count as online for occupancy.
    Finishing,
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
    /// The queues each agent may take from by hand, if it picks up at all.
    scopes: Vec<Option<Vec<QueueId>>>,
    arrivals: Vec<ArrivalProcess>,
    /// Per source: the streams of new customers, then those of returning ones, so that
    /// returns (which depend on routing) never shift a new customer's draws.
    customers: Vec<[CustomerStreams; 2]>,
    return_rng: Vec<ChaCha8Rng>,
    /// Per source: whether and when a customer whose chat was resolved comes back.
    resolved_rng: Vec<ChaCha8Rng>,
    return_after_resolution: Option<(f64, Sampler)>,
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
    accept_delays: Vec<Option<Sampler>>,
    pickups: Vec<Option<Sampler>>,
    return_after: Option<Sampler>,
    slowdown: f64,
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
}

/// Runs replication `replication` of `scenario` with the given seed. `progress` (if any) is
/// advanced by the simulated milliseconds covered, up to `horizon`.
pub fn run_replication(
    scenario: &Scenario,
    seed: u64,
    replication: u32,
    chats_log: bool,
    progress: Option<&AtomicU64>,
) -> RunOutput {
    let mut sim = Sim::new(scenario, seed, replication);
    if chats_log {
        sim.log = Some(ChatLog::new(replication));
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
    let unfinished = sim
        .chats
        .iter()
        .filter(|c| c.state != ChatState::Free && c.window.is_some())
        .count() as u64;
    if let Some(log) = sim.log.as_mut() {
        for (i, c) in sim.chats.iter().enumerate() {
            if c.state != ChatState::Free {
                log.close(i as u32, sim.now, Outcome::Unfinished);
            }
        }
    }
    RunOutput {
        stats: sim.stats.finish(unfinished),
        events: count,
        chats: sim.arrived,
        chats_log: sim.log.map(ChatLog::into_bytes),
    }
}

fn sampler(d: &crate::scenario::Dist) -> Sampler {
    Sampler::new(d).expect("distributions are checked when the scenario is validated")
}

impl<'a> Sim<'a> {
    fn new(scenario: &'a Scenario, seed: u64, replication: u32) -> Self {
        let sim = &scenario.simulation;
        let mut specs = Vec::new();
        let mut desks = Vec::new();
        let mut group_agents = Vec::new();
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            let first = specs.len() as u32;
            for _ in 0..group.count {
                specs.push(AgentSpec {
                    teams: group.teams.clone(),
                    capacity: group.capacity,
                    role: group.role,
                    manual_over_capacity: group.manual_over_capacity,
                });
                desks.push(Desk {
                    group: g,
                    capacity: group.capacity,
                    chats: Vec::with_capacity(group.capacity as usize),
                    last: 0,
                    version: 0,
                    due: NEVER,
                    on_shift: false,
                    absent: false,
                    away: false,
                    away_version: 0,
                    on_break: false,
                    presence: Presence::Offline,
                });
            }
            group_agents.push(first..specs.len() as u32);
        }
        let distributions: Vec<_> = scenario.teams.iter().map(|t| t.distribution).collect();
        let router = Router::new(&distributions, &specs);
        let scopes = desks
            .iter()
            .enumerate()
            .map(|(a, d)| {
                let pickup = scenario.agent_groups[d.group].pickup.as_ref()?;
                Some(router.pickup_scope(AgentId(a as u32), pickup.waiting))
            })
            .collect();
        let sources = scenario.arrivals.len() as u32;
        let streams = |s: fn(u32) -> Stream| -> Vec<ChaCha8Rng> {
            (0..sources).map(|i| rng(seed, replication, s(i))).collect()
        };
        let group_sizes: Vec<u32> = scenario.agent_groups.iter().map(|g| g.count).collect();
        let mut s = Sim {
            scenario,
            now: 0,
            events: EventQueue::default(),
            router,
            chats: Vec::new(),
            free: Vec::new(),
            live: 0,
            desks,
            group_agents,
            scopes,
            arrivals: scenario
                .arrivals
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let i = i as u32;
                    ArrivalProcess::new(
                        &a.profile,
                        sim.start,
                        a.day_to_day_cv,
                        sim.horizon,
                        rng(seed, replication, Stream::Arrivals(i)),
                        rng(seed, replication, Stream::DayFactor(i)),
                    )
                })
                .collect(),
            customers: (0..sources)
                .map(|i| {
                    let set = |returning: bool| CustomerStreams {
                        patience: rng(seed, replication, Stream::Patience(i, returning)),
                        work: rng(seed, replication, Stream::Work(i, returning)),
                        route: rng(seed, replication, Stream::Route(i, returning)),
                    };
                    [set(false), set(true)]
                })
                .collect(),
            return_rng: streams(Stream::Returns),
            resolved_rng: streams(Stream::ResolvedReturns),
            return_after_resolution: scenario
                .customers
                .return_after_resolution
                .as_ref()
                .map(|r| (r.probability, sampler(&r.after))),
            agent_rng: rng(seed, replication, Stream::Agents),
            pickup_rng: rng(seed, replication, Stream::Pickups),
            patience: scenario.customers.patience.as_ref().map(sampler),
            work: match &scenario.conversation.model {
                WorkModel::Block { handle_time } => Some(sampler(handle_time)),
                WorkModel::Turns(_) => None,
            },
            snooze: scenario.snooze.as_ref().map(|s| SnoozeSamplers {
                probability: s.probability,
                after_reply: s.after_reply,
                duration: sampler(&s.duration),
                resume_probability: s.resume_probability,
                resume_after: s.resume_after.as_ref().map(sampler),
            }),
            not_ready_for: scenario
                .teams
                .iter()
                .map(|t| t.not_ready_for.as_ref().map(sampler))
                .collect(),
            turns: match &scenario.conversation.model {
                WorkModel::Block { .. } => None,
                WorkModel::Turns(t) => Some(TurnSamplers {
                    turns: CountSampler::new(&t.turns)
                        .expect("counts are checked when the scenario is validated"),
                    first_reply: sampler(&t.first_reply),
                    agent_reply: sampler(&t.agent_reply),
                    customer_reply: sampler(&t.customer_reply),
                    customer_silent_probability: t.customer_silent_probability,
                    wrap_up: t.wrap_up.as_ref().map(sampler),
                    patience_in_conversation: scenario
                        .customers
                        .patience_in_conversation
                        .as_ref()
                        .map(sampler),
                }),
            },
            bots: scenario
                .arrivals
                .iter()
                .map(|a| a.bot.as_ref().map(|b| sampler(&b.duration)))
                .collect(),
            accept_delays: scenario
                .agent_groups
                .iter()
                .map(|g| g.accept_delay.as_ref().map(sampler))
                .collect(),
            pickups: scenario
                .agent_groups
                .iter()
                .map(|g| g.pickup.as_ref().map(|p| sampler(&p.every)))
                .collect(),
            return_after: scenario.customers.return_after.as_ref().map(sampler),
            slowdown: scenario.conversation.concurrency_slowdown,
            stats: Collector::new(
                sim.warmup,
                sim.horizon,
                sim.interval,
                sim.service_level_target,
                &group_sizes,
                scenario.inactivity != Default::default(),
            ),
            decisions: Vec::new(),
            finished: Vec::new(),
            held: Vec::new(),
            changes: Vec::new(),
            leaving: Vec::new(),
            horizon_passed: false,
            done: false,
            arrived: 0,
            log: None,
        };
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            s.stats.group(g).offline = group.count as f64;
        }
        s.calendar();
        for a in 0..s.desks.len() {
            s.schedule_pickup(a as u32);
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
            Event::Arrival(source) => {
                self.new_contact(source, 0);
                self.schedule_arrival(source);
            }
            Event::Return { source, returns } => self.new_contact(source, returns),
            Event::BotDone(chat) => self.bot_done(chat),
            Event::Patience(chat) => self.patience_ends(chat),
            Event::OfferAnswer { chat, offer } => self.offer_answered(chat, offer),
            Event::Talk { chat, version } => self.talk(chat, version),
            Event::Inactivity { chat, version } => self.inactivity_due(chat, version),
            Event::AutoClose(chat) => self.auto_close_due(chat),
            Event::Completion { agent, version } => {
                if self.desks[agent as usize].version == version {
                    self.completion(agent as usize);
                }
            }
            Event::Calendar => self.calendar(),
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
            Event::Pickup(agent) => {
                if let Some(scope) = &self.scopes[agent as usize] {
                    self.router
                        .pickup(AgentId(agent), scope, self.now, &mut self.decisions);
                    self.carry_out();
                }
                self.schedule_pickup(agent);
            }
            Event::Horizon => {
                self.horizon_passed = true;
                self.done = self.live == 0;
            }
            Event::DrainEnd => self.done = true,
        }
    }

    /// Takes the chat from wherever it is (a queue, an offer, an agent) without ending it. A
    /// snooze is the agent's: it ends when the chat leaves the agent.
    fn take_away(&mut self, id: ChatId) {
        if let Some(talk) = self.chats[id.index as usize].talk.as_mut() {
            talk.snoozed = false;
            talk.snooze_version = talk.snooze_version.wrapping_add(1);
        }
        match self.chats[id.index as usize].state {
            ChatState::Waiting => {
                self.router.withdraw(id, self.now, &mut self.decisions);
                self.stats.levels.queue_length -= 1.0;
            }
            ChatState::InService => {
                if let Some(agent) = self.router.holder(id) {
                    let agent = agent.0 as usize;
                    self.off_desk(agent, id);
                    self.router.release(id, self.now, &mut self.decisions);
                    self.reschedule(agent);
                    self.chats_changed(agent);
                }
            }
            ChatState::Bot | ChatState::Free => {}
        }
        self.carry_out();
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

    fn release(&mut self, chat: ChatId, outcome: Outcome) {
        if let Some(log) = self.log.as_mut() {
            log.close(chat.index, self.now, outcome);
        }
        self.end_episode(chat);
        self.chats[chat.index as usize].state = ChatState::Free;
        self.free.push(chat.index);
        self.live -= 1;
        if self.horizon_passed && self.live == 0 {
            self.done = true;
        }
    }

    /// `--chats-log`: records `what` (with a `detail`) in the chat's history.
    fn note(&mut self, id: ChatId, what: &str, detail: &str) {
        if let Some(log) = self.log.as_mut() {
            log.note(id.index, self.now, what, detail);
        }
    }

    /// The same, naming an agent as `group#n`.
    fn note_agent(&mut self, id: ChatId, what: &str, agent: usize) {
        if self.log.is_some() {
            let g = self.desks[agent].group;
            let n = agent as u32 - self.group_agents[g].start + 1;
            let name = format!("{}#{n}", self.scenario.agent_groups[g].name);
            self.note(id, what, &name);
        }
    }

    fn chat(&self, id: ChatId) -> Option<&Chat> {
        self.chats
            .get(id.index as usize)
            .filter(|c| c.generation == id.generation && c.state != ChatState::Free)
    }
}

#[cfg(test)]
mod tests;
