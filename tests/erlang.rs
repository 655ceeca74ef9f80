//! Agreement with queueing theory (guide `statistics.md#agreement-with-theory`): n agents of
//! capacity c with load-independent chat times and exponential patience form an M/M/(n·c)+M queue
//! (Erlang A, "Palm"); without patience, M/M/(n·c) (Erlang C).
//!
//! The reference values come from the birth-death chain of the queue, written out here. Each
//! simulated mean must lie within its 99.9% Student-t confidence interval over replications of
//! the theoretical value, and that interval must be narrow (a few per cent of the value), so a
//! test passes only if the simulator is right, not because the tolerance is loose.

use ccsim::experiment::{self, Overrides, Plan};
use ccsim::scenario::Scenario;
use ccsim::stats::metrics::Metric;
use ccsim::stats::summary::{Estimate, estimate_at};

use crate::{repo, scenario};

/// Rates per minute; `theta` is the abandonment rate (1 / mean patience), 0 for none.
struct Queue {
    lambda: f64,
    mu: f64,
    theta: f64,
    servers: usize,
}

struct Theory {
    p_wait: f64,
    abandon_rate: f64,
    mean_wait: f64,
    occupancy: f64,
}

impl Queue {
    /// Stationary probabilities of the number in system, truncated where they vanish.
    fn stationary(&self) -> Vec<f64> {
        let mut p = vec![1.0f64];
        for k in 1.. {
            let rate_out = if k <= self.servers {
                k as f64 * self.mu
            } else {
                self.servers as f64 * self.mu + (k - self.servers) as f64 * self.theta
            };
            let next = p[k - 1] * self.lambda / rate_out;
            p.push(next);
            if k > self.servers && next < 1e-18 * p.iter().sum::<f64>() {
                break;
            }
            assert!(k < 1_000_000, "unstable queue");
        }
        let total: f64 = p.iter().sum();
        p.iter().map(|x| x / total).collect()
    }

    fn theory(&self) -> Theory {
        let p = self.stationary();
        let n = self.servers;
        let queue: f64 = p
            .iter()
            .enumerate()
            .skip(n)
            .map(|(k, x)| (k - n) as f64 * x)
            .sum();
        let busy: f64 = p.iter().enumerate().map(|(k, x)| k.min(n) as f64 * x).sum();
        Theory {
            // PASTA: an arrival waits when it finds every server busy.
            p_wait: p[n..].iter().sum(),
            // Abandonment flow θ·E[queue] over the arrival flow.
            abandon_rate: self.theta * queue / self.lambda,
            // Little's law on the queue, abandoned customers' time in it included.
            mean_wait: queue / self.lambda,
            occupancy: busy / n as f64,
        }
    }

    /// Erlang C only: P(wait <= t) = 1 - C e^{-(nμ - λ) t}.
    fn service_level(&self, t_min: f64) -> f64 {
        assert_eq!(self.theta, 0.0);
        let c = self.theory().p_wait;
        1.0 - c * (-(self.servers as f64 * self.mu - self.lambda) * t_min).exp()
    }
}

/// 99.9% intervals of every KPI over the scenario's replications.
fn simulate(scenario: &Scenario) -> impl Fn(Metric) -> Estimate {
    let plan = Plan::new(scenario, Overrides::default(), None);
    let runs = experiment::run(scenario, plan, None).unwrap().runs;
    move |m: Metric| {
        estimate_at(
            runs.iter().map(|r| r.stats.all().metrics[m as usize]),
            0.999,
        )
    }
}

fn check(name: &str, e: Estimate, theory: f64, max_relative_half_width: f64) {
    let half = e.half_width();
    println!(
        "{name}: simulated {:.5} ± {half:.5}, theory {theory:.5}",
        e.mean
    );
    assert!(
        half <= max_relative_half_width * theory,
        "{name}: the interval ±{half} is too wide to test against {theory}; add replications"
    );
    assert!(
        (e.mean - theory).abs() <= half,
        "{name}: simulated {} ± {half} (99.9%) excludes the theoretical {theory}",
        e.mean
    );
}

