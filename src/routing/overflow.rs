//! Skills with ranks and overflow after a wait (guide `routing.md#overflow` `overflow_teams`): a
//! team's chats go first to its own agents; an agent group that lists the team in
//! `overflow_teams` takes them only once they have waited the team's `overflow_after`, and
//! only when no chat of its own teams waits (an agent with a free slot under `capacity` has
//! none waiting). The rule is ContactCenters' rank matrix with a minimum wait per group and
//! type, and Rocket.Chat's fallback department without the move.
//!
//! The secondary agents of a team form a pool ranked like a `capacity` team (most free slots,
//! then idle the longest); the chat stays the team's chat, in the team's queue, until a
//! secondary agent takes it. Secondary agents take the team's chats in queue order among
//! those that have waited long enough.

use super::*;

#[derive(Clone, Copy, Debug)]
pub(super) struct Overflow {
    /// How long a chat waits in the team's queue before secondary agents may take it.
    pub after: Millis,
    /// Index in `Router::teams` of the pool of the team's secondary agents.
    pub pool: u32,
}

/// The pool of team `team`'s secondary agents, created the first time a group names the team;
/// returns its index in `teams`.
pub(super) fn pool_of(teams: &mut Vec<TeamState>, team: TeamId) -> u32 {
    if let Some(o) = teams[team.0 as usize].overflow {
        return o.pool;
    }
    let pool = teams.len() as u32;
    teams.push(TeamState {
        distribution: Distribution::Capacity,
        members: Vec::new(),
        standings: capacity::Standings::default(),
        ring: Ring::default(),
        queue: TeamQueue::default(),
        overflow: None,
        source: Some(team),
        faster: false,
    });
    teams[team.0 as usize].overflow = Some(Overflow { after: 0, pool });
    pool
}

impl Router {
    /// How long team `team`'s chats wait before its secondary agents may take them; nothing
    /// for a team no group lists in `overflow_teams`.
    pub fn set_overflow_after(&mut self, team: TeamId, after: Millis) {
        if let Some(o) = &mut self.teams[team.0 as usize].overflow {
            o.after = after;
        }
    }

    /// A chat has just joined the queue of a team that overflows: with no wait it may go to a
    /// secondary agent at once; otherwise the engine comes back when it has waited.
    pub(super) fn overflow_later(
        &mut self,
        chat: ChatId,
        queue: QueueId,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let Some(o) = self.teams[queue.0 as usize].overflow else {
            return;
        };
        if o.after == 0 {
            self.sweep_overflow(queue, now, out);
        } else {
            out.push(Decision::Overflow { chat, queue });
        }
    }

    /// How long a chat waits in `queue` before it may overflow.
    pub fn overflow_wait(&self, queue: QueueId) -> Millis {
        self.teams[queue.0 as usize].overflow.map_or(0, |o| o.after)
    }

    /// The engine's call once a `Decision::Overflow`'s wait is over: if the chat still waits in
    /// its team's queue, the chats of that queue that waited long enough go to free secondary
    /// agents. A chat taken, gone or queued again since is simply not there any more.
    pub fn overflow_due(&mut self, chat: ChatId, now: Millis, out: &mut Vec<Decision>) {
        if let Place::Queued(queue) = self.place(chat) {
            self.sweep_overflow(queue, now, out);
        }
    }

    /// Hands the chats of `queue` that waited its overflow time, in queue order, to the pool's
    /// best secondary agent while one has a free slot.
    fn sweep_overflow(&mut self, queue: QueueId, now: Millis, out: &mut Vec<Decision>) {
        let Some(o) = self.teams[queue.0 as usize].overflow else {
            return;
        };
        while let Some(best) = self.teams[o.pool as usize].standings.best() {
            let to = self.teams[o.pool as usize].members[best];
            let Some((at, _, chat)) = self.overflowed(queue, o.after, now) else {
                return;
            };
            self.teams[queue.0 as usize].queue.take(at);
            self.offer(chat, to, false, now, out);
        }
    }

    /// The first chat of `queue`, in queue order, that has waited `after`, with its position
    /// and ticket. Without priorities the queue is in order of entry, so when its head has
    /// not waited long enough no chat has.
    fn overflowed(
        &mut self,
        queue: QueueId,
        after: Millis,
        now: Millis,
    ) -> Option<(usize, u64, ChatId)> {
        let chats = &self.chats;
        let live = waits_in(chats, queue);
        let waited = |c: ChatId| chats[c.index as usize].entered.saturating_add(after) <= now;
        let scan = self.priorities.active();
        self.teams[queue.0 as usize].queue.first(live, waited, scan)
    }

    /// For an agent none of whose own teams has a chat to give: the first chat, by queue
    /// order across teams, among those of the teams it is a secondary agent of that waited
    /// long enough, with its position, team and the pool's pick.
    #[cold]
    pub(super) fn overflow_for(
        &mut self,
        places: std::ops::Range<usize>,
        now: Millis,
    ) -> Option<(usize, ChatId, TeamId, AgentId)> {
        let mut first: Option<(u64, usize, ChatId, TeamId, AgentId)> = None;
        for p in places {
            let pool = self.standings_of[p].team as usize;
            let Some(team) = self.teams[pool].source else {
                continue;
            };
            let Some(o) = self.teams[team.0 as usize].overflow else {
                continue;
            };
            let Some((at, ticket, chat)) = self.overflowed(QueueId(team.0), o.after, now) else {
                continue;
            };
            if first.is_some_and(|f| f.0 < ticket) {
                continue;
            }
            let t = &self.teams[pool];
            if let Some(m) = t.standings.best() {
                first = Some((ticket, at, chat, team, t.members[m]));
            }
        }
        first.map(|(_, at, chat, team, to)| (at, chat, team, to))
    }

    /// After a refusal that none of the team's own agents can take over: a secondary agent
    /// who has not refused it, when the chat has waited long enough to overflow.
    pub(super) fn pick_secondary(&self, chat: ChatId, now: Millis) -> Option<AgentId> {
        let r = &self.chats[chat.index as usize];
        let o = self.teams[r.team.0 as usize].overflow?;
        if r.entered.saturating_add(o.after) > now {
            return None;
        }
        let pool = &self.teams[o.pool as usize];
        pool.members
            .iter()
            .enumerate()
            .filter(|(_, a)| !r.refused.contains(a))
            .map(|(p, &a)| (capacity::key(&self.agents[a.0 as usize], p, pool.faster), a))
            .filter(|&(k, _)| k > 0)
            .max()
            .map(|(_, a)| a)
    }
}
