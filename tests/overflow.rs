//! Skills with ranks and overflow (guide `routing.md#overflow` `overflow_teams`) against the exact
//! continuous-time Markov chain of a two-team, two-group centre. Group A has `N_A` agents
//! at speed 1; it serves team A and takes team B's chats as a secondary team. Group B has
//! `N_B` agents at speed 1.5 and does the other way round. One chat each, exponential work
//! and patience, no wait before overflowing. A chat goes to a free agent of its own group
//! first, then to a free agent of the other; a freed agent takes its own team's oldest
//! waiting chat first, then the other team's. Since work depends only on the group, the
//! state is (busy in A, busy in B, waiting for A, waiting for B). Each simulated mean must
//! lie within its 99.9% interval of the exact value, and that interval must be narrow.

use std::collections::HashMap;

use ccsim::scenario::scopes::Scopes;
use ccsim::stats::metrics::Metric;

use crate::scenario;

const N_A: usize = 2;
const N_B: usize = 3;
/// Rates per minute: arrivals of each team, work at speed 1 (4-minute chats), patience.
const LAMBDA: [f64; 2] = [0.6, 0.5];
const MU: f64 = 0.25;
const SPEED_B: f64 = 1.5;
const THETA: f64 = 0.1;
/// Waiting customers of one team beyond which the chain is cut (probability below 1e-15).
const QUEUE_CUT: usize = 80;

type State = (usize, usize, usize, usize);

/// The transitions out of `s`, with their rates.
fn moves((a, b, qa, qb): State) -> Vec<(State, f64)> {
    let mut out = Vec::new();
    // Arrivals: own group, then the other, then the queue.
    for (team, lambda) in LAMBDA.iter().enumerate() {
        let (own_free, other_free) = match team {
            0 => (a < N_A, b < N_B),
            _ => (b < N_B, a < N_A),
        };
        let to = match (team, own_free, other_free) {
            (0, true, _) | (1, false, true) => (a + 1, b, qa, qb),
            (1, true, _) | (0, false, true) => (a, b + 1, qa, qb),
            (0, ..) if qa < QUEUE_CUT => (a, b, qa + 1, qb),
            (1, ..) if qb < QUEUE_CUT => (a, b, qa, qb + 1),
            _ => continue,
        };
        out.push((to, *lambda));
    }
    // Completions: the freed agent takes its own team's chat, then the other's.
    if a > 0 {
        let to = match (qa, qb) {
            (1.., _) => (a, b, qa - 1, qb),
            (0, 1..) => (a, b, qa, qb - 1),
            _ => (a - 1, b, qa, qb),
        };
        out.push((to, a as f64 * MU));
    }
    if b > 0 {
        let to = match (qb, qa) {
            (1.., _) => (a, b, qa, qb - 1),
            (0, 1..) => (a, b, qa - 1, qb),
            _ => (a, b - 1, qa, qb),
        };
        out.push((to, b as f64 * MU * SPEED_B));
    }
    if qa > 0 {
        out.push(((a, b, qa - 1, qb), qa as f64 * THETA));
    }
    if qb > 0 {
        out.push(((a, b, qa, qb - 1), qb as f64 * THETA));
    }
    out
}

/// The stationary distribution over the reachable states.
fn stationary() -> HashMap<State, f64> {
    let mut states = Vec::new();
    for a in 0..=N_A {
        for b in 0..=N_B {
            if a == N_A && b == N_B {
                for qa in 0..=QUEUE_CUT {
                    for qb in 0..=QUEUE_CUT {
                        states.push((a, b, qa, qb));
                    }
                }
            } else {
                states.push((a, b, 0, 0));
            }
        }
    }
    let index: HashMap<State, usize> = states.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    let rates: Vec<Vec<(usize, f64)>> = states
        .iter()
        .map(|&s| {
            moves(s)
                .into_iter()
                .map(|(to, r)| (index[&to], r))
                .collect()
        })
        .collect();
    let p = crate::stationary(&rates);
    states.into_iter().zip(p).collect()
}

/// Minutes of arrivals counted per replication: the horizon (100 days) after the warm-up (2).
const COUNTED_MIN: f64 = 98.0 * 1440.0;

