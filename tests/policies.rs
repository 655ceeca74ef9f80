//! The seed platforms' routing rules end to end (issue: sequential vs capacity, offers, the
//! Waiting box, manual takes, presence, transfers, bot, returns). Each test builds a small
//! scenario whose answer is known exactly or from a simple argument, runs it, and checks the
//! reported numbers.

use ccsim::scenario::Scenario;
use ccsim::stats::collector::ReplicationStats;
use ccsim::stats::metrics::{GroupMetric, Metric};
use ccsim::stats::summary::{Estimate, estimate_at};

use crate::{replications as run, scenario};

fn metric(runs: &[ReplicationStats], m: Metric) -> Estimate {
    estimate_at(runs.iter().map(|r| r.all().metrics[m as usize]), 0.999)
}

fn group(r: &ReplicationStats, g: usize, m: GroupMetric) -> f64 {
    r.groups[g][m as usize]
}

const SIMULATION: &str = r#"
[simulation]
horizon = "14d"
replications = 6
seed = 5
service_level_target = "1m"
"#;

#[test]
fn sequential_gives_each_of_n_agents_every_nth_chat() {
    // guide `routing.md#sequential-distribution-round-robin`: with N identical, always-online
    // agents and no cap, the ring hands agent i exactly the chats i, i + N, i + 2N, ...: their
    // counts differ by at most one.
    let agents: String = (0..4)
        .map(|i| format!("[[agents]]\nname = \"a{i}\"\nteam = \"t\"\ncapacity = 2\n"))
        .collect();
    let s = scenario(&format!(
        "name = \"ring\"\n{SIMULATION}\n[[teams]]\nname = \"t\"\ndistribution = \"sequential\"\n{agents}\n\
         [[arrivals]]\nname = \"in\"\nteam = \"t\"\nrate = \"1/min\"\n\
         [conversation]\nhandle_time = {{ dist = \"exponential\", mean = \"6m\" }}\n"
    ));
    for r in run(&s) {
        let counts: Vec<f64> = (0..4)
            .map(|g| group(&r, g, GroupMetric::ChatsHandled))
            .collect();
        let (lo, hi) = counts
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), &c| (l.min(c), h.max(c)));
        assert!(hi - lo <= 1.0, "{counts:?}");
        assert_eq!(
            counts.iter().sum::<f64>(),
            r.all().metrics[Metric::Arrivals as usize]
        );
        // Load is ignored: with 1.5 chats per agent on average and capacity 2, some chats
        // still wait in an agent's queue although another agent has a free slot.
        assert!(r.all().metrics[Metric::PWait as usize] > 0.01);
    }
}

fn off_hours(distribution: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "off-hours"
[simulation]
horizon = "28d"
replications = 12
seed = 5
[[teams]]
name = "t"
distribution = "{distribution}"
[[agents]]
name = "day"
team = "t"
count = 3
capacity = 3
shifts = ["mon-sun 08:00-20:00"]
[[arrivals]]
name = "all-day"
team = "t"
rate = "10/h"
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    ))
}

#[test]
fn sequential_strands_the_night_and_capacity_serves_it_in_the_morning() {
    // guide `routing.md#sequential-distribution-round-robin`: with agents online 08:00-20:00 and
    // chats all day, sequential distribution leaves the chats that arrive with nobody online in the
    // team queue (half of them here), while capacity distribution hands them out when the shift
    // starts.
    let seq = run(&off_hours("sequential"));
    let share: Vec<f64> = seq
        .iter()
        .map(|r| {
            r.all().metrics[Metric::Stranded as usize] / r.all().metrics[Metric::Arrivals as usize]
        })
        .collect();
    let e = estimate_at(share.iter().copied(), 0.999);
    assert!(
        (e.mean - 0.5).abs() <= e.half_width(),
        "stranded share {e:?}"
    );
    assert!(e.half_width() < 0.02);
    for r in &seq {
        // Nobody takes them by hand, so they are never served.
        let stranded = r.all().metrics[Metric::Stranded as usize];
        assert_eq!(r.all().metrics[Metric::Unfinished as usize], stranded);
    }
    let cap = run(&off_hours("capacity"));
    for r in &cap {
        assert_eq!(r.all().metrics[Metric::Stranded as usize], 0.0);
        assert_eq!(
            r.all().metrics[Metric::Served as usize],
            r.all().metrics[Metric::Arrivals as usize]
        );
    }
}

