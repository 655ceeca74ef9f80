//! The routing rules (guide `routing.md`) as a deterministic state machine: no randomness, no
//! I/O, no clock of its own. The engine tells it what happened (a chat entered a queue, an agent
//! answered an offer, a customer left, a chat ended, an agent's presence changed, an agent picked
//! up work by hand) and it answers with the decisions the platform would make. A real platform
//! could embed this module as it is.
//!
//! The steps every chat takes (`enqueue`, `pick`, `offer`, `accept`, `release`, `unassign`,
//! `refresh_keys`, `dispatch_for`) are `#[inline(always)]`: left to the compiler they stayed
//! calls, and inlining them into the engine's event loop cut its instructions per chat on
//! `scenarios/bench-mmn.toml` by about a tenth.

pub mod capacity;
mod handoffs;
mod offers;
mod overflow;
mod pickup;
mod presence;
pub mod priority;
pub mod queue;
pub mod sequential;
mod supervisor;

use std::collections::VecDeque;

use crate::time::Millis;
use priority::Priorities;
use queue::TeamQueue;
use sequential::Ring;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);

/// A team, numbered in the order the scenario lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamId(pub u32);

/// How a team hands out its chats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// Most free slots first, waiting chats handed out automatically (guide
    /// `routing.md#capacity-distribution`).
    Capacity,
    /// Round robin, load ignored unless `max_chats` is set; no sweep (guide
    /// `routing.md#sequential-distribution-round-robin`).
    Sequential { max_chats: Option<u32> },
    /// Nothing automatic: agents take chats from the queue themselves.
    Manual,
}

/// A queue chats wait in: a team's, or the Waiting box ("Aguardando", guide
/// `routing.md#the-waiting-box-and-weighted-routes`), where chats go when no route sends them to a
/// team. The Waiting box is numbered after the teams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QueueId(pub u32);

/// A chat's slot in the engine's table plus the generation of that slot, so that a stale
/// reference (a queue entry of a customer who left) never matches the slot's next occupant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChatId {
    pub index: u32,
    pub generation: u32,
}

/// What the platform does; the engine carries it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The chat is offered to the agent, who accepts or refuses (guide
    /// `routing.md#offers-refusals-and-timeouts`). A `forced` offer comes back to an agent who
    /// refused when nobody else could take it: it must be accepted.
    Offer {
        chat: ChatId,
        agent: AgentId,
        forced: bool,
    },
    /// The chat now sits in one of the agent's slots: the agent is working on it.
    Start { chat: ChatId, agent: AgentId },
    /// The agent accepted the chat into its own queue ("fila do vendedor", guide `inactivity.md`):
    /// it is the agent's from now on, and waits there for one of its slots to free (guide
    /// `routing.md#sequential-distribution-round-robin`).
    Backlog { chat: ChatId, agent: AgentId },
    /// A `sequential` chat found no eligible agent: it stays in the team queue until someone takes
    /// it by hand (guide `routing.md#sequential-distribution-round-robin`). `nobody_online` tells
    /// `stranded` (no member of the team was online) from `unplaced` (members were online but all
    /// Not ready or at `max_chats`).
    Stranded { chat: ChatId, nobody_online: bool },
    /// A refused chat found nobody to take it, not even an agent who refused it (they went
    /// offline, on a break or Not ready): it is back in its queue, in its place by age, and
    /// waits there like any other chat.
    Returned { chat: ChatId, queue: QueueId },
    /// The chat waits in `queue`, a team queue that overflows (guide `routing.md#overflow`
    /// `overflow_teams`): once it has waited `Router::overflow_wait` there, the team's
    /// secondary agents may take it, and the engine calls `Router::overflow_due` then.
    /// (The time is not carried here, to keep every decision two words long.)
    Overflow { chat: ChatId, queue: QueueId },
}

/// An agent's presence as routing sees it: only online and Ready agents receive chats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presence {
    pub agent: AgentId,
    pub online: bool,
    pub ready: bool,
}

/// Who may take chats from which queues by hand (guide
/// `routing.md#manual-takes-supervisors-and-admins`), and whether routing hands the agent chats
/// automatically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Receives its teams' chats and may take from their queues.
    Agent,
    /// Watches its teams: takes from their queues by hand, receives nothing automatically.
    Supervisor,
    /// Takes from every team's queue by hand, receives nothing automatically.
    Admin,
}

