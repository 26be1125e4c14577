//! After-hours windows: a weekday and a start and end time of day in the hotel's time zone.
//! A window whose end is not after its start runs overnight into the next day.

use std::fmt;
use std::str::FromStr;

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
    /// Runs past midnight into the next day (an end at or before the start).
    pub fn is_overnight(&self) -> bool {
        self.end <= self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
