//! When a webhook is tried again.

use std::time::Duration;

/// The delays before each attempt, the first one included (it is usually zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "WEBHOOK_RETRY_SCHEDULE_SECONDS must be comma-separated whole seconds, at least one: {0:?}"
)]
pub struct ScheduleError(String);

impl RetrySchedule {
    /// The example schedule of the Standard Webhooks specification: at once, then after 5
    /// seconds, 5 minutes, 30 minutes, 2, 5, 10, 14, 20 and 24 hours (10 attempts; the
    /// last one 75.6 hours after the first, the seventh at 17.6 hours).
    pub fn standard() -> Self {
        Self(
            [
                0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400,
            ]
            .map(Duration::from_secs)
            .to_vec(),
        )
    }

    /// `"0,5,300"`: seconds before each attempt.
    pub fn parse(text: &str) -> Result<Self, ScheduleError> {
        let delays = text
            .split(',')
            .map(|part| part.trim().parse::<u64>().map(Duration::from_secs))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ScheduleError(text.into()))?;
        if delays.is_empty() {
            return Err(ScheduleError(text.into()));
        }
        Ok(Self(delays))
    }

    /// The delay before attempt `attempt` (1 is the first), or `None` past the last.
    pub fn delay_before(&self, attempt: u32) -> Option<Duration> {
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        self.0.get(index).copied()
    }

    pub fn attempts(&self) -> u32 {
        self.0.len() as u32
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::standard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_schedule_is_the_specifications_ten_attempts() {
        let schedule = RetrySchedule::standard();
        assert_eq!(schedule.attempts(), 10);
        assert_eq!(schedule.delay_before(1), Some(Duration::ZERO));
        assert_eq!(schedule.delay_before(2), Some(Duration::from_secs(5)));
        assert_eq!(schedule.delay_before(11), None);
        assert_eq!(schedule.delay_before(0), None);
        let total: Duration = (1..=10).filter_map(|a| schedule.delay_before(a)).sum();
        assert_eq!(total.as_secs(), 272_105);
    }

    #[test]
    fn a_schedule_is_read_from_seconds() {
        assert_eq!(
            RetrySchedule::parse("0, 1,2").unwrap().delay_before(3),
            Some(Duration::from_secs(2))
        );
        for bad in ["", "1,,2", "-1", "1.5"] {
            assert!(RetrySchedule::parse(bad).is_err(), "{bad:?}");
        }
    }
}
