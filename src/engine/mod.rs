//! One replication: the clock, the event loop, the block model of work (SPEC §4), and the
//! presence of agents (shifts, breaks, absences). The engine samples what people do, feeds it
//! to the routing core as events, carries out the core's decisions and streams statistics. A
//! replication is a pure function of (scenario, seed, replication index).

pub mod log;
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
                self.new_contact(source, false);
                self.schedule_arrival(source);
            }
            Event::Return(source) => self.new_contact(source, true),
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

    fn schedule_arrival(&mut self, source: u32) {
        let t = self.arrivals[source as usize].next_arrival();
        if t < self.scenario.simulation.horizon {
            self.events.schedule(t, Event::Arrival(source));
        }
    }

    fn schedule_pickup(&mut self, agent: u32) {
        if self.horizon_passed && self.live == 0 {
            return;
        }
        if let Some(every) = &self.pickups[self.desks[agent as usize].group] {
            let wait = round_ms(every.sample(&mut self.pickup_rng)).clamp(1, MAX_AHEAD);
            self.events.schedule(self.now + wait, Event::Pickup(agent));
        }
    }

    /// A customer contacts the center (a new arrival or a return). Everything about them is
    /// drawn now, from their source's streams, so that routing never changes who they are.
    fn new_contact(&mut self, source: u32, returning: bool) {
        let s = source as usize;
        let scenario = self.scenario;
        let stream = &scenario.arrivals[s];
        let conversation = &scenario.conversation;
        // Block model: the chat's work. Turn model: a seed for its own conversation stream, so
        // that the customer's replies do not depend on anybody else's.
        let streams = &mut self.customers[s][returning as usize];
        let (work, talk) = match (&self.work, &self.turns) {
            (Some(w), _) => (w.sample(&mut streams.work), None),
            (None, Some(t)) => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(streams.work.random());
                let turns_left = t.turns.sample(&mut rng);
                let mut talk = Talk::new(rng, turns_left);
                talk.closable = self.now >= scenario.inactivity.auto_close_from;
                (0.0, Some(talk))
            }
            (None, None) => unreachable!("a scenario has a block or a turn model"),
        };
        let patience = self
            .patience
            .as_ref()
            .map(|p| p.sample(&mut streams.patience));
        let route = &mut streams.route;
        let destination = if stream.route.len() == 1 {
            stream.route[0].0
        } else {
            let u: f64 = route.random();
            stream
                .route
                .iter()
                .find(|r| u < r.1)
                .unwrap_or(&stream.route[stream.route.len() - 1])
                .0
        };
        let bot = self.bots[s].as_ref().map(|d| d.sample(route));
        let bot_resolves = stream
            .bot
            .as_ref()
            .is_some_and(|b| route.random_bool(b.resolve_probability));
        let transfer = (conversation.transfer_probability > 0.0
            && route.random_bool(conversation.transfer_probability))
        .then(|| {
            self.work
                .as_ref()
                .map_or(0.0, |w| w.sample(&mut streams.work))
        });
        let window = self.stats.window();
        if let Some(k) = window {
            self.stats.arrival(k);
        }
        let queue = match destination {
            Destination::Team(t) => QueueId(t.0),
            Destination::WaitingBox => self.router.waiting_box(),
        };
        let chat = self.allocate(Chat {
            generation: 0,
            state: ChatState::Bot,
            source,
            window,
            queue,
            queued_at: self.now,
            started: false,
            work,
            transfer,
            patience,
            bot_resolves,
            offer: 0,
            offer_agent: 0,
            answer: Answer::Accept,
            talk,
        });
        self.arrived += 1;
        if let Some(log) = self.log.as_mut() {
            log.open(
                chat.index,
                self.arrived,
                &stream.name,
                self.now,
                window.is_some(),
            );
        }
        match bot {
            Some(d) => self
                .events
                .schedule(self.now + round_ms(d).min(MAX_AHEAD), Event::BotDone(chat)),
            None => self.enter_human_queue(chat),
        }
    }

    fn bot_done(&mut self, id: ChatId) {
        self.note(id, "bot_done", "");
        let Some(chat) = self.chat(id) else { return };
        if chat.bot_resolves {
            if chat.window.is_some() {
                self.stats.bot_resolved();
            }
            self.release(id, Outcome::BotResolved);
        } else {
            self.enter_human_queue(id);
        }
    }

    /// The chat leaves the bot for a human queue: its wait and its customer's patience start
    /// now (SPEC §2.10).
    fn enter_human_queue(&mut self, id: ChatId) {
        let c = &mut self.chats[id.index as usize];
        c.queued_at = self.now;
        if let Some(k) = c.window {
            self.stats.reached(k);
        }
        let queue = c.queue;
        // The customer's first message starts the auto-close clock.
        self.touch(id);
        self.route_to(id, queue);
        // In the block model most chats start, which is their first reply, at once: only
        // those still waiting need their patience timed.
        let c = &self.chats[id.index as usize];
        if !c.first_replied()
            && let Some(p) = c.patience
        {
            self.events
                .schedule(self.now + round_ms(p).min(MAX_AHEAD), Event::Patience(id));
        }
    }

    /// Puts a chat that is not being worked on into a queue and lets routing decide.
    fn route_to(&mut self, id: ChatId, queue: QueueId) {
        let c = &mut self.chats[id.index as usize];
        c.queue = queue;
        c.state = ChatState::Waiting;
        // A new routing: answers to earlier offers and steps of the conversation are stale.
        c.offer = c.offer.wrapping_add(1);
        if let Some(talk) = c.talk.as_mut() {
            talk.version = talk.version.wrapping_add(1);
        }
        self.stats.levels.queue_length += 1.0;
        let kind = if queue == self.router.waiting_box() {
            QueueKind::Waiting
        } else {
            QueueKind::Team
        };
        if self.log.is_some() {
            let scenario = self.scenario;
            let name = scenario
                .teams
                .get(queue.0 as usize)
                .map_or("waiting", |t| t.name.as_str());
            self.note(id, "queue", name);
        }
        self.open_episode(id, kind);
        self.router
            .enqueue(id, queue, self.now, &mut self.decisions);
        self.carry_out();
    }

    /// The chat's unanswered message is now in a queue of `kind`: a new inactivity episode
    /// under that queue's flow (SPEC §2.6). Nothing when no message waits or it is snoozed.
    fn open_episode(&mut self, id: ChatId, kind: QueueKind) {
        self.end_episode(id);
        let c = &mut self.chats[id.index as usize];
        let team = (kind != QueueKind::Waiting).then_some(TeamId(c.queue.0));
        let Some(talk) = c.talk.as_mut() else { return };
        if !talk.unanswered || talk.snoozed {
            return;
        }
        talk.episode = self.scenario.inactivity.open(kind, team, self.now);
        self.schedule_episode(id);
    }

    fn schedule_episode(&mut self, id: ChatId) {
        let Some(talk) = self.chats[id.index as usize].talk.as_mut() else {
            return;
        };
        talk.episode_version = talk.episode_version.wrapping_add(1);
        if let Some((at, _)) = talk.episode.as_ref().and_then(Episode::next) {
            let version = talk.episode_version;
            self.events
                .schedule(at.max(self.now), Event::Inactivity { chat: id, version });
        }
    }

    /// The episode is over (a reply, a move, a snooze, the end of the chat).
    fn end_episode(&mut self, id: ChatId) {
        let Some(talk) = self.chats[id.index as usize].talk.as_mut() else {
            return;
        };
        talk.episode_version = talk.episode_version.wrapping_add(1);
        if let Some(e) = talk.episode.take() {
            self.set_alert(e.kind, e.stage, -1.0);
        }
    }

    fn set_alert(&mut self, kind: QueueKind, stage: Stage, sign: f64) {
        let k = kind as usize;
        match stage {
            Stage::FirstAlert => self.stats.levels.alerts[k][0] += sign,
            Stage::SecondAlert => self.stats.levels.alerts[k][1] += sign,
            Stage::Green | Stage::Acted => {}
        }
    }

    /// An inactivity deadline: an alert, or the flow's action (SPEC §2.7, seed 003).
    fn inactivity_due(&mut self, id: ChatId, version: u32) {
        let Some(c) = self.chat(id) else { return };
        let Some(talk) = c.talk.as_ref() else { return };
        if talk.episode_version != version {
            return;
        }
        let Some(mut episode) = talk.episode else {
            return;
        };
        let before = episode.stage;
        let Some(step) = episode.advance() else {
            return;
        };
        self.set_alert(episode.kind, before, -1.0);
        self.set_alert(episode.kind, episode.stage, 1.0);
        self.chats[id.index as usize]
            .talk
            .as_mut()
            .expect("turn model")
            .episode = Some(episode);
        match step {
            InactivityStep::FirstAlert => {
                self.note(id, "first_alert", "");
                self.stats.first_alert();
                self.schedule_episode(id);
            }
            InactivityStep::SecondAlert => {
                self.note(id, "second_alert", "");
                self.stats.second_alert();
                self.schedule_episode(id);
            }
            InactivityStep::Act(ActionKind::Transfer(team)) => {
                self.note(id, "inactivity_transfer", "");
                self.stats.inactivity_transfer();
                self.take_away(id);
                self.route_to(id, QueueId(team.0));
            }
            InactivityStep::Act(ActionKind::Close) => {
                self.note(id, "inactivity_close", "");
                self.close_for_inactivity(id);
            }
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

    /// Closed with reason "inactivity of the team or agent" (seed 003).
    fn close_for_inactivity(&mut self, id: ChatId) {
        self.take_away(id);
        self.end_episode(id);
        if self.chats[id.index as usize].window.is_some() {
            self.stats.auto_closed();
        }
        self.release(id, Outcome::AutoClosed);
    }

    /// A message of either side: the auto-close clock starts again (SPEC §2.6).
    fn touch(&mut self, id: ChatId) {
        let Some(after) = self.scenario.inactivity.auto_close else {
            return;
        };
        let Some(talk) = self.chats[id.index as usize].talk.as_mut() else {
            return;
        };
        if !talk.closable {
            return;
        }
        talk.last_message = self.now;
        if !talk.close_pending {
            talk.close_pending = true;
            self.events.schedule(self.now + after, Event::AutoClose(id));
        }
    }

    /// The auto-close check: closes the chat if nothing was said since `after`, or waits
    /// for the new deadline. A snoozed chat is left alone until its snooze ends.
    fn auto_close_due(&mut self, id: ChatId) {
        let Some(after) = self.scenario.inactivity.auto_close else {
            return;
        };
        let now = self.now;
        let Some(c) = self.chat(id) else { return };
        if c.state == ChatState::Bot {
            return;
        }
        let talk = self.chats[id.index as usize]
            .talk
            .as_mut()
            .expect("auto-close needs the turn model");
        if talk.snoozed {
            talk.close_pending = false;
            return;
        }
        let due = talk.last_message + after;
        if now < due {
            self.events.schedule(due, Event::AutoClose(id));
            return;
        }
        talk.close_pending = false;
        self.note(id, "auto_close", "");
        self.close_for_inactivity(id);
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

    fn patience_ends(&mut self, id: ChatId) {
        let Some(chat) = self.chat(id) else { return };
        let (window, wait, source) = (chat.window, self.now - chat.queued_at, chat.source as usize);
        if chat.first_replied() {
            return;
        }
        // Its wait is counted here unless an agent had started on it (turn model).
        let wait = (!chat.started).then_some(wait);
        if matches!(chat.state, ChatState::Bot | ChatState::Free) {
            return;
        }
        self.take_away(id);
        if let Some(k) = window {
            self.stats.abandoned(k, wait);
        }
        self.release(id, Outcome::Abandoned);
        if let Some(after) = &self.return_after
            && self.return_rng[source].random_bool(self.scenario.customers.return_probability)
        {
            let t = self.now + round_ms(after.sample(&mut self.return_rng[source])).min(MAX_AHEAD);
            if t < self.scenario.simulation.horizon {
                self.events.schedule(t, Event::Return(source as u32));
            }
        }
    }

    /// Carries out routing's decisions, including those that carrying them out produces.
    fn carry_out(&mut self) {
        let mut i = 0;
        while i < self.decisions.len() {
            match self.decisions[i] {
                Decision::Offer {
                    chat,
                    agent,
                    forced,
                } => self.offer(chat, agent, forced),
                Decision::Start { chat, agent } => self.start(chat, agent),
                Decision::Backlog { chat, agent } => {
                    // Seed 003: the agent's queue ("fila do vendedor") has its own flow.
                    self.note_agent(chat, "agent_queue", agent.0 as usize);
                    self.open_episode(chat, QueueKind::Agent);
                }
                Decision::Stranded {
                    chat,
                    nobody_online,
                } => {
                    self.note(
                        chat,
                        if nobody_online {
                            "stranded"
                        } else {
                            "unplaced"
                        },
                        "",
                    );
                    if self.chats[chat.index as usize].window.is_some() {
                        self.stats.stranded(nobody_online);
                    }
                }
            }
            i += 1;
        }
        self.decisions.clear();
    }

    /// The agent sees the offer and answers after its `accept_delay`: it refuses with its
    /// `refuse_probability` (never a forced offer), and an answer later than the team's
    /// `offer_timeout` is a timeout (SPEC §2.4, seed 001).
    fn offer(&mut self, chat: ChatId, agent: AgentId, forced: bool) {
        self.note_agent(
            chat,
            if forced { "forced_offer" } else { "offer" },
            agent.0 as usize,
        );
        let group = self.desks[agent.0 as usize].group;
        let scenario = self.scenario;
        let g = &scenario.agent_groups[group];
        if self.accept_delays[group].is_none() && (forced || g.refuse_probability == 0.0) {
            // Agents who answer at once and never refuse: the common case, no draw at all.
            self.router.accept(chat, &mut self.decisions);
            return;
        }
        let delay = self.accept_delays[group]
            .as_ref()
            .map_or(0.0, |d| d.sample(&mut self.agent_rng));
        let refuse = !forced
            && g.refuse_probability > 0.0
            && self.agent_rng.random_bool(g.refuse_probability);
        let c = &mut self.chats[chat.index as usize];
        let timeout = scenario
            .teams
            .get(c.queue.0 as usize)
            .and_then(|t| t.offer_timeout)
            .filter(|_| !forced);
        let (answer, after) = match timeout {
            Some(t) if delay > t as f64 => (Answer::Timeout, t),
            _ if refuse => (Answer::Refuse, round_ms(delay)),
            _ => (Answer::Accept, round_ms(delay)),
        };
        if answer == Answer::Accept && after == 0 {
            self.router.accept(chat, &mut self.decisions);
            return;
        }
        c.offer = c.offer.wrapping_add(1);
        c.offer_agent = agent.0;
        c.answer = answer;
        let offer = c.offer;
        self.events.schedule(
            self.now + after.min(MAX_AHEAD),
            Event::OfferAnswer { chat, offer },
        );
    }

    fn offer_answered(&mut self, id: ChatId, offer: u32) {
        let Some(c) = self.chat(id) else { return };
        if c.offer != offer || c.state != ChatState::Waiting {
            return;
        }
        let (agent, answer, queue) = (c.offer_agent as usize, c.answer, c.queue.0 as usize);
        if answer == Answer::Accept {
            self.router.accept(id, &mut self.decisions);
        } else {
            let what = if answer == Answer::Timeout {
                "timeout"
            } else {
                "refuse"
            };
            self.note_agent(id, what, agent);
            self.stats.refusal(self.desks[agent].group);
            if answer == Answer::Timeout
                && let Some(Some(away)) = self.not_ready_for.get(queue)
            {
                // Not ready for a while, then Ready again (seed 001: agents switch their
                // status back to "Pronto" to receive chats).
                let back = round_ms(away.sample(&mut self.agent_rng)).clamp(1, MAX_AHEAD);
                let desk = &mut self.desks[agent];
                desk.away = true;
                desk.away_version = desk.away_version.wrapping_add(1);
                let version = desk.away_version;
                self.events.schedule(
                    self.now + back,
                    Event::BackToReady {
                        agent: agent as u32,
                        version,
                    },
                );
                self.update_ready(agent);
            }
            self.router.refuse(id, self.now, &mut self.decisions);
        }
        self.carry_out();
    }

    /// An agent starts on a chat. The first time, the customer's wait ends (the block model's
    /// first reply, SPEC §2.10).
    fn start(&mut self, id: ChatId, agent: AgentId) {
        self.note_agent(id, "start", agent.0 as usize);
        let now = self.now;
        let chat = &mut self.chats[id.index as usize];
        debug_assert_eq!(chat.state, ChatState::Waiting);
        chat.state = ChatState::InService;
        self.stats.levels.queue_length -= 1.0;
        if !chat.started {
            chat.started = true;
            let wait = now - chat.queued_at;
            if let Some(k) = chat.window {
                self.stats.started(k, wait);
                if chat.talk.is_none() {
                    self.stats.first_reply(k, wait, wait);
                }
            }
            if let Some(talk) = chat.talk.as_mut() {
                talk.wait = wait;
            }
        }
        // The turn model ends chats by their conversation: no work to drain.
        let work = if chat.talk.is_some() {
            f64::INFINITY
        } else {
            chat.work
        };
        let agent = agent.0 as usize;
        self.drain_work(agent);
        self.desks[agent].chats.push(OnDesk {
            chat: id,
            left: work,
            since: now,
        });
        self.stats.levels.busy_slots += 1.0;
        self.reschedule(agent);
        self.chats_changed(agent);
        if let Some(talk) = &self.chats[id.index as usize].talk {
            // The chat is now the agent's ("fila do vendedor"): a new episode, unless it was
            // already timed by that flow while it waited behind the agent's capacity.
            if talk.episode.is_none_or(|e| e.kind != QueueKind::Agent) {
                self.open_episode(id, QueueKind::Agent);
            }
            let first = !self.chats[id.index as usize].first_replied();
            self.agent_writes(id, agent, first);
        }
    }

    /// Turn model: the agent starts writing a reply, which takes the sampled reply time
    /// stretched by the chats it holds: `reply × (1 + s(k - 1))` (SPEC §4).
    fn agent_writes(&mut self, id: ChatId, agent: usize, first: bool) {
        let Some(turns) = self.turns.as_ref() else {
            return;
        };
        let k = self.desks[agent].chats.len() as f64;
        let stretch = 1.0 + self.slowdown * (k - 1.0);
        let c = &mut self.chats[id.index as usize];
        let Some(talk) = c.talk.as_mut() else { return };
        let reply = if first {
            &turns.first_reply
        } else {
            &turns.agent_reply
        };
        let after = reply.sample(&mut talk.rng) * stretch;
        // Later replies race the customer's patience in conversation.
        let leaves = match (&turns.patience_in_conversation, first) {
            (Some(p), false) => Some(p.sample(&mut talk.rng)).filter(|&p| p < after),
            _ => None,
        };
        match leaves {
            Some(p) => self.talk_next(id, Step::CustomerLeaves, p),
            None => self.talk_next(id, Step::AgentReply, after),
        }
    }

    fn talk_next(&mut self, id: ChatId, step: Step, after: f64) {
        let talk = self.chats[id.index as usize]
            .talk
            .as_mut()
            .expect("turn model");
        talk.version = talk.version.wrapping_add(1);
        talk.next = step;
        let version = talk.version;
        self.events.schedule(
            self.now + round_ms(after).min(MAX_AHEAD),
            Event::Talk { chat: id, version },
        );
    }

    /// The next step of a conversation in the turn model (SPEC §4).
    fn talk(&mut self, id: ChatId, version: u32) {
        let Some(c) = self.chat(id) else { return };
        let Some(talk) = c.talk.as_ref() else { return };
        if c.state != ChatState::InService || talk.version != version {
            return;
        }
        let turns = self.turns.as_ref().expect("turn model");
        let Some(agent) = self.router.holder(id) else {
            return;
        };
        let agent = agent.0 as usize;
        let (k, step) = (c.window, talk.next);
        match step {
            Step::AgentReply => {
                let queued_at = c.queued_at;
                let c = &mut self.chats[id.index as usize];
                let talk = c.talk.as_mut().expect("turn model");
                if !talk.replied {
                    talk.replied = true;
                    if let Some(k) = k {
                        self.stats.first_reply(k, talk.wait, self.now - queued_at);
                    }
                    if let Some(log) = self.log.as_mut() {
                        log.first_reply(id.index, self.now);
                    }
                }
                talk.unanswered = false;
                talk.turns_left = talk.turns_left.saturating_sub(1);
                let silent =
                    talk.turns_left > 0 && talk.rng.random_bool(turns.customer_silent_probability);
                let next = if silent && self.scenario.inactivity.auto_close.is_some() {
                    // The customer says no more: the chat holds its slot until auto-close.
                    talk.version = talk.version.wrapping_add(1);
                    None
                } else if talk.turns_left == 0 || silent {
                    let wrap = turns
                        .wrap_up
                        .as_ref()
                        .map_or(0.0, |w| w.sample(&mut talk.rng));
                    Some((Step::WrapUp, wrap))
                } else {
                    Some((
                        Step::CustomerMessage,
                        turns.customer_reply.sample(&mut talk.rng),
                    ))
                };
                // Seed 003: the agent may snooze ("adiar") the chat it has just answered, so
                // that the customer's next message raises no alert while it is away.
                let snooze_now = next.is_none_or(|(step, _)| step == Step::CustomerMessage)
                    && self.snooze.as_ref().is_some_and(|s| {
                        s.after_reply > 0.0 && talk.rng.random_bool(s.after_reply)
                    });
                self.end_episode(id);
                self.touch(id);
                self.note_agent(id, "reply", agent);
                if let Some((step, after)) = next {
                    self.talk_next(id, step, after);
                }
                if snooze_now {
                    self.start_snooze(id);
                }
            }
            Step::CustomerMessage => {
                self.note(id, "customer", "");
                let c = &mut self.chats[id.index as usize];
                let talk = c.talk.as_mut().expect("turn model");
                talk.unanswered = true;
                // Snoozed already (after the agent's reply): the message waits, unalerted,
                // for the snooze to end.
                let snoozed = talk.snoozed;
                let snooze = !snoozed
                    && self
                        .snooze
                        .as_ref()
                        .is_some_and(|s| talk.rng.random_bool(s.probability));
                self.touch(id);
                if snooze {
                    self.start_snooze(id);
                } else if !snoozed {
                    self.open_episode(id, QueueKind::Agent);
                    self.agent_writes(id, agent, false);
                }
            }
            Step::CustomerLeaves => {
                if k.is_some() {
                    self.stats.abandoned_in_conversation();
                }
                self.take_away(id);
                self.release(id, Outcome::AbandonedInConversation);
            }
            Step::WrapUp => {
                self.end_episode(id);
                let group = self.desks[agent].group;
                self.off_desk(agent, id);
                self.part_done(id, group);
                self.reschedule(agent);
                self.chats_changed(agent);
            }
        }
    }

    /// The agent snoozes the chat (seed 003: "ele deverá adiar a conversa, assim, a gestão de
    /// inatividade não é acionada"): no episode runs until the snooze ends or the agent
    /// resumes it early ("continuar").
    fn start_snooze(&mut self, id: ChatId) {
        let Some(snooze) = self.snooze.as_ref() else {
            return;
        };
        let talk = self.chats[id.index as usize]
            .talk
            .as_mut()
            .expect("turn model");
        let duration = snooze.duration.sample(&mut talk.rng);
        let resume = match &snooze.resume_after {
            Some(r) if talk.rng.random_bool(snooze.resume_probability) => {
                Some(r.sample(&mut talk.rng)).filter(|&r| r < duration)
            }
            _ => None,
        };
        talk.snoozed = true;
        talk.snooze_version = talk.snooze_version.wrapping_add(1);
        let version = talk.snooze_version;
        self.note(id, "snooze", "");
        self.end_episode(id);
        self.events.schedule(
            self.now + round_ms(resume.unwrap_or(duration)).min(MAX_AHEAD),
            Event::SnoozeEnds {
                chat: id,
                version,
                early: resume.is_some(),
            },
        );
    }

    /// The snooze is over, or the agent resumed the chat: inactivity management acts again,
    /// with a new episode from now (SPEC §2.6), and a message that came in meanwhile gets its
    /// reply.
    fn snooze_ends(&mut self, id: ChatId, version: u32, early: bool) {
        let Some(c) = self.chat(id) else { return };
        let Some(talk) = c.talk.as_ref() else { return };
        if c.state != ChatState::InService || !talk.snoozed || talk.snooze_version != version {
            return;
        }
        let unanswered = talk.unanswered;
        let Some(agent) = self.router.holder(id) else {
            return;
        };
        self.chats[id.index as usize]
            .talk
            .as_mut()
            .expect("turn model")
            .snoozed = false;
        self.note(id, if early { "resume" } else { "snooze_end" }, "");
        self.touch(id);
        if unanswered {
            self.open_episode(id, QueueKind::Agent);
            self.agent_writes(id, agent.0 as usize, false);
        }
    }

    /// Brings the agent's remaining work up to now at the speed its current load allows
    /// (limited processor sharing, SPEC §4). Call before the load changes.
    fn drain_work(&mut self, agent: usize) {
        let desk = &mut self.desks[agent];
        let dt = (self.now - desk.last) as f64;
        desk.last = self.now;
        if dt > 0.0 && !desk.chats.is_empty() {
            let done = dt * speed(self.slowdown, desk.chats.len());
            for c in desk.chats.iter_mut() {
                c.left -= done;
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
                .map(|c| c.left)
                .fold(f64::INFINITY, f64::min)
                .max(0.0);
            if least.is_infinite() {
                // Turn model: chats end by their conversation, not by work.
                NEVER
            } else {
                self.now + ceil_ms(least / speed(self.slowdown, desk.chats.len())).min(MAX_AHEAD)
            }
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

    /// Takes a chat off an agent's desk, keeping the work it still needs.
    fn off_desk(&mut self, agent: usize, id: ChatId) {
        self.drain_work(agent);
        let desk = &mut self.desks[agent];
        if let Some(i) = desk.chats.iter().position(|c| c.chat == id) {
            let OnDesk { left, since, .. } = desk.chats.swap_remove(i);
            self.chats[id.index as usize].work = left.max(0.0);
            self.stats.levels.busy_slots -= 1.0;
            self.stats.slot_time(desk.group, since);
        }
    }

    fn completion(&mut self, agent: usize) {
        self.drain_work(agent);
        let desk = &mut self.desks[agent];
        let group = desk.group;
        let finished = &mut self.finished;
        desk.chats.retain(|c| {
            let done = c.left <= DONE;
            if done {
                finished.push(*c);
            }
            !done
        });
        desk.due = NEVER;
        let mut list = std::mem::take(&mut self.finished);
        for OnDesk { chat, since, .. } in list.drain(..) {
            self.stats.levels.busy_slots -= 1.0;
            self.stats.slot_time(group, since);
            self.part_done(chat, group);
        }
        self.finished = list;
        self.reschedule(agent);
        self.chats_changed(agent);
    }

    /// The agent is done with its part of the chat (off its desk already): the chat is
    /// transferred or resolved.
    fn part_done(&mut self, chat: ChatId, group: usize) {
        let scenario = self.scenario;
        let c = &mut self.chats[chat.index as usize];
        let transfer = c.transfer.take();
        let counted = c.window.is_some();
        if transfer.is_some()
            && let (Some(talk), Some(turns)) = (c.talk.as_mut(), self.turns.as_ref())
        {
            // A fresh conversation with the next agent; the first reply was already sent.
            talk.turns_left = turns.turns.sample(&mut talk.rng);
        }
        match (transfer, scenario.conversation.transfer_to) {
            // The agent hands the chat to another team, which takes it from the start.
            (Some(work), Some(TransferTarget::Team(to))) => {
                c.work = work;
                self.note(chat, "transfer", &scenario.teams[to.0 as usize].name);
                if counted {
                    self.stats.transfer();
                }
                self.router.release(chat, self.now, &mut self.decisions);
                self.carry_out();
                self.route_to(chat, QueueId(to.0));
                return;
            }
            // To an agent of a group, only if one is available; otherwise this agent finishes
            // the chat itself (seed 001).
            (Some(work), Some(TransferTarget::Agents(g))) => {
                let candidates = self.group_agents[g].clone().map(AgentId);
                if let Some(to) =
                    self.router
                        .transfer_to_agent(chat, candidates, self.now, &mut self.decisions)
                {
                    let c = &mut self.chats[chat.index as usize];
                    c.work = work;
                    c.state = ChatState::Waiting;
                    self.stats.levels.queue_length += 1.0;
                    if counted {
                        self.stats.transfer();
                    }
                    self.note_agent(chat, "transfer", to.0 as usize);
                    self.carry_out();
                    return;
                }
            }
            _ => {}
        }
        if counted {
            self.stats.resolved(group);
        }
        let source = self.chats[chat.index as usize].source as usize;
        self.router.release(chat, self.now, &mut self.decisions);
        self.carry_out();
        self.release(chat, Outcome::Resolved);
        // Seed 002: once a chat is concluded the bot takes over again, and a customer who
        // writes again is routed like a new contact.
        if let Some((p, after)) = &self.return_after_resolution
            && self.resolved_rng[source].random_bool(*p)
        {
            let t =
                self.now + round_ms(after.sample(&mut self.resolved_rng[source])).min(MAX_AHEAD);
            if t < scenario.simulation.horizon {
                self.events.schedule(t, Event::Return(source as u32));
            }
        }
    }

    /// The agent's number of chats changed: that matters to its presence only off shift,
    /// where holding chats keeps its slots online (the hot path skips the rest).
    fn chats_changed(&mut self, agent: usize) {
        if !self.router.agent(AgentId(agent as u32)).online {
            self.refresh_presence(agent);
        }
    }

    /// Shifts and breaks change. Every group's changes at this instant are applied together
    /// and only then are chats handed out, so agents who start together share the backlog
    /// (seed 004). At a shift start each agent may be absent for the whole shift
    /// (absenteeism, drawn per agent and shift); at an end the agent keeps or hands back its
    /// chats (SPEC §2.9); a new shift clears a missed offer's Not ready.
    fn calendar(&mut self) {
        let scenario = self.scenario;
        let start = scenario.simulation.start;
        let mut changes = std::mem::take(&mut self.changes);
        let mut leaving = std::mem::take(&mut self.leaving);
        let mut next = NEVER;
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            let on = group.schedule.is_on(self.now + start);
            let on_break = group.breaks.is_on(self.now + start);
            for a in self.group_agents[g].clone() {
                let desk = &mut self.desks[a as usize];
                let new_shift = desk.on_shift != on;
                if new_shift {
                    desk.on_shift = on;
                    desk.away = false;
                    desk.away_version = desk.away_version.wrapping_add(1);
                    desk.absent = on
                        && group.absenteeism > 0.0
                        && self.agent_rng.random_bool(group.absenteeism);
                    if !on && group.on_shift_end == OnShiftEnd::Requeue {
                        leaving.push(a);
                    }
                } else if desk.on_break == on_break {
                    continue;
                }
                desk.on_break = on_break;
                changes.push(RoutingPresence {
                    agent: AgentId(a),
                    online: desk.on_shift && !desk.absent,
                    ready: !desk.on_break && !desk.away,
                });
            }
            let changes_at = [
                group.schedule.next_change(self.now, start),
                group.breaks.next_change(self.now, start),
            ];
            next = changes_at.into_iter().flatten().fold(next, Millis::min);
        }
        self.router
            .update_presence(&changes, self.now, &mut self.decisions);
        self.carry_out();
        for &a in &leaving {
            self.hand_back(a as usize);
        }
        for p in &changes {
            self.refresh_presence(p.agent.0 as usize);
        }
        changes.clear();
        leaving.clear();
        self.changes = changes;
        self.leaving = leaving;
        if next != NEVER {
            self.events.schedule(next, Event::Calendar);
        }
    }

    /// `on_shift_end = "requeue"`: every chat the agent holds goes back to its queue.
    fn hand_back(&mut self, agent: usize) {
        let mut held = std::mem::take(&mut self.held);
        self.router.chats_of(AgentId(agent as u32), &mut held);
        // Chats not yet started go first: were a slot freed before them, the agent's queue
        // would move one into it and count a first reply that never happened.
        held.sort_by_key(|id| self.chats[id.index as usize].state == ChatState::InService);
        for &id in &held {
            self.note(id, "requeue", "");
            self.take_away(id);
            let queue = self.chats[id.index as usize].queue;
            self.route_to(id, queue);
        }
        self.held = held;
    }

    /// Ready unless on a break or set Not ready by a missed offer.
    fn update_ready(&mut self, agent: usize) {
        let desk = &self.desks[agent];
        let change = RoutingPresence {
            agent: AgentId(agent as u32),
            online: desk.on_shift && !desk.absent,
            ready: !desk.on_break && !desk.away,
        };
        self.router
            .update_presence(&[change], self.now, &mut self.decisions);
        self.carry_out();
        self.refresh_presence(agent);
    }

    fn refresh_presence(&mut self, agent: usize) {
        let a = self.router.agent(AgentId(agent as u32));
        let desk = &mut self.desks[agent];
        let presence = match (a.online, a.ready) {
            (true, true) => Presence::Ready,
            (true, false) if desk.away && !desk.on_break => Presence::Away,
            (true, false) => Presence::NotReady,
            (false, _) if !desk.chats.is_empty() => Presence::Finishing,
            (false, _) => Presence::Offline,
        };
        if presence == desk.presence {
            return;
        }
        let slots = desk.capacity as f64;
        let before = std::mem::replace(&mut desk.presence, presence);
        let group = self.stats.group(desk.group);
        let (mut present, mut online) = (0.0, 0.0);
        for (p, sign) in [(before, -1.0), (presence, 1.0)] {
            match p {
                Presence::Ready => group.ready += sign,
                Presence::NotReady => group.not_ready += sign,
                Presence::Away => {
                    group.not_ready += sign;
                    group.away += sign;
                }
                Presence::Offline | Presence::Finishing => group.offline += sign,
            }
            if p != Presence::Offline {
                group.present += sign * slots;
                present += sign * slots;
            }
            if matches!(p, Presence::Ready | Presence::NotReady | Presence::Away) {
                online += sign;
            }
        }
        self.stats.levels.present_slots += present;
        self.stats.levels.agents_online += online;
    }
}

/// Work per millisecond of each chat while an agent holds `k` of them.
#[inline]
fn speed(slowdown: f64, k: usize) -> f64 {
    1.0 / (1.0 + slowdown * (k as f64 - 1.0))
}

#[cfg(test)]
mod tests;
