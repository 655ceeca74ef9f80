//! The work on a chat: the block model's draining work (limited processor sharing) and the turn
//! model's conversation, from the start on a slot to the end or a transfer.

use super::*;

/// A conversation in the turn model (guide `scenarios.md#conversation`).
#[derive(Clone, Debug)]
pub(super) struct Talk {
    /// The chat's own stream: its reply times and silences are the same whoever handles it.
    pub(super) rng: Xoshiro256PlusPlus,
    /// Agent messages still to come.
    pub(super) turns_left: u32,
    pub(super) replied: bool,
    /// The chat's wait for an agent, kept for `mean_wait_served` at the first reply.
    pub(super) wait: Millis,
    /// Numbers the scheduled step: older steps are stale.
    pub(super) version: u32,
    pub(super) next: Step,
    /// A customer message waits for an agent's reply (arrival counts as one, guide
    /// `inactivity.md#snooze`).
    pub(super) unanswered: bool,
    /// The agent snoozed the chat: inactivity management leaves it alone (guide
    /// `inactivity.md#snooze`).
    pub(super) snoozed: bool,
    /// Numbers the scheduled end of the snooze: older ends are stale.
    pub(super) snooze_version: u32,
    /// Arrived at or after `auto_close.from`: only such chats are closed for silence (seed
    /// 003: "casos anteriores a esta data não serão impactados").
    pub(super) closable: bool,
    /// The inactivity clock of the unanswered message in the current queue.
    pub(super) episode: Option<Episode>,
    /// Numbers the scheduled inactivity deadline: older ones are stale.
    pub(super) episode_version: u32,
    /// Time of the last message of either side, for `auto_close`.
    pub(super) last_message: Millis,
    /// An auto-close check is scheduled (it re-arms itself while messages keep coming).
    pub(super) close_pending: bool,
    /// On hold: numbers the hold (older timers are stale); the agent who held it; the
    /// customer's next message, when it comes after the hold began, ms after the hold.
    pub(super) hold_version: u32,
    pub(super) held_by: u32,
    pub(super) after_hold: Option<f64>,
    /// The customer left without a word (guide `scenarios.md#customers`); since when the chat holds
    /// a slot for nobody (`None` once off the slot), and the slot time so held before.
    pub(super) silent: bool,
    pub(super) silent_since: Option<Millis>,
    pub(super) silent_held: Millis,
}

impl Talk {
    pub(super) fn new(rng: Xoshiro256PlusPlus, turns_left: u32) -> Self {
        Talk {
            rng,
            turns_left,
            replied: false,
            wait: 0,
            version: 0,
            unanswered: true,
            snoozed: false,
            snooze_version: 0,
            closable: true,
            episode: None,
            episode_version: 0,
            last_message: 0,
            close_pending: false,
            hold_version: 0,
            held_by: 0,
            after_hold: None,
            silent: false,
            silent_since: None,
            silent_held: 0,
            next: Step::AgentReply,
        }
    }
}

/// What happens next in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    AgentReply,
    CustomerMessage,
    /// The customer gives up waiting for a later reply.
    CustomerLeaves,
    /// The agent finishes the chat.
    WrapUp,
    /// The customer's silence puts the chat on hold (guide `inactivity.md#on-hold`).
    Hold,
    /// The agent closes a chat whose customer left without a word.
    Close,
}

pub(super) struct TurnSamplers {
    pub(super) turns: CountSampler,
    pub(super) first_reply: Sampler,
    pub(super) agent_reply: Sampler,
    pub(super) customer_reply: Sampler,
    pub(super) customer_silent_probability: f64,
    pub(super) wrap_up: Option<Sampler>,
    pub(super) patience_in_conversation: Option<Sampler>,
    pub(super) silent_abandonment: f64,
    pub(super) silent_noticed_after: Option<Sampler>,
}

/// An agent's desk: the chats in its slots and the work each still needs, and its presence.
pub(super) struct Desk {
    pub(super) group: usize,
    pub(super) capacity: u32,
    /// Its group's `speed`: a factor on how fast it works.
    pub(super) pace: f64,
    pub(super) chats: Vec<OnDesk>,
    pub(super) last: Millis,
    pub(super) version: u32,
    pub(super) due: Millis,
    /// On shift (whether or not it showed up).
    pub(super) on_shift: bool,
    /// Did not show up for the current shift (absenteeism).
    pub(super) absent: bool,
    /// Set Not ready by a timed-out offer, until `not_ready_for` has passed.
    pub(super) away: bool,
    /// Numbers the scheduled return to Ready: older returns are stale.
    pub(super) away_version: u32,
    pub(super) on_break: bool,
    pub(super) presence: Presence,
    /// When its last shift ended, for `shift_end_grace`.
    pub(super) off_at: Millis,
    /// When it last went Not ready on shift, for `not_ready_grace`.
    pub(super) not_ready_at: Millis,
}

