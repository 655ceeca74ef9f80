//! Chats that change hands, checked against the platform articles on whole runs' histories
//! (`--chats-log`): a refused chat never forced on an agent who has gone, a chat an inactivity
//! flow moves never handed straight back to the agent who let it wait, a supervisor who hands
//! stranded chats out instead of taking them, and a snoozed chat that stays with its agent
//! past the shift end until the snooze is over.

use ccsim::scenario::Scenario;

use crate::scenario;
use crate::seed_rules::{Row, chats};

/// 08:10 and 08:30 on the first Monday, in seconds since the clock started.
const X_GONE: f64 = 29_400.0;
const Y_ARRIVES: f64 = 30_600.0;

/// Agent x works from midnight and refuses or misses every offer after 2 minutes; y comes at
/// 08:30.
/// Chats arrive 08:00-08:10; `x_keys` says how x leaves at 08:10 (or is set Not ready).
fn refusals(x_keys: &str, team_keys: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "refusals"
[simulation]
horizon = "1d"
replications = 1
seed = 4
[[teams]]
name = "t"
{team_keys}
[[agents]]
name = "x"
team = "t"
capacity = 100
accept_delay = {{ dist = "constant", value = "2m" }}
{x_keys}
[[agents]]
name = "y"
team = "t"
capacity = 50
shifts = ["mon-sun 08:30-24:00"]
[[arrivals]]
name = "in"
team = "t"
profile = [{{ when = "mon 08:00-08:10", rate = "360/h" }}]
[conversation]
handle_time = {{ dist = "constant", value = "5m" }}
"#
    ))
}

/// Chats whose history has `what` of `who` at or after `from` and before `to`.
fn count(rows: &[Row], what: &str, who: &str, from: f64, to: f64) -> usize {
    rows.iter()
        .filter(|r| {
            r.items()
                .iter()
                .any(|&(t, w, d)| w == what && d == who && t >= from && t < to)
        })
        .count()
}

#[test]
fn a_refused_chat_is_never_forced_on_an_agent_who_is_no_longer_there() {
    // guide `routing.md#offers-refusals-and-timeouts`: refused, the chat "retorna para você" only
    // because you are still available. x refuses at 08:10 (its shift over, its break begun) or
    // misses the offer and is set Not ready: the chat goes back to the queue and y takes it at
    // 08:30. Before, it was forced on x: "refuse x#1; forced_offer x#1; start x#1" after x had
    // gone.
    let refuses = r#"refuse_probability = 1.0"#;
    // (case, x's keys, the team's keys, when x is gone, when x is back)
    let cases = [
        (
            "shift end",
            format!("{refuses}\nshifts = [\"mon-sun 00:00-08:10\"]"),
            "",
            X_GONE,
            f64::INFINITY,
        ),
        (
            "break",
            format!("{refuses}\nbreaks = [{{ at = \"08:10\", length = \"30m\" }}]"),
            "",
            X_GONE,
            X_GONE + 1800.0,
        ),
        (
            "Not ready after a missed offer",
            String::new(),
            "offer_timeout = \"20s\"\nnot_ready_on_timeout = true\nnot_ready_for = { dist = \"constant\", value = \"1h\" }",
            0.0,
            f64::INFINITY,
        ),
    ];
    for (case, x_keys, team_keys, gone, back) in cases {
        let rows = chats(&refusals(&x_keys, team_keys), 0);
        assert!(rows.len() > 30, "{case}: {} chats", rows.len());
        let refused = if team_keys.is_empty() {
            "refuse"
        } else {
            "timeout"
        };
        assert_eq!(
            count(&rows, "forced_offer", "x#1", gone, back),
            0,
            "{case}: forced on x while x was away"
        );
        let after = count(&rows, refused, "x#1", gone, back);
        assert!(after > 0, "{case}: no chat was refused after x left");
        let by_y = count(&rows, "start", "y#1", Y_ARRIVES, Y_ARRIVES + 1.0);
        assert!(by_y >= after, "{case}: y took {by_y} at 08:30 of {after}");
        for r in &rows {
            assert_eq!(r.outcome, "resolved", "{case}: {}", r.history);
        }
    }
}

