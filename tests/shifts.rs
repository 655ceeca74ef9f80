//! The weekly calendar end to end: shifts take agents on and off line, profiles shape traffic,
//! `start` places the clock, and capacity distribution serves the night's backlog in the
//! morning (guide `routing.md#capacity-distribution`).

use ccsim::scenario::Scenario;
use ccsim::stats::collector::ReplicationStats;
use ccsim::stats::metrics::{IntervalMetric, Metric};

use crate::{replications, scenario};

fn desk(start: &str, patience: &str) -> Scenario {
    let text = format!(
        r#"
name = "desk"
[simulation]
start = "{start}"
horizon = "14d"
interval = "1h"
replications = 4
seed = 3
[[teams]]
name = "t"
[[agents]]
name = "day"
team = "t"
count = 4
capacity = 2
shifts = ["mon-fri 08:00-12:00", "mon-fri 13:00-18:00"]
[[arrivals]]
name = "all-day"
team = "t"
rate = "6/h"
{patience}
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    );
    scenario(&text)
}

fn at(stats: &ReplicationStats, hour: usize, m: IntervalMetric) -> f64 {
    stats.all().intervals[hour][m as usize]
}

#[test]
fn agents_are_online_exactly_on_their_shifts() {
    let runs = replications(&desk("mon 00:00", ""));
    for r in &runs {
        for (hour, online) in [
            (3, 0.0),
            (8, 4.0),
            (11, 4.0),
            (12, 0.0),
            (13, 4.0),
            (17, 4.0),
            (18, 0.0),
        ] {
            assert_eq!(
                at(r, hour, IntervalMetric::AgentsOnline),
                online,
                "monday {hour}:00"
            );
        }
        // Saturday (day 5) and Sunday: nobody.
        assert_eq!(at(r, 5 * 24 + 10, IntervalMetric::AgentsOnline), 0.0);
        assert_eq!(at(r, 6 * 24 + 10, IntervalMetric::AgentsOnline), 0.0);
    }
}

#[test]
fn start_sets_where_in_the_week_the_clock_begins() {
    // Starting on Saturday, the first two days have nobody online; Monday 08:00 is hour 56.
    let runs = replications(&desk("sat 00:00", ""));
    assert_eq!(at(&runs[0], 10, IntervalMetric::AgentsOnline), 0.0);
    assert_eq!(at(&runs[0], 24 + 10, IntervalMetric::AgentsOnline), 0.0);
    assert_eq!(at(&runs[0], 56, IntervalMetric::AgentsOnline), 4.0);
}

#[test]
fn capacity_serves_the_night_backlog_when_the_shift_starts() {
    // guide `routing.md#capacity-distribution`: under capacity distribution, chats that arrived
    // while nobody was online are handed out automatically. Nobody abandons here, so every chat
    // must be served, the queue must be long before 08:00 and gone soon after, and no chat is
    // stranded at the end.
    let runs = replications(&desk("mon 00:00", ""));
    for r in &runs {
        let arrivals = r.all().metrics[Metric::Arrivals as usize];
        assert!(arrivals > 1500.0);
        assert_eq!(r.all().metrics[Metric::Served as usize], arrivals);
        assert_eq!(r.all().metrics[Metric::Unfinished as usize], 0.0);
        // Tuesday 07:00: the night's chats (6/h since Monday 18:00) are all waiting.
        assert!(at(r, 24 + 7, IntervalMetric::QueueLength) > 50.0);
        // Tuesday 10:00: 8 slots have cleared them.
        assert!(at(r, 24 + 10, IntervalMetric::QueueLength) < 2.0);
        // Weekend chats wait until Monday: the longest waits are days.
        assert!(r.all().metrics[Metric::WaitP99 as usize] > 24.0 * 60.0);
    }
}

#[test]
fn impatient_customers_leave_when_nobody_is_online() {
    let patience = "[customers]\npatience = { dist = \"exponential\", mean = \"10m\" }";
    let runs = replications(&desk("mon 00:00", patience));
    for r in &runs {
        // 51 of the week's 168 hours are staffed; most other arrivals give up waiting.
        let rate = r.all().metrics[Metric::AbandonRate as usize];
        assert!((0.55..0.75).contains(&rate), "abandon rate {rate}");
        assert_eq!(
            at(r, 24 + 3, IntervalMetric::ServiceLevel),
            0.0,
            "03:00 is hours from a shift"
        );
    }
}
