//! The parts of the centre every chat KPI is reported for beside the whole centre (README
//! "Results per team and per stream"): each team (and the Waiting box) and each arrival stream.
//!
//! A chat counts toward the team whose queue it was in when its wait for a first agent ended
//! (an agent took it, or it left): a chat that inactivity moves before anybody takes it
//! counts for the team it was moved to, which is the team that answered (or lost) it. Later
//! transfers do not move it. It counts toward the stream it arrived by.

use super::{Destination, Scenario};
pub use crate::stats::collector::{ALL, NONE};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    All,
    Team,
    WaitingBox,
    Stream,
}

#[derive(Clone, Debug)]
pub struct Scopes {
    /// As `summary.csv` names them: `all`, `team:vendas`, `waiting_box`, `stream:site`.
    names: Vec<String>,
    kinds: Vec<Kind>,
    /// Per queue (the teams, then the Waiting box): its scope, or `NONE`.
    of_queue: Vec<u16>,
    /// Per arrival stream: its scope, or `NONE`.
    of_stream: Vec<u16>,
}

impl Scopes {
    /// Teams are split out when chats can wait in more than one queue, streams when there is
    /// more than one: otherwise the part is the whole centre, and its rows would repeat it.
    pub fn of(scenario: &Scenario) -> Scopes {
        let waiting_box = scenario.arrivals.iter().any(|a| {
            a.route
                .iter()
                .any(|(d, _)| matches!(d, Destination::WaitingBox))
        });
        let mut s = Scopes {
            names: vec!["all".into()],
            kinds: vec![Kind::All],
            of_queue: vec![NONE; scenario.teams.len() + 1],
            of_stream: vec![NONE; scenario.arrivals.len()],
        };
        if scenario.teams.len() + waiting_box as usize > 1 {
            for (t, team) in scenario.teams.iter().enumerate() {
                s.of_queue[t] = s.push(format!("team:{}", team.name), Kind::Team);
            }
            if waiting_box {
                s.of_queue[scenario.teams.len()] = s.push("waiting_box".into(), Kind::WaitingBox);
            }
        }
        if scenario.arrivals.len() > 1 {
            for (i, stream) in scenario.arrivals.iter().enumerate() {
                s.of_stream[i] = s.push(format!("stream:{}", stream.name), Kind::Stream);
            }
        }
        s
    }

    fn push(&mut self, name: String, kind: Kind) -> u16 {
        self.names.push(name);
        self.kinds.push(kind);
        (self.names.len() - 1) as u16
    }

    /// Scopes, the whole centre included.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn name(&self, scope: usize) -> &str {
        &self.names[scope]
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn kind(&self, scope: usize) -> &Kind {
        &self.kinds[scope]
    }

    /// The scope of chats waiting in queue `q` (a team's index, or the Waiting box's after them).
    #[inline(always)]
    pub fn of_queue(&self, q: usize) -> u16 {
        self.of_queue.get(q).copied().unwrap_or(NONE)
    }

    #[inline(always)]
    pub fn of_stream(&self, source: usize) -> u16 {
        self.of_stream.get(source).copied().unwrap_or(NONE)
    }

    /// The index of the part `summary.csv` names `name` (`team:vendas`), if the centre
    /// reports it apart.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}
