//! After-hours windows: a weekday and a start and end time of day in the hotel's time zone.
//! A window whose end is not after its start runs overnight into the next day.

use std::fmt;
use std::str::FromStr;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// The day before (Monday's is Sunday).
    pub fn previous(self) -> Weekday {
        let index = Weekday::ALL.iter().position(|d| *d == self).unwrap_or(0);
        Weekday::ALL[(index + 6) % 7]
    }

    fn of(day: jiff::civil::Weekday) -> Weekday {
        Weekday::ALL[usize::from(day.to_monday_zero_offset().unsigned_abs())]
    }

    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
}

/// A time of day to the minute, written `HH:MM` (00:00–23:59).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime {
    minute_of_day: u16,
}

impl ClockTime {
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self {
            minute_of_day: u16::from(hour) * 60 + u16::from(minute),
        })
    }

    pub fn minute_of_day(self) -> u16 {
        self.minute_of_day
    }
}

impl FromStr for ClockTime {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = || Error::field("after_hours", "times are HH:MM, from 00:00 to 23:59");
        let (hour, minute) = s.split_once(':').ok_or_else(invalid)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(hour) || !two_digits(minute) {
            return Err(invalid());
        }
        let hour: u8 = hour.parse().map_err(|_| invalid())?;
        let minute: u8 = minute.parse().map_err(|_| invalid())?;
        Self::new(hour, minute).ok_or_else(invalid)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = Error;

    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        t.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}",
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterHoursWindow {
    pub day: Weekday,
    pub start: ClockTime,
    pub end: ClockTime,
}

impl AfterHoursWindow {
    /// Runs past midnight into the next day (an end at or before the start; an end equal to the
    /// start makes a window of a full 24 hours).
    pub fn is_overnight(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the window covers minute `minute` of local day `day`. Intervals are half open,
    /// [start, end); an overnight window of day D covers D from its start and D+1 until its end,
    /// so after midnight the previous day's window counts (F40).
    fn covers(&self, day: Weekday, minute: u16) -> bool {
        let (start, end) = (self.start.minute_of_day(), self.end.minute_of_day());
        if self.is_overnight() {
            (self.day == day && minute >= start) || (self.day == day.previous() && minute < end)
        } else {
            self.day == day && (start..end).contains(&minute)
        }
    }
}

/// Whether `at` falls in any of the windows, judged by the local wall-clock time in `zone`.
/// An instant has exactly one local time, so daylight-saving changes need no special case: in a
/// repeated hour both instants are judged by the same local time, and a skipped hour holds no
/// instant.
pub fn is_after_hours(windows: &[AfterHoursWindow], zone: &TimeZone, at: Timestamp) -> bool {
    let local = at.to_zoned_datetime(zone.clone());
    let day = Weekday::of(local.weekday());
    let minute =
        u16::try_from(local.hour()).unwrap_or(0) * 60 + u16::try_from(local.minute()).unwrap_or(0);
    windows.iter().any(|window| window.covers(day, minute))
}

/// A request's service level, fixed when it is made (F34).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseSla {
    pub after_hours: bool,
    /// `now` plus the matching SLA, in elapsed minutes (a DST change does not stretch it).
    pub response_due_at: Timestamp,
}

impl ResponseSla {
    /// The deadline of a request booked for `requested_for`: no later than `lead_minutes` before
    /// the booking, and never in the past.
    pub fn before_booking(
        self,
        requested_for: Option<Timestamp>,
        lead_minutes: u32,
        now: Timestamp,
    ) -> Self {
        let Some(at) = requested_for else { return self };
        let latest = at
            .saturating_sub(SignedDuration::from_mins(i64::from(lead_minutes)))
            .unwrap_or(at);
        Self {
            response_due_at: self.response_due_at.min(latest).max(now),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::departments::Department;

    #[test]
    fn clock_times_parse_and_print_as_hh_mm() {
        for ok in ["00:00", "07:05", "22:00", "23:59"] {
            assert_eq!(ok.parse::<ClockTime>().unwrap().to_string(), ok);
        }
        for bad in [
            "", "7:00", "24:00", "12:60", "12-00", "1200", "aa:bb", "12:0", "+1:00",
        ] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad}");
        }
    }

    fn window(day: Weekday, start: &str, end: &str) -> AfterHoursWindow {
        AfterHoursWindow {
            day,
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
        }
    }

    fn at(zone: &str, local: &str) -> (TimeZone, Timestamp) {
        let zone = TimeZone::get(zone).unwrap();
        let instant = local
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned_datetime(zone.clone())
            .unwrap()
            .timestamp();
        (zone, instant)
    }

    #[test]
    fn an_overnight_window_covers_its_evening_and_the_next_morning() {
        // 2026-11-27 is a Friday.
        let windows = [window(Weekday::Fri, "22:00", "07:00")];
        for (local, expected) in [
            ("2026-11-27T21:59", false),
            ("2026-11-27T22:00", true),
            ("2026-11-27T23:30", true),
            ("2026-11-28T02:00", true),
            ("2026-11-28T06:59", true),
            ("2026-11-28T07:00", false),
            ("2026-11-28T23:30", false),
            ("2026-11-26T02:00", false),
        ] {
            let (zone, instant) = at("Europe/Lisbon", local);
            assert_eq!(
                is_after_hours(&windows, &zone, instant),
                expected,
                "{local}"
            );
        }
    }

    #[test]
    fn sunday_nights_run_into_monday() {
        // 2026-11-29 is a Sunday.
        let windows = [window(Weekday::Sun, "20:00", "08:00")];
        let (zone, monday_early) = at("America/New_York", "2026-11-30T03:15");
        assert!(is_after_hours(&windows, &zone, monday_early));
        let (zone, monday_late) = at("America/New_York", "2026-11-30T08:00");
        assert!(!is_after_hours(&windows, &zone, monday_late));
    }

