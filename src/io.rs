//! Reading the files a user points ccsim at. Every read is capped: a scenario that names
//! `/dev/zero` or a multi-gigabyte log as its profile gets an error, not a machine out of
//! memory.

use std::io::{self, Read};
use std::path::Path;

/// Largest scenario, profile, sample or baseline file: far above any real one (a year of
/// one-minute profile rows is 30 MB less).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;
/// Largest report file read back (`ccsim report`): above the `intervals.csv` of a 100-week
/// run at 30-minute intervals with a dozen variants.
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// The file's bytes, or an error if it is longer than `limit`.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_capped(path, limit)
}

/// An input file (scenario, profile, samples, baseline) as UTF-8 text.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path, MAX_INPUT_BYTES)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is not UTF-8 text".to_string(),
        )
    })
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
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let mut temporary = name.to_os_string();
    temporary.push(".partial");
    let temporary = path.with_file_name(temporary);
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
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
    fn a_folder_is_not_read_as_a_file() {
        let err = read_to_string(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
    }
}
