//! `replications.bin`: a shard's replications exactly as the engine returned them, every
//! number by its bits, so that the merged report is computed from the very values an
//! unsharded run would hold. Per replication: its own counts and ratios (what the report
//! averages across replications), each interval's and group's figures, the waiting-time
//! histogram's non-empty buckets, and its rows of `chats.csv` when those were asked for.
//!
//! Little-endian, no padding; the header carries the metric counts, so a file of a build with
//! other metrics is refused rather than misread.

use crate::engine::RunOutput;
use crate::stats::collector::{ReplicationStats, ScopeStats};
use crate::stats::histogram::Histogram;
use crate::stats::metrics::{GroupMetric, IntervalMetric, Metric};

const MAGIC: &[u8; 8] = b"CCSIMREP";
const FORMAT: u32 = 3;

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64s(&mut self, values: &[f64]) {
        for v in values {
            self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }
    fn rows<const N: usize>(&mut self, rows: &[[f64; N]]) {
        self.u64(rows.len() as u64);
        for r in rows {
            self.f64s(r);
        }
    }
}

/// The bytes of `runs`.
pub fn encode(runs: &[RunOutput]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.0.extend_from_slice(MAGIC);
    for n in [
        FORMAT,
        Metric::COUNT as u32,
        IntervalMetric::COUNT as u32,
        GroupMetric::COUNT as u32,
    ] {
        w.u32(n);
    }
    w.u64(runs.len() as u64);
    for run in runs {
        let s = &run.stats;
        w.u64(run.events);
        w.u64(run.chats);
        w.u64(s.scopes.len() as u64);
        for scope in &s.scopes {
            w.f64s(&scope.metrics);
            w.f64s(&scope.weights);
            w.rows(&scope.intervals);
            w.rows(&scope.interval_weights);
        }
        w.rows(&s.focus);
        w.rows(&s.focus_weights);
        w.rows(&s.groups);
        w.rows(&s.group_weights);
        w.u64(s.slot_minutes.len() as u64);
        w.f64s(&s.slot_minutes);
        let (sub_bits, max_exp) = s.waits.shape();
        w.u32(sub_bits);
        w.u32(max_exp);
        w.u64(s.waits.total());
        w.u64(s.waits.nonzero_bins().count() as u64);
        for (i, c) in s.waits.nonzero_bins() {
            w.u32(i as u32);
            w.u32(c);
        }
        match &run.chats_log {
            None => w.u32(0),
            Some(rows) => {
                w.u32(1);
                w.u64(rows.len() as u64);
                w.0.extend_from_slice(rows);
            }
        }
    }
    w.0
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// Why the bytes are not what `encode` wrote.
type Bad = String;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| format!("it is cut short, at byte {}", self.bytes.len()))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u32(&mut self) -> Result<u32, Bad> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, Bad> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    /// A length of items of `size` bytes, refused when the rest of the file cannot hold them
    /// (so that a damaged length never asks for a huge allocation).
    fn len(&mut self, size: usize) -> Result<usize, Bad> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(size as u64) > left {
            return Err(format!(
                "a length of {n} at byte {} runs past its end: it is cut short or damaged",
                self.at
            ));
        }
        Ok(n as usize)
    }
    fn f64s(&mut self, out: &mut [f64]) -> Result<(), Bad> {
        let bytes = self.take(out.len() * 8)?;
        for (v, b) in out.iter_mut().zip(bytes.chunks_exact(8)) {
            *v = f64::from_bits(u64::from_le_bytes(b.try_into().expect("8 bytes")));
        }
        Ok(())
    }
    fn rows<const N: usize>(&mut self) -> Result<Vec<[f64; N]>, Bad> {
        let n = self.len(N * 8)?;
        let mut rows = vec![[0.0; N]; n];
        for r in &mut rows {
            self.f64s(r)?;
        }
        Ok(rows)
    }
}

