//! How chats come in: new contacts and returning customers (drawn at arrival, so routing
//! never changes who they are), the bot, the human queue and its patience, and when agents
//! next look for chats to take by hand.

use super::*;

pub(super) struct CustomerStreams {
    pub(super) patience: ChaCha8Rng,
    pub(super) work: ChaCha8Rng,
    pub(super) route: ChaCha8Rng,
    /// Drawn only with a bot that answers while the chat waits: other streams never see it.
    pub(super) bot_while_waiting: ChaCha8Rng,
}

impl Sim<'_> {
    #[inline(always)]
    pub(super) fn schedule_arrival(&mut self, source: u32) {
        let t = self.arrivals[source as usize].next_arrival();
        if t < self.scenario.simulation.horizon {
            self.events.schedule(t, Event::Arrival(source));
        }
    }

    /// Agent `agent` looks at the queues it may take from: it takes the oldest chats, or, a
    /// supervisor who `assign`s, hands them to its teams' agents.
    pub(super) fn pickup(&mut self, agent: u32) {
        if let Some(scope) = &self.scopes[agent as usize] {
            let group = self.desks[agent as usize].group;
            let assigns = self.scenario.agent_groups[group]
                .pickup
                .as_ref()
                .is_some_and(|p| p.assign);
            let (who, now, out) = (AgentId(agent), self.now, &mut self.decisions);
            if assigns {
                self.router.distribute(who, scope, now, out);
            } else {
                self.router.pickup(who, scope, now, out);
            }
            self.carry_out();
        }
        self.schedule_pickup(agent);
    }

    pub(super) fn schedule_pickup(&mut self, agent: u32) {
        if self.horizon_passed && self.live == 0 {
            return;
        }
        if let Some(every) = &self.pickups[self.desks[agent as usize].group] {
            let wait = round_ms(every.sample(&mut self.pickup_rng)).clamp(1, MAX_AHEAD);
            self.events.schedule(self.now + wait, Event::Pickup(agent));
        }
    }

    /// A customer contacts the center (a new arrival or a return). Everything about them is
    /// drawn now, from their source's streams, so that routing never changes who they are.
    pub(super) fn new_contact(&mut self, source: u32, returns: u32, reopen_with: u32) {
        let returning = returns > 0;
        let s = source as usize;
        let scenario = self.scenario;
        let stream = &scenario.arrivals[s];
        let conversation = &scenario.conversation;
        // Only a trace's first contacts are replayed.
        let replayed = !returning && stream.trace.is_some();
        // Block model: the chat's work. Turn model: a seed for its own conversation stream, so
        // that the customer's replies do not depend on anybody else's.
        let streams = &mut self.customers[s][returning as usize];
        let (mut work, talk) = match (&self.work, &self.turns) {
            (Some(w), _) => (w.sample(&mut streams.work), None),
            (None, Some(t)) => {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(streams.work.random());
                let turns_left = t.turns.sample(&mut rng);
                let mut talk = Talk::new(rng, turns_left);
                talk.closable = self.now >= scenario.inactivity.auto_close_from;
                (0.0, Some(talk))
            }
            (None, None) => unreachable!("a scenario has a block or a turn model"),
        };
        let mut patience = self
            .patience
            .as_ref()
            .map(|p| p.sample(&mut streams.patience));
        if replayed {
            replay_times(
                &self.arrivals[s],
                self.patience.as_ref(),
                &mut streams.patience,
                &mut work,
                &mut patience,
            );
        }
        let route = &mut streams.route;
        let destination = if replayed {
            self.arrivals[s].replayed().0.destination
        } else if stream.route.len() == 1 {
            stream.route[0].0
        } else {
            let u: f64 = route.random();
            stream
                .route
                .iter()
                .find(|r| u < r.1)
                .unwrap_or(&stream.route[stream.route.len() - 1])
                .0
        };
        let bot = self.bots[s].as_ref().map(|d| d.sample(route));
        let bot_resolves = stream
            .bot
            .as_ref()
            .is_some_and(|b| route.random_bool(b.resolve_probability));
        let transfer = (conversation.transfer_probability > 0.0
            && route.random_bool(conversation.transfer_probability))
        .then(|| {
            self.work
                .as_ref()
                .map_or(0.0, |w| w.sample(&mut streams.work))
        });
        // guide `routing.md#priority-classes-and-sla-order`: a stream's chats are of one class, or
        // of several by share.
        let class = match stream.classes.is_empty() {
            true => None,
            false => Some(class_of(&stream.classes, route)),
        };
        let window = self.stats.window(self.parts.origin(s, class));
        if let Some(tag) = window {
            self.stats.arrival(tag);
        }
        let queue = match destination {
            Destination::Team(t) => QueueId(t.0),
            Destination::WaitingBox => self.router.waiting_box(),
        };
        let chat = self.allocate(
            Chat {
                generation: 0,
                state: ChatState::Bot,
                source,
                window,
                queue,
                queued_at: self.now,
                started: false,
                work,
                transfer,
                patience,
                bot_resolves,
                offer: 0,
                offer_agent: 0,
                answer: Answer::Accept,
                // At most `MAX_RETURNS` (100).
                returns: returns as u16,
                reopen_with,
            },
            talk,
        );
        if let Some(class) = class {
            self.router.priorities.classify(chat, class);
        }
        self.arrived += 1;
        if let Some(log) = self.log.as_mut() {
            log.open(
                chat.index,
                self.arrived,
                &stream.name,
                self.now,
                window.is_some(),
            );
        }
        match bot {
            Some(d) => self
                .events
                .schedule(self.now + round_ms(d).min(MAX_AHEAD), Event::BotDone(chat)),
            None => self.enter_human_queue(chat),
        }
    }

    pub(super) fn bot_done(&mut self, id: ChatId) {
        self.note(id, "bot_done", "");
        let Some(chat) = self.chat(id) else { return };
        if chat.bot_resolves {
            if let Some(tag) = chat.window {
                self.stats.bot_resolved(tag);
            }
            self.release(id, Outcome::BotResolved);
        } else {
            self.enter_human_queue(id);
        }
    }

    /// The chat leaves the bot for a human queue: its wait and its customer's patience start
    /// now (guide `scenarios.md#customers`).
    #[inline(always)]
    pub(super) fn enter_human_queue(&mut self, id: ChatId) {
        let c = &mut self.chats[id.index as usize];
        c.queued_at = self.now;
        let (window, queue) = (c.window, c.queue);
        if let Some(mut tag) = window {
            tag.team = self.parts.of_queue(queue.0 as usize);
            if self.focus.get(queue.0 as usize) == Some(&true) {
                tag = self.stats.focus(tag);
            }
            self.chats[id.index as usize].window = Some(tag);
            self.stats.reached(tag);
        }
        // The customer's first message starts the auto-close clock.
        self.touch(id);
        self.keep_company(id);
        self.route_to(id, queue);
        // In the block model most chats start, which is their first reply, at once: only
        // those still waiting need their patience timed.
        if !self.first_replied(id)
            && let Some(p) = self.chats[id.index as usize].patience
        {
            self.events
                .schedule(self.now + round_ms(p).min(MAX_AHEAD), Event::Patience(id));
        }
    }

    /// Puts a chat that is not being worked on into a queue and lets routing decide.
    pub(super) fn route_to(&mut self, id: ChatId, queue: QueueId) {
        self.route_avoiding(id, queue, None);
    }

    /// `route_to` for a chat taken from agent `avoid`: routing gives it to somebody else if it
    /// can (see `Router::enqueue_avoiding`). Inlined, so that `route_to`, which every chat
    /// takes, keeps no trace of the choice.
    #[inline(always)]
    pub(super) fn route_avoiding(&mut self, id: ChatId, queue: QueueId, avoid: Option<AgentId>) {
        self.route_away(id, queue, avoid, true);
    }

    /// `route_avoiding` that, unless `fall_back`, never gives the chat back to `avoid`: it
    /// waits in the queue instead (`reassign`).
    #[inline(always)]
    pub(super) fn route_away(
        &mut self,
        id: ChatId,
        queue: QueueId,
        avoid: Option<AgentId>,
        fall_back: bool,
    ) {
        let c = &mut self.chats[id.index as usize];
        c.queue = queue;
        c.state = ChatState::Waiting;
        // A new routing: answers to earlier offers and steps of the conversation are stale.
        c.offer = c.offer.wrapping_add(1);
        if let Some(talk) = self.talks.get_mut(id.index as usize) {
            talk.version = talk.version.wrapping_add(1);
        }
        if self.split
            && !c.started
            && let Some(tag) = c.window
            && tag.team != NONE
        {
            // Moved before any agent took it: it now counts for the team it waits in.
            c.window = Some(self.stats.moved(tag, self.parts.of_queue(queue.0 as usize)));
        }
        self.queue_level(id, 1.0);
        let kind = if queue == self.router.waiting_box() {
            QueueKind::Waiting
        } else {
            QueueKind::Team
        };
        self.note_queued(id, queue);
        self.open_episode(id, kind);
        match self.chats[id.index as usize].reopen_with {
            NO_AGENT => {
                self.router
                    .enqueue_away(id, queue, avoid, fall_back, self.now, &mut self.decisions)
            }
            agent => self.reopen(id, queue, AgentId(agent)),
        }
        self.carry_out();
    }

    /// The first routing of a returning customer's chat, to the agent who resolved its last one
    /// (guide `routing.md#customers-who-come-back-and-reopened-chats` `reopen_window`); later
    /// routings follow the team's rule.
    #[cold]
    fn reopen(&mut self, id: ChatId, queue: QueueId, agent: AgentId) {
        self.chats[id.index as usize].reopen_with = NO_AGENT;
        self.router
            .enqueue_to(id, queue, agent, self.now, &mut self.decisions);
    }

    /// `--chats-log`: the chat is (back) in `queue`.
    pub(super) fn note_queued(&mut self, id: ChatId, queue: QueueId) {
        if let Some(log) = self.log.as_mut() {
            let scenario = self.scenario;
            let team = scenario
                .teams
                .get(queue.0 as usize)
                .map(|t| t.name.as_str());
            log.queued(id.index, self.now, team);
        }
    }

    /// A bot with `while_waiting` goes on answering the customer while the chat waits for its
    /// first human reply, and may resolve it: at each of its messages, every `every`, with
    /// its `resolve_probability`. When that happens is drawn now, as the number of messages
    /// until the one that resolves (geometric), so that it depends on the customer alone.
    /// Scenarios without such a bot pay one test per chat.
    #[inline(always)]
    fn keep_company(&mut self, id: ChatId) {
        if self.waiting_bots {
            self.schedule_bot_resolution(id);
        }
    }

    #[cold]
    fn schedule_bot_resolution(&mut self, id: ChatId) {
        let c = &self.chats[id.index as usize];
        let (source, returning) = (c.source as usize, c.returns > 0);
        let Some(bot) = self.scenario.arrivals[source]
            .bot
            .as_ref()
            .and_then(|b| b.while_waiting)
        else {
            return;
        };
        let p = bot.resolve_probability;
        if p <= 0.0 {
            return;
        }
        let rng = &mut self.customers[source][returning as usize].bot_while_waiting;
        let messages = if p >= 1.0 {
            1.0
        } else {
            let u: f64 = rng.random();
            ((1.0 - u).ln() / (1.0 - p).ln()).ceil().max(1.0)
        };
        let after = (messages * bot.every as f64).min(MAX_AHEAD as f64) as Millis;
        self.events
            .schedule(self.now + after, Event::BotResolves(id));
    }

    /// The waiting bot resolves the chat, unless an agent has replied by now.
    pub(super) fn bot_resolves(&mut self, id: ChatId) {
        let Some(chat) = self.chat(id) else { return };
        if chat.state == ChatState::Bot || self.first_replied(id) {
            return;
        }
        let (window, started) = (chat.window, chat.started);
        self.note(id, "bot_resolve", "");
        self.take_away(id);
        if let Some(tag) = window {
            self.stats.bot_resolved_waiting(tag, started);
        }
        self.release(id, Outcome::BotResolved);
    }

    pub(super) fn patience_ends(&mut self, id: ChatId) {
        let Some(chat) = self.chat(id) else { return };
        let (window, wait, source) = (chat.window, self.now - chat.queued_at, chat.source as usize);
        let returns = chat.returns as u32 + 1;
        if self.first_replied(id) {
            return;
        }
        // Its wait is counted here unless an agent had started on it (turn model).
        let wait = (!chat.started).then_some(wait);
        if matches!(chat.state, ChatState::Bot | ChatState::Free) {
            return;
        }
        self.take_away(id);
        if let Some(tag) = window {
            self.stats.abandoned(tag, wait);
        }
        self.release(id, Outcome::Abandoned);
        if let Some(after) = &self.return_after
            && returns <= self.scenario.customers.max_returns
            && self.return_rng[source].random_bool(self.scenario.customers.return_probability)
        {
            let delay = after.sample(&mut self.return_rng[source]);
            self.come_back(source, returns, delay, None);
        }
    }

    /// The customer of `source` contacts the center again, for the `returns`-th time, `delay`
    /// milliseconds from now, to be offered first to `agent` if it names one; a return after
    /// the horizon is dropped with the other arrivals.
    pub(super) fn come_back(
        &mut self,
        source: usize,
        returns: u32,
        delay: f64,
        agent: Option<AgentId>,
    ) {
        let t = self.now + round_ms(delay).min(MAX_AHEAD);
        if t < self.scenario.simulation.horizon {
            let source = source as u32;
            let agent = agent.map_or(NO_AGENT, |a| a.0);
            self.events.schedule(
                t,
                Event::Return {
                    source,
                    returns,
                    agent,
                },
            );
        }
    }
}

