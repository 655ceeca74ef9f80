//! How replications are pooled into what a planner reads: each share of an interval is a
//! share of its customers (a ratio of sums over replications), with an interval that covers
//! the exact value about 95% of the time and never leaves the share's range.

use ccsim::planning::erlang::Queue;
use ccsim::stats::metrics::IntervalMetric;
use ccsim::stats::pooled;

use crate::{replications, scenario};

/// M/M/3+M with 5 chats per 30-minute interval: λ = 1/6 per minute, 15-minute chats (2.5
/// Erlangs on 3 agents), 5-minute patience. Stationary, so every interval's customers abandon
/// at Erlang A's rate.
fn small_intervals(replications: u32) -> ccsim::scenario::Scenario {
    scenario(&format!(
        r#"
name = "m-m-3-m"
[simulation]
horizon = "8d"
warmup = "1d"
interval = "30m"
replications = {replications}
seed = 5
service_level_target = "1m"
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 3
[[arrivals]]
name = "in"
team = "t"
rate = "10/h"
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "15m" }}
"#
    ))
}

#[test]
fn an_interval_of_five_chats_reports_the_share_of_its_customers_erlang_a_predicts() {
    let runs = replications(&small_intervals(100));
    let exact = Queue {
        lambda: 1.0 / 6.0,
        mu: 1.0 / 15.0,
        theta: 0.2,
        servers: 3,
    }
    .metric(IntervalMetric::AbandonRate, 1.0);
    let intervals = runs[0].all().intervals.len();
    assert_eq!(intervals, 336);
    let m = IntervalMetric::AbandonRate;
    let (mut covered, mut ratio_sum, mut naive_sum) = (0, 0.0, 0.0);
    for k in 0..intervals {
        let e = pooled::interval(&runs, k, m);
        assert!(
            (0.0..=1.0).contains(&e.ci_low) && (0.0..=1.0).contains(&e.ci_high),
            "interval {k}: [{}, {}] leaves [0, 1]",
            e.ci_low,
            e.ci_high
        );
        covered += (e.ci_low <= exact && exact <= e.ci_high) as u32;
        ratio_sum += e.mean;
        // What the report used to say: each replication's own share, averaged over the
        // replications that had a chat in the interval.
        let own: Vec<f64> = runs
            .iter()
            .map(|r| r.all().intervals[k][m as usize])
            .filter(|x| !x.is_nan())
            .collect();
        naive_sum += own.iter().sum::<f64>() / own.len() as f64;
    }
    let coverage = covered as f64 / intervals as f64;
    let (ratio_mean, naive_mean) = (ratio_sum / intervals as f64, naive_sum / intervals as f64);
    println!(
        "exact {exact:.5}; ratio of sums {ratio_mean:.5}, average of ratios {naive_mean:.5}; coverage {coverage:.3}"
    );
    // 336 intervals, each covering with probability 0.95: the count covered has sd
    // sqrt(336 · 0.05 · 0.95) ≈ 4 around 319, so 3 sd either side is 0.914–0.985.
    assert!(
        (0.914..=0.985).contains(&coverage),
        "{covered} of {intervals} intervals cover Erlang A's {exact}"
    );
    // The mean over 336 intervals of ~500 chats each (168,000 chats) has a standard error
    // under 1% of the value; the ratio of sums is unbiased for it, the average of ratios is
    // not (customers in busy replications abandon more, and count for less in it).
    assert!(
        (ratio_mean - exact).abs() <= 0.03 * exact,
        "{ratio_mean} vs {exact}"
    );
    assert!(
        naive_mean < 0.9 * exact,
        "the average of ratios ({naive_mean}) should read well below {exact} at 5 chats an interval"
    );
}
