//! The chat table: each chat's record from arrival to its end, slots reused under a new
//! generation so that a stale reference (an event of a chat that ended) never reaches the
//! slot's next occupant, and `--chats-log` notes.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ChatState {
    Free,
    /// With the bot, before any human queue.
    Bot,
    /// In a queue, on offer, or in an agent's queue: not being worked on.
    Waiting,
    InService,
    /// On hold, off every agent's slots, until its customer writes or its timer closes it
    /// (guide `inactivity.md#on-hold`).
    OnHold,
}

/// How the agent will answer the offer in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Answer {
    Accept,
    Refuse,
    Timeout,
}

pub(super) struct Chat {
    pub(super) generation: u32,
    pub(super) state: ChatState,
    pub(super) source: u32,
    /// Where it is counted (its arrival's interval, team and stream), if it arrived in the
    /// counted window.
    pub(super) window: Option<Tag>,
    /// The queue it was last routed through: where `requeue` sends it back.
    pub(super) queue: QueueId,
    /// When it entered the human queue; its wait runs from here to its first start.
    pub(super) queued_at: Millis,
    pub(super) started: bool,
    /// Work left on the current part (guide `scenarios.md#conversation` block model).
    pub(super) work: f64,
    /// Work at the team it will be transferred to when this part is done, if it will be.
    pub(super) transfer: Option<f64>,
    pub(super) patience: Option<f64>,
    pub(super) bot_resolves: bool,
    /// The offer in flight: its number (older answers are stale), agent and answer.
    /// (16 bits: numbers wrap, and only the latest matters; keeping the record at 88
    /// bytes keeps the hot loop's cache traffic down.)
    pub(super) offer: u16,
    pub(super) offer_agent: u32,
    pub(super) answer: Answer,
    /// How many times this customer had contacted the center before this chat.
    pub(super) returns: u16,
    /// The agent its first routing offers it to first: who resolved the customer's previous chat,
    /// within the reopen window (guide `routing.md#customers-who-come-back-and-reopened-chats`);
    /// else `NO_AGENT`.
    pub(super) reopen_with: u32,
}

impl Sim<'_> {
    /// The chat joined (`by` = 1) or left (-1) the chats waiting for an agent, counted for
    /// the whole centre and for its queue's and its stream's parts.
    #[inline(always)]
    pub(super) fn queue_level(&mut self, id: ChatId, by: f64) {
        self.stats.levels.queue_length += by;
        if self.split {
            let c = &self.chats[id.index as usize];
            let team = self.parts.of_queue(c.queue.0 as usize);
            let stream = self.parts.of_stream(c.source as usize);
            // Its class lives with routing, which orders queues by it: the record every
            // event touches stays small.
            let class = self
                .parts
                .of_class(self.router.priorities.class(id) as usize);
            self.stats.queue_change([team, stream, class], by);
        }
    }

    /// Has the customer had a human reply? In the block model, when an agent starts on it.
    pub(super) fn first_replied(&self, id: ChatId) -> bool {
        match self.talks.get(id.index as usize) {
            Some(t) => t.replied,
            None => self.chats[id.index as usize].started,
        }
    }

    /// Takes the chat from wherever it is (a queue, an offer, an agent) without ending it. A
    /// snooze is the agent's: it ends when the chat leaves the agent.
    pub(super) fn take_away(&mut self, id: ChatId) {
        if let Some(talk) = self.talks.get_mut(id.index as usize) {
            talk.snoozed = false;
            talk.snooze_version = talk.snooze_version.wrapping_add(1);
        }
        match self.chats[id.index as usize].state {
            ChatState::Waiting => {
                self.router.withdraw(id, self.now, &mut self.decisions);
                self.queue_level(id, -1.0);
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
            ChatState::Bot | ChatState::OnHold | ChatState::Free => {}
        }
        self.carry_out();
    }

    /// Places a new chat, with its conversation in the turn model. Conversations live in a
    /// table of their own, beside the chats' (and empty in the block model), so that the
    /// record every event touches stays small.
    pub(super) fn allocate(&mut self, chat: Chat, talk: Option<Talk>) -> ChatId {
        self.live += 1;
        let id = match self.free.pop() {
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
        };
        if let Some(talk) = talk {
            match self.talks.get_mut(id.index as usize) {
                Some(slot) => *slot = talk,
                None => self.talks.push(talk),
            }
        }
        debug_assert!(self.talks.is_empty() || self.talks.len() == self.chats.len());
        id
    }

    #[inline(always)]
    pub(super) fn release(&mut self, chat: ChatId, outcome: Outcome) {
        if let Some(log) = self.log.as_mut() {
            log.close(chat.index, self.now, outcome);
        }
        self.end_episode(chat);
        self.events.cancel_patience(chat);
        self.chats[chat.index as usize].state = ChatState::Free;
        self.free.push(chat.index);
        self.live -= 1;
        if self.horizon_passed && self.live == 0 {
            self.done = true;
        }
    }

    /// `--chats-log`: records `what` (with a `detail`) in the chat's history.
    #[inline]
    pub(super) fn note(&mut self, id: ChatId, what: &str, detail: &str) {
        if let Some(log) = self.log.as_mut() {
            log.note(id.index, self.now, what, detail);
        }
    }

    /// The same, naming an agent as `group#n`. Called on every offer and start, so the check
    /// for a log is inlined and the naming kept out of the hot path.
    #[inline]
    pub(super) fn note_agent(&mut self, id: ChatId, what: &str, agent: usize) {
        if self.log.is_some() {
            self.note_named_agent(id, what, agent);
        }
    }

    #[cold]
    fn note_named_agent(&mut self, id: ChatId, what: &str, agent: usize) {
        let g = self.desks[agent].group;
        let n = agent as u32 - self.group_agents[g].start + 1;
        let name = format!("{}#{n}", self.scenario.agent_groups[g].name);
        self.note(id, what, &name);
    }

    pub(super) fn chat(&self, id: ChatId) -> Option<&Chat> {
        self.chats
            .get(id.index as usize)
            .filter(|c| c.generation == id.generation && c.state != ChatState::Free)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::MINUTE;

    #[test]
    fn a_reused_slot_does_not_answer_to_the_chat_that_ended() {
        // The old chat's patience event must not make the slot's new occupant abandon.
        let s = block(1, 0.0, "sun 20:00-21:00", "capacity", "keep");
        let mut sim = quiet(&s);
        let old = inject(&mut sim, MINUTE);
        sim.take_away(old);
        sim.release(old, Outcome::Abandoned);
        let new = inject(&mut sim, MINUTE);
        assert_eq!(new.index, old.index, "the slot is reused");
        assert!(sim.chat(old).is_none() && sim.chat(new).is_some());
        sim.handle(Event::Patience(old));
        assert_eq!(sim.live, 1);
        assert_eq!(sim.chats[new.index as usize].state, ChatState::Waiting);
        assert_eq!(sim.stats.levels.queue_length, 1.0);
    }
}