/// What routing needs to know of an agent when it is created.
#[derive(Clone, Debug)]
pub struct AgentSpec {
    pub teams: Vec<TeamId>,
    pub capacity: u32,
    pub role: Role,
    /// May a manual take exceed capacity (guide `routing.md#manual-takes-supervisors-and-admins`)?
    pub manual_over_capacity: bool,
    /// Teams whose chats the agent takes only after they waited the team's overflow time, and only
    /// when none of its own teams' chats wait (guide `routing.md#overflow` `overflow_teams`).
    pub overflow_teams: Vec<TeamId>,
    /// The agent's place among the centre's speeds, faster higher: what teams that prefer
    /// faster agents rank by (guide `routing.md#faster-first` `faster_first`).
    pub speed_rank: u8,
}

/// What routing knows of an agent.
#[derive(Clone, Debug)]
pub struct AgentState {
    pub teams: Vec<TeamId>,
    pub capacity: u32,
    pub role: Role,
    manual_over_capacity: bool,
    /// Slots in use: chats being worked on, plus offers under `capacity` distribution, which
    /// hold the slot they were picked for.
    pub held: u32,
    /// Everything the agent owns: offers, its queue and its slots (for `max_chats`).
    pub assigned: u32,
    /// On shift: only online agents receive chats (guide `routing.md#capacity-distribution`).
    pub online: bool,
    /// Ready, not on a break or set Not ready.
    pub ready: bool,
    pub last_assigned: Option<Millis>,
    pub speed_rank: u8,
    /// The agent's queue: accepted chats beyond its capacity, in arrival order (guide
    /// `routing.md#capacity-distribution`).
    backlog: VecDeque<ChatId>,
}

impl AgentState {
    pub fn new(spec: &AgentSpec) -> Self {
        AgentState {
            teams: spec.teams.clone(),
            capacity: spec.capacity,
            role: spec.role,
            manual_over_capacity: spec.manual_over_capacity,
            held: 0,
            assigned: 0,
            online: false,
            ready: true,
            last_assigned: None,
            speed_rank: spec.speed_rank,
            backlog: VecDeque::new(),
        }
    }

    pub fn available(&self) -> bool {
        self.online && self.ready
    }

    #[cfg(test)]
    pub fn backlog(&self) -> usize {
        self.backlog.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Gone,
    Queued(QueueId),
    Offered { agent: AgentId, reserved: bool },
    Backlog(AgentId),
    Slot(AgentId),
}

/// Whether a queue entry is a chat that still waits in `q`: an entry outlives its chat when the
/// customer leaves (queues forget lazily) or the chat's slot is reused.
fn waits_in(chats: &[ChatRecord], q: QueueId) -> impl Fn(ChatId) -> bool + '_ {
    move |c| matches!(chats.get(c.index as usize), Some(r) if r.generation == c.generation && r.place == Place::Queued(q))
}

/// Routing's record of one chat slot.
#[derive(Clone, Debug)]
struct ChatRecord {
    generation: u32,
    place: Place,
    /// The team whose distribution routes the chat (for picks after a refusal).
    team: TeamId,
    /// Agents who refused this chat, last one last; cleared, not freed, on reuse.
    refused: Vec<AgentId>,
    /// Its place in the order of queues: when it entered its current queue. A refused chat
    /// that goes back to the queue takes this place again.
    ticket: u64,
    /// When it entered its current queue: its wait before it may overflow counts from here.
    entered: Millis,
}

/// An agent's place in a `capacity` team: the team, its position among the members, and
/// whether the team ranks faster agents first.
#[derive(Clone, Copy, Debug)]
struct Standing {
    team: u32,
    position: u32,
    faster: bool,
}

struct TeamState {
    distribution: Distribution,
    /// Members who receive chats automatically (role `agent`), in index order.
    members: Vec<AgentId>,
    /// `capacity::key` of each member, kept current on every change to that agent.
    standings: capacity::Standings,
    ring: Ring,
    queue: TeamQueue,
    /// Whether the team's waiting chats overflow to secondary agents, and when.
    overflow: Option<overflow::Overflow>,
    /// For a pool of secondary agents: the team whose chats it takes.
    source: Option<TeamId>,
    /// Whether the team ranks faster agents first among equal free slots.
    faster: bool,
}