/// A chat in one of an agent's slots.
#[derive(Clone, Copy, Debug)]
pub(super) struct OnDesk {
    pub(super) chat: ChatId,
    /// Work still needed, in ms at full speed.
    pub(super) left: f64,
    /// When it took the slot, for the group's busy slot-time.
    pub(super) since: Millis,
}

impl Sim<'_> {
    /// An agent starts on a chat. The first time, the customer's wait ends (the block model's
    /// first reply, guide `scenarios.md#customers`).
    pub(super) fn start(&mut self, id: ChatId, agent: AgentId) {
        self.note_agent(id, "start", agent.0 as usize);
        let now = self.now;
        let chat = &mut self.chats[id.index as usize];
        debug_assert_eq!(chat.state, ChatState::Waiting);
        chat.state = ChatState::InService;
        self.queue_level(id, -1.0);
        let chat = &mut self.chats[id.index as usize];
        if !chat.started {
            chat.started = true;
            if self.talks.is_empty() {
                // The block model's first reply: the customer waits no more.
                self.events.cancel_patience(id);
                if let Some(log) = self.log.as_mut() {
                    log.first_reply(id.index, now);
                }
            }
            let wait = now - chat.queued_at;
            if let Some(k) = chat.window {
                self.stats.started(k, wait);
                if self.overflows {
                    let team = crate::scenario::TeamId(chat.queue.0);
                    let group = &self.scenario.agent_groups[self.desks[agent.0 as usize].group];
                    if group.overflow_teams.contains(&team) {
                        self.stats.overflowed(k);
                    }
                }
                if self.talks.is_empty() {
                    self.stats.first_reply(k, wait, wait);
                }
            }
            if let Some(talk) = self.talks.get_mut(id.index as usize) {
                talk.wait = wait;
            }
        }
        // The turn model ends chats by their conversation: no work to drain.
        let work = if self.talks.is_empty() {
            chat.work
        } else {
            f64::INFINITY
        };
        let agent = agent.0 as usize;
        self.drain_work(agent);
        self.desks[agent].chats.push(OnDesk {
            chat: id,
            left: work,
            since: now,
        });
        self.stats.levels.busy_slots += 1.0;
        self.reschedule(agent);
        self.chats_changed(agent);
        if let Some(talk) = self.talks.get(id.index as usize) {
            // The chat is now the agent's ("fila do vendedor"): a new episode, unless it was
            // already timed by that flow while it waited behind the agent's capacity.
            if talk.episode.is_none_or(|e| e.kind != QueueKind::Agent) {
                self.open_episode(id, QueueKind::Agent);
            }
            let first = !self.first_replied(id);
            self.agent_writes(id, agent, first);
        }
    }

    /// Turn model: the agent starts writing a reply, which takes the sampled reply time stretched
    /// by the chats it holds: `reply × (1 + s(k - 1))` (guide `scenarios.md#conversation`).
    pub(super) fn agent_writes(&mut self, id: ChatId, agent: usize, first: bool) {
        let Some(turns) = self.turns.as_ref() else {
            return;
        };
        let k = self.desks[agent].chats.len();
        let stretch = match self.speeds.is_empty() {
            true => 1.0 + self.slowdown * (k as f64 - 1.0),
            false => 1.0 / self.speed(k),
        };
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return;
        };
        let reply = if first {
            &turns.first_reply
        } else {
            &turns.agent_reply
        };
        let after = reply.sample(&mut talk.rng) * stretch / self.desks[agent].pace;
        // Later replies race the customer's patience in conversation.
        let leaves = match (&turns.patience_in_conversation, first) {
            (Some(p), false) => Some(p.sample(&mut talk.rng)).filter(|&p| p < after),
            _ => None,
        };
        // A share of them leave without a word: the agent, none the wiser, replies anyway.
        let silently = leaves.is_some()
            && turns.silent_abandonment > 0.0
            && talk.rng.random_bool(turns.silent_abandonment);
        match leaves {
            Some(p) if silently => {
                talk.silent = true;
                talk.silent_since = Some(self.now + round_ms(p));
                self.talk_next(id, Step::AgentReply, after);
            }
            Some(p) => self.talk_next(id, Step::CustomerLeaves, p),
            None => self.talk_next(id, Step::AgentReply, after),
        }
    }

    pub(super) fn talk_next(&mut self, id: ChatId, step: Step, after: f64) {
        let talk = &mut self.talks[id.index as usize];
        talk.version = talk.version.wrapping_add(1);
        talk.next = step;
        let version = talk.version;
        self.events.schedule(
            self.now + round_ms(after).min(MAX_AHEAD),
            Event::Talk { chat: id, version },
        );
    }

    /// The next step of a conversation in the turn model (guide `scenarios.md#conversation`).
    pub(super) fn talk(&mut self, id: ChatId, version: u32) {
        let Some(c) = self.chat(id) else { return };
        let Some(talk) = self.talks.get(id.index as usize) else {
            return;
        };
        if talk.version != version {
            return;
        }
        if c.state == ChatState::OnHold {
            if talk.next == Step::CustomerMessage {
                self.resume_from_hold(id);
            }
            return;
        }
        if c.state != ChatState::InService {
            return;
        }
        let turns = self.turns.as_ref().expect("turn model");
        let Some(agent) = self.router.holder(id) else {
            return;
        };
        let agent = agent.0 as usize;
        let (k, step) = (c.window, talk.next);
        match step {
            Step::AgentReply => {
                let queued_at = c.queued_at;
                let talk = &mut self.talks[id.index as usize];
                if !talk.replied {
                    talk.replied = true;
                    self.events.cancel_patience(id);
                    if let Some(k) = k {
                        self.stats.first_reply(k, talk.wait, self.now - queued_at);
                    }
                    if let Some(log) = self.log.as_mut() {
                        log.first_reply(id.index, self.now);
                    }
                }
                talk.unanswered = false;
                talk.turns_left = talk.turns_left.saturating_sub(1);
                let silent =
                    talk.turns_left > 0 && talk.rng.random_bool(turns.customer_silent_probability);
                let auto_close = talk.closable && self.scenario.inactivity.auto_close.is_some();
                let on_hold = self.scenario.inactivity.on_hold;
                let mut next = if talk.silent && talk.turns_left > 0 {
                    // Its customer is gone: the agent closes it when it notices, or the
                    // platform's timers do; with neither it ends as a finished chat would.
                    match &turns.silent_noticed_after {
                        Some(n) => Some((Step::Close, n.sample(&mut talk.rng))),
                        None if auto_close
                            || on_hold.is_some_and(|h| h.after_silence.is_some()) =>
                        {
                            talk.version = talk.version.wrapping_add(1);
                            None
                        }
                        None => Some((Step::WrapUp, 0.0)),
                    }
                } else if silent && auto_close {
                    // The customer says no more: the chat holds its slot until auto-close. A
                    // chat auto-close may not touch (it arrived before `from`) ends as it
                    // would without auto-close.
                    talk.version = talk.version.wrapping_add(1);
                    None
                } else if talk.turns_left == 0 || silent {
                    let wrap = turns
                        .wrap_up
                        .as_ref()
                        .map_or(0.0, |w| w.sample(&mut talk.rng) / self.desks[agent].pace);
                    Some((Step::WrapUp, wrap))
                } else {
                    Some((
                        Step::CustomerMessage,
                        turns.customer_reply.sample(&mut talk.rng),
                    ))
                };
                // guide `inactivity.md#on-hold`: the agent may put the chat on hold now, or
                // the customer's silence will, unless the customer (or the agent's close)
                // comes first.
                let waits_on_customer = next
                    .is_none_or(|(step, _)| matches!(step, Step::CustomerMessage | Step::Close));
                let mut hold_now = false;
                if let Some(h) = on_hold.filter(|_| waits_on_customer) {
                    hold_now = next.is_none_or(|(step, _)| step == Step::CustomerMessage)
                        && self.scenario.hold_after_reply > 0.0
                        && talk.rng.random_bool(self.scenario.hold_after_reply);
                    let ends = next.map(|(_, after)| self.now + round_ms(after).min(MAX_AHEAD));
                    if !hold_now && let Some(at) = h.hold_at(self.now, ends) {
                        let silence = (at - self.now) as f64;
                        talk.after_hold = next
                            .filter(|&(step, _)| step == Step::CustomerMessage)
                            .map(|(_, after)| after - silence);
                        next = Some((Step::Hold, silence));
                    }
                }
                // guide `inactivity.md#snooze`: the agent may snooze ("adiar") the chat it has just
                // answered, so that the customer's next message raises no alert while it is away.
                let snooze_now = !hold_now
                    && next.is_none_or(|(step, _)| step == Step::CustomerMessage)
                    && self.snooze.as_ref().is_some_and(|s| {
                        s.after_reply > 0.0 && talk.rng.random_bool(s.after_reply)
                    });
                self.end_episode(id);
                self.touch(id);
                self.note_agent(id, "reply", agent);
                if let Some((step, after)) = next {
                    self.talk_next(id, step, after);
                }
                if hold_now {
                    self.put_on_hold(id);
                } else if snooze_now {
                    self.start_snooze(id);
                }
            }
            Step::Hold => {
                self.put_on_hold(id);
                if let Some(rest) = self.talks[id.index as usize].after_hold.take() {
                    self.talk_next(id, Step::CustomerMessage, rest);
                }
            }
            Step::Close => {
                self.note(id, "agent_close", "");
                self.end_silent(id);
            }
            Step::CustomerMessage => {
                self.note(id, "customer", "");
                let talk = &mut self.talks[id.index as usize];
                talk.unanswered = true;
                // Snoozed already (after the agent's reply): the message waits, unalerted,
                // for the snooze to end.
                let snoozed = talk.snoozed;
                let snooze = !snoozed
                    && self
                        .snooze
                        .as_ref()
                        .is_some_and(|s| talk.rng.random_bool(s.probability));
                self.touch(id);
                if snooze {
                    self.start_snooze(id);
                } else if !snoozed {
                    self.open_episode(id, QueueKind::Agent);
                    self.agent_writes(id, agent, false);
                }
            }
            Step::CustomerLeaves => {
                if let Some(tag) = k {
                    self.stats.abandoned_in_conversation(tag);
                }
                self.take_away(id);
                self.release(id, Outcome::AbandonedInConversation);
            }
            Step::WrapUp if self.talks[id.index as usize].silent => {
                self.end_silent(id);
            }
            Step::WrapUp => {
                self.end_episode(id);
                let group = self.desks[agent].group;
                self.off_desk(agent, id);
                self.part_done(id, group);
                self.reschedule(agent);
                self.chats_changed(agent);
            }
        }
    }

    /// Brings the agent's remaining work up to now at the speed its current load allows (limited
    /// processor sharing, guide `scenarios.md#conversation`). Call before the load changes.
    pub(super) fn drain_work(&mut self, agent: usize) {
        let desk = &mut self.desks[agent];
        let dt = (self.now - desk.last) as f64;
        desk.last = self.now;
        if dt > 0.0 && !desk.chats.is_empty() {
            let done = dt * speed_of(&self.speeds, self.slowdown, desk.chats.len()) * desk.pace;
            for c in desk.chats.iter_mut() {
                c.left -= done;
            }
        }
    }

    /// Schedules the agent's next completion if its load changed when that happens.
    #[inline(always)]
    pub(super) fn reschedule(&mut self, agent: usize) {
        let desk = &mut self.desks[agent];
        let due = if desk.chats.is_empty() {
            NEVER
        } else {
            let least = desk
                .chats
                .iter()
                .map(|c| c.left)
                .fold(f64::INFINITY, f64::min)
                .max(0.0);
            if least.is_infinite() {
                // Turn model: chats end by their conversation, not by work.
                NEVER
            } else {
                let speed = speed_of(&self.speeds, self.slowdown, desk.chats.len()) * desk.pace;
                self.now + ceil_ms(least / speed).min(MAX_AHEAD)
            }
        };
        if due != desk.due {
            desk.due = due;
            desk.version = desk.version.wrapping_add(1);
            if due != NEVER {
                let version = desk.version;
                self.events.schedule(
                    due,
                    Event::Completion {
                        agent: agent as u32,
                        version,
                    },
                );
            }
        }
    }

    /// Takes a chat off an agent's desk, keeping the work it still needs.
    pub(super) fn off_desk(&mut self, agent: usize, id: ChatId) {
        self.drain_work(agent);
        let desk = &mut self.desks[agent];
        if let Some(i) = desk.chats.iter().position(|c| c.chat == id) {
            let OnDesk { left, since, .. } = desk.chats.swap_remove(i);
            self.chats[id.index as usize].work = left.max(0.0);
            self.stats.levels.busy_slots -= 1.0;
            self.stats.slot_time(desk.group, since);
        }
    }

    pub(super) fn completion(&mut self, agent: usize) {
        self.drain_work(agent);
        let desk = &mut self.desks[agent];
        let group = desk.group;
        let finished = &mut self.finished;
        desk.chats.retain(|c| {
            let done = c.left <= DONE;
            if done {
                finished.push(*c);
            }
            !done
        });
        desk.due = NEVER;
        let mut list = std::mem::take(&mut self.finished);
        for OnDesk { chat, since, .. } in list.drain(..) {
            self.stats.levels.busy_slots -= 1.0;
            self.stats.slot_time(group, since);
            self.part_done(chat, group);
        }
        self.finished = list;
        self.reschedule(agent);
        self.chats_changed(agent);
    }

    /// The agent is done with its part of the chat (off its desk already): the chat is
    /// transferred or resolved.
    pub(super) fn part_done(&mut self, chat: ChatId, group: usize) {
        let scenario = self.scenario;
        let c = &mut self.chats[chat.index as usize];
        let transfer = c.transfer.take();
        let counted = c.window;
        if transfer.is_some()
            && let (Some(talk), Some(turns)) =
                (self.talks.get_mut(chat.index as usize), self.turns.as_ref())
        {
            // A fresh conversation with the next agent; the first reply was already sent.
            talk.turns_left = turns.turns.sample(&mut talk.rng);
        }
        if let Some(work) = transfer
            && self.transfer(chat, work, counted)
        {
            return;
        }
        if let Some(tag) = counted {
            self.stats.resolved(group, tag);
        }
        let source = self.chats[chat.index as usize].source as usize;
        let returns = self.chats[chat.index as usize].returns as u32 + 1;
        // Who resolved it, asked only when a reopen window could send the customer back there.
        let resolver = match self.return_after_resolution {
            Some((_, _, Some(_))) => self.router.holder(chat),
            _ => None,
        };
        self.router.release(chat, self.now, &mut self.decisions);
        self.carry_out();
        self.release(chat, Outcome::Resolved);
        // guide `routing.md#customers-who-come-back-and-reopened-chats`: once a chat is concluded
        // the bot takes over again, and a customer who writes again is routed like a new contact —
        // first to the agent who resolved it when it writes within the reopen window.
        if let Some((p, after, window)) = &self.return_after_resolution
            && returns <= scenario.customers.max_returns
            && self.resolved_rng[source].random_bool(*p)
        {
            let delay = after.sample(&mut self.resolved_rng[source]);
            let within = window.is_some_and(|w| round_ms(delay) <= w);
            self.come_back(source, returns, delay, resolver.filter(|_| within));
        }
    }
}

