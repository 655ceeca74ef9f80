//! A report folder is replaced as a whole: the new one is written beside it under a hidden
//! name and swapped in at the end. A reader never finds the files of two runs side by side
//! (`compare.csv` of yesterday's `compare` beside today's `run`), and a run that is
//! interrupted or fails half-way leaves the previous report as it was.
//!
//! Nothing of the user's is ever touched: a folder is replaced only if ccsim wrote it — its
//! `run.json` or `part.json` says so in a `format` field, and it holds only the kinds of
//! files ccsim writes — and a hidden folder beside it is cleared only if ccsim made it (a mark
//! inside it, or a whole report of ccsim's). One ccsim at a time writes to a folder: the
//! first takes a lock beside it, and a second is refused at once instead of simulating for
//! nothing.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::ReportError;

/// The manifest of a shard's part folder (`batch::part`).
pub const PART_MANIFEST: &str = "part.json";
/// The `format` of a report's `run.json`.
pub const REPORT_FORMAT: &str = "ccsim-report";
/// The `format` of a part's `part.json`.
pub const PART_FORMAT: &str = "ccsim-part";
/// The files by which a folder is known to be a ccsim report, or a shard's part of one, and
/// the `format` each must declare.
const MARKS: [(&str, &str); 2] = [("run.json", REPORT_FORMAT), (PART_MANIFEST, PART_FORMAT)];
/// The kinds of file ccsim writes into a report or a part, by extension.
const WRITES: [&str; 8] = ["csv", "svg", "png", "html", "json", "toml", "bin", "xlsx"];
/// A file ccsim puts in a staging folder as soon as it makes it: the folder is ccsim's.
const STAGING_MARK: &str = ".ccsim-staging";
/// The largest `run.json` or `part.json` read to recognise a report.
const MAX_MARK_BYTES: u64 = 1 << 20;

/// What an interrupted process must remove before it exits: the staging folder it is
/// writing, and the locks it holds (see `abandon`).
static HELD: Mutex<Held> = Mutex::new(Held {
    staging: None,
    made: false,
    locks: Vec::new(),
});

struct Held {
    staging: Option<PathBuf>,
    /// Whether this process made the staging folder (its name may already have been taken):
    /// from then on, whatever it holds is ccsim's, even half removed after the swap.
    made: bool,
    /// The folders this process has claimed, with their lock files (kept open: the lock is
    /// the open file).
    locks: Vec<(PathBuf, PathBuf, fs::File)>,
}

fn held() -> std::sync::MutexGuard<'static, Held> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes `dir` hold exactly what `fill` writes into the (empty) staging folder it is given,
/// replacing what was there. If `fill` fails, `dir` is left as it was.
pub fn replace<T>(
    dir: &Path,
    fill: impl FnOnce(&Path) -> Result<T, ReportError>,
) -> Result<T, ReportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |error| ReportError::Write { path, error }
    };
    let existing = claim(dir)?;
    let (parent, name) = parent_and_name(dir);
    restore_or_clear_leftovers(&parent, &name, dir);
    let staging = parent.join(format!(".{name}.ccsim-new-{}", std::process::id()));
    // Known before it exists, so that a signal at any moment finds it to remove.
    held().staging = Some(staging.clone());
    if let Err(e) = fs::create_dir(&staging) {
        held().staging = None;
        release(dir);
        return Err(write_err(&staging)(e));
    }
    held().made = true;
    let written = fs::File::create_new(staging.join(STAGING_MARK))
        .map_err(write_err(&staging))
        .and_then(|_| fill(&staging))
        .and_then(|value| {
            fs::remove_file(staging.join(STAGING_MARK)).map_err(write_err(&staging))?;
            swap(&staging, dir, existing).map_err(write_err(dir))?;
            Ok(value)
        });
    if written.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    {
        let mut h = held();
        h.staging = None;
        h.made = false;
    }
    release(dir);
    written
}

