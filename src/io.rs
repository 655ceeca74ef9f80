//! Reading the files a user points ccsim at. Every read is capped: a scenario that names
//! `/dev/zero` or a multi-gigabyte log as its profile gets an error, not a machine out of
//! memory.

use std::io::{self, Read, Write};
use std::path::Path;

/// Largest scenario, profile, sample or baseline file: far above any real one (a year of
/// one-minute profile rows is 30 MB less).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;
/// Largest report file read back (`ccsim report`): above the `intervals.csv` of a 100-week
/// run at 30-minute intervals with a dozen variants.
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// Largest chat log or trace read: a year of a large centre's chats is a few GB.
pub const MAX_LOG_BYTES: u64 = 16 << 30;
/// Longest line of any CSV read: far above any real row, far below a file of one "line".
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// `text` as a message may quote it: in quotes, control characters escaped, cut to 80
/// characters, so that no input can write to the terminal through an error or flood it.
/// `n` of a thing, in the plural unless one: `1 replication`, `3 threads`.
pub fn counted(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// `x` to `decimals` places, never a negative zero (`-0.000` is `0.000`): a difference that
/// rounds to nothing has no sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// `fixed` with a sign, `+` for a positive value; a zero has none.
pub fn signed(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    match s.chars().all(|c| c == '0' || c == '.') || s.starts_with('-') {
        true => s,
        false => format!("+{s}"),
    }
}

/// A span of time as a reader says it, in its largest whole unit: `21 days`, `12 hours`,
/// `90 minutes`, `45 seconds`.
pub fn period(ms: i64) -> String {
    let ms = ms.max(0) as u64;
    for (unit, noun) in [
        (crate::time::DAY as u64, "day"),
        (crate::time::HOUR as u64, "hour"),
        (crate::time::MINUTE as u64, "minute"),
    ] {
        if ms >= unit && ms.is_multiple_of(unit) {
            return counted(ms / unit, noun);
        }
    }
    counted(ms.div_ceil(1000), "second")
}

pub fn quoted(text: &str) -> String {
    const MOST: usize = 80;
    let cut: String = text.chars().take(MOST).collect();
    let more = if text.chars().nth(MOST).is_some() {
        "…"
    } else {
        ""
    };
    format!("{cut:?}{more}")
}

/// A streamed file that stops with an error past `MAX_LOG_BYTES` in all or `MAX_LINE_BYTES`
/// in one line, and without the UTF-8 byte-order mark a spreadsheet's "CSV UTF-8" starts
/// with: `/dev/zero` given as a log ends at once instead of filling the memory.
pub struct Capped<R> {
    inner: R,
    read: u64,
    line: u64,
    start: bool,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R) -> Self {
        Capped {
            inner,
            read: 0,
            line: 0,
            start: true,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.inner.read(buf)?;
        if self.start && n > 0 {
            self.start = false;
            if buf[..n].starts_with(b"\xEF\xBB\xBF") {
                buf.copy_within(3..n, 0);
                n -= 3;
            }
        }
        self.read += n as u64;
        if self.read > MAX_LOG_BYTES {
            return Err(io::Error::other(format!(
                "the file is longer than {} GiB, the most ccsim reads",
                MAX_LOG_BYTES >> 30
            )));
        }
        for &b in &buf[..n] {
            self.line = if b == b'\n' { 0 } else { self.line + 1 };
            if self.line > MAX_LINE_BYTES {
                return Err(io::Error::other(format!(
                    "a line is longer than {} MiB: not a CSV file",
                    MAX_LINE_BYTES >> 20
                )));
            }
        }
        Ok(n)
    }
}

/// The file's bytes, or an error if it is longer than `limit`.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_capped(path, limit)
}

/// An input file (scenario, profile, samples, baseline) as UTF-8 text, without the
/// byte-order mark a spreadsheet's "CSV UTF-8" starts with.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    let mut text = String::from_utf8(read(path, MAX_INPUT_BYTES)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is not UTF-8 text".to_string(),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// A CSV text's rows as a spreadsheet saves them: quoted cells, CRLF line ends and cells
/// padded with spaces all read as the plain values; a row may have fewer cells than the
/// header (the caller says what is missing). The separator is the header's (`Separator`).
pub fn csv_rows(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(Separator::of(text).byte())
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The first line of the file at `path` (at most 64 KiB of it), to tell its separator.
pub fn first_line(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(64 * 1024)
        .read_to_end(&mut head)?;
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    Ok(String::from_utf8_lossy(&head[..end]).into_owned())
}

/// How a CSV file separates its cells. A spreadsheet set to a language that writes decimal
/// commas (Brazilian Excel) saves `;`-separated files, and its numbers with a comma: told
/// apart by the header row, which has no numbers — `;` there and no `,` means the
/// semicolon kind. A file of one column has neither in its header: there, values with a
/// comma and none with a point are decimal commas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    Comma,
    /// `;` between cells, `,` in numbers.
    Semicolon,
}

/// The separator the user named (`--csv-delimiter`), which every CSV input is then read
/// with instead of the one its header suggests.
static NAMED: std::sync::OnceLock<Separator> = std::sync::OnceLock::new();

impl Separator {
    /// Reads every CSV input from now on with `self`, whatever its header suggests: for a
    /// file the header cannot tell (a `;` file whose header has a comma in a name). Once per
    /// process; a second call keeps the first.
    pub fn name_for_all(self) {
        let _ = NAMED.set(self);
    }