impl Sim<'_> {
    /// Each chat's speed while its agent holds `k` (at least 1) of them.
    pub(super) fn speed(&self, k: usize) -> f64 {
        speed_of(&self.speeds, self.slowdown, k)
    }
}

/// Each chat's speed while an agent holds `k` of them: from the per-level table when the
/// scenario gives one, else the linear form. One chat runs at full speed either way (a
/// table starts at 1), which the hot path answers without looking further.
#[inline(always)]
fn speed_of(table: &[f64], slowdown: f64, k: usize) -> f64 {
    if k == 1 {
        return 1.0;
    }
    match table.len() {
        0 => speed(slowdown, k),
        n => table[k.clamp(1, n) - 1],
    }
}

/// Work per millisecond of each chat while an agent holds `k` of them. One chat runs at full
/// speed: exactly 1, without the division the formula would cost on every event.
#[inline]
fn speed(slowdown: f64, k: usize) -> f64 {
    if k == 1 {
        1.0
    } else {
        1.0 / (1.0 + slowdown * (k as f64 - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::{MINUTE, SECOND};

    #[test]
    fn a_speed_table_gives_each_level_its_speed_and_its_last_entry_beyond() {
        // guide `scenarios.md#conversation` `concurrency_speed`: the k-th entry is each chat's
        // speed with k chats held; past the table, its last entry.
        let table = [1.0, 0.8, 0.5];
        assert_eq!(
            (1..=5)
                .map(|k| speed_of(&table, 0.0, k))
                .collect::<Vec<_>>(),
            vec![1.0, 0.8, 0.5, 0.5, 0.5]
        );
        assert_eq!(
            speed_of(&[], 1.0, 2),
            0.5,
            "the linear form without a table"
        );
    }

    #[test]
    fn chats_without_slowdown_do_not_delay_each_other() {
        // guide `scenarios.md#conversation`: with s = 0 chats do not slow each other.
        let s = block(2, 0.0, "mon-sun 00:00-24:00", "capacity", "keep");
        let mut sim = quiet(&s);
        inject(&mut sim, MINUTE);
        inject(&mut sim, 2 * MINUTE);
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![MINUTE, 2 * MINUTE]);
    }

    #[test]
    fn slowdown_shares_the_agent_and_recomputes_finishing_times() {
        // guide `scenarios.md#conversation`: each chat drains at 1 / (1 + s(k - 1)); finishing
        // times change with k.
        let s = block(2, 1.0, "mon-sun 00:00-24:00", "capacity", "keep");
        let mut sim = quiet(&s);
        inject(&mut sim, 60 * SECOND);
        assert!(run_until(&mut sim, 30 * SECOND).is_empty());
        inject(&mut sim, 60 * SECOND);
        // From 30 s both run at half speed: the first (30 s left) ends at 90 s, when the second
        // has 30 s left at full speed again: 120 s.
        assert_eq!(
            run_until(&mut sim, 10 * MINUTE),
            vec![90 * SECOND, 120 * SECOND]
        );
    }

    /// One agent of group `g` (with `agent_keys`) and a two-turn conversation: 10 s first
    /// reply, 30 s customer answer, 20 s last reply, 5 s wrap-up.
    fn two_turns(agent_keys: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
{agent_keys}
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
turns = 2
first_reply = {{ dist = "constant", value = "10s" }}
agent_reply = {{ dist = "constant", value = "20s" }}
customer_reply = {{ dist = "constant", value = "30s" }}
wrap_up = {{ dist = "constant", value = "5s" }}
"#
        ))
    }

    #[test]
    fn a_conversation_ends_after_its_last_reply_and_wrap_up() {
        // guide `scenarios.md#conversation` turn model: first reply, customer message, reply (the
        // last of 2), wrap-up.
        let s = two_turns("capacity = 2");
        let mut sim = quiet(&s);
        let id = inject_talk(&mut sim, 2);
        assert_eq!(sim.chats[id.index as usize].state, ChatState::InService);
        // 10 s first reply, 40 s customer, 60 s last reply, 65 s wrapped up.
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![65 * SECOND]);
        assert_eq!(sim.stats.levels.busy_slots, 0.0);
    }

    #[test]
    fn a_faster_group_writes_and_wraps_up_in_less_time_but_its_customers_do_not() {
        // guide `scenarios.md#agents` `speed = 2`: the agent's replies and wrap-up take half the
        // time; the customer's answer does not change. 5 s, 30 s, 10 s and 2.5 s.
        let s = two_turns("speed = 2.0");
        let mut sim = quiet(&s);
        inject_talk(&mut sim, 2);
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![47_500]);
    }
}

