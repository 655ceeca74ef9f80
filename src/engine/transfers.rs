//! Chats that change hands: the agent's transfer at the end of its part (to a team, or to an
//! available agent of a group), and the inactivity flows' move to another team's queue.

use super::*;

impl Sim<'_> {
    /// The agent, done with its part, hands the chat on with `work` still to do. Returns whether it
    /// did: a transfer to agents needs one of them available (guide `routing.md#transfers`: "para
    /// transferir um atendimento para outro analista ele precisa estar disponível"), and otherwise
    /// the agent finishes the chat itself.
    pub(super) fn transfer(&mut self, chat: ChatId, work: f64, counted: Option<Tag>) -> bool {
        let scenario = self.scenario;
        match scenario.conversation.transfer_to {
            // The receiving team takes it from the start: a new routing and a new wait for a
            // slot, but not a new first reply.
            Some(TransferTarget::Team(to)) => {
                self.chats[chat.index as usize].work = work;
                self.note(chat, "transfer", &scenario.teams[to.0 as usize].name);
                if let Some(tag) = counted {
                    self.stats.transfer(tag);
                }
                self.router.release(chat, self.now, &mut self.decisions);
                self.carry_out();
                self.route_to(chat, QueueId(to.0));
                true
            }
            Some(TransferTarget::Agents(g)) => {
                let candidates = self.group_agents[g].clone().map(AgentId);
                let Some(to) =
                    self.router
                        .transfer_to_agent(chat, candidates, self.now, &mut self.decisions)
                else {
                    return false;
                };
                let c = &mut self.chats[chat.index as usize];
                c.work = work;
                c.state = ChatState::Waiting;
                self.queue_level(chat, 1.0);
                if let Some(tag) = counted {
                    self.stats.transfer(tag);
                }
                self.note_agent(chat, "transfer", to.0 as usize);
                self.carry_out();
                true
            }
            None => false,
        }
    }

    /// An inactivity flow's action moves the chat, wherever it is, to `team`'s queue (guide
    /// `inactivity.md#actions-move-close-reassign`). A chat moved away from an agent is not handed
    /// straight back to that agent while another can take it.
    pub(super) fn move_to_team(&mut self, chat: ChatId, team: TeamId) {
        self.move_away(chat, QueueId(team.0), "inactivity_transfer", true);
    }

    /// The agent-queue action `reassign` (guide `inactivity.md#actions-move-close-reassign`): the
    /// chat leaves its silent agent for another of the queue it came through, or waits there again;
    /// it counts as an inactivity transfer.
    pub(super) fn reassign(&mut self, chat: ChatId) {
        let queue = self.chats[chat.index as usize].queue;
        self.move_away(chat, queue, "inactivity_reassign", false);
    }

    fn move_away(&mut self, chat: ChatId, queue: QueueId, what: &'static str, fall_back: bool) {
        self.note(chat, what, "");
        self.stats
            .inactivity_transfer(self.chats[chat.index as usize].window);
        let from = self.router.holder(chat);
        self.take_away(chat);
        self.route_away(chat, queue, from, fall_back);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::MINUTE;

    fn transferring(to: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
[[teams]]
name = "b"
[[agents]]
name = "g"
team = "a"
[[agents]]
name = "other"
team = "b"
shifts = ["sun 20:00-21:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
handle_time = {{ dist = "constant", value = "1m" }}
transfer_probability = "100%"
transfer_to = {to}
"#
        ))
    }

    fn transferred_chat(sim: &mut Sim) -> ChatId {
        let mut c = chat(sim, MINUTE);
        c.transfer = Some((2 * MINUTE) as f64);
        place(sim, c, None)
    }

    #[test]
    fn a_chat_transferred_to_a_team_waits_in_that_team_queue_with_the_work_left() {
        let s = transferring(r#""b""#);
        let mut sim = quiet(&s);
        let id = transferred_chat(&mut sim);
        assert!(run_until(&mut sim, 10 * MINUTE).is_empty());
        assert_eq!(sim.router.waiting(QueueId(1)), 1);
        assert_eq!(
            sim.router.agent(AgentId(0)).held,
            0,
            "the sender's slot is free"
        );
        let c = &sim.chats[id.index as usize];
        assert_eq!((c.state, c.work), (ChatState::Waiting, (2 * MINUTE) as f64));
    }

    #[test]
    fn with_no_agent_of_the_group_available_the_sender_finishes_the_chat() {
        // guide `routing.md#transfers`: a transfer to an agent needs one who is available.
        let s = transferring(r#"{ group = "other" }"#);
        let mut sim = quiet(&s);
        transferred_chat(&mut sim);
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![MINUTE]);
        let transfers =
            sim.stats.finish().all().metrics[crate::stats::metrics::Metric::Transfers as usize];
        assert_eq!(transfers, 0.0);
    }
}
