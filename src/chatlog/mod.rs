//! Chat logs as platforms export them: one row per chat, `id,team,arrived_at,first_reply_at,
//! ended_at,outcome` (and optionally `agent`, `messages`), read as a stream so that a log of
//! millions of chats never sits in memory. `fit`, trace replay and `backtest` all read through
//! here, and so does a log ccsim writes itself (`--chats-log=export`).

pub mod timestamp;

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::time::{DAY, MINUTE, Millis};

/// The fields of a log, required first.
pub const FIELDS: [&str; 8] = [
    "id",
    "team",
    "arrived_at",
    "first_reply_at",
    "ended_at",
    "outcome",
    "agent",
    "messages",
];
const REQUIRED: usize = 6;
const ID: usize = 0;
const TEAM: usize = 1;
const ARRIVED: usize = 2;
const FIRST_REPLY: usize = 3;
const ENDED: usize = 4;
const OUTCOME: usize = 5;

/// The team value that stands for the Waiting box (a queue of no team).
pub const WAITING: &str = "waiting";

/// Which header names the log uses for each field (`--columns arrived_at=created_at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    names: [String; 8],
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            names: FIELDS.map(str::to_string),
        }
    }
}

impl Columns {
    /// `field=header` pairs separated by commas.
    pub fn parse(spec: &str) -> Result<Columns, String> {
        let mut pairs = Vec::new();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((field, header)) = pair.split_once('=') else {
                return Err(format!(
                    "\"{pair}\" is not FIELD=HEADER (e.g. arrived_at=created_at)"
                ));
            };
            pairs.push((field.trim().to_string(), header.trim().to_string()));
        }
        Columns::from_pairs(pairs)
    }

    /// The fields whose column has another name: (field, header).
    pub fn renamed(&self) -> Vec<(&'static str, &str)> {
        FIELDS
            .iter()
            .zip(&self.names)
            .filter(|(f, n)| **f != n.as_str())
            .map(|(f, n)| (*f, n.as_str()))
            .collect()
    }

    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Columns, String> {
        let mut columns = Columns::default();
        for (field, header) in pairs {
            let Some(i) = FIELDS.iter().position(|f| *f == field) else {
                return Err(format!(
                    "\"{field}\" is not a field of the log; the fields are {}",
                    FIELDS.join(", ")
                ));
            };
            if header.is_empty() {
                return Err(format!("the column for `{field}` has no name"));
            }
            columns.names[i] = header;
        }
        Ok(columns)
    }
}

/// How a chat of the log ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogOutcome {
    /// An agent replied.
    Served,
    /// The customer left before any reply.
    Abandoned,
    /// Marked `abandoned` but an agent had replied: the customer left during the
    /// conversation. Its wait counts as answered; its duration is not a whole handle time.
    LeftAfterReply,
}

/// One row, with its times on the log's timeline (milliseconds since 1970-01-01 on the clock
/// of the first offset the log states, or as written when it states none).
#[derive(Clone, Copy, Debug)]
pub struct LoggedChat {
    /// Index in the teams given to `read`; `teams.len()` is the Waiting box.
    pub team: usize,
    pub arrived: Millis,
    pub first_reply: Option<Millis>,
    pub ended: Millis,
    pub outcome: LogOutcome,
}

impl LoggedChat {
    /// Until the first reply, or until the customer left.
    pub fn wait(&self) -> Millis {
        self.first_reply.unwrap_or(self.ended) - self.arrived
    }

    /// The time an agent spent with a served chat: from the first reply to the end.
    pub fn handle(&self) -> Option<Millis> {
        match (self.outcome, self.first_reply) {
            (LogOutcome::Served, Some(r)) => Some(self.ended - r),
            _ => None,
        }
    }

    pub fn abandoned(&self) -> bool {
        self.outcome == LogOutcome::Abandoned
    }
}

