//! On-hold and silent customers (guide `inactivity.md#on-hold`, `[customers]`): a chat put
//! aside off its agent's slot until its customer writes or its own timer closes it, and a
//! chat whose customer left without a word, which ends as such whoever closes it.

use super::*;
use crate::inactivity::ResumeTo;

impl Sim<'_> {
    /// If the chat's customer left without a word, the chat ends as such now (whoever closes
    /// it), with the slot time it held for nobody; returns whether it did.
    pub(super) fn end_silent(&mut self, id: ChatId) -> bool {
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return false;
        };
        if !talk.silent {
            return false;
        }
        let held = talk.silent_held + talk.silent_since.map_or(0, |s| (self.now - s).max(0));
        if let Some(tag) = self.chats[id.index as usize].window {
            self.stats.silent_abandoned(tag, held);
        }
        self.take_away(id);
        self.release(id, Outcome::SilentAbandoned);
        true
    }

    /// The chat goes on hold (guide `inactivity.md#on-hold`): off its agent's slot, which
    /// refills from the queue, with no inactivity clock but its own close timer.
    pub(super) fn put_on_hold(&mut self, id: ChatId) {
        let Some(h) = self.scenario.inactivity.on_hold else {
            return;
        };
        let Some(agent) = self.router.holder(id) else {
            return;
        };
        self.note_agent(id, "on_hold", agent.0 as usize);
        self.end_episode(id);
        self.take_away(id);
        self.stats.held(self.chats[id.index as usize].window);
        self.chats[id.index as usize].state = ChatState::OnHold;
        let talk = &mut self.talks[id.index as usize];
        if let Some(since) = talk.silent_since.take() {
            talk.silent_held += (self.now - since).max(0);
        }
        talk.held_by = agent.0;
        talk.hold_version = talk.hold_version.wrapping_add(1);
        let version = talk.hold_version;
        self.events.schedule(
            h.close_at(self.now).min(self.now + MAX_AHEAD),
            Event::HoldCloses { chat: id, version },
        );
    }

    /// The customer of a held chat writes: the chat resumes, with its agent if the setting
    /// says so and the agent can take it, else through its team's queue; the new message
    /// waits for a reply under the inactivity flows again.
    pub(super) fn resume_from_hold(&mut self, id: ChatId) {
        let Some(h) = self.scenario.inactivity.on_hold else {
            return;
        };
        self.note(id, "customer", "");
        let talk = &mut self.talks[id.index as usize];
        talk.hold_version = talk.hold_version.wrapping_add(1);
        talk.unanswered = true;
        let agent = AgentId(talk.held_by);
        self.touch(id);
        let queue = self.chats[id.index as usize].queue;
        match h.resume_to(self.router.can_take(agent)) {
            ResumeTo::Agent => {
                self.chats[id.index as usize].state = ChatState::Waiting;
                self.queue_level(id, 1.0);
                self.router
                    .resume_with(id, agent, self.now, &mut self.decisions);
                self.carry_out();
            }
            ResumeTo::Queue => self.route_to(id, queue),
        }
    }

    /// A held chat's own timer: closed for inactivity, unless it resumed since.
    pub(super) fn hold_closes(&mut self, id: ChatId, version: u32) {
        let Some(c) = self.chat(id) else { return };
        if c.state != ChatState::OnHold || self.talks[id.index as usize].hold_version != version {
            return;
        }
        self.note(id, "hold_close", "");
        self.stats.hold_closed(self.chats[id.index as usize].window);
        self.close_for_inactivity(id);
    }
}

#[cfg(test)]
mod tests;
