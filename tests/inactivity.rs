//! Inactivity management end to end (guide `inactivity.md#flows-per-queue-kind`): alert times,
//! actions, exceptions, auto-close and snooze, on conversations whose timing is known exactly.

use ccsim::stats::collector::ReplicationStats;
use ccsim::stats::metrics::{GroupMetric, IntervalMetric, Metric};

use crate::{replications, scenario};

/// Constant conversations: first reply 30 s, 3 agent messages, customer answers after 1 min.
fn run(agents: &str, conversation: &str, inactivity: &str) -> Vec<ReplicationStats> {
    let text = format!(
        r#"
name = "inactivity"
[simulation]
horizon = "7d"
interval = "1h"
replications = 3
seed = 4
[[teams]]
name = "vendas"
[[teams]]
name = "plantao"
{agents}
[[arrivals]]
name = "in"
team = "vendas"
rate = "4/h"
[conversation]
turns = 3
first_reply = {{ dist = "constant", value = "30s" }}
customer_reply = {{ dist = "constant", value = "1m" }}
{conversation}
{inactivity}
"#
    );
    replications(&scenario(&text))
}

const ALWAYS: &str = r#"
[[agents]]
name = "vendas"
team = "vendas"
count = 10
capacity = 3
[[agents]]
name = "plantao"
team = "plantao"
count = 10
capacity = 3
"#;

fn m(r: &ReplicationStats, metric: Metric) -> f64 {
    r.all().metrics[metric as usize]
}

#[test]
fn alerts_fire_when_a_reply_is_later_than_their_time() {
    // Agent queue flow 1st alert at 1 min, 2nd at 2 min; later replies take 90 s: each of the
    // two customer messages per chat raises a 1st alert and no 2nd. The first reply (30 s)
    // raises none.
    let flow = "[inactivity.agent_queue]\nfirst_alert = \"1m\"\nsecond_alert = \"2m\"";
    for r in run(
        ALWAYS,
        "agent_reply = { dist = \"constant\", value = \"90s\" }",
        flow,
    ) {
        let chats = m(&r, Metric::Arrivals);
        assert_eq!(m(&r, Metric::FirstAlerts), 2.0 * chats);
        assert_eq!(m(&r, Metric::SecondAlerts), 0.0);
        assert_eq!(m(&r, Metric::Resolved), chats);
        // Each chat spends 2 × 30 s in the 1st alert state: 4 chats/h × 60 s = 4 min per hour.
        let mean: f64 = r
            .all()
            .intervals
            .iter()
            .map(|i| i[IntervalMetric::FirstAlertAgentQueue as usize])
            .sum::<f64>()
            / r.all().intervals.len() as f64;
        assert!(
            (mean - 4.0 / 60.0).abs() < 0.01,
            "{mean} chats in 1st alert on average"
        );
    }
}

#[test]
fn the_action_moves_a_waiting_chat_to_another_team() {
    // Sales works 08:00-20:00; the team-queue flow moves chats unanswered for 5 minutes to the
    // on-call team: night chats go there, day chats never wait that long.
    let agents = r#"
[[agents]]
name = "vendas"
team = "vendas"
count = 10
capacity = 3
shifts = ["mon-sun 08:00-20:00"]
[[agents]]
name = "plantao"
team = "plantao"
count = 10
capacity = 3
"#;
    let flow = "[inactivity.team_queue]\nfirst_alert = \"2m\"\nsecond_alert = \"4m\"\naction = { after = \"5m\", transfer_to = \"plantao\" }\nexceptions = [{ teams = [\"plantao\"], first_alert = \"1m\", second_alert = \"2m\" }]";
    for r in run(
        agents,
        "agent_reply = { dist = \"constant\", value = \"45s\" }",
        flow,
    ) {
        let chats = m(&r, Metric::Arrivals);
        let moved = m(&r, Metric::InactivityTransfers);
        // Half the day is night: about half the chats are moved (binomial, 4 sd).
        let sd = (chats * 0.25).sqrt();
        assert!((moved - chats / 2.0).abs() < 4.0 * sd, "{moved} of {chats}");
        // Every moved chat was alerted twice first; a few more were alerted but answered when
        // the shift started, before the action (those that came in just before 08:00).
        let (first, second) = (m(&r, Metric::FirstAlerts), m(&r, Metric::SecondAlerts));
        assert!(
            first >= second && second >= moved,
            "{first} ≥ {second} ≥ {moved}"
        );
        assert!(
            first - moved <= 7.0 * 4.0 * 5.0 / 60.0 * 4.0,
            "{first} alerted, {moved} moved"
        );
        // On-call finishes exactly the moved chats, after the 5 minutes and its 30 s reply.
        assert_eq!(r.groups[1][GroupMetric::ChatsHandled as usize], moved);
        assert_eq!(m(&r, Metric::Resolved), chats);
        assert!(m(&r, Metric::TtfrP90) > 5.0);
    }
}

#[test]
fn silent_chats_hold_their_slot_until_auto_close() {
    // guide `inactivity.md#auto-close`: conversations "que ficarem muito tempo sem interação" are
    // closed. A customer who never writes again keeps the agent's slot until auto-close, 10 minutes
    // after the first reply.
    let conversation =
        "agent_reply = { dist = \"constant\", value = \"45s\" }\ncustomer_silent_probability = 1.0";
    for r in run(
        ALWAYS,
        conversation,
        "[inactivity.auto_close]\nafter = \"10m\"",
    ) {
        let chats = m(&r, Metric::Arrivals);
        assert_eq!(m(&r, Metric::AutoClosed), chats);
        assert_eq!(m(&r, Metric::Resolved), 0.0);
        assert_eq!(m(&r, Metric::Served), chats);
        // 30 s + 10 min in a slot per chat, over 10 agents × 3 slots.
        let busy = chats * 630.0 / (10.0 * 3.0 * 7.0 * 86_400.0);
        assert!((r.groups[0][GroupMetric::Occupancy as usize] - busy).abs() < 1e-4);
    }
}