/// What a read found besides the chats.
#[derive(Clone, Debug, Default)]
pub struct LogSummary {
    /// Rows read, duplicates included.
    pub rows: u64,
    /// Rows whose id an earlier row had: skipped, counted here.
    pub duplicates: u64,
    /// The first of them: its line and id.
    pub first_duplicate: Option<(u64, String)>,
    /// Rows marked `abandoned` that had a first reply (see `LogOutcome::LeftAfterReply`).
    pub left_after_reply: u64,
    /// The earliest and latest arrival.
    pub first: Millis,
    pub last: Millis,
    /// Rows that last longer than `MAX_CHAT_SPAN` from arrival to end: left out, counted
    /// here, the first lines kept for the message.
    pub implausible: u64,
    pub implausible_lines: Vec<u64>,
}

/// The longest a logged chat may last from arrival to end: one that lasts longer is a
/// clock or export error (an `ended_at` in the year 2999), and would ruin a fit.
pub const MAX_CHAT_SPAN: Millis = 7 * DAY;
/// The longest span of arrivals a log may cover: far beyond any real export, and a bound on
/// the work that grows with the days a log covers.
pub const MAX_LOG_SPAN: Millis = 3653 * DAY;

impl LogSummary {
    /// The rows that were not used as written, in words (empty when there are none).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some((line, id)) = &self.first_duplicate {
            notes.push(format!(
                "{} rows repeat the id of an earlier row and were skipped (the first at line {line}, id \"{id}\")",
                self.duplicates
            ));
        }
        if self.left_after_reply > 0 {
            notes.push(format!(
                "{} rows are `abandoned` after a first reply: counted as answered, and left out of the handle time",
                self.left_after_reply
            ));
        }
        if self.implausible > 0 {
            let lines: Vec<String> = self.implausible_lines.iter().map(u64::to_string).collect();
            notes.push(format!(
                "{} rows last longer than 7 days from arrival to end and were left out (line {}{})",
                self.implausible,
                lines.join(", "),
                if self.implausible > lines.len() as u64 {
                    ", …"
                } else {
                    ""
                }
            ));
        }
        notes
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{}: cannot read the chat log: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}:1: {message}", path.display())]
    Header { path: PathBuf, message: String },
    #[error("{}:{line}: column `{column}`: {message}", path.display())]
    Row {
        path: PathBuf,
        line: u64,
        column: String,
        message: String,
    },
    #[error("{}: the log has no chats", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{}: the log's chats arrive over {days} days (from line {first_line} to line {last_line}); a log may cover at most 10 years: check those rows' dates",
        path.display()
    )]
    Span {
        path: PathBuf,
        days: i64,
        first_line: u64,
        last_line: u64,
    },
}