fn check_erlang(label: &str, scenario: &Scenario, q: &Queue) {
    let kpi = simulate(scenario);
    let t = q.theory();
    check(
        &format!("{label} p_wait"),
        kpi(Metric::PWait),
        t.p_wait,
        0.03,
    );
    check(
        &format!("{label} mean_wait"),
        kpi(Metric::MeanWait),
        t.mean_wait,
        0.05,
    );
    check(
        &format!("{label} occupancy"),
        kpi(Metric::Occupancy),
        t.occupancy,
        0.01,
    );
    if q.theta > 0.0 {
        check(
            &format!("{label} abandon_rate"),
            kpi(Metric::AbandonRate),
            t.abandon_rate,
            0.05,
        );
    } else {
        assert_eq!(kpi(Metric::Abandoned).mean, 0.0);
        let target = scenario.simulation.service_level_target as f64 / 60_000.0;
        check(
            &format!("{label} service_level"),
            kpi(Metric::ServiceLevel),
            q.service_level(target),
            0.01,
        );
    }
}

/// n agents of capacity c on one capacity team, exponential work and (optional) patience.
fn mmn(
    agents: u32,
    capacity: u32,
    rate: &str,
    handle: &str,
    patience: Option<&str>,
    horizon: &str,
    reps: u32,
) -> Scenario {
    let customers = patience.map_or(String::new(), |p| {
        format!("[customers]\npatience = {{ dist = \"exponential\", mean = \"{p}\" }}\n")
    });
    scenario(&format!(
        r#"
name = "mmn"
[simulation]
horizon = "{horizon}"
warmup = "1d"
replications = {reps}
seed = 11
service_level_target = "1m"
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = {agents}
capacity = {capacity}
[[arrivals]]
name = "in"
team = "t"
rate = "{rate}"
{customers}
[conversation]
handle_time = {{ dist = "exponential", mean = "{handle}" }}
"#
    ))
}

#[test]
fn the_spec_example_matches_erlang_a() {
    // The guide's smallest scenario (guide `scenarios.md`), as shipped: M/M/5+M, λ = 2/min, 2 min
    // work, 5 min patience.
    let s = Scenario::load(&repo("scenarios/erlang-a.toml")).unwrap();
    let q = Queue {
        lambda: 2.0,
        mu: 0.5,
        theta: 0.2,
        servers: 5,
    };
    check_erlang("erlang-a.toml", &s, &q);
}

#[test]
fn agents_of_capacity_four_form_one_erlang_c_queue() {
    // 3 agents × 4 slots = 12 servers at load 0.8, nobody abandons.
    let s = mmn(3, 4, "2.4/min", "4m", None, "60d", 16);
    let q = Queue {
        lambda: 2.4,
        mu: 0.25,
        theta: 0.0,
        servers: 12,
    };
    check_erlang("M/M/12 (3×4)", &s, &q);
}

#[test]
fn an_overloaded_center_is_held_by_abandonment() {
    // Offered 15 Erlangs to 10 agents (ρ = 1.5); patience 3 min.
    let s = mmn(10, 1, "3/min", "5m", Some("3m"), "20d", 12);
    let q = Queue {
        lambda: 3.0,
        mu: 0.2,
        theta: 1.0 / 3.0,
        servers: 10,
    };
    check_erlang("M/M/10+M overloaded", &s, &q);
}

#[test]
fn heavy_abandonment_with_impatient_customers() {
    // 4 agents × 2 slots, offered 9 Erlangs to 8 servers, patience only 30 s.
    let s = mmn(4, 2, "3/min", "3m", Some("30s"), "20d", 12);
    let q = Queue {
        lambda: 3.0,
        mu: 1.0 / 3.0,
        theta: 2.0,
        servers: 8,
    };
    check_erlang("M/M/8+M impatient", &s, &q);
}

#[test]
fn the_reference_formulas_agree_with_textbook_erlang_c() {
    // Erlang C for a = 2 Erlangs on 3 servers is 4/9 (by hand: a^n/n! · n/(n-a) over the sum).
    let q = Queue {
        lambda: 2.0,
        mu: 1.0,
        theta: 0.0,
        servers: 3,
    };
    assert!((q.theory().p_wait - 4.0 / 9.0).abs() < 1e-12);
    // Mean wait C / (nμ - λ) = 4/9 minutes.
    assert!((q.theory().mean_wait - 4.0 / 9.0).abs() < 1e-12);
}