#[test]
fn a_snoozed_chat_is_left_alone_and_its_clock_restarts_when_the_snooze_ends() {
    // Every reply takes 3 minutes and the flow closes chats unanswered for 4. Each customer message
    // is snoozed for 10 minutes: counted from the message the chat would be closed, but the episode
    // restarts at the snooze's end (guide `inactivity.md#snooze`), so the reply comes
    // 3 minutes into it, after both alerts and before the action.
    let flow = |p: f64| {
        format!(
            "[inactivity.agent_queue]\nfirst_alert = \"1m\"\nsecond_alert = \"2m\"\naction = {{ after = \"4m\", close = true }}\n\
             [inactivity.snooze]\nprobability = {p}\nduration = {{ dist = \"constant\", value = \"10m\" }}"
        )
    };
    let reply = "agent_reply = { dist = \"constant\", value = \"3m\" }";
    for r in run(ALWAYS, reply, &flow(1.0)) {
        let chats = m(&r, Metric::Arrivals);
        assert_eq!(
            m(&r, Metric::AutoClosed),
            0.0,
            "no action on a snoozed chat"
        );
        assert_eq!(m(&r, Metric::Resolved), chats);
        assert_eq!(m(&r, Metric::FirstAlerts), 2.0 * chats);
        assert_eq!(m(&r, Metric::SecondAlerts), 2.0 * chats);
    }
    // Without the snooze the same flow closes nobody either (3 < 4 minutes)...
    for r in run(ALWAYS, reply, &flow(0.0)) {
        assert_eq!(m(&r, Metric::AutoClosed), 0.0);
    }
    // ...but a 5-minute reply is closed at 4 minutes after the customer's message.
    for r in run(
        ALWAYS,
        "agent_reply = { dist = \"constant\", value = \"5m\" }",
        &flow(0.0),
    ) {
        assert_eq!(m(&r, Metric::AutoClosed), m(&r, Metric::Arrivals));
    }
}

/// The guide's WhatsApp store (guide `inactivity.md#tuning-inactivity-a-whatsapp-store`) with its
/// on-hold threshold set to `after_silence`: the whole centre's estimates of `metrics`.
fn whatsapp(after_silence: &str, metrics: &[Metric]) -> Vec<ccsim::stats::summary::Estimate> {
    let text = std::fs::read_to_string(crate::repo("scenarios/whatsapp.toml"))
        .unwrap()
        .replace(
            "after_silence = \"10m\"",
            &format!("after_silence = \"{after_silence}\""),
        );
    let runs = replications(&scenario(&text));
    metrics
        .iter()
        .map(|&m| ccsim::stats::pooled::metric_in(&runs, 0, m))
        .collect()
}

#[test]
fn on_hold_trades_service_level_against_customers_cut_off_as_the_guide_says() {
    // guide `inactivity.md#tuning-inactivity-a-whatsapp-store`: holding silent chats early frees
    // the slots silent leavers hold (better service level, fewer slot-hours for nobody) and cuts
    // off more slow customers; holding after auto-close has fired is worse on both. Each claim must
    // hold beyond both 95% intervals (10 replications each).
    let m = [
        Metric::ServiceLevel,
        Metric::AutoClosed,
        Metric::SilentHeldHours,
        Metric::Holds,
    ];
    let early = whatsapp("3m", &m);
    let late = whatsapp("20m", &m);
    let never = whatsapp("40m", &m);
    let above = |a: &ccsim::stats::summary::Estimate, b: &ccsim::stats::summary::Estimate| {
        a.ci_low > b.ci_high
    };
    assert!(
        above(&early[0], &late[0]),
        "service level {early:?} {late:?}"
    );
    assert!(above(&early[1], &late[1]), "auto-closed {early:?} {late:?}");
    assert!(
        above(&late[2], &early[2]),
        "silent slot-hours {early:?} {late:?}"
    );
    assert!(above(&late[0], &never[0]) || above(&early[0], &never[0]));
    assert!(
        above(&never[1], &late[1]),
        "held after auto-close: more cut off"
    );
    assert_eq!(
        never[3].mean, 0.0,
        "auto-close at 30 min comes before any hold"
    );
}

#[test]
fn the_new_rules_numbers_appear_only_in_the_files_of_scenarios_that_use_them() {
    let tmp = tempfile::tempdir().unwrap();
    let on_hold = [
        "silent_abandoned",
        "silent_held_hours",
        "holds",
        "hold_closed",
    ];
    for (file, rule) in [("whatsapp", true), ("overflow", false), ("loja", false)] {
        let out = tmp.path().join(file);
        let run = crate::ccsim()
            .arg("run")
            .arg(crate::repo(&format!("scenarios/{file}.toml")))
            .args(["-r", "2", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        let has = |metric: &str| summary.contains(&format!(",all,{metric},"));
        for metric in on_hold {
            assert_eq!(has(metric), rule, "{file}: {metric}");
        }
        // Chats taken as a secondary skill: only a centre whose groups overflow counts them.
        assert_eq!(has("overflowed"), file == "overflow", "{file}: overflowed");
    }
}