    #[test]
    fn an_overnight_window_is_its_two_same_day_halves() {
        let overnight = [window(Weekday::Wed, "19:45", "06:15")];
        let halves = [
            window(Weekday::Wed, "19:45", "00:00"),
            window(Weekday::Thu, "00:00", "06:15"),
        ];
        // "19:45–00:00" is itself overnight (to midnight), which is exactly the first half.
        let zone = TimeZone::UTC;
        let monday = "2026-11-23T00:00:00Z".parse::<Timestamp>().unwrap();
        for minute in 0..7 * 24 * 60 {
            let instant = monday
                .saturating_add(SignedDuration::from_mins(minute))
                .unwrap();
            assert_eq!(
                is_after_hours(&overnight, &zone, instant),
                is_after_hours(&halves, &zone, instant),
                "minute {minute} of the week"
            );
        }
    }

    #[test]
    fn equal_start_and_end_make_a_full_day() {
        let windows = [window(Weekday::Tue, "09:00", "09:00")];
        let (zone, inside) = at("UTC", "2026-11-25T08:59");
        assert!(
            is_after_hours(&windows, &zone, inside),
            "Wednesday 08:59 is within Tuesday's 24 h"
        );
        let (zone, after) = at("UTC", "2026-11-25T09:00");
        assert!(!is_after_hours(&windows, &zone, after));
    }

    #[test]
    fn daylight_saving_changes_judge_by_local_time() {
        // Lisbon falls back at 02:00 on 2026-10-25 (a Sunday): 01:00–02:00 happens twice.
        let windows = [window(Weekday::Sun, "01:30", "01:45")];
        let zone = TimeZone::get("Europe/Lisbon").unwrap();
        let first = "2026-10-25T00:35:00Z".parse::<Timestamp>().unwrap(); // 01:35 WEST
        let second = "2026-10-25T01:35:00Z".parse::<Timestamp>().unwrap(); // 01:35 WET
        assert!(is_after_hours(&windows, &zone, first));
        assert!(is_after_hours(&windows, &zone, second));
        // New York springs forward on 2026-03-08: 02:00–03:00 never happens.
        let windows = [window(Weekday::Sun, "02:00", "03:00")];
        let zone = TimeZone::get("America/New_York").unwrap();
        let before = "2026-03-08T06:59:00Z".parse::<Timestamp>().unwrap(); // 01:59 EST
        let after = "2026-03-08T07:00:00Z".parse::<Timestamp>().unwrap(); // 03:00 EDT
        assert!(!is_after_hours(&windows, &zone, before));
        assert!(!is_after_hours(&windows, &zone, after));
    }

    #[test]
    fn a_booking_brings_the_deadline_forward_but_never_into_the_past() {
        let now: Timestamp = "2026-12-06T08:00:00Z".parse().unwrap();
        let sla = ResponseSla {
            after_hours: true,
            response_due_at: "2026-12-06T10:00:00Z".parse().unwrap(),
        };
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        let due = |requested_for| sla.before_booking(requested_for, 15, now).response_due_at;
        assert_eq!(due(None), sla.response_due_at);
        assert_eq!(
            due(at("2026-12-06T08:39:00Z")),
            at("2026-12-06T08:24:00Z").unwrap()
        );
        assert_eq!(due(at("2026-12-06T08:10:00Z")), now);
        assert_eq!(due(at("2026-12-07T08:00:00Z")), sla.response_due_at);
    }

    #[test]
    fn the_sla_is_elapsed_minutes_from_creation() {
        let department: Department = serde_json::from_value(serde_json::json!({
            "hotel": "demo", "slug": "spa", "name": "Spa",
            "response_sla_minutes": 30, "after_hours_sla_minutes": 120,
            "after_hours": [{"day": "sat", "start": "01:00", "end": "02:30"}],
            "active": true, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        // Across Lisbon's fall-back night the after-hours SLA is still 120 elapsed minutes.
        let zone = TimeZone::get("Europe/Lisbon").unwrap();
        let now = "2026-10-24T23:30:00Z".parse::<Timestamp>().unwrap(); // Sat 00:30 WEST
        let sla = department.response_sla(&zone, now);
        assert!(!sla.after_hours);
        assert_eq!(
            sla.response_due_at.duration_since(now),
            SignedDuration::from_mins(30)
        );
        let later = "2026-10-25T00:15:00Z".parse::<Timestamp>().unwrap(); // Sun 01:15 WEST
        let sla = department.response_sla(&zone, later);
        assert!(
            !sla.after_hours,
            "Saturday's window does not run into Sunday"
        );
        let inside = "2026-10-24T00:30:00Z".parse::<Timestamp>().unwrap(); // Sat 01:30 WEST
        let sla = department.response_sla(&zone, inside);
        assert!(sla.after_hours);
        assert_eq!(
            sla.response_due_at.duration_since(inside),
            SignedDuration::from_mins(120)
        );
        let empty = Department {
            after_hours: vec![],
            ..department
        };
        assert!(!empty.response_sla(&zone, inside).after_hours);
    }

    #[test]
    fn windows_ending_before_they_start_run_overnight() {
        let window: AfterHoursWindow =
            serde_json::from_str(r#"{"day":"fri","start":"22:00","end":"07:00"}"#).unwrap();
        assert!(window.is_overnight());
        let evening: AfterHoursWindow =
            serde_json::from_str(r#"{"day":"sun","start":"18:00","end":"23:00"}"#).unwrap();
        assert!(!evening.is_overnight());
    }
}
