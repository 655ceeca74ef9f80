//! Inactivity management ("Gestão de inatividade", guide `inactivity.md#flows-per-queue-kind`) as
//! deterministic rules: which flow governs a waiting chat, when its alerts fire, what the action
//! does, when a silent chat is closed. No randomness and no clock of its own: the engine opens
//! episodes, asks for the next deadline and reports what happened.

use crate::routing::TeamId;
use crate::time::Millis;

/// The three queue kinds a flow is configured for (guide
/// `inactivity.md#episodes-when-the-clock-runs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// "Fila do time": the chat waits in a team's queue.
    Team,
    /// "Fila do vendedor": the chat is with an agent (taken or transferred to them).
    Agent,
    /// "Fila aguardando": the chat is in the Waiting box.
    Waiting,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Move the chat to this team's queue, taking it from the agent (guide
    /// `inactivity.md#actions-move-close-reassign`).
    Transfer(TeamId),
    /// Close the chat, reason "inactivity".
    Close,
    /// Take the chat from its silent agent and offer it to another of the same team, or put it back
    /// in the team's queue when none is free (guide `inactivity.md#actions-move-close-reassign`:
    /// Rocket.Chat's auto-transfer, Chatwoot's reassignment). Only for chats an agent holds.
    Reassign,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// Time since the episode started; by default the second alert's (guide
    /// `inactivity.md#actions-move-close-reassign`).
    pub after: Millis,
    pub kind: ActionKind,
}

/// One flow: the 1st alert (status leaves green), the 2nd alert, and the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InactivityFlow {
    pub first_alert: Millis,
    pub second_alert: Millis,
    pub action: Option<Action>,
}

/// The main flow of a queue kind and its alternative flows for listed teams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowSet {
    pub main: InactivityFlow,
    pub exceptions: Vec<(Vec<TeamId>, InactivityFlow)>,
}

impl FlowSet {
    /// The alternative flow that lists `team`, or the main flow (guide `inactivity.md`: "Fluxo
    /// alternativo: ... exceções para os casos que não se encaixam no fluxo principal").
    pub fn flow_for(&self, team: Option<TeamId>) -> &InactivityFlow {
        team.and_then(|t| {
            self.exceptions
                .iter()
                .find(|(teams, _)| teams.contains(&t))
                .map(|(_, f)| f)
        })
        .unwrap_or(&self.main)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pub team_queue: Option<FlowSet>,
    pub agent_queue: Option<FlowSet>,
    pub waiting_queue: Option<FlowSet>,
    /// Close a chat with no message from either side for this long.
    pub auto_close: Option<Millis>,
    /// Auto-close applies to chats that arrived from this instant on (guide
    /// `inactivity.md#auto-close`: "a partir da data de ativação").
    pub auto_close_from: Millis,
    /// Chats waiting on their customer put aside, off the agent's slots (guide
    /// `inactivity.md#on-hold`).
    pub on_hold: Option<OnHold>,
}

/// Where a held chat goes when its customer writes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Back to the agent who held it when that agent is online, Ready and has a free slot;
    /// otherwise to the team's queue.
    Agent,
    /// Always to the team's queue, to be routed like a waiting chat.
    Queue,
}

/// The timing rules of on-hold (guide `inactivity.md#on-hold`, Rocket.Chat's "place chats
/// on hold"): a chat whose agent has replied and whose customer has not is put on hold
/// after `after_silence` (or by hand, which the engine samples); on hold it frees the
/// agent's slot, general auto-close leaves it alone and its own timer closes it after
/// `close_after`; when the customer writes it resumes as `resume` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OnHold {
    pub after_silence: Option<Millis>,
    pub close_after: Millis,
    pub resume: Resume,
}

/// Where a resumed chat goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeTo {
    Agent,
    Queue,
}

impl OnHold {
    /// When the chat is put on hold automatically, given the agent's last reply and when the
    /// customer writes next (`None`: never). A customer who writes first keeps it on the
    /// agent's slot: a message that comes at the deadline itself wins.
    pub fn hold_at(
        &self,
        agent_replied: Millis,
        customer_writes: Option<Millis>,
    ) -> Option<Millis> {
        let at = agent_replied + self.after_silence?;
        customer_writes.is_none_or(|w| at < w).then_some(at)
    }

    /// When a chat put on hold at `held_at` is closed if its customer stays silent.
    pub fn close_at(&self, held_at: Millis) -> Millis {
        held_at + self.close_after
    }

    /// Where the chat goes when its customer writes: to its agent only when the setting
    /// says so and that agent can take it now.
    pub fn resume_to(&self, agent_can_take: bool) -> ResumeTo {
        match self.resume {
            Resume::Agent if agent_can_take => ResumeTo::Agent,
            _ => ResumeTo::Queue,
        }
    }
}

/// How far an episode has gone: the chat's alert status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Green,
    FirstAlert,
    SecondAlert,
    /// The action fired: the chat left this queue.
    Acted,
}

/// What a deadline brings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    FirstAlert,
    SecondAlert,
    Act(ActionKind),
}

/// The inactivity clock of one unanswered customer message in one queue (guide
/// `inactivity.md#episodes-when-the-clock-runs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Episode {
    pub kind: QueueKind,
    pub flow: InactivityFlow,
    /// When the clock started: the message, the move into this queue, or the snooze's end.
    pub start: Millis,
    pub stage: Stage,
}

impl Rules {
    fn flows(&self, kind: QueueKind) -> Option<&FlowSet> {
        match kind {
            QueueKind::Team => self.team_queue.as_ref(),
            QueueKind::Agent => self.agent_queue.as_ref(),
            QueueKind::Waiting => self.waiting_queue.as_ref(),
        }
    }

    /// A customer message is unanswered in a queue of `kind` (for `team`) from `now`: the
    /// episode that starts, if a flow is configured for that queue kind.
    pub fn open(&self, kind: QueueKind, team: Option<TeamId>, now: Millis) -> Option<Episode> {
        let flow = *self.flows(kind)?.flow_for(team);
        Some(Episode {
            kind,
            flow,
            start: now,
            stage: Stage::Green,
        })
    }

    /// When the chat is to be closed for want of any message since `last_message`.
    pub fn auto_close_at(&self, last_message: Millis) -> Option<Millis> {
        self.auto_close.map(|after| last_message + after)
    }
}

impl Episode {
    /// The next deadline and what it brings; `None` when nothing is left to happen.
    pub fn next(&self) -> Option<(Millis, Step)> {
        let f = &self.flow;
        let step = match self.stage {
            Stage::Green => (f.first_alert, Step::FirstAlert),
            Stage::FirstAlert => (f.second_alert, Step::SecondAlert),
            Stage::SecondAlert => {
                let a = f.action?;
                (a.after, Step::Act(a.kind))
            }
            Stage::Acted => return None,
        };
        Some((self.start + step.0, step.1))
    }

    /// The deadline of `next` has come: the episode moves on and says what happened.
    pub fn advance(&mut self) -> Option<Step> {
        let (_, step) = self.next()?;
        self.stage = match step {
            Step::FirstAlert => Stage::FirstAlert,
            Step::SecondAlert => Stage::SecondAlert,
            Step::Act(_) => Stage::Acted,
        };
        Some(step)
    }
}

#[cfg(test)]
mod tests;