/// Two teams served by the same two agents, of capacity 3 and 1; the agent-queue flow moves a
/// chat its agent has not answered in 3 minutes to team w, where an exception ends the chain.
fn moved(flow_end: &str) -> String {
    format!(
        r#"
name = "moved"
[simulation]
horizon = "7d"
replications = 1
seed = 12
[[teams]]
name = "v"
[[teams]]
name = "w"
[[agents]]
name = "big"
teams = ["v", "w"]
capacity = 3
[[agents]]
name = "small"
teams = ["v", "w"]
capacity = 1
[[arrivals]]
name = "in"
team = "v"
rate = "1/h"
[conversation]
turns = 2
first_reply = {{ dist = "constant", value = "10m" }}
agent_reply = {{ dist = "constant", value = "30s" }}
customer_reply = {{ dist = "constant", value = "1m" }}
[inactivity.agent_queue]
first_alert = "1m"
second_alert = "2m"
action = {{ after = "3m", transfer_to = "w" }}
{flow_end}
"#
    )
}

#[test]
fn a_chat_moved_out_of_an_agents_queue_is_not_handed_straight_back_to_that_agent() {
    // guide `inactivity.md#actions-move-close-reassign` moves the chat "para um outro time". The
    // agent does not answer within 3 minutes; the chat moves to w, which the same two agents serve:
    // it goes to the other agent whenever that one has a free slot. Capacity distribution alone
    // would hand it straight back to `big`, whose slots are the most free once the chat has left
    // it.
    let s = scenario(&moved(
        "exceptions = [{ teams = [\"w\"], first_alert = \"1m\", second_alert = \"2m\" }]",
    ));
    let rows = chats(&s, 0);
    // Who held a chat when: from its start to its move or its end.
    let mut holds: Vec<(&str, f64, f64)> = Vec::new();
    for r in &rows {
        let items = r.items();
        for (i, &(t, what, who)) in items.iter().enumerate() {
            if what == "start" {
                let to = items[i..]
                    .iter()
                    .find(|x| x.1 == "inactivity_transfer")
                    .map_or(r.ended, |x| x.0);
                holds.push((who, t, to));
            }
        }
    }
    let held = |who: &str, t: f64| {
        holds
            .iter()
            .filter(|&&(a, from, to)| a == who && from < t && t < to)
            .count()
    };
    let (mut moves, mut other_free) = (0, 0);
    for r in &rows {
        let items = r.items();
        for (i, &(t, what, _)) in items.iter().enumerate() {
            if what != "inactivity_transfer" {
                continue;
            }
            moves += 1;
            let before = items[..i].iter().rev().find(|x| x.1 == "start").unwrap().2;
            let (other, capacity) = if before == "big#1" {
                ("small#1", 1)
            } else {
                ("big#1", 3)
            };
            if held(other, t) >= capacity {
                continue;
            }
            other_free += 1;
            let next = items[i..].iter().find(|x| x.1 == "start").unwrap();
            assert_eq!((next.0, next.2), (t, other), "{}", r.history);
        }
    }
    assert!(
        moves > 100 && other_free > 100,
        "{moves} moves, {other_free} to a free agent"
    );
}

