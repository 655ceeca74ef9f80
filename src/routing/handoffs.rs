//! A chat that changes hands outside the team's rule: a transfer to a named agent (guide
//! `routing.md#transfers`), and a held chat that resumes with its agent (guide
//! `inactivity.md#on-hold`).

use super::*;

impl Router {
    /// A transfer to another agent: only to one who is available, online and Ready (guide
    /// `routing.md#transfers`: "para transferir um atendimento para outro analista ele precisa
    /// estar disponível"). Among `candidates` it goes to the available one with the most free slots
    /// (the first listed on a tie), into a slot or, if full, its queue; the sender's freed slot
    /// then refills like any other. Returns the receiving agent, or `None`, changing nothing, when
    /// nobody is available.
    pub fn transfer_to_agent(
        &mut self,
        chat: ChatId,
        candidates: impl IntoIterator<Item = AgentId>,
        now: Millis,
        out: &mut Vec<Decision>,
    ) -> Option<AgentId> {
        let Place::Slot(from) = self.place(chat) else {
            return None;
        };
        let free = |a: &AgentState| a.capacity as i64 - a.held as i64;
        let to = candidates
            .into_iter()
            .filter(|&c| c != from && self.agent(c).available())
            .max_by(|&x, &y| {
                free(self.agent(x))
                    .cmp(&free(self.agent(y)))
                    .then(y.0.cmp(&x.0))
            })?;
        self.vacate(chat, from, now, out, |r, out| {
            let a = &mut r.agents[to.0 as usize];
            a.assigned += 1;
            if a.held < a.capacity {
                a.held += 1;
                r.set_place(chat, Place::Slot(to));
                out.push(Decision::Start { chat, agent: to });
            } else {
                a.backlog.push_back(chat);
                r.set_place(chat, Place::Backlog(to));
                out.push(Decision::Backlog { chat, agent: to });
            }
            r.refresh_keys(to);
        });
        Some(to)
    }

    /// Whether the agent could take one more chat into a slot now: online, Ready, a slot free.
    pub fn can_take(&self, agent: AgentId) -> bool {
        let a = self.agent(agent);
        a.available() && a.held < a.capacity
    }

    /// A chat that left every agent (put on hold, guide `inactivity.md#on-hold`) goes back
    /// straight into a slot of `agent`, its agent before: only when that agent is online,
    /// Ready and has a free slot. Returns whether it did; otherwise nothing changes and the
    /// caller queues the chat.
    pub fn resume_with(
        &mut self,
        chat: ChatId,
        agent: AgentId,
        now: Millis,
        out: &mut Vec<Decision>,
    ) -> bool {
        if self.place(chat) != Place::Gone || !self.can_take(agent) || self.record(chat).is_none() {
            return false;
        }
        self.seat(chat, agent, now, out);
        true
    }

    /// The agent takes the chat into a slot of its own accord (a manual take, a resumed
    /// hold): no offer, the slot and the assignment counted at once.
    pub(super) fn seat(
        &mut self,
        chat: ChatId,
        agent: AgentId,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let a = &mut self.agents[agent.0 as usize];
        a.held += 1;
        a.assigned += 1;
        a.last_assigned = Some(now);
        self.set_place(chat, Place::Slot(agent));
        self.refresh_keys(agent);
        out.push(Decision::Start { chat, agent });
    }
}
