//! After-hours windows: times of day and windows as JSON, time zone names, and any windows,
//! zone and instant judged by `is_after_hours` and `Department::response_sla`.
//!
//! Whatever parses prints back as it was written; the judgement must agree with a model that
//! counts in minutes of the local week (a window covers `[start, start + length)`, wrapping from
//! Sunday to Monday, its length a full day when its end equals its start); and the SLA is the
//! matching number of elapsed minutes later, saturating at the end of time.

use arbitrary::{Arbitrary, Unstructured};
use concierge::departments::Department;
use concierge::departments::hours::{AfterHoursWindow, ClockTime, Weekday, is_after_hours};
use concierge::hotels::TimeZoneName;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

const MINUTES_A_DAY: i64 = 24 * 60;
const MINUTES_A_WEEK: i64 = 7 * MINUTES_A_DAY;

/// Zones with odd offsets, half-hour daylight saving, day-line jumps and southern summers.
const ZONES: [&str; 10] = [
    "UTC",
    "Europe/Lisbon",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "America/Santiago",
];

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    clock_texts: Vec<&'a str>,
    window_json: &'a [u8],
    windows: Vec<(u8, u16, u16)>,
    zone: Zone<'a>,
    at_second: i64,
    at_nanosecond: u32,
    response_sla_minutes: u32,
    after_hours_sla_minutes: u32,
}

#[derive(Debug, Arbitrary)]
enum Zone<'a> {
    Known(u8),
    Named(&'a str),
    Fixed(i32),
}

impl Zone<'_> {
    fn resolve(&self) -> Option<TimeZone> {
        match *self {
            Zone::Known(index) => TimeZone::get(ZONES[usize::from(index) % ZONES.len()]).ok(),
            Zone::Named(name) => {
                let name = TimeZoneName::parse(name).ok()?;
                let again = TimeZoneName::parse(name.as_str()).expect("a canonical name parses");
                assert_eq!(again, name, "a canonical name is its own canonical name");
                assert!(TimeZone::get(name.as_str()).is_ok());
                Some(name.zone())
            }
            Zone::Fixed(seconds) => Offset::from_seconds(seconds).ok().map(TimeZone::fixed),
        }
    }
}

fn window((day, start, end): (u8, u16, u16)) -> AfterHoursWindow {
    let time = |minutes: u16| {
        let minutes = minutes % 1440;
        let (hour, minute) = (minutes / 60, minutes % 60);
        ClockTime::new(hour as u8, minute as u8).expect("a time within the day")
    };
    AfterHoursWindow {
        day: Weekday::ALL[usize::from(day % 7)],
        start: time(start),
        end: time(end),
    }
}

/// The model: minutes since Monday 00:00 of the local week.
fn covered(windows: &[AfterHoursWindow], zone: &TimeZone, at: Timestamp) -> bool {
    let local = at.to_zoned_datetime(zone.clone());
    let minute_of_week = i64::from(local.weekday().to_monday_zero_offset()) * MINUTES_A_DAY
        + i64::from(local.hour()) * 60
        + i64::from(local.minute());
    windows.iter().any(|window| {
        let day = Weekday::ALL.iter().position(|d| *d == window.day).unwrap() as i64;
        let start = i64::from(window.start.minute_of_day());
        let end = i64::from(window.end.minute_of_day());
        let length = if end > start {
            end - start
        } else {
            end + MINUTES_A_DAY - start
        };
        (minute_of_week - (day * MINUTES_A_DAY + start)).rem_euclid(MINUTES_A_WEEK) < length
    })
}

fn department(windows: Vec<AfterHoursWindow>, input: &Input<'_>) -> Department {
    Department {
        hotel: "fuzz".parse().expect("a hotel slug"),
        slug: "spa".parse().expect("a department slug"),
        name: "Spa".to_owned(),
        description: String::new(),
        response_sla_minutes: input.response_sla_minutes,
        after_hours_sla_minutes: input.after_hours_sla_minutes,
        booking_lead_minutes: concierge::departments::DEFAULT_BOOKING_LEAD_MINUTES,
        after_hours: windows,
        escalation_contacts: Vec::new(),
        active: true,
        created_at: Timestamp::UNIX_EPOCH,
        updated_at: Timestamp::UNIX_EPOCH,
    }
}

pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    for text in &input.clock_texts {
        if let Ok(time) = text.parse::<ClockTime>() {
            assert_eq!(time.to_string(), *text, "a time prints as it was written");
        }
    }
    if let Ok(parsed) = serde_json::from_slice::<AfterHoursWindow>(input.window_json) {
        let json = serde_json::to_string(&parsed).expect("a window serialises");
        let again: AfterHoursWindow = serde_json::from_str(&json).expect("and reads back");
        assert_eq!(again, parsed);
        assert_eq!(parsed.is_overnight(), parsed.end <= parsed.start);
    }

    let Some(zone) = input.zone.resolve() else {
        return;
    };
    let second = input
        .at_second
        .clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    let nanosecond = i32::try_from(input.at_nanosecond % 1_000_000_000).unwrap();
    let Ok(at) = Timestamp::new(second, nanosecond) else {
        return;
    };
    let windows: Vec<AfterHoursWindow> = input.windows.iter().copied().map(window).collect();

    let after_hours = is_after_hours(&windows, &zone, at);
    assert_eq!(
        after_hours,
        covered(&windows, &zone, at),
        "{windows:?} at {at} in {zone:?}"
    );

    let department = department(windows, &input);
    let sla = department.response_sla(&zone, at);
    assert_eq!(sla.after_hours, after_hours);
    let minutes = if after_hours {
        department.after_hours_sla_minutes
    } else {
        department.response_sla_minutes
    };
    let due = at
        .checked_add(SignedDuration::from_mins(i64::from(minutes)))
        .unwrap_or(Timestamp::MAX);
    assert_eq!(sla.response_due_at, due);
}
