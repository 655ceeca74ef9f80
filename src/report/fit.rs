//! What `ccsim fit` writes and prints: `fit.csv`, one row per estimated parameter of every
//! family tried, and the same on screen.

use std::fmt::Write;

use super::csv::number;
use crate::chatlog::timestamp::date;
use crate::fitting::families::FamilyFit;
use crate::fitting::{Estimate, Fit, duration};

const HEADER: [&str; 11] = [
    "quantity",
    "family",
    "parameter",
    "estimate",
    "ci95_low",
    "ci95_high",
    "chats",
    "log_likelihood",
    "aic",
    "km_distance",
    "best",
];

/// `fit.csv`: parameters in minutes say so in their name (`mean_minutes`).
pub fn csv(fit: &Fit) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("in memory");
    for (team, v) in &fit.teams {
        let quantity = format!("arrivals.{team}");
        let chats = v.chats.to_string();
        let (mean, low, high) = v.per_week;
        let mut row = |parameter: &str, e: [f64; 3]| {
            let mut r = vec![quantity.clone(), String::new(), parameter.to_string()];
            r.extend(e.map(number));
            r.push(chats.clone());
            r.extend(["", "", "", ""].map(String::from));
            w.write_record(&r).expect("in memory");
        };
        row("chats_per_week", [mean, low, high]);
        if let Some((cv, lo, hi)) = v.cv {
            row("day_to_day_cv", [cv, lo, hi]);
        }
    }
    let missing = [fit.patience_missing(), fit.handle_missing()];
    for ((quantity, e), missing) in [("patience", &fit.patience), ("handle_time", &fit.handle)]
        .into_iter()
        .zip(missing)
    {
        if missing.is_some() {
            // Nothing could be fitted: one row says so, with the chats it had.
            let mut r = vec![quantity.to_string(), "not_fitted".to_string()];
            r.extend(["", "", "", ""].map(String::from));
            r.push(e.times.len().to_string());
            r.extend(["", "", "", "false"].map(String::from));
            w.write_record(&r).expect("in memory");
        }
        let best = e.best().map(|b| b.family);
        for f in &e.fits {
            for p in &f.parameters {
                let name = if p.minutes {
                    format!("{}_minutes", p.name)
                } else {
                    p.name.to_string()
                };
                w.write_record([
                    quantity.to_string(),
                    f.family.name().to_string(),
                    name,
                    number(p.value),
                    number(p.low),
                    number(p.high),
                    e.times.len().to_string(),
                    number(f.log_likelihood),
                    number(f.aic),
                    number(f.km_distance),
                    (Some(f.family) == best).to_string(),
                ])
                .expect("in memory");
            }
        }
    }
    if fit.patience.times.events() > 0.0 {
        let t = &fit.patience.times;
        w.write_record([
            "patience",
            "abandoned_only",
            "mean_minutes",
            &number(t.naive_mean()),
            "",
            "",
            &(t.events() as u64).to_string(),
            "",
            "",
            "",
            "false",
        ])
        .expect("in memory");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// The estimates on screen, each with its 95% interval and what it rests on.
pub fn summary(fit: &Fit) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Log {}: {} chats, {:.1} weeks ({} to {})",
        fit.log.display(),
        fit.summary.rows - fit.summary.duplicates,
        fit.weeks(),
        date(fit.days.0),
        date(fit.days.1)
    );
    for n in fit.summary.notes() {
        let _ = writeln!(out, "  note: {n}");
    }
    let _ = writeln!(
        out,
        "  {:<14} {:>8}  {:<28} day-to-day cv (95%)",
        "arrivals", "chats", "a week (95%)"
    );
    for (team, v) in &fit.teams {
        let (m, lo, hi) = v.per_week;
        let cv =
            v.cv.map_or("- (needs a weekday seen twice)".into(), |(c, l, h)| {
                format!("{c:.3} ({l:.3}-{h:.3})")
            });
        let _ = writeln!(
            out,
            "  {team:<14} {:>8}  {:<28} {cv}",
            v.chats,
            format!("{m:.1} ({lo:.1}-{hi:.1})")
        );
    }
    if let Some(n) = fit.teams.iter().map(|(_, v)| v.median_interval_chats).min() {
        let _ = writeln!(
            out,
            "  each interval's rate rests on a median of {n} chats (±{:.0}%): noise in the profile spreads the load and raises simulated abandonment; a longer log steadies it",
            100.0 / (n.max(1) as f64).sqrt()
        );
    }
    let t = &fit.patience.times;
    let _ = writeln!(
        out,
        "Patience: {} waits, {} abandoned (observed), {} answered (censored at their wait)",
        t.len(),
        t.events(),
        t.censored()
    );
    family_table(&mut out, &fit.patience);
    if t.events() > 0.0
        && let Some(best) = fit.patience.best()
    {
        let _ = writeln!(
            out,
            "  the abandoned alone average {}: {:.1}× shorter than the fitted mean",
            duration(t.naive_mean()),
            best.mean() / t.naive_mean()
        );
    } else {
        let _ = writeln!(
            out,
            "  nobody abandoned: patience cannot be estimated, the base scenario's is kept"
        );
    }
    let _ = writeln!(
        out,
        "Handle time: {} served chats (first reply to end)",
        fit.handle.times.len()
    );
    family_table(&mut out, &fit.handle);
    if let Some(why) = fit.handle_missing() {
        let _ = writeln!(out, "  not fitted, the base scenario's is kept: {why}");
    }
    out
}

fn family_table(out: &mut String, e: &Estimate) {
    let Some(best) = e.best() else {
        return;
    };
    let _ = writeln!(
        out,
        "  {:<12} {:<58} {:>12} {:>8} {:>8}",
        "family", "parameters (95%)", "AIC", "ΔAIC", "KM dist"
    );
    for f in &e.fits {
        let _ = writeln!(
            out,
            "  {:<12} {:<58} {:>12.1} {:>8.1} {:>8.3}{}",
            f.family.name(),
            parameters(f),
            f.aic,
            f.aic - best.aic,
            f.km_distance,
            if f.family == best.family {
                "  ← best"
            } else {
                ""
            }
        );
    }
}

fn parameters(f: &FamilyFit) -> String {
    f.parameters
        .iter()
        .map(|p| {
            let show = |x: f64| {
                if x.is_nan() {
                    "?".to_string()
                } else if p.minutes {
                    duration(x)
                } else {
                    format!("{x:.3}")
                }
            };
            format!(
                "{} {} ({}-{})",
                p.name,
                show(p.value),
                show(p.low),
                show(p.high)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