    /// The separator of the CSV text whose first line is `text`'s, unless one was named.
    pub fn of(text: &str) -> Separator {
        if let Some(&named) = NAMED.get() {
            return named;
        }
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        if header.contains(';') && !header.contains(',') {
            return Separator::Semicolon;
        }
        if header.contains(',') || header.contains(';') {
            return Separator::Comma;
        }
        let (mut commas, mut points) = (false, false);
        for line in lines.take(1000) {
            commas |= line.contains(',');
            points |= line.contains('.');
        }
        if commas && !points {
            Separator::Semicolon
        } else {
            Separator::Comma
        }
    }

    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }

    /// A number cell as this kind of file writes it: `12,5` is 12.5 in a `;` file. A cell
    /// with both a comma and a point is refused there rather than guessed at (`1.234,5`).
    pub fn number(self, cell: &str) -> Option<f64> {
        let cell = cell.trim();
        match self {
            Separator::Comma => cell.parse().ok(),
            Separator::Semicolon if cell.contains(',') && cell.contains('.') => None,
            Separator::Semicolon => cell.replace(',', ".").parse().ok(),
        }
    }
}

fn read_capped(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::other("it is a folder, not a file"));
    }
    // Sized once from what the file says it holds (a device or a pipe says 0 and grows).
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "the file is longer than {} MiB, the most ccsim reads",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` through a temporary file beside it, so that an interrupted
/// write never leaves half a file where a whole one was expected.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_together(&[(path, bytes)])
}

/// Writes every file, or none: each goes first to a new temporary file beside it, and only
/// when all are written (a full disk fails here) are they renamed into place. A temporary
/// file is always created new, never opened through a path that exists: a link planted
/// where it goes cannot redirect the write to another file.
pub fn write_together(files: &[(&Path, &[u8])]) -> io::Result<()> {
    let mut staged: Vec<std::path::PathBuf> = Vec::new();
    let result = files.iter().try_for_each(|&(path, bytes)| {
        let (temporary, mut file) = create_beside(path)?;
        staged.push(temporary);
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = result {
        for t in &staged {
            let _ = std::fs::remove_file(t);
        }
        return Err(e);
    }
    for (temporary, &(path, _)) in staged.iter().zip(files) {
        std::fs::rename(temporary, path)?;
    }
    Ok(())
}

/// A new file beside `path`, under a hidden name no other file has.
fn create_beside(path: &Path) -> io::Result<(std::path::PathBuf, std::fs::File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?
        .to_string_lossy()
        .into_owned();
    for attempt in 0u32.. {
        let temporary =
            path.with_file_name(format!(".{name}.{}-{attempt}.partial", std::process::id()));
        match std::fs::File::create_new(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_said_without_negative_zeros_and_counts_in_the_right_number() {
        assert_eq!(fixed(-0.0004, 3), "0.000");
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(-0.681, 3), "-0.681");
        assert_eq!(signed(-0.0004, 3), "0.000");
        assert_eq!(signed(0.5, 2), "+0.50");
        assert_eq!(signed(-0.5, 2), "-0.50");
        assert_eq!(counted(1u32, "replication"), "1 replication");
        assert_eq!(counted(3u32, "thread"), "3 threads");
        assert_eq!(period(21 * crate::time::DAY), "21 days");
        assert_eq!(period(crate::time::DAY), "1 day");
        assert_eq!(period(36 * crate::time::HOUR), "36 hours");
        assert_eq!(period(90 * crate::time::MINUTE), "90 minutes");
    }

    #[test]
    fn a_semicolon_file_is_told_by_its_header_and_reads_decimal_commas() {
        assert_eq!(Separator::of("a;b;c\n1,5;2;3\n"), Separator::Semicolon);
        assert_eq!(Separator::of("a,b,c\n1.5,2,3\n"), Separator::Comma);
        // One column: a comma in a value and no point anywhere is a decimal comma.
        assert_eq!(Separator::of("seconds\n95,5\n120\n"), Separator::Semicolon);
        assert_eq!(Separator::of("seconds\n95.5\n120\n"), Separator::Comma);
        assert_eq!(Separator::Semicolon.number(" 12,5 "), Some(12.5));
        assert_eq!(Separator::Semicolon.number("1.234,5"), None);
        assert_eq!(Separator::Comma.number("12,5"), None);
        let mut rows = csv_rows("weekday;rate\nmon;12,5\n");
        let row = rows.records().next().unwrap().unwrap();
        assert_eq!(row.get(1), Some("12,5"));
    }

    #[test]
    fn an_endless_file_is_refused_after_the_cap() {
        let err = read_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("longer than 1 MiB"), "{err}");
    }

    #[test]
    fn a_link_planted_where_a_temporary_file_would_go_is_never_written_through() {
        let t = tempfile::tempdir().unwrap();
        let victim = t.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let out = t.path().join("fitted.toml");
        for name in [
            "fitted.toml.partial",
            &format!(".fitted.toml.{}-0.partial", std::process::id()),
        ] {
            std::os::unix::fs::symlink(&victim, t.path().join(name)).unwrap();
        }
        write_atomically(&out, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
    }

    #[test]
    fn a_folder_is_not_read_as_a_file() {
        let err = read_to_string(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
    }
}