#[test]
fn a_supervisor_sweep_takes_the_stranded_chats() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: "A supervisor sweep is how stranded
    // sequential chats get out."
    let s = scenario(&format!(
        r#"
name = "sweep"
{SIMULATION}
[[teams]]
name = "t"
distribution = "sequential"
[[agents]]
name = "day"
team = "t"
count = 3
capacity = 3
shifts = ["mon-sun 08:00-20:00"]
[[agents]]
name = "boss"
teams = ["t"]
role = "supervisor"
capacity = 10
shifts = ["mon-sun 08:00-20:00"]
pickup = {{ every = {{ dist = "constant", value = "30m" }} }}
[[arrivals]]
name = "all-day"
team = "t"
rate = "10/h"
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    ));
    for r in run(&s) {
        assert!(r.all().metrics[Metric::Stranded as usize] > 0.0);
        assert_eq!(
            r.all().metrics[Metric::Unfinished as usize],
            0.0,
            "every stranded chat is taken"
        );
        assert!(
            group(&r, 1, GroupMetric::ChatsHandled) >= r.all().metrics[Metric::Stranded as usize]
        );
    }
}

fn offers(extra_team: &str, extra_agents: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "offers"
{SIMULATION}
[[teams]]
name = "t"
{extra_team}
[[agents]]
name = "a"
team = "t"
count = 2
capacity = 20
{extra_agents}
[[arrivals]]
name = "in"
team = "t"
rate = "4/h"
[conversation]
handle_time = {{ dist = "exponential", mean = "3m" }}
"#
    ))
}

#[test]
fn timed_out_offers_go_round_and_come_back_forced() {
    // guide `routing.md#offers-refusals-and-timeouts`: every answer takes 60 s but offers time out
    // at 30 s, so each chat times out with both agents (2 refusals) and returns to the second, who
    // must accept and does so after 60 s: every first reply comes exactly 2 minutes after arrival.
    let s = offers(
        "offer_timeout = \"30s\"",
        "accept_delay = { dist = \"constant\", value = \"60s\" }",
    );
    for r in run(&s) {
        let served = r.all().metrics[Metric::Served as usize];
        assert!(served > 1000.0);
        assert_eq!(r.all().metrics[Metric::Refusals as usize], 2.0 * served);
        assert!((r.all().metrics[Metric::MeanWaitServed as usize] - 2.0).abs() < 1e-9);
        assert_eq!(group(&r, 0, GroupMetric::Refusals), 2.0 * served);
    }
}

#[test]
fn refusals_follow_the_refuse_probability() {
    // Each offer is refused with probability p unless it is forced; with two agents a chat is
    // refused at most twice: expected refusals per chat p + p² (the second refusal sends it
    // back forced).
    let p = 0.3;
    let s = offers("", &format!("refuse_probability = {p}"));
    let runs = run(&s);
    let per_chat: Vec<f64> = runs
        .iter()
        .map(|r| {
            r.all().metrics[Metric::Refusals as usize] / r.all().metrics[Metric::Served as usize]
        })
        .collect();
    let e = estimate_at(per_chat.iter().copied(), 0.999);
    let expected = p + p * p;
    assert!(
        (e.mean - expected).abs() <= e.half_width() + 0.01,
        "{e:?} vs {expected}"
    );
    assert_eq!(metric(&runs, Metric::Abandoned).mean, 0.0);
}

