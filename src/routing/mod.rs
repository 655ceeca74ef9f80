//! The routing rules of SPEC §1–§2 as a deterministic state machine: no randomness, no I/O, no
//! clock of its own. The engine tells it what happened (a chat entered a queue, a customer
//! left, a chat ended, an agent went on or off shift) and it answers with the assignments the
//! platform would make. A real platform could embed this module as it is.

pub mod capacity;
pub mod queue;

use crate::scenario::units::Millis;
use crate::scenario::{Distribution, TeamId};
use queue::TeamQueue;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub u32);

/// A chat's slot in the engine's table plus the generation of that slot, so that a stale
/// reference (a queue entry of a customer who left) never matches the slot's next occupant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChatId {
    pub index: u32,
    pub generation: u32,
}

/// The platform's decision: this chat now sits in one of this agent's slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub chat: ChatId,
    pub agent: AgentId,
}

/// What routing knows of an agent.
#[derive(Clone, Debug)]
pub struct AgentState {
    pub teams: Vec<TeamId>,
    pub capacity: u32,
    /// Chats in the agent's slots.
    pub held: u32,
    /// On shift (and so Ready): only online agents receive chats (SPEC §1).
    pub online: bool,
    pub last_assigned: Option<Millis>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Gone,
    Queued(TeamId),
    WithAgent(AgentId),
}

struct TeamState {
    distribution: Distribution,
    members: Vec<AgentId>,
    /// `capacity::key` of each member, kept current on every change to that agent.
    standings: capacity::Standings,
    queue: TeamQueue,
}

impl TeamState {
    fn pick(&self) -> Option<AgentId> {
        match self.distribution {
            Distribution::Capacity => self.standings.best().map(|i| self.members[i]),
        }
    }
}

pub struct Router {
    agents: Vec<AgentState>,
    /// For each agent, its (team, position among the team's members).
    memberships: Vec<Vec<(TeamId, usize)>>,
    teams: Vec<TeamState>,
    /// Where each chat is, by `ChatId::index`, with the generation it was last seen with.
    places: Vec<(u32, Place)>,
    next_ticket: u64,
}

impl Router {
    /// `agents[i]` is (teams, capacity) of agent `i`; everyone starts offline.
    pub fn new(distributions: &[Distribution], agents: &[(Vec<TeamId>, u32)]) -> Self {
        let mut teams: Vec<TeamState> = distributions
            .iter()
            .map(|&distribution| TeamState {
                distribution,
                members: Vec::new(),
                standings: capacity::Standings::default(),
                queue: TeamQueue::default(),
            })
            .collect();
        let mut memberships = Vec::with_capacity(agents.len());
        for (i, (ts, _)) in agents.iter().enumerate() {
            let mut mine = Vec::new();
            for &t in ts {
                let team = &mut teams[t.0 as usize];
                mine.push((t, team.members.len()));
                team.members.push(AgentId(i as u32));
            }
            memberships.push(mine);
        }
        for team in &mut teams {
            team.standings = capacity::Standings::new(team.members.len());
        }
        Router {
            agents: agents
                .iter()
                .map(|(teams, capacity)| AgentState {
                    teams: teams.clone(),
                    capacity: *capacity,
                    held: 0,
                    online: false,
                    last_assigned: None,
                })
                .collect(),
            memberships,
            teams,
            places: Vec::new(),
            next_ticket: 0,
        }
    }

    pub fn agent(&self, id: AgentId) -> &AgentState {
        &self.agents[id.0 as usize]
    }

    pub fn waiting(&self, team: TeamId) -> u32 {
        self.teams[team.0 as usize].queue.waiting()
    }

    fn place(&self, chat: ChatId) -> Place {
        match self.places.get(chat.index as usize) {
            Some(&(generation, place)) if generation == chat.generation => place,
            _ => Place::Gone,
        }
    }

