//! A speed per number of chats held (guide `scenarios.md#conversation` `concurrency_speed`) against
//! the exact birth-death chain of one agent: with `n` customers, `k = min(n, K)` chats progress at
//! `s(k)` each, so chats leave at `k·s(k)·μ`, and the `n − K` waiting leave at `θ` each. Each
//! simulated mean must lie within its 99.9% interval of the exact value, and the interval must be
//! narrow.

use ccsim::stats::metrics::Metric;

use crate::scenario;

/// Where throughput peaks at 5 chats and drops at 6 (Tezcan & Zhang's per-level rates).
const PEAKED: [f64; 6] = [1.0, 0.85, 0.7, 0.55, 0.45, 0.3];

/// Mean wait (minutes) and abandon rate of one agent of capacity `capacity`; rates per
/// minute.
fn exact(capacity: usize, lambda: f64, mu: f64, theta: f64) -> (f64, f64) {
    let mut p = vec![1.0f64];
    for n in 1.. {
        let k = n.min(capacity);
        let out = k as f64 * PEAKED[k.min(PEAKED.len()) - 1] * mu
            + n.saturating_sub(capacity) as f64 * theta;
        let next = p[n - 1] * lambda / out;
        p.push(next);
        if n > capacity && next < 1e-16 * p.iter().sum::<f64>() {
            break;
        }
    }
    let total: f64 = p.iter().sum();
    let queue: f64 = p
        .iter()
        .enumerate()
        .map(|(n, x)| n.saturating_sub(capacity) as f64 * x / total)
        .sum();
    (queue / lambda, theta * queue / lambda)
}

/// The simulated mean wait and abandon rate with their 99.9% half-widths.
fn simulate(capacity: usize) -> [(f64, f64); 2] {
    let table: Vec<String> = PEAKED[..capacity.min(PEAKED.len())]
        .iter()
        .map(|v| v.to_string())
        .collect();
    let s = scenario(&format!(
        r#"
name = "peaked"
[simulation]
horizon = "120d"
warmup = "2d"
interval = "1d"
replications = 20
seed = 21
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
capacity = {capacity}
[[arrivals]]
name = "in"
team = "t"
rate = "0.5/min"
[customers]
patience = {{ dist = "exponential", mean = "10m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "4m" }}
concurrency_speed = [{}]
"#,
        table.join(", ")
    ));
    let runs = crate::replications(&s);
    [Metric::MeanWait, Metric::AbandonRate].map(|m| crate::at_999(&runs, 0, m))
}

#[test]
fn a_peaked_speed_table_matches_the_exact_chain_and_six_chats_are_worse_than_four() {
    let mut waits = Vec::new();
    for capacity in [4, 5, 6] {
        let (wait, abandon) = exact(capacity, 0.5, 0.25, 0.1);
        let [(w, wh), (a, ah)] = simulate(capacity);
        println!(
            "capacity {capacity}: wait {w:.4} ± {wh:.4} (exact {wait:.4}), abandon {a:.4} ± {ah:.4} (exact {abandon:.4})"
        );
        for (name, sim, half, theory) in
            [("mean_wait", w, wh, wait), ("abandon_rate", a, ah, abandon)]
        {
            assert!(
                half <= 0.05 * theory,
                "{name} at {capacity}: ±{half} too wide for {theory}"
            );
            assert!(
                (sim - theory).abs() <= half,
                "{name} at {capacity}: {sim} ± {half} (99.9%) excludes the exact {theory}"
            );
        }
        waits.push(wait);
    }
    // The guide's example (guide `scenarios.md#conversation`): 5 chats each is the best; 6 is worse
    // than 4.
    assert!(waits[1] < waits[0] && waits[2] > waits[0], "{waits:?}");
}
