//! Priority classes (guide `routing.md#priority-classes-and-sla-order`) against the exact mean
//! waits of the non-preemptive priority M/M/c queue (Cobham, 1954): with `c` servers of rate `μ`,
//! classes served in order of level and first come first served within one, `W_k = C(c, λ/μ) / (cμ
//! (1 − σ_{k−1})(1 − σ_k))`, where `C` is Erlang C and `σ_k` the load of classes 1..k over `cμ`.
//! Each simulated mean must lie within its 99.9% interval of the exact value, and that interval
//! must be narrow (a few per cent).

use ccsim::scenario::scopes::Scopes;
use ccsim::stats::metrics::Metric;

use crate::scenario;

/// Erlang C: the probability that an arrival waits in M/M/c with offered load `a`.
fn erlang_c(c: usize, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho * (1.0 - b))
}

/// Cobham's mean wait of each class, in minutes (rates per minute).
fn cobham(servers: usize, mu: f64, lambdas: &[f64]) -> Vec<f64> {
    let total: f64 = lambdas.iter().sum();
    let capacity = servers as f64 * mu;
    let w0 = erlang_c(servers, total / mu) / capacity;
    let mut sigma = 0.0;
    lambdas
        .iter()
        .map(|l| {
            let before = sigma;
            sigma += l / capacity;
            w0 / ((1.0 - before) * (1.0 - sigma))
        })
        .collect()
}

/// M/M/c with 2-minute exponential work, arrivals split among `classes` (name, share, level).
fn simulate(servers: usize, rate_per_min: f64, classes: &[(&str, f64)]) -> Vec<(f64, f64)> {
    let listed: String = classes
        .iter()
        .map(|(name, _)| format!("[[priorities]]\nname = \"{name}\"\nsla = \"1m\"\n"))
        .collect();
    let shares: Vec<String> = classes
        .iter()
        .map(|(name, share)| format!("{{ class = \"{name}\", share = {share} }}"))
        .collect();
    let s = scenario(&format!(
        r#"
name = "priorities"
[simulation]
horizon = "100d"
warmup = "2d"
interval = "1h"
replications = 20
seed = 11
{listed}
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = {servers}
[[arrivals]]
name = "in"
team = "t"
rate = "{rate_per_min}/min"
priority = [{}]
[conversation]
handle_time = {{ dist = "exponential", mean = "2m" }}
"#,
        shares.join(", ")
    ));
    let parts = Scopes::of(&s);
    let runs = crate::replications(&s);
    classes
        .iter()
        .map(|(name, _)| {
            let scope = parts.position(&format!("priority:{name}")).unwrap();
            crate::at_999(&runs, scope, Metric::MeanWait)
        })
        .collect()
}

fn agrees(label: &str, simulated: &[(f64, f64)], exact: &[f64]) {
    for (k, ((mean, half), w)) in simulated.iter().zip(exact).enumerate() {
        println!("{label} class {k}: simulated {mean:.4} ± {half:.4}, Cobham {w:.4}");
        assert!(
            *half <= 0.05 * w,
            "{label} class {k}: ±{half} too wide against {w}"
        );
        assert!(
            (mean - w).abs() <= *half,
            "{label} class {k}: {mean} ± {half} (99.9%) excludes Cobham's {w}"
        );
    }
}

#[test]
fn two_classes_wait_as_cobham_says() {
    // c = 3, λ = 1.2/min (load 0.8), 30% VIP: 0.568 and 2.839 minutes.
    let exact = cobham(3, 0.5, &[0.36, 0.84]);
    assert!((exact[0] - 0.5677).abs() < 1e-3 && (exact[1] - 2.8385).abs() < 1e-3);
    agrees(
        "two",
        &simulate(3, 1.2, &[("vip", 0.3), ("normal", 0.7)]),
        &exact,
    );
}

#[test]
fn three_classes_wait_as_cobham_says() {
    // c = 5, λ = 2.125/min (load 0.85), classes of 20%, 30% and 50%.
    let rate = 2.125;
    let exact = cobham(5, 0.5, &[0.2 * rate, 0.3 * rate, 0.5 * rate]);
    let simulated = simulate(5, rate, &[("gold", 0.2), ("silver", 0.3), ("bronze", 0.5)]);
    agrees("three", &simulated, &exact);
    // The whole centre still waits as Erlang C: priorities reorder, they do not add.
    let mix: f64 = exact.iter().zip([0.2, 0.3, 0.5]).map(|(w, p)| w * p).sum();
    let erlang = erlang_c(5, rate / 0.5) / (5.0 * 0.5 - rate);
    assert!((mix - erlang).abs() < 1e-9, "{mix} against {erlang}");
}

#[test]
fn classes_and_streams_each_add_up_to_the_centre() {
    // Two streams, each split between two classes: every chat counts once for its stream
    // and once for its class, replication by replication.
    let s = scenario(
        r#"
name = "mixed"
[simulation]
horizon = "3d"
replications = 4
seed = 3
[[priorities]]
name = "vip"
sla = "30s"
[[priorities]]
name = "normal"
sla = "2m"
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 3
[[arrivals]]
name = "site"
team = "t"
rate = "0.6/min"
priority = [{ class = "vip", share = "50%" }, { class = "normal", share = "50%" }]
[[arrivals]]
name = "app"
team = "t"
rate = "0.6/min"
[customers]
patience = { dist = "exponential", mean = "4m" }
[conversation]
handle_time = { dist = "exponential", mean = "2m" }
"#,
    );
    let parts = Scopes::of(&s);
    let at = |name: &str| parts.position(name).unwrap();
    let runs = crate::replications(&s);
    for r in &runs {
        let n = |scope: usize, m: Metric| r.scopes[scope].metrics[m as usize];
        for m in [Metric::Arrivals, Metric::Abandoned, Metric::Served] {
            let all = n(0, m);
            assert_eq!(
                n(at("stream:site"), m) + n(at("stream:app"), m),
                all,
                "{m:?}"
            );
            assert_eq!(
                n(at("priority:vip"), m) + n(at("priority:normal"), m),
                all,
                "{m:?}"
            );
        }
        // `app` names no class: its chats are of the class listed last.
        assert!(
            n(at("priority:normal"), Metric::Arrivals) > n(at("priority:vip"), Metric::Arrivals)
        );
    }
    // The VIPs, first in the queue, wait less and abandon less.
    let of = |name: &str, m: Metric| ccsim::stats::pooled::metric_in(&runs, at(name), m).mean;
    assert!(of("priority:vip", Metric::MeanWait) < of("priority:normal", Metric::MeanWait));
    assert!(of("priority:vip", Metric::AbandonRate) < of("priority:normal", Metric::AbandonRate));
}