pub struct Router {
    agents: Vec<AgentState>,
    /// Each agent's places in the standings of its `capacity` teams, agent after agent: the
    /// only teams whose standings routing reads, so the only ones kept current.
    standings_of: Vec<Standing>,
    /// Where each agent's run of `standings_of` starts (one more entry than agents).
    standings_from: Vec<u32>,
    /// Where each agent's places in the pools of its `overflow_teams` start in `standings_of`:
    /// they come after its own teams' and run to the next agent's start.
    pools_from: Vec<u32>,
    /// The teams' queues, then the Waiting box, then the pools of secondary agents of teams
    /// that overflow (guide `routing.md#overflow` `overflow_teams`): a pool ranks its agents as a
    /// `capacity` team does, and its own queue stays empty.
    teams: Vec<TeamState>,
    /// Index of the Waiting box in `teams`.
    waiting_box: u32,
    /// Whether any team overflows to secondary agents (guide `routing.md#overflow`
    /// `overflow_teams`).
    overflows: bool,
    chats: Vec<ChatRecord>,
    next_ticket: u64,
    /// Classes that order the queues (guide `routing.md#priority-classes-and-sla-order`); none by
    /// default.
    pub priorities: Priorities,
    /// Scratch list of agents who became available in one presence update.
    arrived: Vec<AgentId>,
    /// Scratch list of the queues a supervisor still hands chats out from.
    open_queues: Vec<QueueId>,
}

impl Router {
    /// Everyone starts offline and Ready.
    pub fn new(distributions: &[Distribution], agents: &[AgentSpec]) -> Self {
        let mut teams: Vec<TeamState> = distributions
            .iter()
            .chain(std::iter::once(&Distribution::Manual))
            .map(|&distribution| TeamState {
                distribution,
                members: Vec::new(),
                standings: capacity::Standings::default(),
                ring: Ring::default(),
                queue: TeamQueue::default(),
                overflow: None,
                source: None,
                faster: false,
            })
            .collect();
        let waiting_box = teams.len() as u32 - 1;
        let mut standings_of = Vec::new();
        let mut standings_from = vec![0];
        let mut pools_from = Vec::new();
        for (i, spec) in agents.iter().enumerate() {
            if spec.role == Role::Agent {
                for &t in &spec.teams {
                    let team = &mut teams[t.0 as usize];
                    if team.distribution == Distribution::Capacity {
                        standings_of.push(Standing {
                            team: t.0,
                            position: team.members.len() as u32,
                            faster: false,
                        });
                    }
                    team.members.push(AgentId(i as u32));
                }
            }
            pools_from.push(standings_of.len() as u32);
            if spec.role == Role::Agent {
                for &t in &spec.overflow_teams {
                    let pool = overflow::pool_of(&mut teams, t);
                    standings_of.push(Standing {
                        team: pool,
                        position: teams[pool as usize].members.len() as u32,
                        faster: false,
                    });
                    teams[pool as usize].members.push(AgentId(i as u32));
                }
            }
            standings_from.push(standings_of.len() as u32);
        }
        for team in &mut teams {
            team.standings = capacity::Standings::new(team.members.len());
        }
        Router {
            agents: agents.iter().map(AgentState::new).collect(),
            standings_of,
            standings_from,
            pools_from,
            overflows: teams.len() as u32 > waiting_box + 1,
            teams,
            waiting_box,
            chats: Vec::new(),
            next_ticket: 0,
            priorities: Priorities::default(),
            arrived: Vec::new(),
            open_queues: Vec::new(),
        }
    }

    /// Team `team` (and the pool of its secondary agents) ranks faster agents first among those
    /// with the same free slots (guide `routing.md#faster-first` `faster_first`). Set before anyone
    /// comes online.
    pub fn prefer_faster(&mut self, team: TeamId) {
        let pool = self.teams[team.0 as usize].overflow.map(|o| o.pool);
        for t in std::iter::once(team.0).chain(pool) {
            self.teams[t as usize].faster = true;
        }
        for s in &mut self.standings_of {
            s.faster |= s.team == team.0 || Some(s.team) == pool;
        }
    }

