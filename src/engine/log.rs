//! `--chats-log`: one row per chat with its whole history, so that a user can audit any rule
//! on a single chat; or (`--chats-log=export`) the rows a chat platform exports, which `fit`
//! and `backtest` read like any real log. Only built when asked for: it is the one output that
//! grows with the horizon.

use std::fmt::Write;

use crate::chatlog::{WAITING, timestamp};
use crate::time::{DAY, Millis, SECOND};

/// Which rows `chats.csv` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Every chat with its whole history, in simulated seconds.
    History,
    /// The platform export (`id,team,arrived_at,first_reply_at,ended_at,outcome`) of the chats
    /// that reached a human queue and ended, with calendar times.
    Export,
}

impl LogFormat {
    pub fn header(self) -> &'static [&'static str] {
        match self {
            LogFormat::History => &HEADER,
            LogFormat::Export => &crate::chatlog::FIELDS[..6],
        }
    }
}

/// The calendar day simulated time 0 falls on in an exported log (plus the scenario's
/// `start`): a Monday, so that weekdays read the same in the log and in the scenario.
pub const EXPORT_MONDAY: (i64, u32, u32) = (2026, 1, 5);

/// How a chat ended (every chat ends in exactly one of these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    BotResolved,
    Abandoned,
    AbandonedInConversation,
    /// The customer left the conversation without a word (guide `scenarios.md#customers`).
    SilentAbandoned,
    AutoClosed,
    Resolved,
    Unfinished,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::BotResolved => "bot_resolved",
            Outcome::Abandoned => "abandoned",
            Outcome::AbandonedInConversation => "abandoned_in_conversation",
            Outcome::SilentAbandoned => "silent_abandoned",
            Outcome::AutoClosed => "auto_closed",
            Outcome::Resolved => "resolved",
            Outcome::Unfinished => "unfinished",
        }
    }
}

/// Histories of open chats (by slot) and the finished rows of one replication.
pub struct ChatLog {
    replication: u32,
    format: LogFormat,
    /// Export: the calendar time of simulated time 0, in milliseconds since 1970.
    origin: Millis,
    open: Vec<Entry>,
    rows: csv::Writer<Vec<u8>>,
}

#[derive(Default)]
struct Entry {
    serial: u64,
    source: String,
    arrived: Millis,
    counted: bool,
    first_reply: Option<Millis>,
    /// The first human queue it entered (export).
    team: Option<String>,
    history: String,
}

pub const HEADER: [&str; 9] = [
    "replication",
    "chat",
    "source",
    "arrived_s",
    "counted",
    "outcome",
    "ended_s",
    "first_reply_s",
    "history",
];

fn seconds(t: Millis) -> String {
    format!("{:.3}", t as f64 / SECOND as f64)
}

impl ChatLog {
    /// `start` is the scenario's week point of simulated time 0.
    pub fn new(replication: u32, format: LogFormat, start: Millis) -> Self {
        let (y, m, d) = EXPORT_MONDAY;
        ChatLog {
            replication,
            format,
            origin: timestamp::days_from_civil(y, m, d) * DAY + start,
            open: Vec::new(),
            rows: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
        }
    }

    /// A chat arrived into slot `index`.
    pub fn open(&mut self, index: u32, serial: u64, source: &str, now: Millis, counted: bool) {
        let i = index as usize;
        if i >= self.open.len() {
            self.open.resize_with(i + 1, Entry::default);
        }
        self.open[i] = Entry {
            serial,
            source: source.to_string(),
            arrived: now,
            counted,
            first_reply: None,
            team: None,
            history: String::new(),
        };
        self.note(index, now, "arrive", "");
    }

    /// The chat was put in the queue of team `team` (`None`: the Waiting box).
    pub fn queued(&mut self, index: u32, now: Millis, team: Option<&str>) {
        let name = team.unwrap_or(WAITING);
        let e = &mut self.open[index as usize];
        if e.team.is_none() {
            e.team = Some(name.to_string());
        }
        self.note(index, now, "queue", name);
    }

    /// Something happened to the chat: `what`, with an optional `detail` (an agent, a team).
    pub fn note(&mut self, index: u32, now: Millis, what: &str, detail: &str) {
        // An export has no history column: keep no history.
        if self.format == LogFormat::Export {
            return;
        }
        let h = &mut self.open[index as usize].history;
        if !h.is_empty() {
            h.push_str("; ");
        }
        let _ = write!(h, "{} {what}", seconds(now));
        if !detail.is_empty() {
            let _ = write!(h, " {detail}");
        }
    }

    pub fn first_reply(&mut self, index: u32, now: Millis) {
        self.open[index as usize].first_reply = Some(now);
    }

    pub fn close(&mut self, index: u32, now: Millis, outcome: Outcome) {
        let e = std::mem::take(&mut self.open[index as usize]);
        if self.format == LogFormat::Export {
            return self.export(e, now, outcome);
        }
        self.rows
            .write_record([
                self.replication.to_string(),
                e.serial.to_string(),
                e.source,
                seconds(e.arrived),
                e.counted.to_string(),
                outcome.name().to_string(),
                seconds(now),
                e.first_reply.map_or(String::new(), seconds),
                e.history,
            ])
            .expect("writing to memory cannot fail");
    }

    /// A platform's row: only chats that reached a human queue and ended. A customer who
    /// left is `abandoned` (after a first reply too, as platforms mark it); a chat an agent
    /// replied to and that was closed is `served`.
    fn export(&mut self, e: Entry, now: Millis, outcome: Outcome) {
        let label = match (outcome, e.first_reply.is_some()) {
            (Outcome::Abandoned | Outcome::AbandonedInConversation, _) => "abandoned",
            (Outcome::Resolved | Outcome::AutoClosed, true) => "served",
            _ => return,
        };
        let Some(team) = e.team else { return };
        let at = |t: Millis| timestamp::format(self.origin + t);
        self.rows
            .write_record([
                e.serial.to_string(),
                team,
                at(e.arrived),
                e.first_reply.map_or(String::new(), at),
                at(now),
                label.to_string(),
            ])
            .expect("writing to memory cannot fail");
    }

    /// The rows, in the order the chats ended.
    pub fn into_bytes(self) -> Vec<u8> {
        self.rows
            .into_inner()
            .expect("writing to memory cannot fail")
    }
}
