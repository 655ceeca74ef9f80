//! Routing's decisions carried out: offers, the agent's answer after its delay (accept,
//! refuse or time out), and what a timeout does to the agent's presence.

use super::*;

impl Sim<'_> {
    /// Carries out routing's decisions, including those that carrying them out produces.
    /// Often there are none (a chat ends and nobody waits): that check is inlined.
    #[inline]
    pub(super) fn carry_out(&mut self) {
        if !self.decisions.is_empty() {
            self.carry_out_all();
        }
    }

    fn carry_out_all(&mut self) {
        let mut i = 0;
        while i < self.decisions.len() {
            match self.decisions[i] {
                Decision::Offer {
                    chat,
                    agent,
                    forced,
                } => self.offer(chat, agent, forced),
                Decision::Start { chat, agent } => self.start(chat, agent),
                Decision::Backlog { chat, agent } => {
                    // guide `inactivity.md#episodes-when-the-clock-runs`: the agent's queue ("fila
                    // do vendedor") has its own flow.
                    self.note_agent(chat, "agent_queue", agent.0 as usize);
                    self.open_episode(chat, QueueKind::Agent);
                }
                Decision::Stranded {
                    chat,
                    nobody_online,
                } => {
                    self.note(
                        chat,
                        if nobody_online {
                            "stranded"
                        } else {
                            "unplaced"
                        },
                        "",
                    );
                    if let Some(tag) = self.chats[chat.index as usize].window {
                        self.stats.stranded(tag, nobody_online);
                    }
                }
                Decision::Returned { chat, queue } => self.note_queued(chat, queue),
                Decision::Overflow { chat, queue } => {
                    let at = self.now.saturating_add(self.router.overflow_wait(queue));
                    self.events.schedule(at, Event::Overflow(chat));
                }
            }
            i += 1;
        }
        self.decisions.clear();
    }

    /// The agent sees the offer and answers after its `accept_delay`: it refuses with its
    /// `refuse_probability` (never a forced offer), and an answer later than the team's
    /// `offer_timeout` is a timeout (guide `routing.md#offers-refusals-and-timeouts`).
    pub(super) fn offer(&mut self, chat: ChatId, agent: AgentId, forced: bool) {
        self.note_agent(
            chat,
            if forced { "forced_offer" } else { "offer" },
            agent.0 as usize,
        );
        let group = self.desks[agent.0 as usize].group;
        let scenario = self.scenario;
        let g = &scenario.agent_groups[group];
        if self.accept_delays[group].is_none() && (forced || g.refuse_probability == 0.0) {
            // Agents who answer at once and never refuse: the common case, no draw at all.
            self.router.accept(chat, &mut self.decisions);
            return;
        }
        let delay = self.accept_delays[group]
            .as_ref()
            .map_or(0.0, |d| d.sample(&mut self.agent_rng));
        let refuse = !forced
            && g.refuse_probability > 0.0
            && self.agent_rng.random_bool(g.refuse_probability);
        let c = &mut self.chats[chat.index as usize];
        let timeout = scenario
            .teams
            .get(c.queue.0 as usize)
            .and_then(|t| t.offer_timeout)
            .filter(|_| !forced);
        let (answer, after) = match timeout {
            Some(t) if delay > t as f64 => (Answer::Timeout, t),
            _ if refuse => (Answer::Refuse, round_ms(delay)),
            _ => (Answer::Accept, round_ms(delay)),
        };
        if answer == Answer::Accept && after == 0 {
            self.router.accept(chat, &mut self.decisions);
            return;
        }
        c.offer = c.offer.wrapping_add(1);
        c.offer_agent = agent.0;
        c.answer = answer;
        let offer = c.offer as u32;
        self.events.schedule(
            self.now + after.min(MAX_AHEAD),
            Event::OfferAnswer { chat, offer },
        );
    }

    pub(super) fn offer_answered(&mut self, id: ChatId, offer: u32) {
        let Some(c) = self.chat(id) else { return };
        if c.offer as u32 != offer || c.state != ChatState::Waiting {
            return;
        }
        let (agent, answer, queue) = (c.offer_agent as usize, c.answer, c.queue.0 as usize);
        if answer == Answer::Accept {
            self.router.accept(id, &mut self.decisions);
        } else {
            let what = if answer == Answer::Timeout {
                "timeout"
            } else {
                "refuse"
            };
            self.note_agent(id, what, agent);
            self.stats.refusal(
                self.desks[agent].group,
                self.chats[id.index as usize].window,
            );
            if answer == Answer::Timeout
                && let Some(Some(away)) = self.not_ready_for.get(queue)
            {
                // Not ready for a while, then Ready again (guide
                // `routing.md#offers-refusals-and-timeouts`: agents switch their status back to
                // "Pronto" to receive chats).
                let back = round_ms(away.sample(&mut self.agent_rng)).clamp(1, MAX_AHEAD);
                let desk = &mut self.desks[agent];
                desk.away = true;
                desk.away_version = desk.away_version.wrapping_add(1);
                let version = desk.away_version;
                self.events.schedule(
                    self.now + back,
                    Event::BackToReady {
                        agent: agent as u32,
                        version,
                    },
                );
                self.update_ready(agent);
            }
            self.router.refuse(id, self.now, &mut self.decisions);
        }
        self.carry_out();
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::{MINUTE, SECOND};

    fn offers(agent_keys: &str, team_keys: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
{team_keys}
[[agents]]
name = "g"
team = "a"
count = 2
capacity = 1
{agent_keys}
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
handle_time = {{ dist = "constant", value = "10m" }}
"#
        ))
    }

    #[test]
    fn a_chat_everyone_refuses_comes_back_to_the_last_refuser_who_must_take_it() {
        // guide `routing.md#offers-refusals-and-timeouts`: refused by both, the chat returns to the
        // last agent who refused it, as a forced offer that cannot be refused.
        let s = offers(
            r#"refuse_probability = "100%"
accept_delay = { dist = "constant", value = "5s" }"#,
            "",
        );
        let mut sim = quiet(&s);
        let id = inject(&mut sim, MINUTE);
        // Refused at 5 s by agent 0 and at 10 s by agent 1; forced back on agent 1, who
        // accepts at 15 s.
        run_until(&mut sim, 15 * SECOND - 1);
        assert_eq!(sim.chats[id.index as usize].state, ChatState::Waiting);
        run_until(&mut sim, 15 * SECOND);
        assert_eq!(sim.router.holder(id), Some(AgentId(1)));
        let stats = sim.stats.finish();
        let refusals = stats.groups[0][crate::stats::metrics::GroupMetric::Refusals as usize];
        assert_eq!(refusals, 2.0);
    }

    #[test]
    fn a_missed_offer_sets_the_agent_not_ready_until_it_comes_back() {
        // guide `routing.md#offers-refusals-and-timeouts`: an offer that times out goes to the next
        // agent, and the agent who missed it is Not ready for `not_ready_for`.
        let s = offers(
            r#"accept_delay = { dist = "constant", value = "1m" }"#,
            r#"offer_timeout = "30s"
not_ready_on_timeout = true
not_ready_for = { dist = "constant", value = "2m" }"#,
        );
        let mut sim = quiet(&s);
        inject(&mut sim, MINUTE);
        run_until(&mut sim, 30 * SECOND);
        assert_eq!(sim.desks[0].presence, Presence::Away);
        assert_eq!(sim.desks[1].presence, Presence::Ready);
        run_until(&mut sim, 30 * SECOND + 2 * MINUTE);
        assert_eq!(sim.desks[0].presence, Presence::Ready);
    }
}
