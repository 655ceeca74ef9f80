//! `[inactivity]`: the flows of the three queue kinds, auto-close and snooze (guide
//! `inactivity.md#actions-move-close-reassign`).

use super::Validator;
use crate::inactivity::{Action, ActionKind, FlowSet, InactivityFlow, OnHold, Resume, Rules};
use crate::scenario::locate::KeyPath;
use crate::scenario::raw::{RawAction, RawFlowSet, RawOnHold, RawScenario};
use crate::scenario::{Customers, Snooze, TeamId};
use crate::time::MINUTE;

impl Validator<'_> {
    pub(super) fn inactivity(
        &mut self,
        raw: &RawScenario,
        names: &[&str],
        customers: &Customers,
    ) -> (Rules, Option<Snooze>, f64) {
        let key = KeyPath::root().key("inactivity");
        let Some(i) = &raw.inactivity else {
            if customers.silent_abandonment > 0.0 && customers.silent_noticed_after.is_none() {
                self.silent_needs_an_end();
            }
            return (Rules::default(), None, 0.0);
        };
        if raw.conversation.turns.is_none() {
            self.fail(
                key.clone(),
                "inactivity management acts on the messages of a conversation: it needs the turn model (`turns`)",
            );
        }
        let flows = |v: &mut Self, k: &str, f: &Option<RawFlowSet>, exceptions_allowed: bool| {
            let f = f.as_ref()?;
            let fk = key.key(k);
            let main = v.flow(&fk, &f.first_alert, &f.second_alert, &f.action, names)?;
            let mut exceptions = Vec::new();
            for (j, e) in f.exceptions.iter().flatten().enumerate() {
                let ek = fk.key("exceptions").index(j);
                if !exceptions_allowed {
                    v.fail(
                        ek.clone(),
                        "the Waiting box has no team, so it takes no team exceptions",
                    );
                    continue;
                }
                let teams: Vec<TeamId> = e
                    .teams
                    .iter()
                    .enumerate()
                    .filter_map(|(t, name)| v.team_ref(ek.key("teams").index(t), name, names))
                    .collect();
                if let Some(flow) = v.flow(&ek, &e.first_alert, &e.second_alert, &e.action, names) {
                    exceptions.push((teams, flow));
                }
            }
            Some(FlowSet { main, exceptions })
        };
        let team_queue = flows(self, "team_queue", &i.team_queue, true);
        let agent_queue = flows(self, "agent_queue", &i.agent_queue, true);
        let waiting_queue = flows(self, "waiting_queue", &i.waiting_queue, false);
        // A chat waiting in a queue has no agent to take it from.
        for (k, set) in [
            ("team_queue", &team_queue),
            ("waiting_queue", &waiting_queue),
        ] {
            let Some(set) = set else { continue };
            let flows = std::iter::once((key.key(k), &set.main)).chain(
                set.exceptions
                    .iter()
                    .enumerate()
                    .map(|(j, (_, f))| (key.key(k).key("exceptions").index(j), f)),
            );
            for (fk, flow) in flows {
                if flow.action.is_some_and(|a| a.kind == ActionKind::Reassign) {
                    self.fail(
                        fk.key("action").key("reassign"),
                        "a chat waiting in a queue has no agent to take it from: `reassign` is for `agent_queue`",
                    );
                }
            }
        }
        if let Some(f) = &team_queue {
            self.no_transfer_loops(&key.key("team_queue"), f, names, "team-queue");
        }
        if let Some(f) = &agent_queue {
            self.no_transfer_loops(&key.key("agent_queue"), f, names, "agent-queue");
        }
        let ak = key.key("auto_close");
        let auto_close = i
            .auto_close
            .as_ref()
            .map(|a| self.positive_duration(ak.key("after"), Some(&a.after), MINUTE));
        let auto_close_from = i
            .auto_close
            .as_ref()
            .map_or(0, |a| self.duration(ak.key("from"), a.from.as_deref(), 0));
        let snooze = i.snooze.as_ref().and_then(|s| {
            let sk = key.key("snooze");
            let probability = self.probability(sk.key("probability"), s.probability.as_ref());
            let after_reply = self.probability(sk.key("after_reply"), s.after_reply.as_ref());
            let resume_probability =
                self.probability(sk.key("resume_probability"), s.resume_probability.as_ref());
            let resume_after = s
                .resume_after
                .as_ref()
                .and_then(|d| self.dist(sk.key("resume_after"), d));
            if resume_probability > 0.0 && s.resume_after.is_none() {
                self.fail(
                    sk.key("resume_probability"),
                    "needs `resume_after`: how long after the snooze starts the agent resumes",
                );
            }
            let duration = self.dist(sk.key("duration"), &s.duration)?;
            Some(Snooze {
                probability,
                after_reply,
                duration,
                resume_probability,
                resume_after,
            })
        });
        let (on_hold, hold_after_reply) = match &i.on_hold {
            Some(h) => {
                let (h, p) = self.on_hold(&key.key("on_hold"), h);
                (Some(h), p)
            }
            None => (None, 0.0),
        };
        if customers.silent_abandonment > 0.0
            && customers.silent_noticed_after.is_none()
            && auto_close.is_none()
            && on_hold.is_none_or(|h| h.after_silence.is_none())
        {
            self.silent_needs_an_end();
        }
        let rules = Rules {
            team_queue,
            agent_queue,
            waiting_queue,
            auto_close,
            auto_close_from,
            on_hold,
        };
        (rules, snooze, hold_after_reply)
    }

    /// A chat whose customer left without a word ends only when somebody or something
    /// closes it; without any, it would hold its slot for ever.
    fn silent_needs_an_end(&mut self) {
        let key = KeyPath::root().key("customers").key("silent_abandonment");
        if self.problems.iter().any(|(k, _)| k.starts_with(&key)) {
            return;
        }
        self.fail(
            key,
            "the chats of customers who leave silently need something to close them: `silent_noticed_after` (the agent), `[inactivity.auto_close]` or `[inactivity.on_hold] after_silence`",
        );
    }

    /// `[inactivity.on_hold]` (guide `inactivity.md#on-hold`): by hand, automatically, or both; a
    /// timer of its own.
    fn on_hold(&mut self, key: &KeyPath, h: &RawOnHold) -> (OnHold, f64) {
        let after_reply = self.probability(key.key("after_reply"), h.after_reply.as_ref());
        let after_silence = h
            .after_silence
            .as_deref()
            .map(|t| self.positive_duration(key.key("after_silence"), Some(t), MINUTE));
        if h.after_reply.is_none() && after_silence.is_none() {
            self.fail(
                key.clone(),
                "puts no chat on hold: give `after_reply` (the share of replies after which agents hold the chat) or `after_silence` (how long a customer's silence puts it on hold)",
            );
        }
        let close_after =
            self.positive_duration(key.key("close_after"), Some(&h.close_after), MINUTE);
        let resume = match h.resume.as_deref() {
            None | Some("agent") => Resume::Agent,
            Some("queue") => Resume::Queue,
            Some(other) => {
                self.fail(
                    key.key("resume"),
                    format!("unknown `{other}`: `agent` (back to the agent who held it, when free) or `queue` (to the team's queue)"),
                );
                Resume::Agent
            }
        };
        let rules = OnHold {
            after_silence,
            close_after,
            resume,
        };
        (rules, after_reply)
    }

    /// An inactivity action moves a chat to another team (guide
    /// `inactivity.md#actions-move-close-reassign`). A flow whose action leads, directly or through
    /// other teams' flows of the same queue kind, back to a team it governs would move an
    /// unanswered chat round forever, so such a chain is refused, naming every step of it.
    /// Team-queue flows govern a team's queue; agent-queue flows govern the chats of a team once an
    /// agent holds them, so a move "to its own team" hands the chat back to the same agents. The
    /// Waiting box's flow cannot loop: its action leads to a team, never back to the box, and that
    /// team's chain is checked here.
    fn no_transfer_loops(&mut self, key: &KeyPath, flows: &FlowSet, names: &[&str], kind: &str) {
        // Each team's queue is governed by one flow; its action sends chats to at most one team.
        let governing = |t: usize| -> (KeyPath, Option<TeamId>) {
            let team = TeamId(t as u32);
            let (k, flow) = match flows
                .exceptions
                .iter()
                .position(|(teams, _)| teams.contains(&team))
            {
                Some(j) => (key.key("exceptions").index(j), &flows.exceptions[j].1),
                None => (key.clone(), &flows.main),
            };
            let next = flow.action.and_then(|a| match a.kind {
                ActionKind::Transfer(to) => Some(to),
                ActionKind::Close | ActionKind::Reassign => None,
            });
            (k.key("action").key("transfer_to"), next)
        };
        let mut reported = vec![false; names.len()];
        for first in 0..names.len() {
            let mut path = vec![first];
            while let (_, Some(next)) = governing(*path.last().expect("not empty")) {
                let next = next.0 as usize;
                if let Some(at) = path.iter().position(|&t| t == next) {
                    let cycle = &path[at..];
                    if !cycle.iter().any(|&t| reported[t]) {
                        for &t in cycle {
                            reported[t] = true;
                        }
                        let (k, _) = governing(cycle[0]);
                        let round: Vec<&str> = cycle
                            .iter()
                            .chain(std::iter::once(&cycle[0]))
                            .map(|&t| names[t])
                            .collect();
                        let team = names[cycle[0]];
                        let message = match (cycle.len(), kind) {
                            (1, "agent-queue") => format!(
                                "moves chats to \"{team}\", whose agents' chats this same flow governs: a chat its agent does not answer would be handed back to the same team's agents and moved round forever; transfer to another team, or add an exception for \"{team}\""
                            ),
                            (1, _) => format!(
                                "moves chats to \"{team}\", whose queue this same flow governs: an unanswered chat would be moved round forever; transfer to another team, or add an exception for \"{team}\""
                            ),
                            _ => format!(
                                "the {kind} flows move an unanswered chat round {} forever; end the chain with an exception that has no `transfer_to`",
                                round.join(" → ")
                            ),
                        };
                        self.fail(k, message);
                    }
                    break;
                }
                path.push(next);
            }
        }
    }

    /// One flow: alerts in order, and an action no earlier than the second alert.
    fn flow(
        &mut self,
        key: &KeyPath,
        first: &str,
        second: &str,
        action: &Option<RawAction>,
        names: &[&str],
    ) -> Option<InactivityFlow> {
        let before = self.problems.len();
        let first_alert = self.positive_duration(key.key("first_alert"), Some(first), MINUTE);
        let second_alert = self.positive_duration(key.key("second_alert"), Some(second), MINUTE);
        if second_alert < first_alert {
            self.fail(
                key.key("second_alert"),
                "must not come before `first_alert`",
            );
        }
        let action = match action {
            None => None,
            Some(a) => {
                let ak = key.key("action");
                let after = a.after.as_deref().map_or(second_alert, |t| {
                    self.positive_duration(ak.key("after"), Some(t), second_alert)
                });
                if after < second_alert {
                    self.fail(ak.key("after"), "must not come before `second_alert`");
                }
                let asked: Vec<&str> = [
                    a.transfer_to.as_ref().map(|_| "transfer_to"),
                    (a.close == Some(true)).then_some("close"),
                    (a.reassign == Some(true)).then_some("reassign"),
                ]
                .into_iter()
                .flatten()
                .collect();
                let kind = match asked.as_slice() {
                    ["transfer_to"] => a
                        .transfer_to
                        .as_ref()
                        .and_then(|t| self.team_ref(ak.key("transfer_to"), t, names))
                        .map(ActionKind::Transfer),
                    ["close"] => Some(ActionKind::Close),
                    [_] => Some(ActionKind::Reassign),
                    [] => {
                        self.fail(
                            ak.clone(),
                            "needs `transfer_to = \"team\"`, `close = true` or `reassign = true`",
                        );
                        None
                    }
                    [_, second, ..] => {
                        self.fail(
                            ak.key(second),
                            "give one of `transfer_to`, `close = true` and `reassign = true`",
                        );
                        None
                    }
                };
                Some(Action { after, kind: kind? })
            }
        };
        (self.problems.len() == before).then_some(InactivityFlow {
            first_alert,
            second_alert,
            action,
        })
    }
}
