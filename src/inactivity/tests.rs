//! Rule-by-rule tests of inactivity management, citing README `[inactivity.*]`.

use super::*;
use crate::time::MINUTE;

fn flow(first: i64, second: i64, action: Option<(i64, ActionKind)>) -> InactivityFlow {
    InactivityFlow {
        first_alert: first * MINUTE,
        second_alert: second * MINUTE,
        action: action.map(|(after, kind)| Action {
            after: after * MINUTE,
            kind,
        }),
    }
}

fn rules() -> Rules {
    Rules {
        team_queue: Some(FlowSet {
            main: flow(3, 6, Some((10, ActionKind::Transfer(TeamId(2))))),
            exceptions: vec![(vec![TeamId(2)], flow(2, 4, None))],
        }),
        agent_queue: Some(FlowSet {
            main: flow(2, 5, Some((8, ActionKind::Close))),
            exceptions: vec![],
        }),
        waiting_queue: None,
        auto_close: Some(30 * MINUTE),
        auto_close_from: 0,
    }
}

fn steps(mut e: Episode) -> Vec<(Millis, Step)> {
    let mut out = Vec::new();
    while let Some((t, _)) = e.next() {
        let s = e.advance().unwrap();
        out.push((t / MINUTE, s));
    }
    out
}

#[test]
fn alerts_then_the_action_fire_at_their_times_from_the_episode_start() {
    // README `[inactivity.*]`: "tempo limite para que a Omni mude o status da conversa e alerte o vendedor
    // pela 1ª vez", then the 2nd, then "uma ação ... quando a conversa passar do tempo limite".
    let e = rules()
        .open(QueueKind::Team, Some(TeamId(0)), 5 * MINUTE)
        .unwrap();
    assert_eq!(
        steps(e),
        vec![
            (8, Step::FirstAlert),
            (11, Step::SecondAlert),
            (15, Step::Act(ActionKind::Transfer(TeamId(2))))
        ]
    );
}

#[test]
fn an_alternative_flow_replaces_the_main_one_for_its_teams() {
    // README `[inactivity.*]`: "Fluxo alternativo ... definir quais times devem ser tratados como exceção".
    let e = rules().open(QueueKind::Team, Some(TeamId(2)), 0).unwrap();
    assert_eq!(
        steps(e),
        vec![(2, Step::FirstAlert), (4, Step::SecondAlert)],
        "no action"
    );
    let other = rules().open(QueueKind::Team, Some(TeamId(1)), 0).unwrap();
    assert_eq!(other.flow.first_alert, 3 * MINUTE);
}

#[test]
fn each_queue_kind_has_its_own_flow_and_none_runs_without_one() {
    // README `[inactivity.*]`: three queues — "Fila do time", "Fila do vendedor", "Fila aguardando".
    let r = rules();
    let agent = r.open(QueueKind::Agent, Some(TeamId(0)), 0).unwrap();
    assert_eq!(
        steps(agent).last(),
        Some(&(8, Step::Act(ActionKind::Close)))
    );
    assert!(
        r.open(QueueKind::Waiting, None, 0).is_none(),
        "no flow configured"
    );
}

#[test]
fn after_a_snooze_the_clock_starts_again_from_its_end() {
    // README `[inactivity.*]`: while snoozed ("adiar") inactivity management does not act,
    // and the episode restarts from the snooze's end, not from its old start. The engine drops
    // the episode at the snooze and opens one when it ends: green again, counted from then.
    let mut before = rules().open(QueueKind::Agent, Some(TeamId(0)), 0).unwrap();
    before.advance();
    assert_eq!(before.stage, Stage::FirstAlert);
    let after = rules()
        .open(QueueKind::Agent, Some(TeamId(0)), 20 * MINUTE)
        .unwrap();
    assert_eq!(after.stage, Stage::Green);
    assert_eq!(after.next(), Some((22 * MINUTE, Step::FirstAlert)));
}

#[test]
fn auto_close_counts_from_the_last_message() {
    // README `[inactivity.*]`: auto-close closes conversations left long without interaction,
    // counting the time since the last message of either side.
    assert_eq!(rules().auto_close_at(7 * MINUTE), Some(37 * MINUTE));
    assert_eq!(Rules::default().auto_close_at(7 * MINUTE), None);
}
