//! `ccsim staff` for a whole centre (guide `staffing.md#staffing-a-whole-centre`): several groups
//! planned together, breaks the plan places, each day staffed on its own or in weekly patterns,
//! costs, and the roster against a straight per-day cover of the same requirement.

use ccsim::experiment::{Overrides, Plan};
use ccsim::planning::{self, StaffingPlan};
use ccsim::scenario::Scenario;

use crate::staffing::write;
use crate::{ccsim, scenario};

/// Two teams whose peaks differ: `a` busy in the morning, `b` in the afternoon, each fed by
/// its own stream; `groups` and `staffing` are the rest of the file.
fn two_teams(groups: &str, staffing: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "two-teams"
[simulation]
start = "mon 00:00"
horizon = "1d"
interval = "1h"
replications = 40
seed = 11
service_level_target = "1m"
[[teams]]
name = "a"
[[teams]]
name = "b"
{groups}
[[arrivals]]
name = "to-a"
team = "a"
profile = [{{ when = "mon-sun 08:00-14:00", rate = "60/h" }}, {{ when = "mon-sun 14:00-20:00", rate = "10/h" }}]
[[arrivals]]
name = "to-b"
team = "b"
profile = [{{ when = "mon-sun 08:00-14:00", rate = "10/h" }}, {{ when = "mon-sun 14:00-20:00", rate = "60/h" }}]
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
[staffing]
{staffing}
"#
    ))
}

const DEDICATED: &str = r#"
[[agents]]
name = "ga"
team = "a"
count = 3
[[agents]]
name = "gb"
team = "b"
count = 3
"#;

const PER_TEAM: &str = r#"targets = [
  { metric = "answer_level", min = "80%", team = "a" },
  { metric = "answer_level", min = "80%", team = "b" },
]"#;

fn staff(s: &Scenario) -> StaffingPlan {
    planning::staff(s, Plan::new(s, Overrides::default(), Some(2))).unwrap()
}

/// Group `gi`'s (required, scheduled) per planned interval.
fn levels(plan: &StaffingPlan, gi: usize) -> Vec<(u32, u32)> {
    plan.slots
        .iter()
        .filter(|s| s.group == gi)
        .map(|s| (s.required, s.scheduled))
        .collect()
}

#[test]
fn two_independent_teams_are_staffed_as_two_single_group_runs() {
    let shifts =
        r#"shifts = ["mon-sun 08:00-14:00", "mon-sun 14:00-20:00", "mon-sun 11:00-17:00"]"#;
    let joint = staff(&two_teams(
        DEDICATED,
        &format!("groups = [\"ga\", \"gb\"]\n{PER_TEAM}\n{shifts}"),
    ));
    let alone = |group: &str, team: &str| {
        staff(&two_teams(
            DEDICATED,
            &format!(
                "group = \"{group}\"\ntargets = [{{ metric = \"answer_level\", min = \"80%\", team = \"{team}\" }}]\n{shifts}"
            ),
        ))
    };
    let (a, b) = (alone("ga", "a"), alone("gb", "b"));
    assert_eq!(levels(&joint, 0), levels(&a, 0));
    assert_eq!(levels(&joint, 1), levels(&b, 0));
    assert!(joint.slots.iter().all(|s| s.met));
    let hours = |p: &StaffingPlan| p.hours().1;
    assert_eq!(hours(&joint), hours(&a) + hours(&b));
    println!(
        "independent teams: joint {:.0} h = {:.0} h (a alone) + {:.0} h (b alone)",
        hours(&joint),
        hours(&a),
        hours(&b)
    );
}

#[test]
fn agents_shared_by_two_teams_with_different_peaks_cost_fewer_hours() {
    // Twelve-hour shifts only: a team's own agents must be there all day for its peak; agents
    // of both teams follow the peak from one team to the other.
    let shifts = r#"shifts = ["mon-sun 08:00-20:00"]"#;
    let separate = staff(&two_teams(
        DEDICATED,
        &format!("groups = [\"ga\", \"gb\"]\n{PER_TEAM}\n{shifts}"),
    ));
    let shared = staff(&two_teams(
        r#"
[[agents]]
name = "both"
teams = ["a", "b"]
count = 3
"#,
        &format!("groups = [\"both\"]\n{PER_TEAM}\n{shifts}"),
    ));
    let (sep, sha) = (separate.hours().1, shared.hours().1);
    println!("twelve-hour shifts: separate teams {sep:.0} h, shared agents {sha:.0} h");
    assert!(separate.slots.iter().all(|s| s.met));
    assert!(shared.slots.iter().all(|s| s.met));
    // Each team alone needs its peak all day (about 7 agents for 60 chats/h of 5 minutes at
    // 80% in a minute), so 2 × 7 × 12 h; together the centre has 70 chats/h all day.
    assert!(sha <= 0.75 * sep, "shared {sha} h, separate {sep} h");
}

