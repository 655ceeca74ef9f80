//! Inactivity management as the engine runs it: episodes, alerts and actions of the flows,
//! auto-close, and snoozes that suspend them. The rules themselves are `crate::inactivity`.

use super::*;

pub(super) struct SnoozeSamplers {
    /// Per customer message.
    pub(super) probability: f64,
    /// Per agent reply that the customer is to answer.
    pub(super) after_reply: f64,
    pub(super) duration: Sampler,
    pub(super) resume_probability: f64,
    pub(super) resume_after: Option<Sampler>,
}

impl Sim<'_> {
    /// The chat's unanswered message is now in a queue of `kind`: a new inactivity episode under
    /// that queue's flow (guide `inactivity.md#snooze`). Nothing when no message waits or it is
    /// snoozed.
    #[inline(always)]
    pub(super) fn open_episode(&mut self, id: ChatId, kind: QueueKind) {
        self.end_episode(id);
        let c = &self.chats[id.index as usize];
        let team = (kind != QueueKind::Waiting).then_some(TeamId(c.queue.0));
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return;
        };
        if !talk.unanswered || talk.snoozed {
            return;
        }
        talk.episode = self.scenario.inactivity.open(kind, team, self.now);
        self.schedule_episode(id);
    }

    pub(super) fn schedule_episode(&mut self, id: ChatId) {
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return;
        };
        talk.episode_version = talk.episode_version.wrapping_add(1);
        if let Some((at, _)) = talk.episode.as_ref().and_then(Episode::next) {
            let version = talk.episode_version;
            self.events
                .schedule(at.max(self.now), Event::Inactivity { chat: id, version });
        }
    }

    /// The episode is over (a reply, a move, a snooze, the end of the chat).
    pub(super) fn end_episode(&mut self, id: ChatId) {
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return;
        };
        talk.episode_version = talk.episode_version.wrapping_add(1);
        if let Some(e) = talk.episode.take() {
            self.set_alert(e.kind, e.stage, -1.0);
        }
    }

    pub(super) fn set_alert(&mut self, kind: QueueKind, stage: Stage, sign: f64) {
        let k = kind as usize;
        match stage {
            Stage::FirstAlert => self.stats.levels.alerts[k][0] += sign,
            Stage::SecondAlert => self.stats.levels.alerts[k][1] += sign,
            Stage::Green | Stage::Acted => {}
        }
    }

    /// An inactivity deadline: an alert, or the flow's action (guide
    /// `inactivity.md#episodes-when-the-clock-runs`).
    pub(super) fn inactivity_due(&mut self, id: ChatId, version: u32) {
        if self.chat(id).is_none() {
            return;
        }
        let Some(talk) = self.talks.get(id.index as usize) else {
            return;
        };
        if talk.episode_version != version {
            return;
        }
        let Some(mut episode) = talk.episode else {
            return;
        };
        let before = episode.stage;
        let Some(step) = episode.advance() else {
            return;
        };
        self.set_alert(episode.kind, before, -1.0);
        self.set_alert(episode.kind, episode.stage, 1.0);
        self.talks[id.index as usize].episode = Some(episode);
        match step {
            InactivityStep::FirstAlert => {
                self.note(id, "first_alert", "");
                self.stats.first_alert(self.chats[id.index as usize].window);
                self.schedule_episode(id);
            }
            InactivityStep::SecondAlert => {
                self.note(id, "second_alert", "");
                self.stats
                    .second_alert(self.chats[id.index as usize].window);
                self.schedule_episode(id);
            }
            InactivityStep::Act(ActionKind::Transfer(team)) => self.move_to_team(id, team),
            InactivityStep::Act(ActionKind::Reassign) => self.reassign(id),
            InactivityStep::Act(ActionKind::Close) => {
                self.note(id, "inactivity_close", "");
                self.close_for_inactivity(id);
            }
        }
    }

    /// Closed with reason "inactivity of the team or agent" (guide
    /// `inactivity.md#episodes-when-the-clock-runs`). A chat whose customer had left silently
    /// counts as that instead.
    pub(super) fn close_for_inactivity(&mut self, id: ChatId) {
        if self.end_silent(id) {
            return;
        }
        self.take_away(id);
        self.end_episode(id);
        if let Some(tag) = self.chats[id.index as usize].window {
            self.stats.auto_closed(tag);
        }
        self.release(id, Outcome::AutoClosed);
    }

    /// A message of either side: the auto-close clock starts again (guide
    /// `inactivity.md#auto-close`).
    #[inline(always)]
    pub(super) fn touch(&mut self, id: ChatId) {
        let Some(after) = self.scenario.inactivity.auto_close else {
            return;
        };
        let Some(talk) = self.talks.get_mut(id.index as usize) else {
            return;
        };
        if !talk.closable {
            return;
        }
        talk.last_message = self.now;
        if !talk.close_pending {
            talk.close_pending = true;
            self.events.schedule(self.now + after, Event::AutoClose(id));
        }
    }

    /// The auto-close check: closes the chat if nothing was said since `after`, or waits
    /// for the new deadline. A snoozed chat is left alone until its snooze ends.
    pub(super) fn auto_close_due(&mut self, id: ChatId) {
        let Some(after) = self.scenario.inactivity.auto_close else {
            return;
        };
        let now = self.now;
        let Some(c) = self.chat(id) else { return };
        if c.state == ChatState::Bot {
            return;
        }
        let held = c.state == ChatState::OnHold;
        let talk = &mut self.talks[id.index as usize];
        if talk.snoozed || held {
            talk.close_pending = false;
            return;
        }
        let due = talk.last_message + after;
        if now < due {
            self.events.schedule(due, Event::AutoClose(id));
            return;
        }
        talk.close_pending = false;
        self.note(id, "auto_close", "");
        self.close_for_inactivity(id);
    }

    /// The agent snoozes the chat (guide `inactivity.md#snooze`: "ele deverá adiar a conversa,
    /// assim, a gestão de inatividade não é acionada"): no episode runs until the snooze ends or
    /// the agent resumes it early ("continuar").
    pub(super) fn start_snooze(&mut self, id: ChatId) {
        let Some(snooze) = self.snooze.as_ref() else {
            return;
        };
        let talk = &mut self.talks[id.index as usize];
        let duration = snooze.duration.sample(&mut talk.rng);
        let resume = match &snooze.resume_after {
            Some(r) if talk.rng.random_bool(snooze.resume_probability) => {
                Some(r.sample(&mut talk.rng)).filter(|&r| r < duration)
            }
            _ => None,
        };
        talk.snoozed = true;
        talk.snooze_version = talk.snooze_version.wrapping_add(1);
        let version = talk.snooze_version;
        self.note(id, "snooze", "");
        self.end_episode(id);
        self.events.schedule(
            self.now + round_ms(resume.unwrap_or(duration)).min(MAX_AHEAD),
            Event::SnoozeEnds {
                chat: id,
                version,
                early: resume.is_some(),
            },
        );
    }

    /// The snooze is over, or the agent resumed the chat: inactivity management acts again, with a
    /// new episode from now (guide `inactivity.md#snooze`), and a message that came in meanwhile
    /// gets its reply.
    pub(super) fn snooze_ends(&mut self, id: ChatId, version: u32, early: bool) {
        let Some(c) = self.chat(id) else { return };
        let Some(talk) = self.talks.get(id.index as usize) else {
            return;
        };
        if c.state != ChatState::InService || !talk.snoozed || talk.snooze_version != version {
            return;
        }
        let unanswered = talk.unanswered;
        let Some(agent) = self.router.holder(id) else {
            return;
        };
        self.talks[id.index as usize].snoozed = false;
        self.note(id, if early { "resume" } else { "snooze_end" }, "");
        // The shift ended during the snooze: the chat follows the shift-end rule now.
        if self.hands_back(agent.0 as usize) {
            return self.requeue(id);
        }
        self.touch(id);
        if unanswered {
            self.open_episode(id, QueueKind::Agent);
            self.agent_writes(id, agent.0 as usize, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::time::MINUTE;

    fn unattended(action: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
[[teams]]
name = "b"
[[agents]]
name = "g"
teams = ["a", "b"]
shifts = ["sun 20:00-21:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
turns = 2
first_reply = {{ dist = "constant", value = "10s" }}
agent_reply = {{ dist = "constant", value = "20s" }}
customer_reply = {{ dist = "constant", value = "30s" }}
[inactivity.team_queue]
first_alert = "3m"
second_alert = "6m"
action = {{ after = "10m", {action} }}
exceptions = [{{ teams = ["b"], first_alert = "3m", second_alert = "6m" }}]
"#
        ))
    }

    #[test]
    fn an_unanswered_chat_raises_its_alerts_in_turn_and_is_closed_by_the_action() {
        // guide `inactivity.md#flows-per-queue-kind`: first alert, then second (the first one
        // clears), then the flow's action closes the chat.
        let s = unattended("close = true");
        let mut sim = quiet(&s);
        inject_talk(&mut sim, 2);
        let team = QueueKind::Team as usize;
        run_until(&mut sim, 3 * MINUTE);
        assert_eq!(sim.stats.levels.alerts[team], [1.0, 0.0]);
        run_until(&mut sim, 6 * MINUTE);
        assert_eq!(sim.stats.levels.alerts[team], [0.0, 1.0]);
        assert_eq!(run_until(&mut sim, 10 * MINUTE), vec![10 * MINUTE]);
        assert_eq!(sim.stats.levels.alerts[team], [0.0, 0.0]);
        assert_eq!(sim.stats.levels.queue_length, 0.0);
    }

    #[test]
    fn a_transfer_action_moves_the_chat_to_the_other_team_and_starts_a_new_episode() {
        let s = unattended(r#"transfer_to = "b""#);
        let mut sim = quiet(&s);
        let id = inject_talk(&mut sim, 2);
        run_until(&mut sim, 10 * MINUTE);
        assert_eq!(sim.router.waiting(QueueId(0)), 0);
        assert_eq!(sim.router.waiting(QueueId(1)), 1);
        let talk = &sim.talks[id.index as usize];
        let episode = talk.episode.expect("a new episode in team b's queue");
        assert_eq!(episode.start, 10 * MINUTE);
        // The new episode raises its first alert 3 minutes after the move.
        run_until(&mut sim, 13 * MINUTE);
        assert_eq!(
            sim.stats.levels.alerts[QueueKind::Team as usize],
            [1.0, 0.0]
        );
    }

    /// `count` agents of team `a` who take ten minutes over a first reply, and an
    /// agent-queue flow whose action, after 3 minutes without a reply, is `action`.
    fn slow_agents(count: u32, action: &str) -> Scenario {
        parse(&format!(
            r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
count = {count}
shifts = ["mon-sun 00:00-24:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
turns = 2
first_reply = {{ dist = "constant", value = "10m" }}
agent_reply = {{ dist = "constant", value = "20s" }}
customer_reply = {{ dist = "constant", value = "30s" }}
[inactivity.agent_queue]
first_alert = "1m"
second_alert = "2m"
action = {{ after = "3m", {action} }}
"#
        ))
    }

    #[test]
    fn reassign_hands_a_chat_its_agent_left_unanswered_to_another_agent_of_the_team() {
        // guide `inactivity.md#actions-move-close-reassign` (Rocket.Chat's auto-transfer): no reply
        // within the action's time, and the chat goes to another agent of the same team.
        let s = slow_agents(2, "reassign = true");
        let mut sim = quiet(&s);
        run_until(&mut sim, 0);
        let id = inject_talk(&mut sim, 2);
        run_until(&mut sim, MINUTE);
        let first = sim.router.holder(id).expect("an agent takes the chat");
        run_until(&mut sim, 3 * MINUTE);
        let second = sim.router.holder(id).expect("another agent holds it");
        assert_ne!(first, second);
        let episode = sim.talks[id.index as usize].episode.expect("a new clock");
        assert_eq!(episode.start, 3 * MINUTE);
        // The new agent's own clock: reassigned again 3 minutes later, back to the first.
        run_until(&mut sim, 6 * MINUTE);
        assert_eq!(sim.router.holder(id), Some(first));
    }

    #[test]
    fn reassign_with_no_other_agent_free_puts_the_chat_back_in_the_team_queue() {
        let s = slow_agents(1, "reassign = true");
        let mut sim = quiet(&s);
        run_until(&mut sim, 0);
        let id = inject_talk(&mut sim, 2);
        run_until(&mut sim, 3 * MINUTE);
        // Taken from its only agent, it waits in the queue rather than going back to them.
        assert_eq!(sim.router.holder(id), None);
        assert_eq!(sim.router.waiting(QueueId(0)), 1);
    }
}