    pub fn waiting_box(&self) -> QueueId {
        QueueId(self.waiting_box)
    }

    pub fn agent(&self, id: AgentId) -> &AgentState {
        &self.agents[id.0 as usize]
    }

    pub fn waiting(&self, queue: QueueId) -> u32 {
        self.teams[queue.0 as usize].queue.waiting()
    }

    fn record(&mut self, chat: ChatId) -> Option<&mut ChatRecord> {
        self.chats
            .get_mut(chat.index as usize)
            .filter(|r| r.generation == chat.generation)
    }

    fn place(&self, chat: ChatId) -> Place {
        match self.chats.get(chat.index as usize) {
            Some(r) if r.generation == chat.generation => r.place,
            _ => Place::Gone,
        }
    }

    fn set_place(&mut self, chat: ChatId, place: Place) {
        if let Some(r) = self.record(chat) {
            r.place = place;
        }
    }

    /// A chat enters a queue (after the bot, on a transfer or a requeue). Under `capacity` or
    /// `sequential` it is offered to an agent if one is eligible; otherwise it waits.
    #[inline(always)]
    pub fn enqueue(&mut self, chat: ChatId, queue: QueueId, now: Millis, out: &mut Vec<Decision>) {
        self.enqueue_avoiding(chat, queue, None, now, out);
    }

    /// `enqueue` for a chat an inactivity flow moved away from `avoid`, its agent: it goes to
    /// another eligible agent if there is one, and back to `avoid` only if nobody else can
    /// take it, so that a move never hands the chat straight back to the agent who let it
    /// wait.
    #[inline(always)]
    pub fn enqueue_avoiding(
        &mut self,
        chat: ChatId,
        queue: QueueId,
        avoid: Option<AgentId>,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        self.enqueue_away(chat, queue, avoid, true, now, out);
    }

    /// `enqueue` for a chat taken from `avoid`: to another eligible agent if there is one;
    /// else back to `avoid` when `fall_back`, or to the queue to wait (a `reassign`, which
    /// must not hand the chat to the agent who let it wait).
    pub fn enqueue_away(
        &mut self,
        chat: ChatId,
        queue: QueueId,
        avoid: Option<AgentId>,
        fall_back: bool,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let i = self.admit(chat, queue, now);
        let distribution = self.teams[queue.0 as usize].distribution;
        let pick = match (distribution, avoid) {
            (Distribution::Manual, _) => None,
            (_, None) => self.pick(chat, TeamId(queue.0)),
            (_, Some(away)) => {
                self.chats[i].refused.push(away);
                let other = self.pick(chat, TeamId(queue.0));
                self.chats[i].refused.clear();
                match fall_back {
                    true => other.or_else(|| self.pick(chat, TeamId(queue.0))),
                    false => other,
                }
            }
        };
        match pick {
            Some(agent) => self.offer(chat, agent, false, now, out),
            None => {
                self.push_queue(chat, queue);
                self.strand(chat, queue, out);
                if self.teams[queue.0 as usize].overflow.is_some() {
                    self.overflow_later(chat, queue, now, out);
                }
            }
        }
    }

    /// A chat enters `queue`: a new routing, its earlier refusals forgotten, its place in the
    /// queue's order taken now. Returns its index in `chats`.
    #[inline(always)]
    fn admit(&mut self, chat: ChatId, queue: QueueId, now: Millis) -> usize {
        let i = chat.index as usize;
        if i >= self.chats.len() {
            self.chats.resize_with(i + 1, || ChatRecord {
                generation: 0,
                place: Place::Gone,
                team: TeamId(0),
                refused: Vec::new(),
                ticket: 0,
                entered: 0,
            });
        }
        let ticket = self.priorities.ticket(chat, self.next_ticket, now);
        self.next_ticket += 1;
        let r = &mut self.chats[i];
        r.generation = chat.generation;
        r.refused.clear();
        r.team = TeamId(queue.0);
        r.ticket = ticket;
        r.entered = now;
        i
    }