#[cfg(test)]
mod reopen_tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::{MINUTE, SECOND};

    /// Two agents; a customer whose chat is resolved always writes again 5 minutes later.
    fn returning(window: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
count = 2
capacity = 2
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[customers]
return_after_resolution = {{ probability = 1, after = {{ dist = "constant", value = "5m" }}{window} }}
max_returns = 1
[conversation]
handle_time = {{ dist = "constant", value = "1m" }}
"#
        ))
    }

    /// Who holds a chat 30 s after the customer of a chat agent 0 resolved at 1 min writes
    /// again.
    fn taken_by(window: &str) -> Vec<u32> {
        let s = returning(window);
        let mut sim = quiet(&s);
        inject(&mut sim, MINUTE);
        assert_eq!(
            sim.router.agent(AgentId(0)).held,
            1,
            "the first agent, by index"
        );
        run_until(&mut sim, 6 * MINUTE + 30 * SECOND);
        assert_eq!(sim.arrived, 1, "the return is the only arrival");
        (0..2).map(|a| sim.router.agent(AgentId(a)).held).collect()
    }

    #[test]
    fn a_customer_back_within_the_reopen_window_goes_to_the_agent_who_resolved_its_chat() {
        // guide `routing.md#customers-who-come-back-and-reopened-chats` `reopen_window` (LiveChat's
        // preferred recent agent): agent 1, never assigned, is idle the longest and would win under
        // `capacity`; within the window the chat goes to agent 0, who resolved the customer's chat.
        assert_eq!(
            taken_by(""),
            vec![0, 1],
            "without a window: the team's rule"
        );
        assert_eq!(taken_by(", reopen_window = \"10m\""), vec![1, 0]);
        assert_eq!(
            taken_by(", reopen_window = \"4m\""),
            vec![0, 1],
            "back after the window closed: the team's rule"
        );
    }
}
