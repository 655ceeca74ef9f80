//! `--shard K/N`: which share of a batch this process runs. A batch is a list of
//! (replication, scenario) items whose results depend only on the seed and the item, so any
//! split of it merges into exactly the unsplit result. Job schedulers number their tasks
//! themselves; reading their variables spares a job script the arithmetic.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count`, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// More shards than any scheduler runs at once (Slurm's default `MaxArraySize` is 1001):
/// a larger N is a typo.
pub const MAX_SHARDS: u32 = 100_000;

/// What `--shard` says when it is given without `K/N`.
pub const FROM_SCHEDULER: &str = "scheduler";

impl Shard {
    /// `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {text}: expected K/N, shard K of N counted from 1 (such as 2/8), or --shard alone inside a Slurm job array or a Kubernetes Indexed Job"
            )
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "--shard {text}: K must be from 1 to N (shards are counted from 1)"
            ));
        }
        shard(k as u64, n as u64)
    }

    /// The shard of `--shard [K/N]` and `--shards N`: `K/N` as given, or else the task's
    /// number from a Slurm job array (`SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, of
    /// `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, of
    /// `--shards`, since a pod is not told the Job's completions). `None` when neither
    /// option is given: the whole batch.
    pub fn resolve(
        shard: Option<&str>,
        shards: Option<u32>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, String> {
        let given = match shard {
            None if shards.is_none() => return Ok(None),
            Some(text) if text != FROM_SCHEDULER => Shard::parse(text)?,
            _ => from_scheduler(shards, &env)?,
        };
        if let Some(n) = shards
            && n != given.count
        {
            return Err(format!(
                "--shards {n} but this is shard {given}: give the same number of shards"
            ));
        }
        Ok(Some(given))
    }

    /// The items of a batch of `total` this shard runs: a contiguous run, the shards' sizes
    /// differing by one at most.
    pub fn range(self, total: usize) -> Range<usize> {
        let at = |k: u32| (total as u128 * k as u128 / self.count as u128) as usize;
        at(self.index - 1)..at(self.index)
    }

    /// Whether this is a shard `--shard` could have made (a part's manifest is checked so).
    pub fn is_valid(self) -> bool {
        (1..=MAX_SHARDS).contains(&self.count) && (1..=self.count).contains(&self.index)
    }

    /// The part folder's name.
    pub fn folder(self) -> String {
        format!("part-{}-of-{}", self.index, self.count)
    }
}

fn from_scheduler(
    shards: Option<u32>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Shard, String> {
    let number = |name: &str| -> Result<Option<u64>, String> {
        env(name)
            .map(|v| {
                v.trim().parse::<u64>().map_err(|_| {
                    format!("{name}={v}: expected a whole number (set by the job scheduler)")
                })
            })
            .transpose()
    };
    if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
        let need = |name: &str| {
            number(name)?.ok_or_else(|| {
                format!(
                    "SLURM_ARRAY_TASK_ID is set but {name} is not: is this a Slurm job array task?"
                )
            })
        };
        let (min, max, count) = (
            need("SLURM_ARRAY_TASK_MIN")?,
            need("SLURM_ARRAY_TASK_MAX")?,
            need("SLURM_ARRAY_TASK_COUNT")?,
        );
        if max < min || max - min + 1 != count || number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1) != 1
        {
            return Err(format!(
                "the Slurm job array has gaps (tasks {min} to {max}, {count} of them): shards must be numbered without gaps, such as --array=0-{}",
                count.max(1) - 1
            ));
        }
        if id < min || id > max {
            return Err(format!(
                "SLURM_ARRAY_TASK_ID={id} is outside the array ({min} to {max})"
            ));
        }
        return shard(id - min + 1, count);
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let n = shards.ok_or(
            "JOB_COMPLETION_INDEX is set, but a pod is not told how many completions its Job has: add --shards N, N being the Job's `completions`",
        )?;
        if index >= n as u64 {
            return Err(format!(
                "JOB_COMPLETION_INDEX={index} but --shards {n}: indexes run from 0 to {}",
                n - 1
            ));
        }
        return shard(index + 1, n as u64);
    }
    Err(format!(
        "{} without K/N reads the task's number from the job scheduler, and none is set: SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); outside those, give --shard K/N",
        shards.map_or("--shard".to_string(), |n| format!("--shards {n}"))
    ))
}

