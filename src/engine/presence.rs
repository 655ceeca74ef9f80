//! Agents' presence: shifts, breaks, absences and missed offers, applied together per instant,
//! chats handed back at a shift end, and the presence levels `agents.csv` reports.

use super::*;

/// What an agent's time counts as in `agents.csv`, and whether its slots count as online.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Presence {
    Offline,
    NotReady,
    /// Not ready because a missed offer set it so (`not_ready_on_timeout`).
    Away,
    Ready,
    /// Off shift but still finishing chats: its slots count as online for occupancy.
    Finishing,
}

impl Desk {
    /// What routing sees of this agent: online when on shift and present, Ready when neither
    /// on a break nor set Not ready by a missed offer.
    fn presence(&self, agent: u32) -> RoutingPresence {
        RoutingPresence {
            agent: AgentId(agent),
            online: self.on_shift && !self.absent,
            ready: !self.on_break && !self.away,
        }
    }
}

impl Sim<'_> {
    /// The agent's number of chats changed: that matters to its presence only off shift,
    /// where holding chats keeps its slots online (the hot path skips the rest).
    pub(super) fn chats_changed(&mut self, agent: usize) {
        if !self.router.agent(AgentId(agent as u32)).online {
            self.refresh_presence(agent);
        }
    }

    /// Shifts and breaks change. Every group's changes at this instant are applied together and
    /// only then are chats handed out, so agents who start together share the backlog (guide
    /// `routing.md#offers-refusals-and-timeouts`). At a shift start each agent may be absent for
    /// the whole shift (absenteeism, drawn per agent and shift); at an end the agent keeps or hands
    /// back its chats (guide `scenarios.md#agents`); a new shift clears a missed offer's Not ready.
    pub(super) fn calendar(&mut self) {
        let scenario = self.scenario;
        let start = scenario.simulation.start;
        let mut changes = std::mem::take(&mut self.changes);
        let mut leaving = std::mem::take(&mut self.leaving);
        let mut next = NEVER;
        for (g, group) in scenario.agent_groups.iter().enumerate() {
            let agents = self.group_agents[g].clone();
            for a in agents.clone() {
                let i = (a - agents.start) as usize;
                let on = group.schedule(i).is_on(self.now + start);
                let on_break = group.break_of(i).is_on(self.now + start);
                let desk = &mut self.desks[a as usize];
                let new_shift = desk.on_shift != on;
                if new_shift {
                    desk.on_shift = on;
                    desk.away = false;
                    desk.away_version = desk.away_version.wrapping_add(1);
                    desk.absent = on
                        && group.absenteeism > 0.0
                        && self.agent_rng.random_bool(group.absenteeism);
                    if !on && group.on_shift_end == OnShiftEnd::Requeue {
                        desk.off_at = self.now;
                        match group.shift_end_grace {
                            0 => leaving.push(a),
                            grace => self.events.schedule(self.now + grace, Event::HandBack(a)),
                        }
                    }
                } else if desk.on_break == on_break {
                    continue;
                }
                desk.on_break = on_break;
                changes.push(desk.presence(a));
            }
            let changes_at = group
                .schedules
                .iter()
                .chain(&group.breaks)
                .filter_map(|s| s.next_change(self.now, start));
            next = changes_at.fold(next, Millis::min);
        }
        self.router
            .update_presence(&changes, self.now, &mut self.decisions);
        self.carry_out();
        for &a in &leaving {
            self.hand_back(a as usize);
        }
        for p in &changes {
            self.refresh_presence(p.agent.0 as usize);
        }
        changes.clear();
        leaving.clear();
        self.changes = changes;
        self.leaving = leaving;
        if next != NEVER {
            self.events.schedule(next, Event::Calendar);
        }
    }

    /// `on_shift_end = "requeue"`: every chat the agent holds goes back to its queue, except
    /// a snoozed one, which stays with the agent until its snooze ends or the agent resumes
    /// it (guide `inactivity.md#snooze`), and goes back then (see `snooze_ends`).
    pub(super) fn hand_back(&mut self, agent: usize) {
        let mut held = std::mem::take(&mut self.held);
        self.router.chats_of(AgentId(agent as u32), &mut held);
        let talks = &self.talks;
        held.retain(|id| talks.get(id.index as usize).is_none_or(|t| !t.snoozed));
        // Chats not yet started go first: were a slot freed before them, the agent's queue
        // would move one into it and count a first reply that never happened.
        held.sort_by_key(|id| self.chats[id.index as usize].state == ChatState::InService);
        for &id in &held {
            self.requeue(id);
        }
        self.held = held;
    }

    /// The chat leaves its agent at the end of the agent's shift, back to its queue.
    pub(super) fn requeue(&mut self, id: ChatId) {
        self.note(id, "requeue", "");
        if self.hand_to_agent(id) {
            return;
        }
        self.take_away(id);
        let queue = self.chats[id.index as usize].queue;
        self.route_to(id, queue);
    }

    /// `hand_back_to = "agent"` (guide `routing.md#shift-ends-breaks-and-hand-backs`): a chat in
    /// its agent's slot goes straight to another available agent of its team, with a fresh
    /// inactivity clock. Returns whether it did; with nobody available, or for a chat not yet
    /// started, the caller queues it.
    fn hand_to_agent(&mut self, id: ChatId) -> bool {
        let queue = self.chats[id.index as usize].queue;
        let team = queue.0 as usize;
        if self
            .scenario
            .teams
            .get(team)
            .is_none_or(|t| t.hand_back_to != HandBackTo::Agent)
        {
            return false;
        }
        let Some(from) = self.router.holder(id) else {
            return false;
        };
        let scenario = self.scenario;
        let candidates = scenario
            .agent_groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.role == crate::routing::Role::Agent && g.teams.contains(&TeamId(team as u32))
            })
            .flat_map(|(g, _)| self.group_agents[g].clone().map(AgentId))
            .collect::<Vec<_>>();
        let Some(to) = self
            .router
            .transfer_to_agent(id, candidates, self.now, &mut self.decisions)
        else {
            return false;
        };
        let from = from.0 as usize;
        self.off_desk(from, id);
        self.end_episode(id);
        let c = &mut self.chats[id.index as usize];
        c.state = ChatState::Waiting;
        if let Some(talk) = self.talks.get_mut(id.index as usize) {
            talk.version = talk.version.wrapping_add(1);
        }
        self.queue_level(id, 1.0);
        self.note_agent(id, "hand_back", to.0 as usize);
        self.reschedule(from);
        self.chats_changed(from);
        self.carry_out();
        true
    }

    /// Whether the agent hands its chats back now: its shift is over, its group hands chats
    /// back at a shift end and its `shift_end_grace` has passed; or it is Not ready on shift,
    /// its group hands chats back then, and its `not_ready_grace` has passed.
    pub(super) fn hands_back(&self, agent: usize) -> bool {
        let desk = &self.desks[agent];
        let group = &self.scenario.agent_groups[desk.group];
        let shift_over = !desk.on_shift
            && group.on_shift_end == OnShiftEnd::Requeue
            && self.now >= desk.off_at + group.shift_end_grace;
        let not_ready = desk.on_shift
            && (desk.on_break || desk.away)
            && group.on_not_ready == OnShiftEnd::Requeue
            && self.now >= desk.not_ready_at + group.not_ready_grace;
        shift_over || not_ready
    }

    /// Ready unless on a break or set Not ready by a missed offer.
    pub(super) fn update_ready(&mut self, agent: usize) {
        let change = self.desks[agent].presence(agent as u32);
        self.router
            .update_presence(&[change], self.now, &mut self.decisions);
        self.carry_out();
        self.refresh_presence(agent);
    }

    pub(super) fn refresh_presence(&mut self, agent: usize) {
        let a = self.router.agent(AgentId(agent as u32));
        let desk = &mut self.desks[agent];
        let presence = match (a.online, a.ready) {
            (true, true) => Presence::Ready,
            (true, false) if desk.away && !desk.on_break => Presence::Away,
            (true, false) => Presence::NotReady,
            (false, _) if !desk.chats.is_empty() => Presence::Finishing,
            (false, _) => Presence::Offline,
        };
        if presence == desk.presence {
            return;
        }
        // Gone Not ready on shift: the group may hand its chats back after a grace time
        // (guide `routing.md#shift-ends-breaks-and-hand-backs` `on_not_ready`).
        if matches!(presence, Presence::NotReady | Presence::Away)
            && desk.presence == Presence::Ready
            && self.scenario.agent_groups[desk.group].on_not_ready == OnShiftEnd::Requeue
        {
            desk.not_ready_at = self.now;
            let grace = self.scenario.agent_groups[desk.group].not_ready_grace;
            self.events
                .schedule(self.now + grace, Event::HandBack(agent as u32));
        }
        let slots = desk.capacity as f64;
        let before = std::mem::replace(&mut desk.presence, presence);
        let group = self.stats.group(desk.group);
        let (mut present, mut online) = (0.0, 0.0);
        for (p, sign) in [(before, -1.0), (presence, 1.0)] {
            match p {
                Presence::Ready => group.ready += sign,
                Presence::NotReady => group.not_ready += sign,
                Presence::Away => {
                    group.not_ready += sign;
                    group.away += sign;
                }
                Presence::Offline | Presence::Finishing => group.offline += sign,
            }
            if p != Presence::Offline {
                group.present += sign * slots;
                present += sign * slots;
            }
            if matches!(p, Presence::Ready | Presence::NotReady | Presence::Away) {
                online += sign;
            }
        }
        self.stats.levels.present_slots += present;
        self.stats.levels.agents_online += online;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::MINUTE;

    #[test]
    fn an_agent_keeps_its_chat_past_shift_end() {
        // guide `routing.md#shift-ends-breaks-and-hand-backs` on_shift_end = "keep": the open chat
        // is finished after the shift.
        let s = block(1, 0.0, "mon 00:00-01:00", "capacity", "keep");
        let mut sim = quiet(&s);
        let group = &s.agent_groups[0];
        if let Some(t) = group.schedule(0).next_change(0, 0) {
            sim.events.schedule(t, Event::Calendar);
        }
        run_until(&mut sim, 59 * MINUTE);
        inject(&mut sim, 10 * MINUTE);
        assert_eq!(run_until(&mut sim, 2 * 60 * MINUTE), vec![69 * MINUTE]);
        assert!(!sim.router.agent(AgentId(0)).online);
        assert!(
            sim.desks[0].presence == Presence::Offline,
            "no longer counts as online once the chat is done"
        );
        // A chat arriving now waits: nobody is online.
        inject(&mut sim, MINUTE);
        assert_eq!(sim.stats.levels.queue_length, 1.0);
    }

    #[test]
    fn with_a_grace_time_the_agent_finishes_what_it_can_and_hands_back_the_rest() {
        // guide `routing.md#shift-ends-breaks-and-hand-backs` shift_end_grace (Chatwoot's offline
        // reassignment): off shift at 01:00, the agent keeps its chats for 10 minutes; the one done
        // by then ends with it, the other goes back to the team's queue at 01:10.
        let s = parse(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
capacity = 2
shifts = ["mon 00:00-01:00"]
on_shift_end = "requeue"
shift_end_grace = "10m"
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
handle_time = { dist = "constant", value = "1m" }
"#,
        );
        let mut sim = quiet(&s);
        if let Some(t) = s.agent_groups[0].schedule(0).next_change(0, 0) {
            sim.events.schedule(t, Event::Calendar);
        }
        run_until(&mut sim, 55 * MINUTE);
        let short = inject(&mut sim, 10 * MINUTE);
        let long = inject(&mut sim, 60 * MINUTE);
        assert_eq!(run_until(&mut sim, 69 * MINUTE), vec![65 * MINUTE]);
        assert!(sim.chat(short).is_none(), "finished during the grace time");
        assert!(
            sim.router.holder(long).is_some(),
            "still the agent's at 01:09"
        );
        run_until(&mut sim, 70 * MINUTE);
        assert_eq!(sim.router.holder(long), None);
        assert_eq!(sim.router.waiting(QueueId(0)), 1);
        assert_eq!(sim.chats[long.index as usize].state, ChatState::Waiting);
    }

    #[test]
    fn requeue_hands_back_every_chat_and_only_the_started_one_counts_as_started() {
        // guide `routing.md#shift-ends-breaks-and-hand-backs` on_shift_end = "requeue";
        // `[[teams]]`: sequential gives the agent chats beyond its capacity, which wait in its
        // queue. At the shift end all three go back to the team queue; the two that never reached a
        // slot must not count as started on the way out.
        let s = block(1, 0.0, "mon 00:00-01:00", "sequential", "requeue");
        let mut sim = quiet(&s);
        if let Some(t) = s.agent_groups[0].schedule(0).next_change(0, 0) {
            sim.events.schedule(t, Event::Calendar);
        }
        let chats: Vec<ChatId> = (0..3).map(|_| inject(&mut sim, 120 * MINUTE)).collect();
        assert_eq!(sim.router.agent(AgentId(0)).backlog(), 2);
        assert!(
            run_until(&mut sim, 2 * 60 * MINUTE).is_empty(),
            "nothing finishes"
        );
        let started: Vec<bool> = chats
            .iter()
            .map(|c| sim.chats[c.index as usize].started)
            .collect();
        assert_eq!(started, vec![true, false, false]);
        for c in &chats {
            assert_eq!(sim.chats[c.index as usize].state, ChatState::Waiting);
        }
        assert_eq!(sim.router.waiting(QueueId(0)), 3);
        assert_eq!(sim.stats.levels.queue_length, 3.0);
        assert_eq!(sim.stats.levels.busy_slots, 0.0);
        // The first chat keeps the work already done: 60 of its 120 minutes are left.
        assert!((sim.chats[chats[0].index as usize].work - (60 * MINUTE) as f64).abs() < 1.0);
    }

    /// Agent `g` (a break at 01:00 of `break_len`, `keys` on what it does then) and agent
    /// `other` of `other_capacity`, both of team `a` (with `team_keys`), on all day.
    fn breaking(break_len: &str, keys: &str, team_keys: &str, other_capacity: u32) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
{team_keys}
[[agents]]
name = "g"
team = "a"
capacity = 2
shifts = ["mon-sun 00:00-24:00"]
breaks = [{{ at = "01:00", length = "{break_len}" }}]
{keys}
[[agents]]
name = "other"
team = "a"
capacity = {other_capacity}
shifts = ["mon-sun 00:00-24:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
turns = 2
first_reply = {{ dist = "constant", value = "10s" }}
agent_reply = {{ dist = "constant", value = "10s" }}
customer_reply = {{ dist = "constant", value = "5h" }}
"#
        ))
    }

    /// Places one chat with `g` (the agent with the most free slots) at 00:50, fills
    /// `other` with `others` chats, and lets the break start at 01:00.
    fn on_break(s: &Scenario, others: usize) -> (Sim<'_>, ChatId) {
        let mut sim = quiet(s);
        run_until(&mut sim, 50 * MINUTE);
        let id = inject_talk(&mut sim, 2);
        assert_eq!(sim.router.holder(id), Some(AgentId(0)));
        for _ in 0..others {
            let o = inject_talk(&mut sim, 2);
            assert_eq!(sim.router.holder(o), Some(AgentId(1)));
        }
        sim.events.schedule(60 * MINUTE, Event::Calendar);
        (sim, id)
    }

    #[test]
    fn a_not_ready_agent_hands_its_chats_back_after_the_grace_time() {
        // guide `routing.md#shift-ends-breaks-and-hand-backs` `on_not_ready = "requeue"`
        // (Chatwoot): 5 minutes into the break the open chat goes back to the queue, which gives it
        // to the other agent.
        let s = breaking(
            "30m",
            "on_not_ready = \"requeue\"\nnot_ready_grace = \"5m\"",
            "",
            2,
        );
        let (mut sim, id) = on_break(&s, 0);
        run_until(&mut sim, 64 * MINUTE);
        assert_eq!(
            sim.router.holder(id),
            Some(AgentId(0)),
            "still within the grace"
        );
        run_until(&mut sim, 65 * MINUTE);
        assert_eq!(sim.router.holder(id), Some(AgentId(1)));
        assert_eq!(sim.desks[0].chats.len(), 0);
    }

    #[test]
    fn an_agent_back_before_the_grace_time_keeps_its_chats() {
        let s = breaking(
            "3m",
            "on_not_ready = \"requeue\"\nnot_ready_grace = \"5m\"",
            "",
            2,
        );
        let (mut sim, id) = on_break(&s, 0);
        run_until(&mut sim, 70 * MINUTE);
        assert_eq!(sim.router.holder(id), Some(AgentId(0)));
        let keeps = breaking("30m", "", "", 2);
        let (mut sim, id) = on_break(&keeps, 0);
        run_until(&mut sim, 70 * MINUTE);
        assert_eq!(
            sim.router.holder(id),
            Some(AgentId(0)),
            "`keep` is the default"
        );
    }

    #[test]
    fn hand_back_to_agent_gives_the_chat_to_a_busy_colleague_rather_than_the_queue() {
        // guide `routing.md#shift-ends-breaks-and-hand-backs` `hand_back_to`: "agent" hands the
        // chat to another available agent of the team even when full (into its own queue); "queue"
        // leaves it waiting in the team's queue.
        let requeue = "on_not_ready = \"requeue\"";
        let s = breaking("30m", requeue, "hand_back_to = \"agent\"", 1);
        let (mut sim, id) = on_break(&s, 1);
        run_until(&mut sim, 61 * MINUTE);
        assert_eq!(sim.router.agent(AgentId(1)).backlog(), 1);
        assert_eq!(sim.router.waiting(QueueId(0)), 0);
        assert_eq!(sim.chats[id.index as usize].state, ChatState::Waiting);
        let s = breaking("30m", requeue, "", 1);
        let (mut sim, _) = on_break(&s, 1);
        run_until(&mut sim, 61 * MINUTE);
        assert_eq!(sim.router.waiting(QueueId(0)), 1);
    }
}
