//! Offers (guide `routing.md#offers-refusals-and-timeouts`): a chat offered to an agent, who
//! accepts or refuses it; a refused chat goes to the next agent not yet tried, and back to a
//! refuser only when nobody else is left.

use super::*;

impl Router {
    pub(super) fn reserves(&self, chat: ChatId) -> bool {
        let team = self.chats[chat.index as usize].team;
        self.teams[team.0 as usize].distribution == Distribution::Capacity
    }

    #[inline(always)]
    pub(super) fn offer(
        &mut self,
        chat: ChatId,
        agent: AgentId,
        forced: bool,
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let reserved = self.reserves(chat);
        self.set_place(chat, Place::Offered { agent, reserved });
        let a = &mut self.agents[agent.0 as usize];
        a.assigned += 1;
        a.held += reserved as u32;
        a.last_assigned = Some(now);
        self.refresh_keys(agent);
        out.push(Decision::Offer {
            chat,
            agent,
            forced,
        });
    }

    /// The agent accepted the offer: the chat takes a slot, or waits in the agent's queue when
    /// `sequential` gave the agent more chats than its capacity (guide
    /// `routing.md#offers-refusals-and-timeouts`).
    #[inline(always)]
    pub fn accept(&mut self, chat: ChatId, out: &mut Vec<Decision>) {
        let Place::Offered { agent, reserved } = self.place(chat) else {
            return;
        };
        let a = &mut self.agents[agent.0 as usize];
        if reserved {
            // The slot was taken when the offer was made: the picks see no change.
            self.set_place(chat, Place::Slot(agent));
            out.push(Decision::Start { chat, agent });
        } else if a.held < a.capacity {
            a.held += 1;
            self.set_place(chat, Place::Slot(agent));
            self.refresh_keys(agent);
            out.push(Decision::Start { chat, agent });
        } else {
            a.backlog.push_back(chat);
            self.set_place(chat, Place::Backlog(agent));
            out.push(Decision::Backlog { chat, agent });
        }
    }

    /// The agent refused (or let the offer time out). The chat goes to the next eligible agent
    /// who has not refused it; with nobody left it returns to the agent who refused it, who
    /// must accept — but only to a refuser who is still there, online and Ready (the last one
    /// first). When every refuser has gone (shift over, on a break, Not ready after a missed
    /// offer), the chat goes back to its queue, in its place by age, and waits like any other
    /// (guide `routing.md#offers-refusals-and-timeouts`).
    pub fn refuse(&mut self, chat: ChatId, now: Millis, out: &mut Vec<Decision>) {
        let Place::Offered { agent, .. } = self.place(chat) else {
            return;
        };
        if let Some(r) = self.record(chat) {
            r.refused.retain(|&a| a != agent);
            r.refused.push(agent);
        }
        // The refused chat is older than anything still queued: it is placed before the
        // agent's freed place is refilled.
        self.vacate(chat, agent, now, out, |r, out| {
            let team = r.chats[chat.index as usize].team;
            if let Some(next) = r.pick(chat, team).or_else(|| r.pick_secondary(chat, now)) {
                return r.offer(chat, next, false, now, out);
            }
            let reserves = r.reserves(chat);
            let refused = &r.chats[chat.index as usize].refused;
            let back = refused.iter().rev().copied().find(|&a| {
                let a = r.agent(a);
                a.available() && (!reserves || a.held < a.capacity)
            });
            match back {
                Some(a) => r.offer(chat, a, true, now, out),
                None => r.return_to_queue(chat, out),
            }
        });
    }

    /// A refused chat nobody can take goes back to its queue at the place its age gives it,
    /// as a fresh routing (its refusals forgotten).
    pub(super) fn return_to_queue(&mut self, chat: ChatId, out: &mut Vec<Decision>) {
        let record = &mut self.chats[chat.index as usize];
        record.refused.clear();
        let (queue, ticket) = (QueueId(record.team.0), record.ticket);
        record.place = Place::Queued(queue);
        self.teams[queue.0 as usize].queue.insert(ticket, chat);
        out.push(Decision::Returned { chat, queue });
        self.strand(chat, queue, out);
    }

    /// The customer left before an agent started on the chat (guide `scenarios.md#customers`).
    /// Returns whether it was still waiting: in a queue, on offer, or in an agent's queue.
    pub fn withdraw(&mut self, chat: ChatId, now: Millis, out: &mut Vec<Decision>) -> bool {
        match self.place(chat) {
            Place::Queued(q) => {
                self.set_place(chat, Place::Gone);
                let live = waits_in(&self.chats, q);
                self.teams[q.0 as usize].queue.forget_one(live);
                true
            }
            Place::Offered { agent, .. } | Place::Backlog(agent) => {
                self.vacate(chat, agent, now, out, |r, _| r.set_place(chat, Place::Gone));
                true
            }
            Place::Slot(_) | Place::Gone => false,
        }
    }
}