    /// `enqueue` for a returning customer whose chat `agent` resolved within the reopen window
    /// (guide `routing.md#customers-who-come-back-and-reopened-chats` `return_after_resolution`):
    /// the chat is offered to that agent first when it is an agent of the queue's team, online,
    /// Ready and with a free slot; otherwise, or if it refuses, the team's rule routes it.
    #[cold]
    pub fn enqueue_to(
        &mut self,
        chat: ChatId,
        queue: QueueId,
        agent: AgentId,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let a = self.agent(agent);
        let member = a.role == Role::Agent && a.teams.contains(&TeamId(queue.0));
        // The Waiting box is no agent's team, so a chat bound there is never a member's.
        if !member || !self.can_take(agent) {
            return self.enqueue(chat, queue, now, out);
        }
        self.admit(chat, queue, now);
        self.offer(chat, agent, false, now, out);
    }

    /// A chat left waiting in a `sequential` team's queue waits for a manual take: say why.
    fn strand(&self, chat: ChatId, queue: QueueId, out: &mut Vec<Decision>) {
        let team = &self.teams[queue.0 as usize];
        if let Distribution::Sequential { .. } = team.distribution {
            let nobody_online = !team
                .members
                .iter()
                .any(|a| self.agents[a.0 as usize].online);
            out.push(Decision::Stranded {
                chat,
                nobody_online,
            });
        }
    }

    #[inline(always)]
    fn push_queue(&mut self, chat: ChatId, queue: QueueId) {
        self.set_place(chat, Place::Queued(queue));
        let ticket = self.chats[chat.index as usize].ticket;
        self.teams[queue.0 as usize].queue.push(ticket, chat);
    }

    /// The team's choice for `chat`, leaving out agents who refused it.
    #[inline(always)]
    fn pick(&mut self, chat: ChatId, team: TeamId) -> Option<AgentId> {
        let refused = &self.chats[chat.index as usize].refused;
        let agents = &self.agents;
        let t = &mut self.teams[team.0 as usize];
        match t.distribution {
            Distribution::Manual => None,
            Distribution::Capacity if refused.is_empty() => {
                t.standings.best().map(|p| t.members[p])
            }
            Distribution::Capacity => t
                .members
                .iter()
                .enumerate()
                .filter(|(_, a)| !refused.contains(a))
                .map(|(p, &a)| (capacity::key(&agents[a.0 as usize], p, t.faster), a))
                .filter(|&(k, _)| k > 0)
                .max()
                .map(|(_, a)| a),
            Distribution::Sequential { max_chats } => {
                let members = &t.members;
                let eligible = |p: usize| {
                    let a = &agents[members[p].0 as usize];
                    a.available()
                        && max_chats.is_none_or(|m| a.assigned < m)
                        && !refused.contains(&members[p])
                };
                t.ring.pick(members.len(), eligible).map(|p| members[p])
            }
        }
    }

    /// The chat leaves its agent: it ended, or it is being transferred or handed back. The freed
    /// slot takes the agent's own queue first, then waiting chats (guide
    /// `routing.md#capacity-distribution`).
    #[inline(always)]
    pub fn release(&mut self, chat: ChatId, now: Millis, out: &mut Vec<Decision>) {
        let agent = match self.place(chat) {
            Place::Slot(a) | Place::Backlog(a) | Place::Offered { agent: a, .. } => a,
            Place::Queued(_) | Place::Gone => return,
        };
        self.vacate(chat, agent, now, out, |r, _| r.set_place(chat, Place::Gone));
    }

    /// The one way a chat leaves an agent (it ended, was refused, withdrawn, transferred or
    /// handed back): the chat is taken off, `place` says where it goes, and then the agent's
    /// freed place refills — its own queue first, then waiting chats of `capacity` teams.
    /// Every path goes through here, so none can leave a slot empty while chats wait.
    fn vacate(
        &mut self,
        chat: ChatId,
        agent: AgentId,
        now: Millis,
        out: &mut Vec<Decision>,
        place: impl FnOnce(&mut Self, &mut Vec<Decision>),
    ) {
        self.unassign(chat, agent);
        place(self, out);
        self.dispatch_for(agent, now, out);
    }

