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
/// header (the caller says what is missing).
pub fn csv_rows(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
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
