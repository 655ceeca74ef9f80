//! A report folder is replaced as a whole: the new one is written beside it under a hidden
//! name and swapped in at the end. A reader never finds the files of two runs side by side
//! (`compare.csv` of yesterday's `compare` beside today's `run`), and a run that is
//! interrupted or fails half-way leaves the previous report as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::ReportError;

/// The manifest of a shard's part folder (`batch::part`).
pub const PART_MANIFEST: &str = "part.json";

/// The files by which a folder is known to be a ccsim report, or a shard's part of one, that
/// may be replaced.
const MARKS: [&str; 2] = ["run.json", PART_MANIFEST];

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
    let existing = replaceable(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    let name = dir
        .file_name()
        .map_or("report".into(), |n| n.to_string_lossy().into_owned());
    clean_leftovers(&parent, &name);
    let staging = parent.join(format!(".{name}.ccsim-new-{}", std::process::id()));
    let written = fs::create_dir(&staging)
        .map_err(write_err(&staging))
        .and_then(|()| fill(&staging));
    let value = match written {
        Ok(value) => value,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.ccsim-old-{}", std::process::id()));
    if existing {
        fs::rename(dir, &old).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            write_err(dir)(e)
        })?;
    }
    if let Err(e) = fs::rename(&staging, dir) {
        if existing {
            let _ = fs::rename(&old, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(write_err(dir)(e));
    }
    if existing {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(value)
}

/// Whether `dir` may be (re)written as a report: absent, empty, or a ccsim report. Checked
/// before a run too, so that a long simulation is not thrown away at the end. Returns
/// whether it exists.
pub fn replaceable(dir: &Path) -> Result<bool, ReportError> {
    let existing = match fs::symlink_metadata(dir) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(ReportError::Write {
                path: dir.to_path_buf(),
                error,
            });
        }
    };
    if let Some(m) = &existing
        && !(m.is_dir() && (MARKS.iter().any(|m| dir.join(m).is_file()) || is_empty(dir)))
    {
        return Err(ReportError::NotReport(dir.to_path_buf()));
    }
    Ok(existing.is_some())
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Removes the staging folders of earlier runs of this report that were killed before
/// they could swap (their process is gone; ours has another id).
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.ccsim-new-"), format!(".{name}.ccsim-old-")];
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(pid) = prefixes.iter().find_map(|p| file.strip_prefix(p.as_str())) else {
            continue;
        };
        // A run still writing (another process on the same folder) keeps its own.
        let running = Path::new("/proc").join(pid).exists();
        if !running && entry.path().is_dir() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
