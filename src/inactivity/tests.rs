//! Rule-by-rule tests of inactivity management, citing guide
//! `inactivity.md#actions-move-close-reassign`.

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
        on_hold: None,
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
    // guide `inactivity.md#flows-per-queue-kind`: "tempo limite para que a Omni mude o status da
    // conversa e alerte o vendedor pela 1ª vez", then the 2nd, then "uma ação ... quando a conversa
    // passar do tempo limite".
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
    // guide `inactivity.md#flows-per-queue-kind`: "Fluxo alternativo ... definir quais times devem
    // ser tratados como exceção".
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
    // guide `inactivity.md#episodes-when-the-clock-runs`: three queues — "Fila do time", "Fila do
    // vendedor", "Fila aguardando".
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
    // guide `inactivity.md#snooze`: while snoozed ("adiar") inactivity management does not act,
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
    // guide `inactivity.md#auto-close`: auto-close closes conversations left long without
    // interaction, counting the time since the last message of either side.
    assert_eq!(rules().auto_close_at(7 * MINUTE), Some(37 * MINUTE));
    assert_eq!(Rules::default().auto_close_at(7 * MINUTE), None);
}

fn hold(after_silence: Option<i64>, resume: Resume) -> OnHold {
    OnHold {
        after_silence: after_silence.map(|m| m * MINUTE),
        close_after: 60 * MINUTE,
        resume,
    }
}

#[test]
fn a_chat_is_put_on_hold_when_its_customer_stays_silent_past_the_threshold() {
    // guide `inactivity.md#on-hold`: placed on hold automatically after N minutes without a
    // customer message, counted from the agent's last reply.
    let h = hold(Some(5), Resume::Agent);
    assert_eq!(h.hold_at(10 * MINUTE, None), Some(15 * MINUTE));
    assert_eq!(h.hold_at(10 * MINUTE, Some(20 * MINUTE)), Some(15 * MINUTE));
    assert_eq!(
        h.hold_at(10 * MINUTE, Some(14 * MINUTE)),
        None,
        "the customer wrote first"
    );
    assert_eq!(
        h.hold_at(10 * MINUTE, Some(15 * MINUTE)),
        None,
        "a message at the deadline itself keeps the chat"
    );
    assert_eq!(
        hold(None, Resume::Agent).hold_at(0, None),
        None,
        "by hand only"
    );
}

#[test]
fn a_held_chat_has_its_own_close_timer_from_the_moment_it_was_held() {
    // guide `inactivity.md#on-hold`: held chats are closed after `close_after` on hold,
    // whatever general auto-close says.
    assert_eq!(
        hold(Some(5), Resume::Agent).close_at(15 * MINUTE),
        75 * MINUTE
    );
}

#[test]
fn a_resumed_chat_goes_back_to_its_agent_only_if_that_agent_can_take_it() {
    // guide `inactivity.md#on-hold`: `resume = "agent"` returns it to the same agent when
    // online with a free slot, else to the team's queue; `resume = "queue"` always queues.
    let agent = hold(Some(5), Resume::Agent);
    assert_eq!(agent.resume_to(true), ResumeTo::Agent);
    assert_eq!(agent.resume_to(false), ResumeTo::Queue);
    let queue = hold(Some(5), Resume::Queue);
    assert_eq!(queue.resume_to(true), ResumeTo::Queue);
}
