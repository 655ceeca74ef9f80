//! `--chats-log`: one row per chat with its whole history, so that a user can audit any rule
//! on a single chat. Only built when asked for: it is the one output that grows with the
//! horizon.

use std::fmt::Write;

use crate::time::{Millis, SECOND};

/// How a chat ended (every chat ends in exactly one of these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    BotResolved,
    Abandoned,
    AbandonedInConversation,
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
            Outcome::AutoClosed => "auto_closed",
            Outcome::Resolved => "resolved",
            Outcome::Unfinished => "unfinished",
        }
    }
}

/// Histories of open chats (by slot) and the finished rows of one replication.
pub struct ChatLog {
    replication: u32,
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
    pub fn new(replication: u32) -> Self {
        ChatLog {
            replication,
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
            history: String::new(),
        };
        self.note(index, now, "arrive", "");
    }

    /// Something happened to the chat: `what`, with an optional `detail` (an agent, a team).
    pub fn note(&mut self, index: u32, now: Millis, what: &str, detail: &str) {
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

    /// The rows, in the order the chats ended.
    pub fn into_bytes(self) -> Vec<u8> {
        self.rows
            .into_inner()
            .expect("writing to memory cannot fail")
    }
}
