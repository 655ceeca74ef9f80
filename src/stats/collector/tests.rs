use super::*;

fn tag(k: u32, team: u16, stream: u16) -> Tag {
    Tag {
        k,
        team,
        origin: stream,
    }
}

#[test]
fn an_interval_costs_a_few_dozen_bytes_while_it_runs() {
    // 100 weeks of 30-minute intervals are 33,600 of them: each must stay small, or a
    // long horizon's memory is all per-interval bookkeeping.
    assert!(std::mem::size_of::<IntervalAcc>() <= 96);
    let whole = Measure {
        scopes: 1,
        ..Measure::default()
    };
    let mut c = Collector::new(0, 100 * time::WEEK, 30 * MINUTE, MINUTE, &[1], whole);
    assert!(c.interval_alerts.is_empty(), "alerts cost nothing when off");
    assert!(c.scoped.is_empty(), "nor do parts when the centre has none");
    c.advance(time::HOUR);
    let t = tag(1, NONE, NONE);
    c.arrival(t);
    c.reached(t);
    c.started(t, 30_000);
    c.first_reply(t, 30_000, 30_000);
    c.advance(2 * time::HOUR);
    assert!(
        c.intervals[1].hist.is_none(),
        "a finished interval keeps only its p90"
    );
    let stats = c.finish();
    assert_eq!(stats.all().intervals.len(), 33_600);
    assert_eq!(
        stats.all().intervals[1][IntervalMetric::AnswerLevel as usize],
        1.0
    );
    // The per-interval p90 is exact to the histogram's 2^-5 resolution.
    let p90 = stats.all().intervals[1][IntervalMetric::WaitP90 as usize];
    assert!((p90 - 0.5).abs() <= 0.5 / 32.0, "{p90}");
}

#[test]
fn a_chat_counts_for_the_team_it_waited_in_last_and_for_its_stream() {
    // Scopes 1 and 2 are teams, 3 the stream. The chat reaches team 1, is moved to team 2
    // after 10 minutes and taken there 5 minutes later: its arrival, wait and answer are
    // team 2's, and each team's queue held it for the minutes it waited there.
    let parts = Measure {
        scopes: 4,
        origins: vec![[NONE; 2], [NONE; 2], [NONE; 2], [3, NONE]],
        ..Measure::default()
    };
    let mut c = Collector::new(0, time::HOUR, 30 * MINUTE, MINUTE, &[1], parts);
    let t = tag(0, NONE, 3);
    c.arrival(t);
    let t = Tag { team: 1, ..t };
    c.reached(t);
    c.queue_change([1, 3, NONE], 1.0);
    c.advance(10 * MINUTE);
    c.queue_change([1, 3, NONE], -1.0);
    let t = c.moved(t, 2);
    c.queue_change([2, 3, NONE], 1.0);
    c.advance(15 * MINUTE);
    c.queue_change([2, 3, NONE], -1.0);
    c.started(t, 15 * MINUTE);
    c.first_reply(t, 15 * MINUTE, 15 * MINUTE);
    c.resolved(0, t);
    c.advance(time::HOUR);
    let stats = c.finish();
    let m = |s: usize, m: Metric| stats.scopes[s].metrics[m as usize];
    let q = |s: usize| stats.scopes[s].intervals[0][IntervalMetric::QueueLength as usize];
    assert_eq!((m(1, Metric::Arrivals), m(2, Metric::Arrivals)), (0.0, 1.0));
    assert_eq!((m(1, Metric::Served), m(2, Metric::Served)), (0.0, 1.0));
    assert!(
        m(1, Metric::MeanWait).is_nan(),
        "team 1 lost the chat before its wait ended"
    );
    assert_eq!(m(2, Metric::MeanWait), 15.0);
    assert_eq!(
        (m(3, Metric::Arrivals), m(3, Metric::MeanWait)),
        (1.0, 15.0)
    );
    assert_eq!(m(0, Metric::Arrivals), 1.0);
    // Time averages over the 30-minute interval: 10 and 5 minutes of one chat waiting.
    assert_eq!((q(1), q(2), q(3)), (10.0 / 30.0, 5.0 / 30.0, 15.0 / 30.0));
    assert!(
        m(1, Metric::Occupancy).is_nan(),
        "occupancy is the whole centre's"
    );
    assert_eq!(stats.scopes.len(), 4);
}