/// With `trace_times`, the logged chat's own handle time and, if it was abandoned, its own
/// time to abandon. Kept out of line: sampled streams never come here.
#[cold]
fn replay_times(
    arrivals: &Arrivals,
    sampler: Option<&Sampler>,
    rng: &mut ChaCha8Rng,
    work: &mut f64,
    patience: &mut Option<f64>,
) {
    let (logged, times) = arrivals.replayed();
    if !times {
        return;
    }
    if let Some(h) = logged.handle {
        *work = h as f64;
    }
    *patience = if logged.abandoned {
        Some(logged.wait as f64)
    } else {
        patience_beyond(sampler, logged.wait, *patience, rng)
    };
}

/// A served customer of a replayed log waited `waited` without leaving: their patience
/// is drawn from the scenario's given that it lasted longer (rejection, from `first`).
/// After many misses the wait lies far in the tail, and the customer stays.
fn patience_beyond(
    patience: Option<&Sampler>,
    waited: Millis,
    first: Option<f64>,
    rng: &mut ChaCha8Rng,
) -> Option<f64> {
    let p = patience?;
    let mut draw = first?;
    for _ in 0..100 {
        if draw > waited as f64 {
            return Some(draw);
        }
        draw = p.sample(rng);
    }
    None
}

/// The class of a new chat of a stream with `classes` (cumulative shares): kept out of line,
/// since a centre without priorities never calls it.
#[cold]
#[inline(never)]
fn class_of(classes: &[(u8, f64)], route: &mut ChaCha8Rng) -> u8 {
    match classes {
        [(c, _)] => *c,
        _ => {
            let u: f64 = route.random();
            classes
                .iter()
                .find(|c| u < c.1)
                .unwrap_or(&classes[classes.len() - 1])
                .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::{MINUTE, SECOND};

    #[test]
    fn a_customer_whose_patience_runs_out_leaves_the_queue_and_may_return() {
        // guide `scenarios.md#customers`: patience runs from entry into the human queue; the
        // customer who gives up comes back after `return_after` when the return draw says so (here
        // always).
        let s = parse(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
shifts = ["sun 20:00-21:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[customers]
patience = { dist = "constant", value = "2m" }
return_probability = "100%"
return_after = { dist = "constant", value = "10m" }
[conversation]
handle_time = { dist = "constant", value = "1m" }
"#,
        );
        let mut sim = quiet(&s);
        let mut c = chat(&sim, MINUTE);
        c.patience = Some((2 * MINUTE) as f64);
        place(&mut sim, c, None);
        assert!(run_until(&mut sim, 2 * MINUTE - SECOND).is_empty());
        assert_eq!(run_until(&mut sim, 2 * MINUTE), vec![2 * MINUTE]);
        assert_eq!(sim.stats.levels.queue_length, 0.0);
        assert_eq!(sim.router.waiting(QueueId(0)), 0);
        // The same customer is back 10 minutes later, once, as a returning contact.
        run_until(&mut sim, 12 * MINUTE);
        assert_eq!(sim.arrived, 1);
        assert_eq!(sim.live, 1);
        assert_eq!(sim.chats.iter().map(|c| c.returns).max(), Some(1));
    }

    #[test]
    fn a_chat_the_bot_resolves_never_reaches_a_human_queue() {
        let s = parse(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
bot = { duration = { dist = "constant", value = "1m" }, resolve_probability = 1 }
[conversation]
handle_time = { dist = "constant", value = "1m" }
"#,
        );
        let mut sim = quiet(&s);
        sim.new_contact(0, 0, NO_AGENT);
        assert_eq!(sim.stats.levels.queue_length, 0.0);
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![MINUTE]);
        assert_eq!(sim.stats.levels.busy_slots, 0.0);
        assert_eq!(sim.router.agent(AgentId(0)).assigned, 0);
    }
}
