//! The names of every reported number, in report order (guide `outputs.md`).

use super::summary::Scale;

macro_rules! metric_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal in $unit:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const COUNT: usize = $name::ALL.len();

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// What the number measures, so that no file or screen leaves it to be guessed.
            pub fn unit(self) -> Unit {
                match self { $($name::$variant => Unit::$unit),+ }
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
        Arrivals => "arrivals" in Count,
        BotResolved => "bot_resolved" in Count,
        Served => "served" in Count,
        Resolved => "resolved" in Count,
        Abandoned => "abandoned" in Count,
        AbandonedInConversation => "abandoned_in_conversation" in Count,
        SilentAbandoned => "silent_abandoned" in Count,
        SilentHeldHours => "silent_held_hours" in Hours,
        Unfinished => "unfinished" in Count,
        AbandonRate => "abandon_rate" in Fraction,
        AbandonRateQueue => "abandon_rate_queue" in Fraction,
        PWait => "p_wait" in Fraction,
        MeanWait => "mean_wait" in Minutes,
        MeanWaitServed => "mean_wait_served" in Minutes,
        WaitP50 => "wait_p50" in Minutes,
        WaitP90 => "wait_p90" in Minutes,
        WaitP95 => "wait_p95" in Minutes,
        WaitP99 => "wait_p99" in Minutes,
        MeanTtfr => "mean_ttfr" in Minutes,
        TtfrP90 => "ttfr_p90" in Minutes,
        ServiceLevel => "service_level" in Fraction,
        ServiceLevelAnswered => "service_level_answered" in Fraction,
        AnswerLevel => "answer_level" in Fraction,
        Occupancy => "occupancy" in Fraction,
        AutoClosed => "auto_closed" in Count,
        FirstAlerts => "first_alerts" in Count,
        SecondAlerts => "second_alerts" in Count,
        InactivityTransfers => "inactivity_transfers" in Count,
        Holds => "holds" in Count,
        HoldClosed => "hold_closed" in Count,
        Refusals => "refusals" in Count,
        Transfers => "transfers" in Count,
        Overflowed => "overflowed" in Count,
        Stranded => "stranded" in Count,
        Unplaced => "unplaced" in Count,
    }
);

metric_enum!(
    /// Per-interval columns of `intervals.csv`.
    IntervalMetric {
        Arrivals => "arrivals" in Count,
        AbandonRate => "abandon_rate" in Fraction,
        AbandonRateQueue => "abandon_rate_queue" in Fraction,
        ServiceLevel => "service_level" in Fraction,
        AnswerLevel => "answer_level" in Fraction,
        MeanWait => "mean_wait" in Minutes,
        WaitP90 => "wait_p90" in Minutes,
        QueueLength => "queue_length" in Count,
        AgentsOnline => "agents_online" in Count,
        Occupancy => "occupancy" in Fraction,
        FirstAlertTeamQueue => "first_alert_team_queue" in Count,
        SecondAlertTeamQueue => "second_alert_team_queue" in Count,
        FirstAlertAgentQueue => "first_alert_agent_queue" in Count,
        SecondAlertAgentQueue => "second_alert_agent_queue" in Count,
        FirstAlertWaitingQueue => "first_alert_waiting_queue" in Count,
        SecondAlertWaitingQueue => "second_alert_waiting_queue" in Count,
    }
);

metric_enum!(
    /// Per-agent-group metrics of `agents.csv`.
    GroupMetric {
        Occupancy => "occupancy" in Fraction,
        ChatsHandled => "chats_handled" in Count,
        Refusals => "refusals" in Count,
        ReadyHours => "ready_hours" in Hours,
        NotReadyHours => "not_ready_hours" in Hours,
        NotReadyTimeoutHours => "not_ready_timeout_hours" in Hours,
        OfflineHours => "offline_hours" in Hours,
    }
);

/// How a metric's values are bounded, which keeps its interval inside them.
fn scale_of(unit: Unit, occupancy: bool) -> Scale {
    match unit {
        Unit::Fraction if occupancy => Scale::TimeShare,
        Unit::Fraction => Scale::ChatShare,
        Unit::Count | Unit::Minutes | Unit::Hours => Scale::NonNegative,
    }
}

