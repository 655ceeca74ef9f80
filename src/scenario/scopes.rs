//! The parts of the centre every chat KPI is reported for beside the whole centre (guide
//! `outputs.md#results-per-team-and-per-stream`): each team (and the Waiting box), each arrival
//! stream and each priority class.
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
    /// A priority class (guide `routing.md#priority-classes-and-sla-order`).
    Priority,
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
    /// Per priority class: its scope, or `NONE`.
    of_class: Vec<u16>,
    /// With classes reported apart: the first origin id of (stream, class) pairs, which
    /// follow the scopes (see `origin`).
    pairs_from: usize,
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
            of_class: vec![NONE; scenario.priorities.len()],
            pairs_from: 0,
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
        if scenario.priorities.len() > 1 {
            for (i, class) in scenario.priorities.iter().enumerate() {
                s.of_class[i] = s.push(format!("priority:{}", class.name), Kind::Priority);
            }
            s.pairs_from = s.names.len();
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

    #[inline(always)]
    pub fn of_class(&self, class: usize) -> u16 {
        self.of_class.get(class).copied().unwrap_or(NONE)
    }

    /// What a chat of `source` and `class` counts toward by its arrival, as one number (the
    /// collector's `Tag::origin`): its stream's scope, or with classes reported apart, a pair
    /// past the scopes that `origins` resolves to its stream's and class's scopes.
    #[inline(always)]
    pub fn origin(&self, source: usize, class: Option<u8>) -> u16 {
        match class {
            Some(c) if self.pairs_from > 0 => {
                (self.pairs_from + source * self.of_class.len() + c as usize) as u16
            }
            _ => self.of_stream(source),
        }
    }

    /// Per origin id: the scopes of its stream and of its class (see `origin`).
    pub fn origins(&self) -> Vec<[u16; 2]> {
        let mut out: Vec<[u16; 2]> = (0..self.names.len())
            .map(|s| match self.kinds[s] {
                Kind::Stream => [s as u16, NONE],
                _ => [NONE; 2],
            })
            .collect();
        if self.pairs_from > 0 {
            for &stream in &self.of_stream {
                for &class in &self.of_class {
                    out.push([stream, class]);
                }
            }
        }
        out
    }

    /// The index of the part `summary.csv` names `name` (`team:vendas`), if the centre
    /// reports it apart.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}