    fn set_place(&mut self, chat: ChatId, place: Place) {
        let i = chat.index as usize;
        if i >= self.places.len() {
            self.places.resize(i + 1, (0, Place::Gone));
        }
        self.places[i] = (chat.generation, place);
    }

    /// A chat enters a team's queue (arrival, after the bot). It goes straight to an agent if
    /// the team's distribution finds one, and waits otherwise.
    pub fn enqueue(&mut self, chat: ChatId, team: TeamId, now: Millis, out: &mut Vec<Assignment>) {
        match self.teams[team.0 as usize].pick() {
            Some(agent) => self.assign(chat, agent, now, out),
            None => {
                self.set_place(chat, Place::Queued(team));
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                self.teams[team.0 as usize].queue.push(ticket, chat);
            }
        }
    }

    /// The customer left before an agent took the chat. Returns whether it was still waiting.
    pub fn withdraw(&mut self, chat: ChatId) -> bool {
        match self.place(chat) {
            Place::Queued(team) => {
                self.teams[team.0 as usize].queue.forget_one();
                self.set_place(chat, Place::Gone);
                true
            }
            _ => false,
        }
    }

    /// The chat in an agent's slot ended; the freed slot takes the oldest waiting chat.
    pub fn finish(&mut self, chat: ChatId, now: Millis, out: &mut Vec<Assignment>) {
        if let Place::WithAgent(agent) = self.place(chat) {
            self.set_place(chat, Place::Gone);
            self.agents[agent.0 as usize].held -= 1;
            self.refresh_keys(agent);
            self.dispatch_for(agent, now, out);
        }
    }

    /// Shift start or end. Going offline keeps the agent's chats (`on_shift_end = "keep"`,
    /// SPEC §2.9); coming online under `capacity` takes the waiting backlog (seed 004).
    pub fn set_online(
        &mut self,
        agent: AgentId,
        online: bool,
        now: Millis,
        out: &mut Vec<Assignment>,
    ) {
        let a = &mut self.agents[agent.0 as usize];
        if a.online == online {
            return;
        }
        a.online = online;
        self.refresh_keys(agent);
        if online {
            self.dispatch_for(agent, now, out);
        }
    }

    fn assign(&mut self, chat: ChatId, agent: AgentId, now: Millis, out: &mut Vec<Assignment>) {
        self.set_place(chat, Place::WithAgent(agent));
        let a = &mut self.agents[agent.0 as usize];
        a.held += 1;
        a.last_assigned = Some(now);
        self.refresh_keys(agent);
        out.push(Assignment { chat, agent });
    }

    fn refresh_keys(&mut self, agent: AgentId) {
        let a = &self.agents[agent.0 as usize];
        for &(team, at) in &self.memberships[agent.0 as usize] {
            self.teams[team.0 as usize]
                .standings
                .set(at, capacity::key(a, at));
        }
    }

    /// Something changed for `agent` (a slot freed, it came online): hand out waiting chats of
    /// its teams, oldest first, while anyone eligible can take them.
    fn dispatch_for(&mut self, agent: AgentId, now: Millis, out: &mut Vec<Assignment>) {
        loop {
            let mut oldest: Option<(u64, ChatId, TeamId, AgentId)> = None;
            for ti in 0..self.agents[agent.0 as usize].teams.len() {
                let team = self.agents[agent.0 as usize].teams[ti];
                let places = &self.places;
                let t = &mut self.teams[team.0 as usize];
                let live = |c: ChatId| matches!(places.get(c.index as usize), Some(&(g, Place::Queued(q))) if g == c.generation && q == team);
                let Some((ticket, chat)) = t.queue.head(live) else {
                    continue;
                };
                if oldest.is_some_and(|o| o.0 < ticket) {
                    continue;
                }
                if let Some(to) = t.pick() {
                    oldest = Some((ticket, chat, team, to));
                }
            }
            let Some((_, chat, team, to)) = oldest else {
                return;
            };
            self.teams[team.0 as usize].queue.pop_head();
            self.assign(chat, to, now, out);
        }
    }
}

#[cfg(test)]
mod tests;
