//! Replications pooled into the numbers a report states: every share and mean as a ratio of
//! sums over replications (abandoned ÷ reached, summed), so that a share is of customers, not
//! an average of each replication's own share (which over-weights replications with few chats
//! and reads small intervals as better than they are).

use super::collector::ALL;
use super::collector::ReplicationStats;
use super::metrics::{GroupMetric, IntervalMetric, Metric};
use super::summary::{Estimate, Weighted, paired_ratio_difference, ratio_estimate};

/// Metric `m` of the whole centre over the replications.
pub fn metric<'a>(runs: impl IntoIterator<Item = &'a ReplicationStats>, m: Metric) -> Estimate {
    metric_in(runs, ALL, m)
}

/// Metric `m` of scope `scope` (see `scenario::scopes`) over the replications.
pub fn metric_in<'a>(
    runs: impl IntoIterator<Item = &'a ReplicationStats>,
    scope: usize,
    m: Metric,
) -> Estimate {
    ratio_estimate(runs.into_iter().map(|s| value_in(s, scope, m)), m.scale())
}

/// Whether the replications report `m`: always, unless it belongs to an optional rule the
/// scenario does not use (`Metric::feature`), which they leave undefined.
pub fn reported<'a>(runs: impl IntoIterator<Item = &'a ReplicationStats>, m: Metric) -> bool {
    m.feature().is_none() || runs.into_iter().any(|r| r.all().weights[m as usize] > 0.0)
}

/// Metric `m` of scope `scope` in one replication, with its weight.
pub fn value_in(s: &ReplicationStats, scope: usize, m: Metric) -> Weighted {
    let s = &s.scopes[scope];
    (s.metrics[m as usize], s.weights[m as usize])
}

/// Interval `k`'s metric `m` of the whole centre over the replications.
pub fn interval<'a>(
    runs: impl IntoIterator<Item = &'a ReplicationStats>,
    k: usize,
    m: IntervalMetric,
) -> Estimate {
    interval_in(runs, ALL, k, m)
}

/// Interval `k`'s metric `m` of scope `scope` over the replications.
pub fn interval_in<'a>(
    runs: impl IntoIterator<Item = &'a ReplicationStats>,
    scope: usize,
    k: usize,
    m: IntervalMetric,
) -> Estimate {
    ratio_estimate(
        runs.into_iter().map(|s| interval_value(s, scope, k, m)),
        m.scale(),
    )
}

/// Interval `k`'s metric `m` of scope `scope` in one replication, with its weight.
pub fn interval_value(s: &ReplicationStats, scope: usize, k: usize, m: IntervalMetric) -> Weighted {
    let s = &s.scopes[scope];
    (
        s.intervals[k][m as usize],
        s.interval_weights[k][m as usize],
    )
}

/// The focus chats' (`ccsim staff`'s) interval `k`, metric `m`, with its weight.
pub fn focus_value(s: &ReplicationStats, k: usize, m: IntervalMetric) -> Weighted {
    (s.focus[k][m as usize], s.focus_weights[k][m as usize])
}

/// Agent group `g`'s metric `m` over the replications.
pub fn group<'a>(
    runs: impl IntoIterator<Item = &'a ReplicationStats>,
    g: usize,
    m: GroupMetric,
) -> Estimate {
    let i = m as usize;
    ratio_estimate(
        runs.into_iter()
            .map(|s| (s.groups[g][i], s.group_weights[g][i])),
        m.scale(),
    )
}

/// `other − base` for the whole centre's metric `m`, replication by replication (common
/// random numbers).
pub fn paired<'a>(
    base: impl IntoIterator<Item = &'a ReplicationStats>,
    other: impl IntoIterator<Item = &'a ReplicationStats>,
    m: Metric,
) -> Estimate {
    paired_in(base, other, ALL, m)
}

/// `other − base` for scope `scope`'s metric `m`, replication by replication.
pub fn paired_in<'a>(
    base: impl IntoIterator<Item = &'a ReplicationStats>,
    other: impl IntoIterator<Item = &'a ReplicationStats>,
    scope: usize,
    m: Metric,
) -> Estimate {
    let weighted = |runs: Vec<&ReplicationStats>| -> Vec<Weighted> {
        runs.iter().map(|s| value_in(s, scope, m)).collect()
    };
    paired_ratio_difference(
        &weighted(base.into_iter().collect()),
        &weighted(other.into_iter().collect()),
    )
}