/// The replications in `bytes`, or what is wrong with them.
pub fn decode(bytes: &[u8]) -> Result<Vec<RunOutput>, Bad> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len()).ok() != Some(MAGIC.as_slice()) {
        return Err("it is not a ccsim replications file".into());
    }
    let header = [r.u32()?, r.u32()?, r.u32()?, r.u32()?];
    let expected = [
        FORMAT,
        Metric::COUNT as u32,
        IntervalMetric::COUNT as u32,
        GroupMetric::COUNT as u32,
    ];
    if header != expected {
        return Err(format!(
            "it was written by a ccsim with another format (format and metric counts {header:?}, this one {expected:?})"
        ));
    }
    let count = r.len(1)?;
    let mut runs = Vec::with_capacity(count);
    for _ in 0..count {
        let events = r.u64()?;
        let chats = r.u64()?;
        let n = r.len(8 * 2 * Metric::COUNT)?;
        let mut scopes = Vec::with_capacity(n);
        for _ in 0..n {
            let mut metrics = [0.0; Metric::COUNT];
            r.f64s(&mut metrics)?;
            let mut weights = [0.0; Metric::COUNT];
            r.f64s(&mut weights)?;
            scopes.push(ScopeStats {
                metrics,
                weights,
                intervals: r.rows()?,
                interval_weights: r.rows()?,
            });
        }
        let focus = r.rows()?;
        let focus_weights = r.rows()?;
        let groups = r.rows()?;
        let group_weights = r.rows()?;
        let mut slot_minutes = vec![0.0; r.len(8)?];
        r.f64s(&mut slot_minutes)?;
        let shape = (r.u32()?, r.u32()?);
        let total = r.u64()?;
        let n = r.len(8)?;
        let mut bins = Vec::with_capacity(n);
        for _ in 0..n {
            bins.push((r.u32()? as usize, r.u32()?));
        }
        let waits = Histogram::from_bins(shape, bins, total)
            .ok_or_else(|| format!("a waiting-time histogram near byte {} is damaged", r.at))?;
        let chats_log = match r.u32()? {
            0 => None,
            1 => {
                let n = r.len(1)?;
                Some(r.take(n)?.to_vec())
            }
            other => return Err(format!("unknown chats-log flag {other} at byte {}", r.at)),
        };
        runs.push(RunOutput {
            stats: ReplicationStats {
                scopes,
                focus,
                focus_weights,
                groups,
                group_weights,
                slot_minutes,
                waits,
            },
            events,
            chats,
            chats_log,
        });
    }
    if r.at != bytes.len() {
        return Err(format!(
            "{} bytes follow the last replication",
            bytes.len() - r.at
        ));
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64) -> RunOutput {
        let mut waits = Histogram::new(7, 42);
        for v in [0, 5, 1_000, 65_000, seed * 7_919] {
            waits.record(v);
        }
        let mut metrics = [0.0; Metric::COUNT];
        for (i, m) in metrics.iter_mut().enumerate() {
            *m = (i as f64 + 0.1) / (seed as f64 + 3.0);
        }
        metrics[0] = f64::NAN;
        let mut weights = metrics;
        weights[1] = 17.25 + seed as f64;
        RunOutput {
            stats: ReplicationStats {
                scopes: (0..2)
                    .map(|s| ScopeStats {
                        metrics,
                        weights,
                        intervals: vec![[1.0 / (3.0 + s as f64); IntervalMetric::COUNT]; 5],
                        interval_weights: vec![[seed as f64 / 7.0; IntervalMetric::COUNT]; 5],
                    })
                    .collect(),
                focus: Vec::new(),
                focus_weights: vec![[0.5; IntervalMetric::COUNT]; 1],
                groups: vec![[-0.0; GroupMetric::COUNT]; 2],
                group_weights: vec![[2.0 / 3.0; GroupMetric::COUNT]; 2],
                slot_minutes: vec![12.5, f64::MIN_POSITIVE],
                waits,
            },
            events: 123 + seed,
            chats: 45,
            chats_log: seed.is_multiple_of(2).then(|| b"1,a,b\n".to_vec()),
        }
    }

    fn bits(runs: &[RunOutput]) -> Vec<u64> {
        let mut out = Vec::new();
        for r in runs {
            let s = &r.stats;
            for scope in &s.scopes {
                out.extend(scope.metrics.iter().map(|v| v.to_bits()));
                out.extend(scope.weights.iter().map(|v| v.to_bits()));
                for rows in [&scope.intervals, &scope.interval_weights] {
                    out.extend(rows.iter().flatten().map(|v| v.to_bits()));
                }
            }
            for rows in [&s.focus, &s.focus_weights] {
                out.extend(rows.iter().flatten().map(|v| v.to_bits()));
            }
            for rows in [&s.groups, &s.group_weights] {
                out.extend(rows.iter().flatten().map(|v| v.to_bits()));
            }
            out.extend(s.slot_minutes.iter().map(|v| v.to_bits()));
            out.extend(
                s.waits
                    .nonzero_bins()
                    .map(|(i, c)| (i as u64) << 32 | c as u64),
            );
            out.extend([s.waits.total(), r.events, r.chats]);
            out.extend(r.chats_log.iter().flatten().map(|&b| b as u64));
        }
        out
    }

    #[test]
    fn every_number_survives_bit_for_bit() {
        let runs: Vec<RunOutput> = (0..4).map(run).collect();
        let back = decode(&encode(&runs)).unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(bits(&back), bits(&runs));
        assert!(back[0].stats.all().metrics[0].is_nan());
        assert_eq!(back[1].chats_log, None);
        assert_eq!(back[2].chats_log.as_deref(), Some(b"1,a,b\n".as_slice()));
    }

    #[test]
    fn damaged_files_are_refused_not_misread() {
        let bytes = encode(&[run(1), run(2)]);
        for cut in [0, 7, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).err().unwrap().contains("follow"));
        let mut other = bytes;
        other[12] ^= 1;
        assert!(decode(&other).err().unwrap().contains("another format"));
    }
}