#[test]
fn a_group_shared_with_dedicated_ones_is_planned_with_them_and_keeps_every_target() {
    // Dedicated groups for each team and a dearer group for both: the search ends, every
    // team's target holds on fresh customers, and the plan costs no more than the dedicated
    // groups alone, whichever way the pooling goes.
    let staffing = |groups: &str| {
        format!(
            "groups = [{groups}]\n{PER_TEAM}\nshifts = [\"mon-sun 08:00-14:00\", \"mon-sun 14:00-20:00\"]\ncost = {{ ga = 20, gb = 20, both = 26 }}"
        )
    };
    let groups =
        format!("{DEDICATED}\n[[agents]]\nname = \"both\"\nteams = [\"a\", \"b\"]\ncount = 1\n");
    let plan = staff(&two_teams(&groups, &staffing("\"ga\", \"gb\", \"both\"")));
    assert!(plan.slots.iter().all(|s| s.met));
    let cost: f64 = plan.roster.iter().map(|e| e.cost * e.agents as f64).sum();
    assert!((plan.cost() - cost).abs() < 1e-9);
    assert_eq!(plan.groups[2].teams, vec!["a", "b"]);
    let dedicated = staff(&two_teams(
        DEDICATED,
        &staffing("\"ga\", \"gb\"").replace(", both = 26", ""),
    ));
    println!(
        "with a shared group at 26 an hour: {:.0} a week ({:?} h); dedicated groups alone at 20: {:.0}",
        plan.cost(),
        plan.groups.iter().map(|g| g.hours.1).collect::<Vec<_>>(),
        dedicated.cost()
    );
    assert!(plan.cost() <= dedicated.cost());
}

/// One team open 08:00–17:00 every day, whose agents all lunch at 12:00 as written.
fn lunch_together(shifts: &str) -> String {
    format!(
        r#"
name = "lunch"
[simulation]
start = "mon 00:00"
horizon = "1d"
interval = "30m"
replications = 30
seed = 5
service_level_target = "1m"
[[teams]]
name = "support"
[[agents]]
name = "agents"
team = "support"
count = 4
shifts = ["mon-sun 08:00-17:00"]
breaks = [{{ at = "12:00", length = "1h" }}]
[[arrivals]]
name = "web"
team = "support"
profile = [{{ when = "mon-sun 08:00-17:00", rate = "30/h" }}]
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
[staffing]
group = "agents"
targets = [{{ metric = "answer_level", min = "80%" }}]
shifts = ["{shifts}"]
"#
    )
}

#[test]
fn a_lunch_that_leaves_nobody_ready_is_staggered_by_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    // As written, everybody lunches at noon: no number of agents answers then.
    let path = write(
        dir.path(),
        "together.toml",
        &lunch_together("mon-sun 08:00-17:00"),
    );
    let output = ccsim()
        .args(["staff", path.to_str().unwrap(), "--out"])
        .arg(dir.path().join("refused"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("on its break"));
    // With a lunch window, the plan places the lunches.
    let path = write(
        dir.path(),
        "window.toml",
        &lunch_together("mon-sun 08:00-17:00 break 1h in 11:00-14:00"),
    );
    let out = dir.path().join("staff");
    ccsim()
        .args(["staff", path.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("intervals missed: none"));
    let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
    let lunches: std::collections::BTreeSet<&str> = plan
        .lines()
        .filter(|l| l.contains("{ shift = "))
        .flat_map(|l| {
            l.match_indices("at = \"")
                .map(move |(i, _)| &l[i + 6..i + 11])
        })
        .collect();
    assert!(lunches.len() >= 2, "lunches not staggered: {plan}");
    // Every interval of the plan keeps the target, and the plan run again is the report.
    let staffing = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(staffing.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    for r in rows.records() {
        let r = r.unwrap();
        let level: f64 = r[col("answer_level")].parse().unwrap_or(f64::NAN);
        assert!(level.is_nan() || level >= 0.8, "{r:?}");
        assert_eq!(&r[col("met")], "true");
    }
    let rerun = dir.path().join("rerun");
    ccsim()
        .args(["run", out.join("plan.toml").to_str().unwrap(), "--out"])
        .arg(&rerun)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("intervals.csv")).unwrap(),
        std::fs::read(rerun.join("intervals.csv")).unwrap()
    );
}