/// Puts the finished `staging` folder in place of `dir`. Where the system can, the two are
/// exchanged in one step, so that `dir` is at every moment the old report or the new one;
/// elsewhere `dir` is moved aside first, and a run killed between the two moves leaves the
/// old report under a hidden name, which the next run puts back (`restore_or_clear_leftovers`).
fn swap(staging: &Path, dir: &Path, existing: bool) -> io::Result<()> {
    if !existing {
        return fs::rename(staging, dir);
    }
    match exchange(staging, dir) {
        // The staging name now holds the old report.
        Ok(()) => {
            let _ = fs::remove_dir_all(staging);
            Ok(())
        }
        Err(_) => {
            let (parent, name) = parent_and_name(dir);
            let old = parent.join(format!(".{name}.ccsim-old-{}", std::process::id()));
            fs::rename(dir, &old)?;
            if let Err(e) = fs::rename(staging, dir) {
                let _ = fs::rename(&old, dir);
                return Err(e);
            }
            let _ = fs::remove_dir_all(&old);
            Ok(())
        }
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that live across the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn parent_and_name(dir: &Path) -> (PathBuf, String) {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// Checks that `dir` may be (re)written as a report — absent, empty, or ccsim's own — and
/// takes the lock that keeps any other ccsim from writing there until this process is done
/// with it. Called before a run, so that a long simulation is not thrown away at the end;
/// again before writing, which finds the lock already held. Returns whether `dir` exists.
pub fn claim(dir: &Path) -> Result<bool, ReportError> {
    let existing = replaceable(dir)?;
    // Held until the lock is on the list: a signal's `abandon` waits for it, and so finds
    // and removes a lock file made a moment before, instead of leaving it behind.
    let mut h = held();
    if h.locks.iter().any(|(d, _, _)| d == dir) {
        return Ok(existing);
    }
    let (parent, name) = parent_and_name(dir);
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |error| ReportError::Write { path, error }
    };
    fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    let path = parent.join(format!(".{name}.ccsim-lock"));
    let file = lock(&path).map_err(|error| match error.kind() {
        io::ErrorKind::WouldBlock => ReportError::Busy(dir.to_path_buf()),
        _ => ReportError::Write {
            path: path.clone(),
            error,
        },
    })?;
    h.locks.push((dir.to_path_buf(), path, file));
    Ok(existing)
}

/// An exclusive lock on the file at `path`, made if need be. The file may be removed by the
/// process that held it just before: a lock taken on a file no longer at `path` is taken
/// again on the new one.
fn lock(path: &Path) -> io::Result<fs::File> {
    use std::os::fd::AsRawFd;
    loop {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let same = match fs::symlink_metadata(path) {
            Ok(m) => {
                let f = file.metadata()?;
                m.dev() == f.dev() && m.ino() == f.ino()
            }
            Err(_) => false,
        };
        if same {
            return Ok(file);
        }
    }
}

/// The lock on `dir` is no longer needed: its file goes, then the lock with it.
fn release(dir: &Path) {
    let mut h = held();
    if let Some(i) = h.locks.iter().position(|(d, _, _)| d == dir) {
        let (_, path, file) = h.locks.swap_remove(i);
        let _ = fs::remove_file(path);
        drop(file);
    }
}

/// For a process about to exit, on a signal or after a failure: removes the staging folder
/// it was writing and the lock files it holds. The report folder itself is never
/// half-written, so it stays as it was (or is already the new one).
pub fn abandon() {
    let mut h = held();
    if let Some(staging) = h.staging.take() {
        // Only ccsim's: made by this process (whatever it holds now: being filled, the new
        // report about to be swapped in, or the old one swapped out and half removed), or
        // else marked, a whole report, or empty. A folder of that name this process did not
        // make is the user's, and stays.
        let made = std::mem::take(&mut h.made);
        if made || staging.join(STAGING_MARK).is_file() || ours(&staging).is_ok() {
            remove_under_writer(&staging);
        } else {
            let _ = fs::remove_dir(staging);
        }
    }
    for (_, path, _) in h.locks.drain(..) {
        let _ = fs::remove_file(path);
    }
}

/// Removes a staging folder that another thread may still be writing into (a signal came
/// mid-report): renamed first, so that files the writer opens by path from now on fail
/// rather than land in it, then removed, again if a file created at that very moment made
/// the removal find it not empty.
fn remove_under_writer(staging: &Path) {
    let mut doomed = staging.as_os_str().to_owned();
    doomed.push("-abandoned");
    let target = match fs::rename(staging, &doomed) {
        Ok(()) => PathBuf::from(doomed),
        Err(_) => staging.to_path_buf(),
    };
    for _ in 0..100 {
        match fs::remove_dir_all(&target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(1))
            }
            _ => return,
        }
    }
}

/// Whether `dir` may be (re)written as a report: absent, empty, or ccsim's. Returns whether
/// it exists.
fn replaceable(dir: &Path) -> Result<bool, ReportError> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(ReportError::Write {
            path: dir.to_path_buf(),
            error,
        }),
        Ok(m) if !m.is_dir() => Err(ReportError::NotReport(
            dir.to_path_buf(),
            "it is not a folder".into(),
        )),
        Ok(_) if is_empty(dir) => Ok(true),
        Ok(_) => ours(dir)
            .map(|()| true)
            .map_err(|why| ReportError::NotReport(dir.to_path_buf(), why)),
    }
}

