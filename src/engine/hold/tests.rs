//! On-hold and silent abandonment, rule by rule (guide `inactivity.md#on-hold`, `[customers]`).

use super::super::testkit::*;
use super::*;
use crate::stats::metrics::Metric;
use crate::time::{self, MINUTE, SECOND};

/// One agent of capacity 1; the agent replies in 10 s, the customer after `customer`.
fn held(customer: &str, on_hold: &str) -> Scenario {
    parse(&format!(
        r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
capacity = 1
shifts = ["mon-sun 00:00-24:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[conversation]
turns = 3
first_reply = {{ dist = "constant", value = "10s" }}
agent_reply = {{ dist = "constant", value = "10s" }}
customer_reply = {{ dist = "constant", value = "{customer}" }}
[inactivity.on_hold]
{on_hold}
"#
    ))
}

fn metric(sim: Sim, m: Metric) -> f64 {
    sim.stats.finish().all().metrics[m as usize]
}

#[test]
fn a_silent_customer_puts_the_chat_on_hold_which_frees_the_slot_until_they_write() {
    // guide `inactivity.md#on-hold`: after `after_silence` without a customer message the
    // chat goes on hold, off the agent's slot; when the customer writes it comes back to the
    // same agent, who has a free slot.
    let s = held(
        "10m",
        r#"after_silence = "2m"
close_after = "1h""#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    let id = inject_talk(&mut sim, 3);
    let me = AgentId(0);
    run_until(&mut sim, 2 * MINUTE);
    assert_eq!(
        sim.router.holder(id),
        Some(me),
        "held 2 min after the 10 s reply"
    );
    run_until(&mut sim, 2 * MINUTE + 10 * SECOND);
    assert_eq!(sim.chats[id.index as usize].state, ChatState::OnHold);
    assert_eq!(sim.router.agent(me).held, 0, "the slot is free");
    assert_eq!(sim.stats.levels.busy_slots, 0.0);
    // The customer writes 10 min after the reply: back with the same agent, who answers.
    run_until(&mut sim, 10 * MINUTE + 10 * SECOND);
    assert_eq!(sim.router.holder(id), Some(me));
    let talk = &sim.talks[id.index as usize];
    assert!(talk.unanswered && talk.episode.is_none());
    assert_eq!(metric(sim, Metric::Holds), 1.0);
}

#[test]
fn a_held_chat_whose_agent_is_full_resumes_through_the_queue() {
    // guide `inactivity.md#on-hold`: `resume = "agent"` returns the chat to its agent only
    // when that agent has a free slot; otherwise the chat waits in the team's queue.
    let s = held(
        "10m",
        r#"after_silence = "2m"
close_after = "1h""#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    let id = inject_talk(&mut sim, 3);
    // Another chat takes the freed slot at 9 min; its own hold would come at 11m10s.
    run_until(&mut sim, 9 * MINUTE);
    let other = inject_talk(&mut sim, 3);
    assert_eq!(
        sim.router.holder(other),
        Some(AgentId(0)),
        "the freed slot took it"
    );
    run_until(&mut sim, 10 * MINUTE + 10 * SECOND);
    assert_eq!(sim.router.holder(id), None);
    assert_eq!(sim.router.waiting(QueueId(0)), 1);
    assert_eq!(sim.chats[id.index as usize].state, ChatState::Waiting);
}

#[test]
fn resume_queue_always_sends_the_chat_back_through_the_team_queue() {
    let s = held(
        "10m",
        r#"after_silence = "2m"
close_after = "1h"
resume = "queue""#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    let id = inject_talk(&mut sim, 3);
    run_until(&mut sim, 10 * MINUTE + 10 * SECOND);
    // The queue hands it to the only agent, free: through routing, not straight back.
    assert_eq!(sim.router.holder(id), Some(AgentId(0)));
    assert_eq!(
        sim.chats[id.index as usize].queued_at, 0,
        "its first wait stays"
    );
    let s = held(
        "10m",
        r#"after_reply = "100%"
close_after = "1h"
resume = "queue""#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    let id = inject_talk(&mut sim, 3);
    run_until(&mut sim, 10 * SECOND);
    assert_eq!(
        sim.chats[id.index as usize].state,
        ChatState::OnHold,
        "held by hand right after the reply"
    );
}

#[test]
fn a_held_chat_is_closed_by_its_own_timer_and_counted_as_auto_closed() {
    // guide `inactivity.md#on-hold`: held chats have their own auto-close timer.
    let s = held(
        "5h",
        r#"after_silence = "2m"
close_after = "30m""#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    inject_talk(&mut sim, 3);
    let ends = run_until(&mut sim, 3 * time::HOUR);
    assert_eq!(ends, vec![32 * MINUTE + 10 * SECOND]);
    assert_eq!(sim.live, 0);
    let stats = sim.stats.finish();
    let m = &stats.all().metrics;
    assert_eq!(
        (
            m[Metric::Holds as usize],
            m[Metric::HoldClosed as usize],
            m[Metric::AutoClosed as usize]
        ),
        (1.0, 1.0, 1.0)
    );
}

/// The customer answers in 30 s and waits 1 min for later replies, which take 5 min:
/// after the first exchange they give up, `silent` of them without a word.
fn leaving(silent: &str, extra: &str) -> Scenario {
    parse(&format!(
        r#"
[[teams]]
name = "a"
[[agents]]
name = "g"
team = "a"
shifts = ["mon-sun 00:00-24:00"]
[[arrivals]]
name = "in"
team = "a"
rate = "1/d"
[customers]
patience_in_conversation = {{ dist = "constant", value = "1m" }}
silent_abandonment = "{silent}"
{extra}
[conversation]
turns = 3
first_reply = {{ dist = "constant", value = "10s" }}
agent_reply = {{ dist = "constant", value = "5m" }}
customer_reply = {{ dist = "constant", value = "30s" }}
"#
    ))
}

#[test]
fn a_customer_who_leaves_silently_keeps_the_slot_until_the_agent_notices() {
    // guide `scenarios.md#customers`: a silent leaver's chat stays on the agent's slot; the agent
    // replies at 5m40s, then closes it 10 min later. The slot was held 14 min for nobody
    // (from the leaving at 1m40s).
    let s = leaving(
        "100%",
        r#"silent_noticed_after = { dist = "constant", value = "10m" }"#,
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    inject_talk(&mut sim, 3);
    assert_eq!(
        run_until(&mut sim, time::HOUR),
        vec![15 * MINUTE + 40 * SECOND]
    );
    let stats = sim.stats.finish();
    let m = &stats.all().metrics;
    assert_eq!(m[Metric::SilentAbandoned as usize], 1.0);
    assert_eq!(m[Metric::AbandonedInConversation as usize], 0.0);
    assert!((m[Metric::SilentHeldHours as usize] - 14.0 / 60.0).abs() < 1e-9);
}

#[test]
fn a_customer_who_says_they_leave_frees_the_slot_at_once() {
    let s = leaving("0%", "");
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    inject_talk(&mut sim, 3);
    assert_eq!(run_until(&mut sim, time::HOUR), vec![MINUTE + 40 * SECOND]);
    let stats = sim.stats.finish();
    let m = &stats.all().metrics;
    assert_eq!(m[Metric::AbandonedInConversation as usize], 1.0);
    assert!(
        m[Metric::SilentAbandoned as usize].is_nan(),
        "not reported when unused"
    );
}

#[test]
fn auto_close_ends_a_silent_leavers_chat_which_counts_as_silent_not_auto_closed() {
    // guide `scenarios.md#customers`: auto-close fires 20 min after the agent's last reply; the
    // chat ends as a silent abandonment, since its customer had gone.
    let s = leaving("100%", "[inactivity.auto_close]\nafter = \"20m\"");
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    inject_talk(&mut sim, 3);
    assert_eq!(
        run_until(&mut sim, time::HOUR),
        vec![25 * MINUTE + 40 * SECOND]
    );
    let stats = sim.stats.finish();
    let m = &stats.all().metrics;
    assert_eq!(m[Metric::SilentAbandoned as usize], 1.0);
    assert_eq!(m[Metric::AutoClosed as usize], 0.0);
}

#[test]
fn on_hold_frees_a_silent_leavers_slot_early() {
    // guide `inactivity.md#on-hold` against silent abandonment: held 3 min after the 5m40s
    // reply, the slot was held 7 min for nobody, not until the 1 h timer.
    let s = leaving(
        "100%",
        "[inactivity.on_hold]\nafter_silence = \"3m\"\nclose_after = \"1h\"",
    );
    let mut sim = quiet(&s);
    run_until(&mut sim, 0);
    inject_talk(&mut sim, 3);
    assert_eq!(
        run_until(&mut sim, 2 * time::HOUR),
        vec![time::HOUR + 8 * MINUTE + 40 * SECOND]
    );
    let stats = sim.stats.finish();
    let m = &stats.all().metrics;
    assert_eq!(m[Metric::SilentAbandoned as usize], 1.0);
    assert_eq!(m[Metric::HoldClosed as usize], 1.0);
    assert!((m[Metric::SilentHeldHours as usize] - 7.0 / 60.0).abs() < 1e-9);
}