/// A week with a busy Monday to Friday, a light Saturday and a closed Sunday.
fn week(staffing: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "week"
[simulation]
start = "mon 00:00"
horizon = "7d"
interval = "1h"
replications = 20
seed = 3
service_level_target = "1m"
[[teams]]
name = "support"
[[agents]]
name = "agents"
team = "support"
count = 3
[[arrivals]]
name = "web"
team = "support"
profile = [{{ when = "mon-fri 08:00-20:00", rate = "40/h" }}, {{ when = "sat 08:00-20:00", rate = "8/h" }}]
[customers]
patience = {{ dist = "exponential", mean = "5m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
[staffing]
group = "agents"
targets = [{{ metric = "answer_level", min = "80%" }}]
shifts = ["mon-sun 08:00-16:00", "mon-sun 12:00-20:00"]
{staffing}
"#
    ))
}

/// The straight per-day cover: for each day on its own, the fewest agent-hours of the
/// templates' daily shapes (here 08:00–16:00 and 12:00–20:00, eight hours each) that put
/// `need` agents in every hour, by trying every pair of counts.
fn per_day_cover(need: &[u32]) -> f64 {
    (0..7)
        .map(|d| {
            let day = &need[d * 24..(d + 1) * 24];
            let top = *day.iter().max().unwrap();
            let mut best = u32::MAX;
            for early in 0..=top {
                for late in 0..=top {
                    let on = |h: usize| {
                        (if (8..16).contains(&h) { early } else { 0 })
                            + (if (12..20).contains(&h) { late } else { 0 })
                    };
                    if (0..24).all(|h| on(h) >= day[h]) {
                        best = best.min(early + late);
                    }
                }
            }
            8.0 * best as f64
        })
        .sum()
}

fn need(plan: &StaffingPlan) -> Vec<u32> {
    let mut need = vec![0; 168];
    for s in &plan.slots {
        need[(s.week_time / ccsim::time::HOUR) as usize] = s.required;
    }
    need
}

#[test]
fn the_roster_uses_no_more_hours_than_a_per_day_cover_of_the_same_requirement() {
    let per_day = staff(&week(""));
    let (hours, anchor) = (per_day.hours().1, per_day_cover(&need(&per_day)));
    // Each day is its own choice: the integer program finds the per-day minimum.
    assert!(hours <= anchor, "ccsim {hours} h, per-day cover {anchor} h");
    // Agents on all seven days of a template (the old reading of "mon-sun") pay for the
    // light Saturday and the closed Sunday; five days with two off in a row sit between.
    let seven = staff(&week("work_days = 7"));
    let five = staff(&week("work_days = 5"));
    let (h7, a7) = (seven.hours().1, per_day_cover(&need(&seven)));
    let (h5, a5) = (five.hours().1, per_day_cover(&need(&five)));
    println!(
        "per-day roster {hours:.0} h (per-day cover {anchor:.0} h); 5 days of 7 {h5:.0} h (cover {a5:.0} h); every day of the week {h7:.0} h (cover {a7:.0} h)"
    );
    assert!(h7 > a7, "seven-day agents {h7} h against {a7} h");
    assert!(h5 >= a5 && h5 <= h7, "five-day agents {h5} h");
    for e in &five.roster {
        let days = e.shift.split(' ').next().unwrap();
        assert_eq!(e.hours, 40.0, "{days}: five eight-hour days");
    }
}

#[test]
fn premiums_weigh_the_cost_of_the_hours_they_fall_on() {
    let plan = staff(&week(
        "cost = 20\npremiums = [{ when = \"sat-sun 00:00-24:00\", extra = \"50%\" }, { when = \"mon-sun 18:00-24:00\", extra = 0.2 }]",
    ));
    assert!(plan.costed);
    for e in &plan.roster {
        let (days, hours) = e.shift.split_once(' ').unwrap();
        let saturday = days.contains("sat") as u32 as f64;
        let weekdays = e.hours / 8.0 - saturday;
        // An evening shift has two hours past 18:00 at +20%.
        let evening = if hours == "12:00-20:00" {
            2.0 * 0.2
        } else {
            0.0
        };
        let expected = 20.0 * (weekdays * (8.0 + evening) + saturday * (8.0 * 1.5 + evening));
        assert!(
            (e.cost - expected).abs() < 1e-6,
            "{}: {} against {expected}",
            e.shift,
            e.cost
        );
    }
}