/// Whether `dir` is a report or a part as ccsim writes them: only files of the kinds ccsim
/// writes (no folder, no link), and a `run.json` or `part.json` whose `format` is ccsim's.
/// Otherwise, why not.
fn ours(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("it cannot be read: {e}"))?;
    let mut marked = false;
    for entry in entries {
        let entry = entry.map_err(|e| format!("it cannot be read: {e}"))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        let kind = Path::new(name.as_ref())
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| WRITES.contains(&e));
        if !regular || !kind {
            return Err(format!(
                "it holds {}, which ccsim does not write",
                crate::io::quoted(&name)
            ));
        }
        if let Some((_, format)) = MARKS.iter().find(|(m, _)| *m == name) {
            marked |= declares(&entry.path(), format);
        }
    }
    if marked {
        Ok(())
    } else {
        Err("it has no run.json or part.json written by ccsim; an older ccsim's report lacks that mark too, so remove it once".into())
    }
}

/// Whether the JSON file at `path` declares `"format": format`.
fn declares(path: &Path, format: &str) -> bool {
    crate::io::read(path, MAX_MARK_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v["format"] == format)
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Deals with the hidden folders earlier runs of this report left when they were killed
/// (their process is gone; ours has another id, and holds the lock): an old report moved
/// aside goes back in place if the new one never arrived, and the rest is removed — but
/// only a folder ccsim made (its staging mark inside, or a whole report of ccsim's). A
/// folder of the user's that merely has such a name is left alone.
fn restore_or_clear_leftovers(parent: &Path, name: &str, dir: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.ccsim-new-"), format!(".{name}.ccsim-old-")];
    let mut leftovers: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some((k, pid)) = prefixes
            .iter()
            .enumerate()
            .find_map(|(k, p)| file.strip_prefix(p.as_str()).map(|pid| (k, pid)))
        else {
            continue;
        };
        let running = pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
        });
        let path = entry.path();
        let folder = entry.file_type().is_ok_and(|t| t.is_dir());
        if running || !folder {
            continue;
        }
        let staging = path.join(STAGING_MARK).is_file();
        if staging || ours(&path).is_ok() {
            leftovers.push((path, k == 1 && !staging));
        }
    }
    leftovers.sort();
    for (path, old_report) in leftovers {
        if old_report && fs::symlink_metadata(dir).is_err() && fs::rename(&path, dir).is_ok() {
            continue;
        }
        let _ = fs::remove_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(dir: &Path, format: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("summary.csv"), "x\n").unwrap();
        fs::write(
            dir.join("run.json"),
            format!("{{\"format\": \"{format}\"}}"),
        )
        .unwrap();
    }

    #[test]
    fn only_a_folder_ccsim_wrote_is_replaceable() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("r");
        assert!(!replaceable(&dir).unwrap(), "absent");
        report(&dir, REPORT_FORMAT);
        assert!(replaceable(&dir).unwrap());
        // A run.json of somebody else's.
        fs::write(dir.join("run.json"), "{\"name\": \"cfg\"}").unwrap();
        let why = replaceable(&dir).unwrap_err().to_string();
        assert!(
            why.contains("no run.json or part.json written by ccsim"),
            "{why}"
        );
        // ccsim's mark, but a file ccsim never writes beside it.
        report(&dir, REPORT_FORMAT);
        fs::write(dir.join("thesis.tex"), "x").unwrap();
        let why = replaceable(&dir).unwrap_err().to_string();
        assert!(why.contains("thesis.tex"), "{why}");
        fs::remove_file(dir.join("thesis.tex")).unwrap();
        fs::create_dir(dir.join("src.csv")).unwrap();
        assert!(replaceable(&dir).is_err(), "a folder inside");
    }

    #[test]
    fn a_hidden_folder_with_ccsims_name_is_cleared_only_if_ccsim_made_it() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("rep");
        let users = t.path().join(".rep.ccsim-new-backup");
        fs::create_dir(&users).unwrap();
        fs::write(users.join("thesis.tex"), "x").unwrap();
        let dead = t.path().join(".rep.ccsim-new-999999999");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join(STAGING_MARK), "").unwrap();
        fs::write(dead.join("chats.csv"), "x").unwrap();
        restore_or_clear_leftovers(t.path(), "rep", &dir);
        assert!(users.join("thesis.tex").is_file());
        assert!(!dead.exists());
    }

    #[test]
    fn an_old_report_moved_aside_by_a_killed_run_is_put_back() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("rep");
        let old = t.path().join(".rep.ccsim-old-999999999");
        report(&old, REPORT_FORMAT);
        restore_or_clear_leftovers(t.path(), "rep", &dir);
        assert!(dir.join("summary.csv").is_file());
        assert!(!old.exists());
    }
}
