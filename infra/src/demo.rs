//! The demo hotels of the local stack. Seeding is idempotent: whatever exists is left alone,
//! and ids and QR codes are derived from names, so every run describes the same hotels.

use std::sync::OnceLock;

use concierge::clock::Clock;
use concierge::departments::Department;
use concierge::departments::hours::{AfterHoursWindow, ClockTime, Weekday};
use concierge::error::{Error, Result};
use concierge::experiences::Experience;
use concierge::hotels::{Contact, TimeZoneName};
use concierge::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode};
use concierge::members::Role;
use concierge::operator::{self, NewHotel, NewStaff};
use concierge::qr::QrCodeRecord;
use concierge::store::{Store, Write};
use concierge::users::{Email, Phone, password};
use sha2::{Digest, Sha256};

/// Every demo account's password.
pub const PASSWORD: &str = "concierge-demo";

/// What the demo consists of, to print for the developer.
pub struct Summary {
    pub hotels: Vec<HotelSummary>,
    pub operator: String,
}

pub struct HotelSummary {
    pub slug: String,
    pub logins: Vec<(Role, String, String)>,
    pub qr_codes: Vec<(String, QrCode)>,
}

struct DemoHotel {
    slug: &'static str,
    name: &'static str,
    /// Distinguishes the hotel's demo phone numbers (in +1 202 555-01xx, a range kept for
    /// fiction).
    phone_block: u16,
}

const HOTELS: [DemoHotel; 2] = [
    DemoHotel {
        slug: "demo",
        name: "Demo Grand Hotel",
        phone_block: 100,
    },
    DemoHotel {
        slug: "demo-annex",
        name: "Demo Annex",
        phone_block: 110,
    },
];

const ROOMS: [&str; 4] = ["101", "102", "201", "Pool bar"];

/// Seeds the demo hotels and the platform operator.
pub async fn seed(store: &dyn Store, clock: &dyn Clock) -> Result<Summary> {
    let mut hotels = Vec::new();
    for hotel in &HOTELS {
        hotels.push(seed_hotel(store, clock, hotel).await?);
    }
    let operator_email = "operator@demo.test";
    let operator = staff("Platform Operator", operator_email, "+12025550199", true)?;
    let (user, is_new) = operator::staff_account(store, operator, clock.now()).await?;
    if is_new {
        already_there_is_fine(store.transact(&[Write::InsertUser(&user)]).await)?;
    }
    Ok(Summary {
        hotels,
        operator: operator_email.to_owned(),
    })
}

async fn seed_hotel(
    store: &dyn Store,
    clock: &dyn Clock,
    demo: &DemoHotel,
) -> Result<HotelSummary> {
    let now = clock.now();
    let slug: HotelSlug = demo.slug.parse()?;
    let login = |local: &str| format!("{local}@{}.test", demo.slug);
    let phone = |n: u16| format!("+1202555{:04}", demo.phone_block + n);

    let new_hotel = NewHotel {
        slug: slug.clone(),
        name: demo.name.to_owned(),
        timezone: TimeZoneName::parse("Europe/Lisbon")?,
        contact: Contact {
            phone: Some("+351 210 000 000".into()),
            email: Some(format!("frontdesk@{}.test", demo.slug)),
            address: Some("Avenida da Liberdade 1, Lisboa".into()),
            website: None,
        },
        default_stay_nights: 3,
    };
    let superadmin = staff("Ana Admin", &login("admin"), &phone(1), false)?;
    already_there_is_fine(
        operator::create_hotel(store, clock, new_hotel, superadmin)
            .await
            .map(drop),
    )?;

    for department in departments(&slug, now)? {
        already_there_is_fine(
            store
                .transact(&[Write::InsertDepartment(&department)])
                .await,
        )?;
    }
    for experience in experiences(&slug, now)? {
        already_there_is_fine(
            store
                .transact(&[Write::InsertExperience(&experience)])
                .await,
        )?;
    }

    let members = [
        (
            Role::Admin,
            "Mario Manager",
            login("manager"),
            phone(2),
            vec![],
        ),
        (
            Role::Staff,
            "Sam Staff",
            login("staff"),
            phone(3),
            vec!["housekeeping".parse()?],
        ),
    ];
    for (role, name, email, phone, departments) in members {
        let (user, is_new) =
            operator::staff_account(store, staff(name, &email, &phone, false)?, now).await?;
        let mut membership = operator::new_membership(&slug, user.id, role, now);
        membership.departments = departments;
        let mut writes = Vec::new();
        if is_new {
            writes.push(Write::InsertUser(&user));
        }
        writes.push(Write::InsertMembership(&membership));
        already_there_is_fine(store.transact(&writes).await)?;
    }

    let mut qr_codes = Vec::new();
    for room in ROOMS {
        let code = QrCode::from_bytes(derived(&["qr", demo.slug, room]));
        let record = QrCodeRecord {
            hotel: slug.clone(),
            code: code.clone(),
            label: format!("{room} door"),
            location: room.to_owned(),
            active: true,
            scan_count: 0,
            created_at: now,
        };
        already_there_is_fine(store.transact(&[Write::InsertQrCode(&record)]).await)?;
        qr_codes.push((room.to_owned(), code));
    }

    Ok(HotelSummary {
        slug: demo.slug.to_owned(),
        logins: vec![
            (Role::Superadmin, login("admin"), phone(1)),
            (Role::Admin, login("manager"), phone(2)),
            (Role::Staff, login("staff"), phone(3)),
        ],
        qr_codes,
    })
}