#[test]
fn an_agent_who_lets_an_offer_time_out_is_not_ready_for_a_while_then_ready_again() {
    // guide `routing.md#offers-refusals-and-timeouts`: agents switch their status back to "Pronto"
    // to receive chats, so a missed offer (guide `routing.md#offers-refusals-and-timeouts`,
    // `not_ready_on_timeout`) sets the agent Not ready for `not_ready_for`, not for the rest of the
    // shift. Agent a answers after 60 s and offers time out at 30 s: every offer it gets times out
    // and goes to b, who answers at once (or back to the queue until b is free: a, Not ready, takes
    // no forced offer). a has one offer at a time and none while Not ready, so each timeout costs
    // exactly 10 minutes, and agents.csv shows that time as Not ready caused by timeouts. No drain:
    // every timeout falls within the measured time.
    let s = scenario(
        r#"
name = "not-ready"
[simulation]
horizon = "14d"
drain = "0s"
replications = 6
seed = 5
[[teams]]
name = "t"
offer_timeout = "30s"
not_ready_on_timeout = true
not_ready_for = { dist = "constant", value = "10m" }
[[agents]]
name = "a"
team = "t"
capacity = 1
accept_delay = { dist = "constant", value = "60s" }
[[agents]]
name = "b"
team = "t"
capacity = 1
[[arrivals]]
name = "in"
team = "t"
rate = "2/h"
[conversation]
handle_time = { dist = "exponential", mean = "3m" }
"#,
    );
    for r in run(&s) {
        let refusals = group(&r, 0, GroupMetric::Refusals);
        assert!(refusals > 200.0, "{refusals} timeouts");
        assert_eq!(group(&r, 1, GroupMetric::Refusals), 0.0);
        let by_timeouts = group(&r, 0, GroupMetric::NotReadyTimeoutHours);
        let expected = refusals * 10.0 / 60.0;
        // A period cut by the end of the horizon: at most one.
        assert!(
            (by_timeouts - expected).abs() <= 10.0 / 60.0,
            "{by_timeouts} h Not ready for {refusals} timeouts"
        );
        assert_eq!(
            group(&r, 0, GroupMetric::NotReadyHours),
            group(&r, 0, GroupMetric::NotReadyTimeoutHours),
            "no other cause of Not ready here"
        );
        let ready = group(&r, 0, GroupMetric::ReadyHours);
        assert!(ready > 24.0 * 14.0 * 0.5, "{ready} h Ready of 336");
    }
}

#[test]
fn the_waiting_box_is_emptied_by_pickups() {
    // guide `routing.md#the-waiting-box-and-weighted-routes`: chats routed to the Waiting box wait
    // for someone to take them by hand; an admin who looks every 10 minutes makes them wait half of
    // that on average.
    let s = scenario(&format!(
        r#"
name = "waiting"
{SIMULATION}
[[teams]]
name = "t"
[[agents]]
name = "admin"
role = "admin"
capacity = 50
pickup = {{ every = {{ dist = "constant", value = "10m" }}, waiting = true }}
[[arrivals]]
name = "in"
route = "waiting"
rate = "6/h"
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    ));
    let runs = run(&s);
    let wait = metric(&runs, Metric::MeanWaitServed);
    assert!(
        (wait.mean - 5.0).abs() <= wait.half_width() + 0.01,
        "{wait:?}"
    );
    assert!(wait.half_width() < 0.2);
}

#[test]
fn weighted_routes_split_the_traffic() {
    let s = scenario(&format!(
        r#"
name = "routes"
{SIMULATION}
[[teams]]
name = "sales"
[[teams]]
name = "support"
[[agents]]
name = "sales"
team = "sales"
count = 5
[[agents]]
name = "support"
team = "support"
count = 5
[[arrivals]]
name = "in"
route = [{{ team = "sales", weight = 3 }}, {{ team = "support", weight = 1 }}]
rate = "1/min"
[conversation]
handle_time = {{ dist = "exponential", mean = "1m" }}
"#
    ));
    let shares: Vec<f64> = run(&s)
        .iter()
        .map(|r| {
            group(r, 0, GroupMetric::ChatsHandled) / r.all().metrics[Metric::Resolved as usize]
        })
        .collect();
    let e = estimate_at(shares, 0.999);
    assert!((e.mean - 0.75).abs() <= e.half_width(), "{e:?}");
    assert!(e.half_width() < 0.01);
}

#[test]
fn breaks_make_agents_not_ready_for_their_length() {
    let s = scenario(&format!(
        r#"
name = "breaks"
{SIMULATION}
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 2
shifts = ["mon-fri 08:00-18:00"]
breaks = [{{ at = "12:00", length = "1h" }}, {{ at = "15:30", length = "15m" }}]
[[arrivals]]
name = "in"
team = "t"
rate = "2/h"
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
    ));
    for r in run(&s) {
        // 10 weekdays × 1.25 h of breaks, 10 × 8.75 h Ready, the rest of 336 h offline.
        assert!((group(&r, 0, GroupMetric::NotReadyHours) - 12.5).abs() < 1e-9);
        assert!((group(&r, 0, GroupMetric::ReadyHours) - 87.5).abs() < 1e-9);
        assert!((group(&r, 0, GroupMetric::OfflineHours) - (336.0 - 100.0)).abs() < 1e-9);
    }
}