impl Metric {
    pub fn scale(self) -> Scale {
        scale_of(self.unit(), self == Metric::Occupancy)
    }

    /// Measured for each team and stream too: every chat metric, not the agents' occupancy.
    pub fn per_scope(self) -> bool {
        self != Metric::Occupancy
    }

    /// The optional rule whose numbers these are: reported only by scenarios that use it,
    /// so that a scenario without it keeps its outputs byte for byte.
    pub fn feature(self) -> Option<Feature> {
        match self {
            Metric::SilentAbandoned | Metric::SilentHeldHours => Some(Feature::SilentAbandonment),
            Metric::Holds | Metric::HoldClosed => Some(Feature::OnHold),
            Metric::Overflowed => Some(Feature::Overflow),
            _ => None,
        }
    }
}

/// Rules whose numbers are reported only when a scenario uses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// `[customers] silent_abandonment`.
    SilentAbandonment,
    /// `[inactivity.on_hold]`.
    OnHold,
    /// `[[agents]] overflow_teams`.
    Overflow,
}

impl IntervalMetric {
    pub fn scale(self) -> Scale {
        scale_of(self.unit(), self == IntervalMetric::Occupancy)
    }

    /// Measured for each team and stream too: the chats' numbers and the queue. Agents and
    /// alerts are the whole centre's (agents serve several teams).
    pub fn per_scope(self) -> bool {
        matches!(
            self,
            IntervalMetric::Arrivals
                | IntervalMetric::AbandonRate
                | IntervalMetric::AbandonRateQueue
                | IntervalMetric::ServiceLevel
                | IntervalMetric::AnswerLevel
                | IntervalMetric::MeanWait
                | IntervalMetric::WaitP90
                | IntervalMetric::QueueLength
        )
    }
}

impl GroupMetric {
    pub fn scale(self) -> Scale {
        scale_of(self.unit(), self == GroupMetric::Occupancy)
    }
}

/// The unit of a reported number. Shares are fractions in files (0.05) and percentages on
/// screen (5 %); times are minutes, except agent hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Fraction,
    Minutes,
    Hours,
}

impl Unit {
    /// As written in the `unit` column of the CSVs.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Fraction => "fraction",
            Unit::Minutes => "min",
            Unit::Hours => "h",
        }
    }

    /// As shown on screen, with the factor from the file's value: shares as percentages.
    pub fn display(self) -> (&'static str, f64) {
        match self {
            Unit::Count => ("", 1.0),
            Unit::Fraction => ("%", 100.0),
            Unit::Minutes => ("min", 1.0),
            Unit::Hours => ("h", 1.0),
        }
    }
}

impl IntervalMetric {
    /// Its column stem in a wide CSV (`staffing.csv`, `backtest.csv`): a time says its unit
    /// in its name (`mean_wait_min`).
    pub fn column(self) -> String {
        match self.unit() {
            Unit::Minutes => format!("{}_min", self.name()),
            _ => self.name().to_string(),
        }
    }
}

/// Which way a change of a KPI is good for customers, so that a report can colour a
/// difference as better or worse rather than only as significant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// A matter of context (arrivals, occupancy, transfers).
    Neither,
}

impl Metric {
    pub fn better(self) -> Better {
        use Metric::*;
        match self {
            Served | Resolved | ServiceLevel | ServiceLevelAnswered | AnswerLevel => Better::Higher,
            Abandoned
            | AbandonedInConversation
            | SilentAbandoned
            | SilentHeldHours
            | Unfinished
            | AbandonRate
            | AbandonRateQueue
            | PWait
            | MeanWait
            | MeanWaitServed
            | WaitP50
            | WaitP90
            | WaitP95
            | WaitP99
            | MeanTtfr
            | TtfrP90
            | FirstAlerts
            | SecondAlerts
            | InactivityTransfers
            | HoldClosed
            | Refusals
            | Stranded
            | Unplaced => Better::Lower,
            Arrivals | BotResolved | Occupancy | AutoClosed | Transfers | Overflowed | Holds => {
                Better::Neither
            }
        }
    }
}