fn shard(index: u64, count: u64) -> Result<Shard, String> {
    if count > MAX_SHARDS as u64 {
        return Err(format!(
            "{count} shards are too many (at most {MAX_SHARDS})"
        ));
    }
    Ok(Shard {
        index: index as u32,
        count: count as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn slurm(id: &str, min: &str, max: &str, count: &str) -> Vec<(&'static str, String)> {
        vec![
            ("SLURM_ARRAY_TASK_ID", id.into()),
            ("SLURM_ARRAY_TASK_MIN", min.into()),
            ("SLURM_ARRAY_TASK_MAX", max.into()),
            ("SLURM_ARRAY_TASK_COUNT", count.into()),
        ]
    }

    fn resolve(
        shard: Option<&str>,
        shards: Option<u32>,
        vars: &[(&str, String)],
    ) -> Result<Option<Shard>, String> {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Shard::resolve(shard, shards, env(&vars))
    }

    #[test]
    fn ranges_cover_the_batch_once_in_near_equal_runs() {
        for total in [0, 1, 7, 8, 100, 1001] {
            for count in [1, 3, 8, 13] {
                let mut next = 0;
                for index in 1..=count {
                    let r = Shard { index, count }.range(total);
                    assert_eq!(r.start, next, "{index}/{count} of {total}");
                    assert!(r.len() <= total / count as usize + 1);
                    assert!(r.len() >= total / count as usize);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn k_of_n_is_parsed_and_checked() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/8", "9/8", "2", "a/b", "2/0", "-1/4", "1/100001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(resolve(None, None, &[]), Ok(None));
        assert!(
            resolve(Some("2/8"), Some(4), &[])
                .unwrap_err()
                .contains("--shards 4")
        );
    }

    #[test]
    fn a_slurm_array_numbers_the_shards_from_its_first_task() {
        let from_one = slurm("3", "1", "8", "8");
        assert_eq!(
            resolve(Some(FROM_SCHEDULER), None, &from_one),
            Ok(Some(Shard { index: 3, count: 8 }))
        );
        let from_zero = slurm("0", "0", "3", "4");
        assert_eq!(
            resolve(Some(FROM_SCHEDULER), Some(4), &from_zero),
            Ok(Some(Shard { index: 1, count: 4 }))
        );
        let gaps = slurm("3", "1", "9", "5");
        assert!(
            resolve(Some(FROM_SCHEDULER), None, &gaps)
                .unwrap_err()
                .contains("gaps")
        );
        let mut stepped = slurm("1", "1", "4", "4");
        stepped.push(("SLURM_ARRAY_TASK_STEP", "2".into()));
        assert!(resolve(Some(FROM_SCHEDULER), None, &stepped).is_err());
    }

    #[test]
    fn a_kubernetes_index_needs_the_count_of_shards() {
        let pod = [("JOB_COMPLETION_INDEX", "5".to_string())];
        assert_eq!(
            resolve(None, Some(8), &pod),
            Ok(Some(Shard { index: 6, count: 8 }))
        );
        assert!(
            resolve(Some(FROM_SCHEDULER), None, &pod)
                .unwrap_err()
                .contains("--shards N")
        );
        assert!(resolve(None, Some(5), &pod).unwrap_err().contains("0 to 4"));
        assert!(
            resolve(Some(FROM_SCHEDULER), None, &[])
                .unwrap_err()
                .contains("SLURM_ARRAY_TASK_ID")
        );
    }
}