#[test]
fn agent_queue_actions_that_lead_back_to_their_own_team_are_refused() {
    // Before, the agent-queue flow's move "to w" of a chat in team w handed it straight back
    // to the same agent, 46 times in one run with no first reply. Such a flow is refused at
    // the `transfer_to`, as are chains that go round.
    let refused = |text: &str| {
        Scenario::parse(text, std::path::Path::new("moved.toml"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let itself = refused(&moved(""));
    assert!(
        itself.contains("moved.toml:")
            && itself.contains("inactivity.agent_queue.action.transfer_to")
            && itself.contains("\"w\", whose agents' chats this same flow governs"),
        "{itself}"
    );
    let round = refused(&moved(
        "exceptions = [{ teams = [\"w\"], first_alert = \"1m\", second_alert = \"2m\", action = { transfer_to = \"v\" } }]",
    ));
    assert!(
        round.contains("agent-queue flows move an unanswered chat round v → w → v"),
        "{round}"
    );
}

/// Chats come in 07:00-08:00 to a sequential team whose two agents and supervisor start at
/// 08:00; the supervisor looks at the queue every 10 minutes.
fn stranded(assign: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "stranded"
[simulation]
horizon = "1d"
replications = 1
seed = 3
[[teams]]
name = "t"
distribution = "sequential"
[[agents]]
name = "a"
team = "t"
count = 2
capacity = 1
shifts = ["mon-sun 08:00-20:00"]
[[agents]]
name = "s"
team = "t"
role = "supervisor"
capacity = 1
shifts = ["mon-sun 08:00-20:00"]
pickup = {{ every = {{ dist = "constant", value = "10m" }}{assign} }}
[[arrivals]]
name = "in"
team = "t"
profile = [{{ when = "mon-sun 07:00-08:00", rate = "8/h" }}]
[conversation]
handle_time = {{ dist = "constant", value = "3h" }}
"#
    ))
}

#[test]
fn a_supervisor_distributes_stranded_chats_instead_of_taking_them() {
    // guide `routing.md#manual-takes-supervisors-and-admins`: chats that came before anyone was
    // online "não serão distribuídas automaticamente. Um supervisor poderá distribuí-las". With
    // `assign`, the supervisor's first look at the queue hands one to each idle agent; without it,
    // the supervisor takes one itself (its capacity) and the agents, online and idle, get nothing.
    let first_look = |rows: &[Row], who: &str| -> Vec<f64> {
        rows.iter()
            .flat_map(|r| r.items())
            .filter(|&(_, what, d)| what == "start" && d.starts_with(who))
            .map(|(t, _, _)| t)
            .collect()
    };
    let rows = chats(&stranded(", assign = true"), 0);
    assert!(rows.len() >= 3, "{} chats", rows.len());
    let by_agents = first_look(&rows, "a#");
    assert!(by_agents.len() >= 2, "{by_agents:?}");
    assert_eq!(by_agents[0], by_agents[1], "both at the same look");
    assert!(by_agents[0] <= 8.0 * 3600.0 + 600.0);
    assert!(
        first_look(&rows, "s#").is_empty(),
        "the supervisor took a chat"
    );
    let rows = chats(&stranded(""), 0);
    let by_supervisor = first_look(&rows, "s#");
    assert!(by_supervisor[0] <= 8.0 * 3600.0 + 600.0);
    assert!(
        by_supervisor.len() < rows.len(),
        "one slot, held for 3 hours"
    );
    assert!(first_look(&rows, "a#").is_empty());
}

#[test]
fn a_snoozed_chat_stays_with_its_agent_past_the_shift_end_until_the_snooze_ends() {
    // guide `inactivity.md#snooze`: "a conversa permanecerá com o vendedor até que o tempo de
    // adiamento seja finalizado". a hands its chats back at 09:00 (`requeue`) and snoozes every
    // chat for 20 minutes after each reply: the snoozed ones go back to the queue (and to b) when
    // their snooze ends, not at 09:00. Before, all were requeued at 09:00.
    let s = scenario(
        r#"
name = "snooze-shift"
[simulation]
horizon = "1d"
replications = 2
seed = 5
[[teams]]
name = "t"
[[agents]]
name = "a"
team = "t"
capacity = 50
shifts = ["mon-sun 08:00-09:00"]
on_shift_end = "requeue"
[[agents]]
name = "b"
team = "t"
capacity = 50
shifts = ["mon-sun 09:00-24:00"]
[[arrivals]]
name = "in"
team = "t"
profile = [{ when = "mon-sun 08:00-09:00", rate = "30/h" }]
[conversation]
turns = 3
first_reply = { dist = "constant", value = "30s" }
agent_reply = { dist = "constant", value = "30s" }
customer_reply = { dist = "constant", value = "1m" }
[inactivity.agent_queue]
first_alert = "2h"
second_alert = "3h"
[inactivity.snooze]
after_reply = 1.0
duration = { dist = "constant", value = "20m" }
"#,
    );
    let mut late = 0;
    for r in 0..2 {
        for row in chats(&s, r) {
            let mut snoozed = false;
            for (t, what, _) in row.items() {
                match what {
                    "snooze" => snoozed = true,
                    "snooze_end" | "resume" => snoozed = false,
                    "requeue" => {
                        assert!(!snoozed, "requeued while snoozed: {}", row.history);
                        late += (t > 9.0 * 3600.0) as usize;
                    }
                    _ => {}
                }
            }
            assert_eq!(row.outcome, "resolved", "{}", row.history);
        }
    }
    assert!(late > 20, "{late} chats went back when their snooze ended");
}