/// Each team's exact mean wait (minutes) and abandon rate, by Little's law, and the rate
/// (per minute) at which the other group's agents take its chats: an arrival that finds its
/// own group full and the other with a free agent, or the other group's agent who frees up
/// with none of its own team's chats waiting and one of this team's.
fn exact() -> [(f64, f64, f64); 2] {
    let p = stationary();
    let tail: f64 = p
        .iter()
        .filter(|((.., qa, qb), _)| *qa == QUEUE_CUT || *qb == QUEUE_CUT)
        .map(|(_, x)| x)
        .sum();
    assert!(tail < 1e-12, "the cut queue is reached: {tail}");
    [0, 1].map(|team| {
        let queue: f64 = p
            .iter()
            .map(|(&(_, _, qa, qb), x)| [qa, qb][team] as f64 * x)
            .sum();
        let overflow: f64 = p
            .iter()
            .map(|(&(a, b, qa, qb), x)| {
                let (own_full, other_free, other_busy, own_q, other_q, other_rate) = match team {
                    0 => (a == N_A, b < N_B, b, qa, qb, MU * SPEED_B),
                    _ => (b == N_B, a < N_A, a, qb, qa, MU),
                };
                let on_arrival = if own_full && other_free {
                    LAMBDA[team]
                } else {
                    0.0
                };
                let on_release = if other_q == 0 && own_q > 0 {
                    other_busy as f64 * other_rate
                } else {
                    0.0
                };
                x * (on_arrival + on_release)
            })
            .sum();
        (queue / LAMBDA[team], THETA * queue / LAMBDA[team], overflow)
    })
}

#[test]
fn two_teams_that_overflow_to_each_other_match_the_exact_chain() {
    let s = scenario(&format!(
        r#"
name = "overflow"
[simulation]
horizon = "100d"
warmup = "2d"
interval = "1d"
replications = 20
seed = 29
[[teams]]
name = "a"
[[teams]]
name = "b"
[[agents]]
name = "group-a"
team = "a"
count = {N_A}
overflow_teams = ["b"]
[[agents]]
name = "group-b"
team = "b"
count = {N_B}
speed = {SPEED_B}
overflow_teams = ["a"]
[[arrivals]]
name = "to-a"
team = "a"
rate = "{}/min"
[[arrivals]]
name = "to-b"
team = "b"
rate = "{}/min"
[customers]
patience = {{ dist = "exponential", mean = "{}m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "{}m" }}
"#,
        LAMBDA[0],
        LAMBDA[1],
        1.0 / THETA,
        1.0 / MU
    ));
    let parts = Scopes::of(&s);
    let runs = crate::replications(&s);
    for (team, (wait, abandon, overflow)) in ["a", "b"].into_iter().zip(exact()) {
        let scope = parts.position(&format!("team:{team}")).unwrap();
        for (name, m, theory) in [
            ("mean_wait", Metric::MeanWait, wait),
            ("abandon_rate", Metric::AbandonRate, abandon),
            ("overflowed", Metric::Overflowed, overflow * COUNTED_MIN),
        ] {
            let (sim, half) = crate::at_999(&runs, scope, m);
            println!(
                "team {team} {name}: simulated {sim:.4} ± {half:.4} (99.9%), exact {theory:.4}"
            );
            assert!(
                half <= 0.05 * theory,
                "{name} of {team}: ±{half} too wide for {theory}"
            );
            assert!(
                (sim - theory).abs() <= half,
                "{name} of {team}: {sim} ± {half} (99.9%) excludes the exact {theory}"
            );
        }
    }
}

#[test]
fn overflowing_sooner_serves_sales_better_at_supports_expense_as_the_guide_says() {
    // guide `routing.md#overflow` and scenarios/overflow.toml: each claim beyond both 95%
    // intervals.
    let at = |after: &str| {
        let text = std::fs::read_to_string(crate::repo("scenarios/overflow.toml"))
            .unwrap()
            .replace(
                "overflow_after = \"60s\"",
                &format!("overflow_after = \"{after}\""),
            );
        let s = scenario(&text);
        let parts = Scopes::of(&s);
        let runs = crate::replications(&s);
        ["team:sales", "team:support"].map(|team| {
            let scope = parts.position(team).unwrap();
            ccsim::stats::pooled::metric_in(&runs, scope, Metric::ServiceLevel)
        })
    };
    let [sales_soon, support_soon] = at("0s");
    let [sales_late, support_late] = at("30m");
    assert!(
        sales_soon.ci_low > sales_late.ci_high,
        "{sales_soon:?} vs {sales_late:?}"
    );
    assert!(
        support_soon.ci_high < support_late.ci_low,
        "{support_soon:?} vs {support_late:?}"
    );
}
