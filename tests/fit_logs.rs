//! `fit` against logs of a known system written to the second (`synthetic_log`), over several
//! seeds and lengths: patience and handle time are exponential and recovered as such, the
//! volume a week and its interval hold the truth, though some customers close at once (0 s)
//! and the centre is closed on Sundays.

use ccsim::chatlog::Columns;
use ccsim::fitting::{self, families::Family};

use crate::scenario;
use crate::synthetic_log::{System, log};

fn base() -> ccsim::scenario::Scenario {
    scenario(
        r#"
name = "base"
[simulation]
horizon = "7d"
interval = "30m"
[[teams]]
name = "support"
[[agents]]
name = "a"
team = "support"
count = 4
[[arrivals]]
name = "support"
team = "support"
rate = "1/min"
[conversation]
handle_time = { dist = "exponential", mean = "3m" }
"#,
    )
}

fn exponential(e: &fitting::Estimate) -> &fitting::families::FamilyFit {
    e.fits
        .iter()
        .find(|f| f.family == Family::Exponential)
        .expect("the exponential always fits")
}

#[test]
fn fit_recovers_exponential_patience_and_handle_time_from_logs_written_to_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let (mut patience_covered, mut handle_covered, mut week_covered, mut cases) = (0, 0, 0, 0);
    let mut exponential_best = 0;
    let logs = [
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (2, 5),
        (2, 6),
        (4, 7),
        (4, 8),
        (8, 9),
        (8, 10),
    ];
    for (weeks, seed) in logs {
        let system = System {
            weeks,
            seed,
            agents: 4,
            rate: 60.0,
            patience: 3.0,
            handle: 3.0,
        };
        let path = dir.path().join(format!("log-{seed}.csv"));
        std::fs::write(&path, log(&system)).unwrap();
        let fit = fitting::fit(&path, &Columns::default(), &base()).unwrap();
        let zero = fit
            .patience
            .times
            .points()
            .first()
            .map_or(0.0, |p| if p.t == 0.0 { p.events } else { 0.0 });
        let patience = fit.patience.best().unwrap();
        let handle = fit.handle.best().unwrap();
        let (_, volume) = &fit.teams[0];
        let p = &exponential(&fit.patience).parameters[0];
        let h = &exponential(&fit.handle).parameters[0];
        println!(
            "{weeks} weeks, seed {seed}: {zero} abandons at 0 s; patience {} {:.3} [{:.3}, {:.3}] min; handle {} {:.3} [{:.3}, {:.3}]; {:.0} a week [{:.0}, {:.0}] (truth {})",
            patience.family.name(),
            p.value,
            p.low,
            p.high,
            handle.family.name(),
            h.value,
            h.low,
            h.high,
            volume.per_week.0,
            volume.per_week.1,
            volume.per_week.2,
            system.chats_a_week()
        );
        // A family of two parameters nests the exponential and beats it on AIC by chance
        // in about one exponential log in four; what must not happen is the old failure,
        // where customers who close at once (0 s, evaluated as a density at 0) made a shape
        // below 1 win by a wide margin. The exponential stays within AIC's "no real
        // evidence" gap of 4 of the winner.
        for (what, e, best) in [
            ("patience", &fit.patience, patience),
            ("handle", &fit.handle, handle),
        ] {
            let gap = exponential(e).aic - best.aic;
            assert!(
                gap < 4.0,
                "{what}, seed {seed}: {} beats the exponential by {gap} in AIC",
                best.family.name()
            );
            exponential_best += (best.family == Family::Exponential) as u32;
        }
        assert!((p.value / 3.0 - 1.0).abs() < 0.15, "patience {}", p.value);
        assert!((h.value / 3.0 - 1.0).abs() < 0.05, "handle {}", h.value);
        patience_covered += (p.low <= 3.0 && 3.0 <= p.high) as u32;
        handle_covered += (h.low <= 3.0 && 3.0 <= h.high) as u32;
        let truth = system.chats_a_week();
        week_covered += (volume.per_week.1 <= truth && truth <= volume.per_week.2) as u32;
        cases += 1;
    }
    // Ten 95% intervals each: 8 or more hold the truth with probability 0.99. (Seeds 2 and
    // 3 draw handle times whose plain mean is 2.4 standard errors below 3 minutes; the fit
    // follows them, as it should.)
    assert_eq!(cases, 10);
    println!("the exponential is the best family in {exponential_best} of 20 fits");
    assert!(exponential_best >= 12, "{exponential_best} of 20");
    for (what, covered) in [
        ("patience", patience_covered),
        ("handle time", handle_covered),
        ("chats a week", week_covered),
    ] {
        assert!(
            covered >= 8,
            "{what}: {covered} of {cases} intervals hold the truth"
        );
    }
}
