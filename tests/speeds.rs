//! Agents who differ (guide `scenarios.md#agents` `speed`, `[[teams]]` `faster_first`) against the
//! exact Markov chain of two agents of one chat each, one at speed 2 and one at speed 1, with
//! exponential work and patience. With `faster_first` a chat that finds both free goes to the
//! faster agent (fastest server first); the state is then (fast agent busy, slow agent busy,
//! customers waiting). Each simulated mean must lie within its 99.9% interval of the exact
//! value, and that interval must be narrow.

use ccsim::stats::metrics::Metric;

use crate::scenario;

/// Rates per minute: arrivals, work at speed 1 (4-minute chats), patience.
const LAMBDA: f64 = 0.5;
const MU: f64 = 0.25;
const THETA: f64 = 0.1;
const CUT: usize = 200;

/// Mean wait (minutes) and abandon rate when a chat that finds both agents free goes to
/// the faster one (`fast_first`) or to the slower one.
fn exact(fast_first: bool) -> (f64, f64) {
    let (mf, ms) = (2.0 * MU, MU);
    // States: 0 idle, 1 fast busy, 2 slow busy, 3 + n both busy with n waiting.
    let states = 3 + CUT + 1;
    let mut rates: Vec<Vec<(usize, f64)>> = vec![Vec::new(); states];
    rates[0].push((if fast_first { 1 } else { 2 }, LAMBDA));
    rates[1].extend([(3, LAMBDA), (0, mf)]);
    rates[2].extend([(3, LAMBDA), (0, ms)]);
    for n in 0..=CUT {
        let s = 3 + n;
        if n < CUT {
            rates[s].push((s + 1, LAMBDA));
        }
        if n == 0 {
            // The fast agent finishes and the slow one is left busy, or the other way round.
            rates[s].extend([(2, mf), (1, ms)]);
        } else {
            rates[s].push((s - 1, mf + ms + n as f64 * THETA));
        }
    }
    let p = crate::stationary(&rates);
    assert!(p[3 + CUT] < 1e-14, "the cut queue is reached");
    let queue: f64 = (0..=CUT).map(|n| n as f64 * p[3 + n]).sum();
    (queue / LAMBDA, THETA * queue / LAMBDA)
}

#[test]
fn faster_first_matches_the_exact_chain_of_fastest_server_first() {
    let s = scenario(&format!(
        r#"
name = "fsf"
[simulation]
horizon = "150d"
warmup = "2d"
interval = "1d"
replications = 20
seed = 4
[[teams]]
name = "t"
faster_first = true
[[agents]]
name = "trainee"
team = "t"
[[agents]]
name = "senior"
team = "t"
speed = 2
[[arrivals]]
name = "in"
team = "t"
rate = "{LAMBDA}/min"
[customers]
patience = {{ dist = "exponential", mean = "{}m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "{}m" }}
"#,
        1.0 / THETA,
        1.0 / MU
    ));
    let runs = crate::replications(&s);
    let (wait, abandon) = exact(true);
    let (slow_wait, _) = exact(false);
    for (name, m, theory) in [
        ("mean_wait", Metric::MeanWait, wait),
        ("abandon_rate", Metric::AbandonRate, abandon),
    ] {
        let (sim, half) = crate::at_999(&runs, 0, m);
        println!("{name}: simulated {sim:.4} ± {half:.4} (99.9%), exact {theory:.4}");
        assert!(
            half <= 0.05 * theory,
            "{name}: ±{half} too wide for {theory}"
        );
        assert!(
            (sim - theory).abs() <= half,
            "{name}: {sim} ± {half} (99.9%) excludes the exact {theory}"
        );
        if m == Metric::MeanWait {
            println!("slower agent first, exact: {slow_wait:.4}");
            assert!(
                slow_wait - theory > 2.0 * half,
                "the test tells the rules apart"
            );
        }
    }
}