#[test]
fn two_independent_teams_each_match_erlang_a_and_the_centre_is_their_arrival_weighted_mix() {
    // Sales: M/M/5+M at 2 chats a minute; support: M/M/3+M at 1 a minute; 2-minute chats
    // and 5-minute patience in both. Each team has its own agents and its own stream, so
    // each is its own Erlang A queue; the centre's abandonment is the two mixed by arrivals.
    let s = scenario(
        r#"
name = "two-teams"
[simulation]
horizon = "10d"
warmup = "1d"
replications = 20
seed = 5
service_level_target = "30s"
[[teams]]
name = "sales"
[[teams]]
name = "support"
[[agents]]
name = "sellers"
team = "sales"
count = 5
[[agents]]
name = "helpers"
team = "support"
count = 3
[[arrivals]]
name = "shop"
team = "sales"
rate = "2/min"
[[arrivals]]
name = "help"
team = "support"
rate = "1/min"
[customers]
patience = { dist = "exponential", mean = "5m" }
[conversation]
handle_time = { dist = "exponential", mean = "2m" }
"#,
    );
    let parts = ccsim::scenario::scopes::Scopes::of(&s);
    let index = |name: &str| parts.position(name).unwrap();
    let (sales, support) = (index("team:sales"), index("team:support"));
    assert_eq!(
        (index("stream:shop"), index("stream:help")),
        (3, 4),
        "{:?}",
        parts.names()
    );
    let runs = crate::replications(&s);
    let queue = |lambda: f64, servers: usize| Queue {
        lambda,
        mu: 0.5,
        theta: 0.2,
        servers,
    };
    let (a, b) = (queue(2.0, 5).theory(), queue(1.0, 3).theory());
    let mix = (2.0 * a.abandon_rate + 1.0 * b.abandon_rate) / 3.0;
    // The ratio of sums over replications (abandoned ÷ reached), at 99.9%: three intervals
    // in one test.
    let at_999 = |scope: usize, m: Metric| crate::at_999(&runs, scope, m);
    for (label, scope, theory) in [
        ("sales", sales, a.abandon_rate),
        ("support", support, b.abandon_rate),
        ("centre", 0, mix),
    ] {
        let (mean, half) = at_999(scope, Metric::AbandonRate);
        println!("{label} abandon_rate: simulated {mean:.5} ± {half:.5}, theory {theory:.5}");
        assert!(half <= 0.05 * theory, "{label}: ±{half} is too wide");
        assert!(
            (mean - theory).abs() <= half,
            "{label}: {mean} ± {half} (99.9%) excludes Erlang A's {theory}"
        );
    }
    let (mean, half) = at_999(support, Metric::MeanWait);
    assert!(
        (mean - b.mean_wait).abs() <= half,
        "support mean_wait {mean} ± {half} vs {}",
        b.mean_wait
    );
    // Every chat is counted once per kind of part: the teams' and the streams' counts add up
    // to the centre's, replication by replication.
    for r in &runs {
        let count = |scope: usize, m: Metric| r.scopes[scope].metrics[m as usize];
        for m in [Metric::Arrivals, Metric::Abandoned, Metric::Served] {
            assert_eq!(count(sales, m) + count(support, m), count(0, m), "{m:?}");
            assert_eq!(count(3, m) + count(4, m), count(0, m), "{m:?}");
        }
    }
}

#[test]
fn agents_twice_as_fast_make_the_erlang_c_queue_of_half_the_work() {
    // guide `scenarios.md#agents` `speed`: 3 agents at speed 2 on 4-minute chats are M/M/3 with
    // 2-minute chats, λ 1.2/min (load 0.8).
    let s = scenario(
        r#"
name = "fast"
[simulation]
horizon = "150d"
warmup = "1d"
replications = 20
seed = 11
service_level_target = "1m"
[[teams]]
name = "t"
[[agents]]
name = "seniors"
team = "t"
count = 3
speed = 2.0
[[arrivals]]
name = "in"
team = "t"
rate = "1.2/min"
[conversation]
handle_time = { dist = "exponential", mean = "4m" }
"#,
    );
    let q = Queue {
        lambda: 1.2,
        mu: 0.5,
        theta: 0.0,
        servers: 3,
    };
    check_erlang("speed 2", &s, &q);
}