    /// Takes the chat off the agent, whatever stage it is at, without refilling the slot.
    #[inline(always)]
    fn unassign(&mut self, chat: ChatId, agent: AgentId) {
        let place = self.place(chat);
        let a = &mut self.agents[agent.0 as usize];
        match place {
            Place::Slot(_) | Place::Offered { reserved: true, .. } => a.held -= 1,
            Place::Backlog(_) => a.backlog.retain(|&c| c != chat),
            _ => {}
        }
        a.assigned -= 1;
        self.refresh_keys(agent);
    }

    /// The agent whose slot the chat is in.
    pub fn holder(&self, chat: ChatId) -> Option<AgentId> {
        match self.place(chat) {
            Place::Slot(a) => Some(a),
            _ => None,
        }
    }

    /// Every chat the agent holds, in slots, queue and on offer (for `on_shift_end = "requeue"`).
    pub fn chats_of(&self, agent: AgentId, into: &mut Vec<ChatId>) {
        into.clear();
        for (i, r) in self.chats.iter().enumerate() {
            let mine = match r.place {
                Place::Slot(a) | Place::Backlog(a) | Place::Offered { agent: a, .. } => a == agent,
                _ => false,
            };
            if mine {
                into.push(ChatId {
                    index: i as u32,
                    generation: r.generation,
                });
            }
        }
    }

    /// The ticket and chat at the head of a queue, skipping customers who left.
    fn head(&mut self, q: QueueId) -> Option<(u64, ChatId)> {
        let live = waits_in(&self.chats, q);
        self.teams[q.0 as usize].queue.head(live)
    }

    /// The agent's places in the standings of its `capacity` teams.
    fn standings(&self, agent: AgentId) -> std::ops::Range<usize> {
        let a = agent.0 as usize;
        self.standings_from[a] as usize..self.standings_from[a + 1] as usize
    }

    #[inline(always)]
    fn refresh_keys(&mut self, agent: AgentId) {
        let a = &self.agents[agent.0 as usize];
        for &Standing {
            team,
            position,
            faster,
        } in &self.standings_of[self.standings(agent)]
        {
            let position = position as usize;
            self.teams[team as usize]
                .standings
                .set(position, capacity::key(a, position, faster));
        }
    }

    /// Something changed for `agent` (a slot freed, it came online or Ready): the agent's own queue
    /// fills the slot first; then `capacity` teams hand out waiting chats, oldest first, while
    /// anyone eligible can take them. `sequential` never sweeps (guide
    /// `routing.md#capacity-distribution`).
    #[inline(always)]
    fn dispatch_for(&mut self, agent: AgentId, now: Millis, out: &mut Vec<Decision>) {
        loop {
            let a = &mut self.agents[agent.0 as usize];
            if a.held >= a.capacity {
                break;
            }
            let Some(chat) = a.backlog.pop_front() else {
                break;
            };
            a.held += 1;
            self.set_place(chat, Place::Slot(agent));
            self.refresh_keys(agent);
            out.push(Decision::Start { chat, agent });
        }
        let places = self.standings(agent);
        if places.is_empty() {
            return;
        }
        // Agents of a centre without overflow have no pools: no lookup for them.
        let own = match self.overflows {
            false => places.clone(),
            true => places.start..self.pools_from[agent.0 as usize] as usize,
        };
        loop {
            let mut oldest: Option<(u64, ChatId, TeamId, AgentId)> = None;
            for p in own.clone() {
                let team = TeamId(self.standings_of[p].team);
                let Some((ticket, chat)) = self.head(QueueId(team.0)) else {
                    continue;
                };
                if oldest.is_some_and(|o| o.0 < ticket) {
                    continue;
                }
                let t = &self.teams[team.0 as usize];
                if let Some(p) = t.standings.best() {
                    oldest = Some((ticket, chat, team, t.members[p]));
                }
            }
            let (chat, team, to) = match oldest {
                Some((_, chat, team, to)) => {
                    self.teams[team.0 as usize].queue.pop_head();
                    (chat, team, to)
                }
                None if own.end < places.end => match self.overflow_for(own.end..places.end, now) {
                    Some((at, chat, team, to)) => {
                        self.teams[team.0 as usize].queue.take(at);
                        (chat, team, to)
                    }
                    None => return,
                },
                None => return,
            };
            self.chats[chat.index as usize].team = team;
            self.offer(chat, to, false, now, out);
        }
    }
}

#[cfg(test)]
mod tests;
