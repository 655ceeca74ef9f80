//! Manual takes ("assumir", "atribuir a mim", guide
//! `routing.md#manual-takes-supervisors-and-admins`, `[[agents]]` `pickup`): which queues an agent
//! may take from by hand, and the oldest chats it takes from them.

use super::*;

impl Router {
    /// The queues an agent may take from by hand (guide
    /// `routing.md#manual-takes-supervisors-and-admins`, `[[teams]]`).
    pub fn pickup_scope(&self, agent: AgentId, waiting_box: bool) -> Vec<QueueId> {
        let a = self.agent(agent);
        let mut scope: Vec<QueueId> = match a.role {
            Role::Admin => (0..self.waiting_box).map(QueueId).collect(),
            Role::Agent | Role::Supervisor => a.teams.iter().map(|t| QueueId(t.0)).collect(),
        };
        if waiting_box {
            scope.push(self.waiting_box());
        }
        scope
    }

    /// A manual take ("assumir", "atribuir a mim", guide
    /// `routing.md#manual-takes-supervisors-and-admins`): the agent takes the oldest chat waiting
    /// in the queues of `scope`, and goes on while it has a free slot. Beyond capacity only with
    /// `manual_over_capacity`, and then one chat (guide
    /// `routing.md#manual-takes-supervisors-and-admins`).
    pub fn pickup(
        &mut self,
        agent: AgentId,
        scope: &[QueueId],
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        let mut taken = 0;
        loop {
            let a = &self.agents[agent.0 as usize];
            let room = a.held < a.capacity || (a.manual_over_capacity && taken == 0);
            if !a.available() || !room {
                return;
            }
            let Some((queue, chat)) = self.oldest(scope) else {
                return;
            };
            self.teams[queue.0 as usize].queue.pop_head();
            self.seat(chat, agent, now, out);
            taken += 1;
        }
    }

    /// The oldest chat waiting in any of `queues`.
    pub(super) fn oldest(&mut self, queues: &[QueueId]) -> Option<(QueueId, ChatId)> {
        let mut best: Option<(u64, QueueId, ChatId)> = None;
        for &q in queues {
            if let Some((ticket, chat)) = self.head(q)
                && best.is_none_or(|b| ticket < b.0)
            {
                best = Some((ticket, q, chat));
            }
        }
        best.map(|(_, q, c)| (q, c))
    }
}
