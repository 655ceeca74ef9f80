//! Routing's decisions carried out: offers, the agent's answer after its delay (accept,
//! refuse or time out), and what a timeout does to the agent's presence.

use super::*;

impl Sim<'_> {
    /// Carries out routing's decisions, including those that carrying them out produces.
    pub(super) fn carry_out(&mut self) {
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
                    // Seed 003: the agent's queue ("fila do vendedor") has its own flow.
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
                    if self.chats[chat.index as usize].window.is_some() {
                        self.stats.stranded(nobody_online);
                    }
                }
            }
            i += 1;
        }
        self.decisions.clear();
    }

    /// The agent sees the offer and answers after its `accept_delay`: it refuses with its
    /// `refuse_probability` (never a forced offer), and an answer later than the team's
    /// `offer_timeout` is a timeout (SPEC §2.4, seed 001).
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
        let offer = c.offer;
        self.events.schedule(
            self.now + after.min(MAX_AHEAD),
            Event::OfferAnswer { chat, offer },
        );
    }

    pub(super) fn offer_answered(&mut self, id: ChatId, offer: u32) {
        let Some(c) = self.chat(id) else { return };
        if c.offer != offer || c.state != ChatState::Waiting {
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
            self.stats.refusal(self.desks[agent].group);
            if answer == Answer::Timeout
                && let Some(Some(away)) = self.not_ready_for.get(queue)
            {
                // Not ready for a while, then Ready again (seed 001: agents switch their
                // status back to "Pronto" to receive chats).
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
