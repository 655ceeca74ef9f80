//! A supervisor or admin who distributes chats instead of taking them: the platforms let a
//! supervisor hand stranded chats to the team's agents, or a chat to a colleague, rather than only
//! take them (guide `routing.md#manual-takes-supervisors-and-admins` `pickup`). At each of its
//! looks at the queues, the chats waiting in the team queues it watches are offered, oldest first,
//! to the team's online, Ready agents with a free slot, the team's own rule picking who; the
//! supervisor's own slots stay free.

use std::cmp::Reverse;

use super::{AgentId, AgentState, Decision, Distribution, QueueId, Router, TeamId};
use crate::time::Millis;

impl Router {
    /// `agent`, online and Ready, hands out what waits in the team queues of `scope`; the
    /// Waiting box, which belongs to no team and so has no team rule to pick an agent, it
    /// takes from itself.
    pub fn distribute(
        &mut self,
        agent: AgentId,
        scope: &[QueueId],
        now: Millis,
        out: &mut Vec<Decision>,
    ) {
        if !self.agent(agent).available() {
            return;
        }
        let waiting_box = self.waiting_box();
        let mut open = std::mem::take(&mut self.open_queues);
        open.clear();
        open.extend(scope.iter().copied().filter(|&q| q != waiting_box));
        while let Some((queue, chat)) = self.oldest(&open) {
            match self.recipient(TeamId(queue.0)) {
                Some(to) => {
                    self.teams[queue.0 as usize].queue.pop_head();
                    self.offer(chat, to, false, now, out);
                }
                // Nobody of this team has room: its younger chats wait too.
                None => open.retain(|&q| q != queue),
            }
        }
        self.open_queues = open;
        if scope.contains(&waiting_box) {
            self.pickup(agent, std::slice::from_ref(&waiting_box), now, out);
        }
    }

    /// The agent of `team` who receives a distributed chat: by the team's rule, among its
    /// online, Ready members with a free slot. A `manual` team has no rule of its own: the
    /// chat goes to the member with the most free slots, then idle the longest, as under
    /// `capacity`. Room counts everything the agent already owns, offers not yet answered
    /// included, so one look never gives an agent more chats than it has free slots.
    fn recipient(&mut self, team: TeamId) -> Option<AgentId> {
        let agents = &self.agents;
        let t = &mut self.teams[team.0 as usize];
        let room = |a: &AgentState| a.available() && a.assigned < a.capacity;
        match t.distribution {
            Distribution::Capacity => t.standings.best().map(|p| t.members[p]),
            Distribution::Sequential { max_chats } => {
                let members = &t.members;
                let eligible = |p: usize| {
                    let a = &agents[members[p].0 as usize];
                    room(a) && max_chats.is_none_or(|m| a.assigned < m)
                };
                t.ring.pick(members.len(), eligible).map(|p| members[p])
            }
            Distribution::Manual => t
                .members
                .iter()
                .filter(|a| room(&agents[a.0 as usize]))
                .max_by_key(|a| {
                    let s = &agents[a.0 as usize];
                    // Never assigned sorts as idle the longest; the first listed wins a tie.
                    let since = s.last_assigned.map_or(0, |t| t + 1);
                    (s.capacity - s.assigned, Reverse(since), Reverse(a.0))
                })
                .copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{accept_all, chat, queue, set_online, spec};
    use super::super::{Distribution, Role};
    use super::*;

    /// Two agents of capacity 1 and a supervisor of capacity 1, of one team.
    fn watched(distribution: Distribution) -> Router {
        let agents = [
            spec(&[0], 1, Role::Agent),
            spec(&[0], 1, Role::Agent),
            spec(&[0], 1, Role::Supervisor),
        ];
        Router::new(&[distribution], &agents)
    }

    #[test]
    fn a_supervisor_hands_stranded_chats_to_idle_agents_and_keeps_its_own_slot_free() {
        // Sequential chats that came in before anyone was online are not handed out
        // automatically; a supervisor may distribute them. Three wait; two agents come online
        // (and receive none of them, as sequential goes); the supervisor gives one to each,
        // oldest first, and the third waits for a free slot.
        let mut r = watched(Distribution::Sequential { max_chats: None });
        let mut out = Vec::new();
        for c in 0..3 {
            r.enqueue(chat(c), queue(0), c as Millis, &mut out);
        }
        out.clear();
        for a in 0..3 {
            set_online(&mut r, AgentId(a), true, 10, &mut out);
        }
        assert!(out.is_empty(), "sequential hands out no backlog");
        r.distribute(AgentId(2), &[queue(0)], 20, &mut out);
        assert_eq!(accept_all(&mut r, &mut out), vec![(0, 0), (1, 1)]);
        assert_eq!(r.agent(AgentId(2)).held, 0, "the supervisor took nothing");
        assert_eq!(r.waiting(queue(0)), 1);
    }

    #[test]
    fn one_look_gives_no_agent_more_chats_than_free_slots_even_before_they_accept() {
        // Offers are answered after the look: room counts them, so agent 0 does not get a
        // second chat it has no slot for.
        let mut r = watched(Distribution::Manual);
        let mut out = Vec::new();
        for c in 0..3 {
            r.enqueue(chat(c), queue(0), c as Millis, &mut out);
        }
        set_online(&mut r, AgentId(0), true, 10, &mut out);
        set_online(&mut r, AgentId(2), true, 10, &mut out);
        r.distribute(AgentId(2), &[queue(0)], 20, &mut out);
        let offers: Vec<_> = out
            .iter()
            .filter_map(|d| match d {
                Decision::Offer { chat, agent, .. } => Some((chat.index, agent.0)),
                _ => None,
            })
            .collect();
        assert_eq!(offers, vec![(0, 0)]);
        assert_eq!(r.waiting(queue(0)), 2);
    }

    #[test]
    fn the_waiting_box_which_has_no_team_the_supervisor_takes_itself() {
        let mut r = watched(Distribution::Capacity);
        let mut out = Vec::new();
        let wb = r.waiting_box();
        r.enqueue(chat(0), wb, 0, &mut out);
        set_online(&mut r, AgentId(0), true, 1, &mut out);
        set_online(&mut r, AgentId(2), true, 1, &mut out);
        r.distribute(AgentId(2), &[queue(0), wb], 2, &mut out);
        assert_eq!(
            out,
            vec![Decision::Start {
                chat: chat(0),
                agent: AgentId(2)
            }]
        );
    }
}