#[test]
fn absent_agents_miss_whole_shifts() {
    // absenteeism 0.4: each agent misses each daily shift with probability 0.4, so it is
    // Ready 60% of its shift hours on average.
    let s = scenario(
        r#"
name = "absent"
[simulation]
horizon = "56d"
replications = 12
seed = 5
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 20
shifts = ["mon-sun 08:00-16:00"]
absenteeism = 0.4
[[arrivals]]
name = "in"
team = "t"
rate = "1/h"
[conversation]
handle_time = { dist = "exponential", mean = "5m" }
"#,
    );
    let share: Vec<f64> = run(&s)
        .iter()
        .map(|r| group(r, 0, GroupMetric::ReadyHours) / (56.0 * 8.0))
        .collect();
    let e = estimate_at(share, 0.999);
    assert!((e.mean - 0.6).abs() <= e.half_width(), "{e:?}");
    assert!(e.half_width() < 0.05);
}

fn handover(on_shift_end: &str) -> Vec<ReplicationStats> {
    run(&scenario(&format!(
        r#"
name = "handover"
{SIMULATION}
[[teams]]
name = "t"
[[agents]]
name = "morning"
team = "t"
count = 2
capacity = 2
shifts = ["mon-sun 08:00-12:00"]
on_shift_end = "{on_shift_end}"
[[agents]]
name = "afternoon"
team = "t"
count = 2
capacity = 2
shifts = ["mon-sun 12:00-16:00"]
[[arrivals]]
name = "in"
team = "t"
profile = [{{ when = "mon-sun 08:00-14:00", rate = "2/h" }}]
[conversation]
handle_time = {{ dist = "constant", value = "90m" }}
"#
    )))
}

#[test]
fn requeue_hands_open_chats_to_the_next_shift() {
    // guide `routing.md#shift-ends-breaks-and-hand-backs`: with "keep" the morning finishes what it
    // started (chats from before 12:00); with "requeue" chats still open at 12:00 go back to the
    // queue and the afternoon takes them, so the morning finishes only chats started before 10:30.
    let keep = handover("keep");
    let requeue = handover("requeue");
    for (k, q) in keep.iter().zip(&requeue) {
        let (km, qm) = (
            group(k, 0, GroupMetric::ChatsHandled),
            group(q, 0, GroupMetric::ChatsHandled),
        );
        assert!(qm < km, "requeue {qm} vs keep {km}");
        assert_eq!(
            group(q, 0, GroupMetric::ChatsHandled) + group(q, 1, GroupMetric::ChatsHandled),
            q.all().metrics[Metric::Resolved as usize]
        );
        assert_eq!(
            q.all().metrics[Metric::Resolved as usize],
            q.all().metrics[Metric::Arrivals as usize]
        );
    }
}

fn bot(resolve: f64) -> Vec<ReplicationStats> {
    run(&scenario(&format!(
        r#"
name = "bot"
{SIMULATION}
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 10
capacity = 3
[[arrivals]]
name = "in"
team = "t"
rate = "1/min"
bot = {{ duration = {{ dist = "constant", value = "10m" }}, resolve_probability = {resolve} }}
[customers]
patience = {{ dist = "constant", value = "1m" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "2m" }}
"#
    )))
}

#[test]
fn the_bot_resolves_its_share_and_patience_starts_after_it() {
    // guide `scenarios.md#customers`: patience runs from entering the human queue, after the bot.
    // The bot takes 10 minutes and patience is 1 minute, yet with agents free nobody abandons.
    let runs = bot(0.25);
    let share: Vec<f64> = runs
        .iter()
        .map(|r| {
            r.all().metrics[Metric::BotResolved as usize]
                / r.all().metrics[Metric::Arrivals as usize]
        })
        .collect();
    let e = estimate_at(share, 0.999);
    assert!((e.mean - 0.25).abs() <= e.half_width(), "{e:?}");
    for r in &runs {
        assert_eq!(r.all().metrics[Metric::Abandoned as usize], 0.0);
        let humans = r.all().metrics[Metric::Arrivals as usize]
            - r.all().metrics[Metric::BotResolved as usize];
        assert_eq!(r.all().metrics[Metric::Served as usize], humans);
        assert_eq!(
            r.all().metrics[Metric::MeanWait as usize],
            0.0,
            "the bot's time is not waiting"
        );
    }
}

