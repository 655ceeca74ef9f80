//! The turn model of guide `scenarios.md#conversation` end to end: conversations of timed messages,
//! replies stretched by the agent's load, the real first reply, patience before it and during the
//! conversation.

use ccsim::stats::collector::ReplicationStats;
use ccsim::stats::metrics::{GroupMetric, Metric};

use crate::{replications, scenario};

/// One team, `agents` agents of capacity `capacity`, 1 chat per 10 minutes, constant times.
fn talk(
    agents: u32,
    capacity: u32,
    extra_conversation: &str,
    customers: &str,
    slowdown: f64,
) -> Vec<ReplicationStats> {
    let text = format!(
        r#"
name = "turns"
[simulation]
horizon = "7d"
replications = 4
seed = 9
service_level_target = "40s"
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
rate = "6/h"
{customers}
[conversation]
turns = 3
first_reply = {{ dist = "constant", value = "30s" }}
agent_reply = {{ dist = "constant", value = "45s" }}
customer_reply = {{ dist = "constant", value = "1m" }}
wrap_up = {{ dist = "constant", value = "20s" }}
concurrency_slowdown = {slowdown}
{extra_conversation}
"#
    );
    replications(&scenario(&text))
}

fn m(r: &ReplicationStats, metric: Metric) -> f64 {
    r.all().metrics[metric as usize]
}

#[test]
fn a_conversation_takes_its_messages_and_the_first_reply_is_the_real_one() {
    // Plenty of agents: nobody waits. Each chat: first reply at 30 s, then two exchanges of
    // 1 min + 45 s, then 20 s wrap-up: 260 s in a slot.
    for r in talk(20, 3, "", "", 0.0) {
        let arrivals = m(&r, Metric::Arrivals);
        assert!(arrivals > 900.0);
        assert_eq!(m(&r, Metric::MeanWait), 0.0);
        assert!(
            (m(&r, Metric::MeanTtfr) - 0.5).abs() < 1e-9,
            "first reply after 30 s"
        );
        assert_eq!(
            m(&r, Metric::ServiceLevel),
            1.0,
            "30 s is within the 40 s target"
        );
        assert_eq!(m(&r, Metric::Resolved), arrivals);
        // Busy slot-time is 260 s per chat over 20 agents × 3 slots × 7 days.
        let busy = arrivals * 260.0 / (20.0 * 3.0 * 7.0 * 86_400.0);
        assert!(
            (m(&r, Metric::Occupancy) - busy).abs() < 1e-3,
            "{} vs {busy}",
            m(&r, Metric::Occupancy)
        );
    }
}

#[test]
fn a_busy_agent_replies_more_slowly() {
    // guide `scenarios.md#conversation`: replies stretch by 1 + s(k - 1). One agent of capacity 10
    // with s = 1: a chat that starts while another is open gets its first reply after 60 s, not 30
    // s, and misses the 40 s target.
    let alone = talk(1, 10, "", "", 0.0);
    let busy = talk(1, 10, "", "", 1.0);
    for (a, b) in alone.iter().zip(&busy) {
        assert!((m(a, Metric::MeanTtfr) - 0.5).abs() < 1e-9);
        assert!(m(b, Metric::MeanTtfr) > 0.55, "{}", m(b, Metric::MeanTtfr));
        assert!(m(b, Metric::ServiceLevel) < 0.9);
        assert!(m(b, Metric::ServiceLevel) > 0.2);
    }
}

#[test]
fn patience_runs_until_the_first_reply_not_just_until_an_agent_starts() {
    // guide `scenarios.md#customers`: in the turn model a customer waiting for the first reply may
    // leave while the agent is writing it. Patience 20 s < the 30 s first reply: every customer
    // leaves, none waited for an agent.
    let customers = "[customers]\npatience = { dist = \"constant\", value = \"20s\" }";
    for r in talk(20, 3, "", customers, 0.0) {
        assert_eq!(m(&r, Metric::Abandoned), m(&r, Metric::Arrivals));
        assert_eq!(m(&r, Metric::Served), 0.0);
        assert_eq!(m(&r, Metric::MeanWait), 0.0);
        assert_eq!(group_handled(&r), 0.0);
    }
}

fn group_handled(r: &ReplicationStats) -> f64 {
    r.groups[0][GroupMetric::ChatsHandled as usize]
}

#[test]
fn customers_leave_a_conversation_when_a_later_reply_takes_too_long() {
    // patience_in_conversation 30 s < every 45 s later reply: each customer gets the first
    // reply, writes once, and leaves.
    let customers =
        "[customers]\npatience_in_conversation = { dist = \"constant\", value = \"30s\" }";
    for r in talk(20, 3, "", customers, 0.0) {
        let arrivals = m(&r, Metric::Arrivals);
        assert_eq!(m(&r, Metric::Served), arrivals);
        assert_eq!(m(&r, Metric::AbandonedInConversation), arrivals);
        assert_eq!(m(&r, Metric::Resolved), 0.0);
    }
}

#[test]
fn a_silent_customer_ends_the_conversation() {
    // customer_silent_probability 1: after the first reply nobody writes again; the agent
    // wraps up: 50 s in a slot.
    for r in talk(20, 3, "customer_silent_probability = 1.0", "", 0.0) {
        let arrivals = m(&r, Metric::Arrivals);
        assert_eq!(m(&r, Metric::Resolved), arrivals);
        let busy = arrivals * 50.0 / (20.0 * 3.0 * 7.0 * 86_400.0);
        assert!((m(&r, Metric::Occupancy) - busy).abs() < 1e-4);
    }
}