/// Reads the log at `path`, calling `each` with every chat in file order. `teams` are the
/// scenario's team names: a row naming another team is an error (`waiting` is the Waiting
/// box unless a team has that name).
pub fn read(
    path: &Path,
    columns: &Columns,
    teams: &[&str],
    mut each: impl FnMut(&LoggedChat),
) -> Result<LogSummary, LogError> {
    let file = std::fs::File::open(path).map_err(|error| LogError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    // An export saved by a spreadsheet set to Portuguese separates its cells with `;`.
    let separator = crate::io::Separator::of(&crate::io::first_line(path).unwrap_or_default());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator.byte())
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(crate::io::Capped::new(file));
    let header = reader.headers().map_err(|e| LogError::Header {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut at = [usize::MAX; 8];
    for (i, name) in columns.names.iter().enumerate() {
        match header.iter().position(|h| h.trim() == name) {
            Some(p) => at[i] = p,
            None if i < REQUIRED => {
                let named = if name == FIELDS[i] {
                    String::new()
                } else {
                    format!(" (for `{}`)", FIELDS[i])
                };
                return Err(LogError::Header {
                    path: path.to_path_buf(),
                    message: format!(
                        "no column `{name}`{named}; the header has {}. Name yours with --columns {}=HEADER",
                        crate::io::quoted(&header.iter().collect::<Vec<_>>().join(",")),
                        FIELDS[i]
                    ),
                });
            }
            None => {}
        }
    }
    let mut seen: HashSet<u64> = HashSet::new();
    let mut summary = LogSummary {
        first: Millis::MAX,
        last: Millis::MIN,
        ..LogSummary::default()
    };
    let mut base_offset: Option<i32> = None;
    let (mut first_line, mut last_line) = (0, 0);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(LogError::Row {
                    path: path.to_path_buf(),
                    line,
                    column: String::new(),
                    message: e.to_string(),
                });
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let fail = |field: usize, message: String| LogError::Row {
            path: path.to_path_buf(),
            line,
            column: columns.names[field].clone(),
            message,
        };
        let cell = |field: usize| record.get(at[field]).unwrap_or("").trim();
        summary.rows += 1;
        let id = cell(ID);
        if id.is_empty() {
            return Err(fail(ID, "is empty: every chat needs an id".into()));
        }
        let mut time = |field: usize| -> Result<Option<Millis>, LogError> {
            let text = cell(field);
            if text.is_empty() {
                return Ok(None);
            }
            let s = timestamp::parse(text).map_err(|m| fail(field, m))?;
            Ok(Some(match s.offset_minutes {
                None => s.wall,
                Some(o) => {
                    let base = *base_offset.get_or_insert(o);
                    s.wall - (o - base) as Millis * MINUTE
                }
            }))
        };
        let arrived = time(ARRIVED)?
            .ok_or_else(|| fail(ARRIVED, "is empty: when did the chat arrive?".into()))?;
        let first_reply = time(FIRST_REPLY)?;
        let ended =
            time(ENDED)?.ok_or_else(|| fail(ENDED, "is empty: when did the chat end?".into()))?;
        if ended < arrived {
            return Err(fail(
                ENDED,
                format!("\"{}\" is before arrived_at", cell(ENDED)),
            ));
        }
        if let Some(r) = first_reply {
            if r < arrived {
                return Err(fail(
                    FIRST_REPLY,
                    format!("\"{}\" is before arrived_at", cell(FIRST_REPLY)),
                ));
            }
            if r > ended {
                return Err(fail(
                    FIRST_REPLY,
                    format!("\"{}\" is after ended_at", cell(FIRST_REPLY)),
                ));
            }
        }
        let outcome = match (cell(OUTCOME), first_reply) {
            ("served", Some(_)) => LogOutcome::Served,
            ("served", None) => {
                return Err(fail(
                    FIRST_REPLY,
                    "is empty, but the chat was served: when did an agent first reply?".into(),
                ));
            }
            ("abandoned", None) => LogOutcome::Abandoned,
            ("abandoned", Some(_)) => {
                summary.left_after_reply += 1;
                LogOutcome::LeftAfterReply
            }
            (other, _) => {
                return Err(fail(
                    OUTCOME,
                    format!(
                        "{} is not an outcome: use served or abandoned",
                        crate::io::quoted(other)
                    ),
                ));
            }
        };
        let team_name = cell(TEAM);
        let team = match teams.iter().position(|t| *t == team_name) {
            Some(t) => t,
            None if team_name == WAITING => teams.len(),
            None => {
                return Err(fail(
                    TEAM,
                    format!(
                        "team \"{team_name}\" is not in the scenario (its teams: {}; `waiting` is the Waiting box)",
                        teams.join(", ")
                    ),
                ));
            }
        };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        id.hash(&mut h);
        if !seen.insert(h.finish()) {
            summary.duplicates += 1;
            if summary.first_duplicate.is_none() {
                summary.first_duplicate = Some((line, id.to_string()));
            }
            if outcome == LogOutcome::LeftAfterReply {
                summary.left_after_reply -= 1;
            }
            continue;
        }
        if ended - arrived > MAX_CHAT_SPAN {
            summary.implausible += 1;
            if summary.implausible_lines.len() < 10 {
                summary.implausible_lines.push(line);
            }
            continue;
        }
        if arrived < summary.first {
            summary.first = arrived;
            first_line = line;
        }
        if arrived > summary.last {
            summary.last = arrived;
            last_line = line;
        }
        if summary.last - summary.first > MAX_LOG_SPAN {
            return Err(LogError::Span {
                path: path.to_path_buf(),
                days: (summary.last - summary.first) / DAY,
                first_line,
                last_line,
            });
        }
        each(&LoggedChat {
            team,
            arrived,
            first_reply,
            ended,
            outcome,
        });
    }
    if summary.first > summary.last {
        return Err(LogError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(text: &str) -> (Result<LogSummary, LogError>, Vec<LoggedChat>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        std::fs::write(&path, text).unwrap();
        let mut chats = Vec::new();
        let r = read(&path, &Columns::default(), &["sales", "support"], |c| {
            chats.push(*c)
        });
        (r, chats)
    }

    const HEADER: &str = "id,team,arrived_at,first_reply_at,ended_at,outcome\n";

    #[test]
    fn rows_become_chats_with_waits_and_handle_times() {
        let (r, chats) = log(&format!(
            "{HEADER}1,support,2026-03-02T08:00:00,2026-03-02T08:00:30,2026-03-02T08:05:30,served\n\
             2,sales,2026-03-02T08:01:00,,2026-03-02T08:03:00,abandoned\n\
             3,waiting,2026-03-02T08:02:00,,2026-03-02T08:02:10,abandoned\n"
        ));
        let s = r.unwrap();
        assert_eq!(s.rows, 3);
        assert_eq!(chats[0].wait(), 30_000);
        assert_eq!(chats[0].handle(), Some(300_000));
        assert_eq!((chats[1].team, chats[1].wait()), (0, 120_000));
        assert!(chats[1].abandoned() && chats[1].handle().is_none());
        assert_eq!(chats[2].team, 2, "waiting is the Waiting box");
        assert_eq!(s.last - s.first, 120_000);
    }

    #[test]
    fn offsets_put_every_row_on_the_clock_of_the_first() {
        let (_, chats) = log(&format!(
            "{HEADER}1,sales,2026-03-02T08:00:00-03:00,,2026-03-02T08:01:00-03:00,abandoned\n\
             2,sales,2026-03-02T11:00:00Z,,2026-03-02T11:02:00Z,abandoned\n"
        ));
        assert_eq!(chats[0].arrived, chats[1].arrived, "the same instant");
        assert_eq!(chats[1].wait(), 120_000);
    }

    #[test]
    fn duplicated_ids_are_counted_and_skipped() {
        let (r, chats) = log(&format!(
            "{HEADER}7,sales,2026-03-02T08:00:00,,2026-03-02T08:01:00,abandoned\n\
             7,sales,2026-03-02T09:00:00,,2026-03-02T09:01:00,abandoned\n"
        ));
        let s = r.unwrap();
        assert_eq!((chats.len(), s.duplicates), (1, 1));
        assert_eq!(s.first_duplicate, Some((3, "7".to_string())));
        assert!(s.notes()[0].contains("1 rows repeat"));
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let cases = [
            (
                "1,sales,yesterday,,2026-03-02T08:01:00,abandoned",
                "arrived_at",
            ),
            (
                "1,sales,2026-03-02T08:00:00,,2026-03-02T07:01:00,abandoned",
                "ended_at",
            ),
            (
                "1,sales,2026-03-02T08:00:00,,2026-03-02T08:01:00,timeout",
                "outcome",
            ),
            (
                "1,billing,2026-03-02T08:00:00,,2026-03-02T08:01:00,abandoned",
                "team",
            ),
            (
                "1,sales,2026-03-02T08:00:00,,2026-03-02T08:01:00,served",
                "first_reply_at",
            ),
        ];
        for (row, column) in cases {
            let (r, _) = log(&format!("{HEADER}{row}\n"));
            let e = r.unwrap_err().to_string();
            assert!(e.contains(":2: column `") && e.contains(column), "{e}");
        }
    }

    #[test]
    fn columns_map_other_header_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        std::fs::write(
            &path,
            "ticket,queue,created_at,first_reply_at,resolved_at,outcome\n\
             1,sales,2026-03-02T08:00:00,,2026-03-02T08:01:00,abandoned\n",
        )
        .unwrap();
        let missing = read(&path, &Columns::default(), &["sales"], |_| {}).unwrap_err();
        assert!(missing.to_string().contains("no column `id`"), "{missing}");
        let columns =
            Columns::parse("id=ticket, team=queue,arrived_at=created_at,ended_at=resolved_at")
                .unwrap();
        let mut n = 0;
        read(&path, &columns, &["sales"], |_| n += 1).unwrap();
        assert_eq!(n, 1);
        assert!(Columns::parse("arrival=created_at").is_err());
    }
}
