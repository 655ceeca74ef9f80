//! The names of every reported number, in report order (SPEC §6).

macro_rules! metric_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const COUNT: usize = $name::ALL.len();

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_name(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|m| m.name() == text)
            }
        }
    };
}

metric_enum!(
    /// Per-replication KPIs of `summary.csv`.
    Metric {
        Arrivals => "arrivals",
        BotResolved => "bot_resolved",
        Served => "served",
        Resolved => "resolved",
        Abandoned => "abandoned",
        AbandonedInConversation => "abandoned_in_conversation",
        Unfinished => "unfinished",
        AbandonRate => "abandon_rate",
        PWait => "p_wait",
        MeanWait => "mean_wait",
        MeanWaitServed => "mean_wait_served",
        WaitP50 => "wait_p50",
        WaitP90 => "wait_p90",
        WaitP95 => "wait_p95",
        WaitP99 => "wait_p99",
        MeanTtfr => "mean_ttfr",
        TtfrP90 => "ttfr_p90",
        ServiceLevel => "service_level",
        ServiceLevelAnswered => "service_level_answered",
        Occupancy => "occupancy",
        AutoClosed => "auto_closed",
        FirstAlerts => "first_alerts",
        SecondAlerts => "second_alerts",
        InactivityTransfers => "inactivity_transfers",
        Refusals => "refusals",
        Transfers => "transfers",
        Stranded => "stranded",
        Unplaced => "unplaced",
    }
);

metric_enum!(
    /// Per-interval columns of `intervals.csv`.
    IntervalMetric {
        Arrivals => "arrivals",
        AbandonRate => "abandon_rate",
        ServiceLevel => "service_level",
        MeanWait => "mean_wait",
        WaitP90 => "wait_p90",
        QueueLength => "queue_length",
        AgentsOnline => "agents_online",
        Occupancy => "occupancy",
        FirstAlertTeamQueue => "first_alert_team_queue",
        SecondAlertTeamQueue => "second_alert_team_queue",
        FirstAlertAgentQueue => "first_alert_agent_queue",
        SecondAlertAgentQueue => "second_alert_agent_queue",
        FirstAlertWaitingQueue => "first_alert_waiting_queue",
        SecondAlertWaitingQueue => "second_alert_waiting_queue",
    }
);

metric_enum!(
    /// Per-agent-group metrics of `agents.csv`.
    GroupMetric {
        Occupancy => "occupancy",
        ChatsHandled => "chats_handled",
        Refusals => "refusals",
        ReadyHours => "ready_hours",
        NotReadyHours => "not_ready_hours",
        NotReadyTimeoutHours => "not_ready_timeout_hours",
        OfflineHours => "offline_hours",
    }
);
