//! `check --junit` and `--json`: every verdict of one `check` in the forms CI systems read.
//! JUnit XML has one test case per bound and per comparison, so that a CI system lists them
//! as tests; an inconclusive bound is a skipped test (a failure with `--strict`).

use serde_json::json;

use crate::experiment::check::{Bound, BoundCheck, CheckOutcome, Comparison, Verdict};

/// Escapes text for an XML attribute or element.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn bound_name(b: &BoundCheck) -> String {
    let (sign, v) = match b.bound {
        Bound::Min(v) => (">=", v),
        Bound::Max(v) => ("<=", v),
    };
    format!(
        "{} {sign} {}",
        b.label(),
        super::terminal::shown(b.metric, v)
    )
}

/// What a test case holds besides its name: a failure, a skip, or nothing.
enum Case {
    Pass,
    Skip(String),
    Fail(String),
}

pub fn junit(outcome: &CheckOutcome) -> String {
    let strict = outcome.tally.strict;
    let mut cases: Vec<(String, String, Case)> = Vec::new();
    for b in &outcome.bounds {
        let line = super::terminal::bound_line(b);
        let case = match b.verdict {
            Verdict::Pass => Case::Pass,
            Verdict::Fail => Case::Fail(line),
            Verdict::Inconclusive { .. } if strict => {
                Case::Fail(format!("inconclusive (--strict): {line}"))
            }
            Verdict::Inconclusive { .. } => Case::Skip(format!("inconclusive: {line}")),
        };
        cases.push((b.variant.clone(), bound_name(b), case));
    }
    for c in &outcome.compared {
        let name = format!("{} against {}", c.label(), c.reference.described());
        let case = match (c.diff.is_some(), c.regressed) {
            (false, _) => Case::Skip(format!("{} has no such metric", c.reference.described())),
            (true, true) => Case::Fail(super::terminal::comparison_line(c)),
            (true, false) => Case::Pass,
        };
        cases.push((c.variant.clone(), name, case));
    }
    let failures = cases
        .iter()
        .filter(|c| matches!(c.2, Case::Fail(_)))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.2, Case::Skip(_)))
        .count();
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\"",
        cases.len()
    );
    let suite = xml(&outcome.scenario);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ccsim check\" {counts}>\n  <testsuite name=\"{suite}\" {counts}>\n"
    );
    for (variant, name, case) in &cases {
        let open = format!(
            "    <testcase classname=\"{suite}.{}\" name=\"{}\"",
            xml(variant),
            xml(name)
        );
        match case {
            Case::Pass => out.push_str(&format!("{open}/>\n")),
            Case::Skip(m) => out.push_str(&format!(
                "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(m)
            )),
            Case::Fail(m) => out.push_str(&format!(
                "{open}>\n      <failure message=\"{}\" type=\"ccsim.check\">{}</failure>\n    </testcase>\n",
                xml(m),
                xml(m)
            )),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// A number, or `null` where undefined (JSON has no NaN).
fn num(x: f64) -> serde_json::Value {
    if x.is_finite() { json!(x) } else { json!(null) }
}

pub fn json(outcome: &CheckOutcome) -> Vec<u8> {
    let t = &outcome.tally;
    let bounds: Vec<_> = outcome
        .bounds
        .iter()
        .map(|b| {
            let (kind, value) = match b.bound {
                Bound::Min(v) => ("min", v),
                Bound::Max(v) => ("max", v),
            };
            json!({
                "variant": b.variant,
                "scope": b.scope,
                "metric": b.metric.name(),
                "unit": b.metric.unit().name(),
                "kind": kind,
                "bound": value,
                "mean": num(b.estimate.mean),
                "ci95_low": num(b.estimate.ci_low),
                "ci95_high": num(b.estimate.ci_high),
                "p_value": num(b.p),
                "verdict": match b.verdict {
                    Verdict::Pass => "pass",
                    Verdict::Fail => "fail",
                    Verdict::Inconclusive { .. } => "inconclusive",
                },
            })
        })
        .collect();
    let compared: Vec<_> = outcome.compared.iter().map(comparison).collect();
    let doc = json!({
        "scenario": outcome.scenario,
        "verdict": if t.failed() { "failed" } else { "passed" },
        "passed": t.passed,
        "failed": t.failed,
        "inconclusive": t.inconclusive,
        "strict": t.strict,
        "family_error_rate": crate::experiment::check::ALPHA,
        "bounds": bounds,
        "comparisons": compared,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a JSON value always serialises");
    bytes.push(b'\n');
    bytes
}

fn comparison(c: &Comparison) -> serde_json::Value {
    let d = c.diff;
    json!({
        "variant": c.variant,
        "scope": c.scope,
        "metric": c.metric.name(),
        "unit": c.metric.unit().name(),
        "against": c.reference.name(),
        "before": num(c.before),
        "now": num(c.now),
        "diff": num(d.map_or(f64::NAN, |d| d.mean)),
        "diff_ci95_low": num(d.map_or(f64::NAN, |d| d.ci_low)),
        "diff_ci95_high": num(d.map_or(f64::NAN, |d| d.ci_high)),
        "tolerance": num(c.tolerance),
        "higher_is_worse": c.higher_is_worse,
        "p_value": num(c.p),
        "verdict": match (d.is_some(), c.regressed) {
            (false, _) => "not in reference",
            (true, true) => "regression",
            (true, false) => "pass",
        },
    })
}