fn departments(hotel: &HotelSlug, now: jiff::Timestamp) -> Result<Vec<Department>> {
    let nightly = |start: (u8, u8), end: (u8, u8)| -> Vec<AfterHoursWindow> {
        Weekday::ALL
            .iter()
            .filter_map(|day| {
                Some(AfterHoursWindow {
                    day: *day,
                    start: ClockTime::new(start.0, start.1)?,
                    end: ClockTime::new(end.0, end.1)?,
                })
            })
            .collect()
    };
    let department = |slug: &str, name: &str, description: &str, sla: u32, after: u32, windows| {
        Ok::<_, Error>(Department {
            hotel: hotel.clone(),
            slug: slug.parse()?,
            name: name.to_owned(),
            description: description.to_owned(),
            response_sla_minutes: sla,
            after_hours_sla_minutes: after,
            booking_lead_minutes: concierge::departments::DEFAULT_BOOKING_LEAD_MINUTES,
            after_hours: windows,
            escalation_contacts: Vec::new(),
            active: true,
            created_at: now,
            updated_at: now,
        })
    };
    Ok(vec![
        department(
            "housekeeping",
            "Housekeeping",
            "Towels, cleaning, amenities.",
            15,
            30,
            nightly((22, 0), (7, 0)),
        )?,
        department(
            "spa",
            "Spa",
            "Massages and treatments.",
            30,
            120,
            nightly((20, 0), (9, 0)),
        )?,
        department(
            "room-service",
            "Room Service",
            "Food and drinks to your room.",
            20,
            40,
            nightly((23, 0), (6, 30)),
        )?,
        department(
            "concierge",
            "Concierge",
            "Transport, tables, tickets.",
            10,
            30,
            nightly((0, 0), (7, 0)),
        )?,
    ])
}

fn experiences(hotel: &HotelSlug, now: jiff::Timestamp) -> Result<Vec<Experience>> {
    let items = [
        (
            "housekeeping",
            "Extra towels",
            "Fresh towels brought to your room.",
            "Amenities",
            None,
            false,
        ),
        (
            "housekeeping",
            "Turndown service",
            "Evening room refresh.",
            "Amenities",
            None,
            false,
        ),
        (
            "spa",
            "Swedish massage (60 min)",
            "A relaxing full-body massage.",
            "Wellness",
            Some("€85"),
            true,
        ),
        (
            "room-service",
            "Breakfast in your room",
            "Continental breakfast, 07:00–11:00.",
            "Dining",
            Some("€18 per person"),
            false,
        ),
        (
            "concierge",
            "Airport transfer",
            "Private car to Lisbon airport.",
            "Transport",
            Some("€45"),
            true,
        ),
        (
            "concierge",
            "Restaurant booking",
            "We reserve a table for you.",
            "Dining",
            None,
            true,
        ),
    ];
    items
        .into_iter()
        .enumerate()
        .map(
            |(order, (department, name, description, category, price, confirm))| {
                let department: DepartmentSlug = department.parse()?;
                Ok(Experience {
                    hotel: hotel.clone(),
                    id: ExperienceId::from_bytes(derived(&["experience", hotel.as_str(), name])),
                    department,
                    name: name.to_owned(),
                    description: description.to_owned(),
                    category: category.to_owned(),
                    image_url: None,
                    price_text: price.map(str::to_owned),
                    requires_confirmation: confirm,
                    sort_order: u32::try_from(order * 10).unwrap_or(u32::MAX),
                    active: true,
                    department_active: true,
                    created_at: now,
                    updated_at: now,
                })
            },
        )
        .collect()
}

/// `PASSWORD` hashed, once per process: every demo account has it, and the tests seed the demo
/// into a table of their own each (with four hashes a seeding, Argon2 was about a quarter of
/// the integration tests' own CPU, by perf).
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(PASSWORD).expect("the demo password is long enough"))
        .clone()
}

fn staff(name: &str, email: &str, phone: &str, is_operator: bool) -> Result<NewStaff> {
    Ok(NewStaff {
        name: name.to_owned(),
        phone: Phone::parse(phone)?,
        email: Some(Email::parse(email)?),
        password_hash: Some(password_hash()),
        is_operator,
    })
}

/// 16 bytes derived from the parts, for stable demo ids.
fn derived(parts: &[&str]) -> [u8; 16] {
    let digest = Sha256::digest(format!("concierge-demo/{}", parts.join("/")));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes
}

/// Seeding again finds its earlier work: an insert refused because the thing exists is fine.
fn already_there_is_fine(result: Result<()>) -> Result<()> {
    match result {
        Err(Error::Conflict(conflict, _)) if conflict.is_existing() => Ok(()),
        other => other,
    }
}