#[test]
fn transfers_send_a_share_of_chats_to_another_team() {
    let s = scenario(&format!(
        r#"
name = "transfers"
{SIMULATION}
[[teams]]
name = "sales"
[[teams]]
name = "support"
[[agents]]
name = "sales"
team = "sales"
count = 4
[[agents]]
name = "support"
team = "support"
count = 4
[[arrivals]]
name = "in"
team = "sales"
rate = "1/min"
[conversation]
handle_time = {{ dist = "exponential", mean = "1m" }}
transfer_probability = 0.3
transfer_to = "support"
"#
    ));
    let runs = run(&s);
    let share: Vec<f64> = runs
        .iter()
        .map(|r| {
            r.all().metrics[Metric::Transfers as usize] / r.all().metrics[Metric::Arrivals as usize]
        })
        .collect();
    let e = estimate_at(share, 0.999);
    assert!((e.mean - 0.3).abs() <= e.half_width(), "{e:?}");
    for r in &runs {
        // Support finishes every transferred chat; every chat is resolved once.
        assert_eq!(
            group(r, 1, GroupMetric::ChatsHandled),
            r.all().metrics[Metric::Transfers as usize]
        );
        assert_eq!(
            r.all().metrics[Metric::Resolved as usize],
            r.all().metrics[Metric::Arrivals as usize]
        );
    }
}

#[test]
fn customers_who_gave_up_come_back_as_new_contacts() {
    let text = |p: f64| {
        format!(
            r#"
name = "returns"
{SIMULATION}
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
count = 2
shifts = ["mon-sun 08:00-20:00"]
[[arrivals]]
name = "in"
team = "t"
rate = "4/h"
[customers]
patience = {{ dist = "exponential", mean = "10m" }}
return_probability = {p}
return_after = {{ dist = "exponential", mean = "2h" }}
[conversation]
handle_time = {{ dist = "exponential", mean = "5m" }}
"#
        )
    };
    let without = run(&scenario(&text(0.0)));
    let with = run(&scenario(&text(1.0)));
    for (a, b) in without.iter().zip(&with) {
        // The same customers arrive (common random numbers); returns add contacts, mostly
        // night-time customers retrying until the morning.
        assert!(
            b.all().metrics[Metric::Arrivals as usize]
                > a.all().metrics[Metric::Arrivals as usize] * 1.2
        );
        assert!(
            b.all().metrics[Metric::Served as usize] > a.all().metrics[Metric::Served as usize]
        );
    }
}

#[test]
fn a_transfer_to_an_agent_group_happens_only_when_one_is_available() {
    // guide `routing.md#transfers`: a chat can be transferred to an agent only if that agent is
    // available. The specialists work 08:00-12:00, a sixth of the day, so a sixth of the 30% of
    // chats that would be transferred are; the rest are finished by the agent who has them.
    let s = scenario(&format!(
        r#"
name = "to-agents"
{SIMULATION}
[[teams]]
name = "t"
[[teams]]
name = "experts"
[[agents]]
name = "front"
team = "t"
count = 5
[[agents]]
name = "specialists"
team = "experts"
count = 2
capacity = 10
shifts = ["mon-sun 08:00-12:00"]
[[arrivals]]
name = "in"
team = "t"
rate = "1/min"
[conversation]
handle_time = {{ dist = "exponential", mean = "1m" }}
transfer_probability = 0.3
transfer_to = {{ group = "specialists" }}
"#
    ));
    let runs = run(&s);
    let share: Vec<f64> = runs
        .iter()
        .map(|r| {
            r.all().metrics[Metric::Transfers as usize] / r.all().metrics[Metric::Arrivals as usize]
        })
        .collect();
    let e = estimate_at(share, 0.999);
    assert!((e.mean - 0.3 / 6.0).abs() <= e.half_width(), "{e:?}");
    for r in &runs {
        assert_eq!(
            r.all().metrics[Metric::Resolved as usize],
            r.all().metrics[Metric::Arrivals as usize]
        );
        assert_eq!(
            group(r, 1, GroupMetric::ChatsHandled),
            r.all().metrics[Metric::Transfers as usize]
        );
    }
}
