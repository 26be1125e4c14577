//! The operator CLI: create the table locally, seed the demo hotels, create a hotel with its
//! first superadmin, or a platform operator, and run an upgrade's backfills. Talks to the emulator when `--emulator` (or
//! CONCIERGE_EMULATOR) is given, else to AWS with the usual credentials chain.

use std::io::Read;

use clap::{Parser, Subcommand};
use concierge::App;
use concierge::config::Config;
use concierge::hotels::{Contact, TimeZoneName};
use concierge::operator::{self, NewHotel, NewStaff};
use concierge::store::{Cursor, Write};
use concierge::users::{Email, Phone, password};
use concierge_infra::backfill::{self, Outcome, Progress};
use concierge_infra::emulator::{self, ENDPOINT_VAR};
use concierge_infra::{LOCAL_SECRET, bootstrap, demo};

#[derive(Parser)]
#[command(about = "Operate Concierge: hotels, their first superadmin, demo data")]
struct Args {
    /// The emulator to talk to; without it, AWS.
    #[arg(long, env = ENDPOINT_VAR, global = true)]
    emulator: Option<String>,
    /// The DynamoDB table (the stack's TableName output when on AWS).
    #[arg(
        long,
        env = "CONCIERGE_TABLE",
        default_value = "concierge-local",
        global = true
    )]
    table: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the table in the emulator from template.yaml (on AWS, the stack creates it).
    Bootstrap,
    /// Seed the demo hotels, their staff and QR codes, and a platform operator.
    SeedDemo,
    /// Create a hotel and make a person its first SUPERADMIN, in one transaction.
    CreateHotel {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// An IANA time zone, e.g. Europe/Lisbon.
        #[arg(long)]
        timezone: String,
        /// Nights a guest stay lasts by default.
        #[arg(long, default_value_t = 3)]
        stay_nights: u16,
        #[command(flatten)]
        person: Person,
    },
    /// Create a platform operator account.
    CreateOperator {
        #[command(flatten)]
        person: Person,
    },
    /// Bring items an earlier release wrote up to this one (idempotent; docs/deploy.md).
    #[command(subcommand)]
    Backfill(Backfill),
}

#[derive(Subcommand)]
enum Backfill {
    /// Each hotel's count of active superadmins (tables from before hotel administration).
    SuperadminCounters {
        /// Go on from the cursor an interrupted run printed last.
        #[arg(long)]
        cursor: Option<String>,
    },
}

#[derive(clap::Args)]
struct Person {
    #[arg(long = "person-name")]
    name: String,
    /// In international format, e.g. +12025550123; OTP login always works with it.
    #[arg(long)]
    phone: String,
    #[arg(long)]
    email: Option<String>,
    /// Read a password from standard input; without it the account logs in by OTP only.
    #[arg(long)]
    password_stdin: bool,
}

impl Person {
    fn into_staff(self, is_operator: bool) -> Result<NewStaff, String> {
        let password_hash = if self.password_stdin {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| e.to_string())?;
            let password = password.trim_end_matches(['\r', '\n']);
            Some(password::hash(password).map_err(|e| e.to_string())?)
        } else {
            None
        };
        Ok(NewStaff {
            name: self.name,
            phone: Phone::parse(&self.phone).map_err(|e| e.to_string())?,
            email: self
                .email
                .as_deref()
                .map(Email::parse)
                .transpose()
                .map_err(|e| e.to_string())?,
            password_hash,
            is_operator,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let sdk = match &args.emulator {
        Some(endpoint) => emulator::sdk_config(endpoint).await,
        None => aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await,
    };
    // The CLI signs nothing, so the local key serves as the configuration's secret.
    let config = Config::new(&args.table, LOCAL_SECRET).map_err(|e| e.to_string())?;
    let app = App::new(config, &sdk);
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let (store, clock) = (app.store.as_ref(), app.clock.as_ref());
    match args.command {
        Command::Bootstrap => {
            if args.emulator.is_none() {
                return Err(format!(
                    "bootstrap is for the emulator; set --emulator or {ENDPOINT_VAR}"
                ));
            }
            bootstrap::create_table(&sdk, &args.table).await?;
            println!("table {} is ready", args.table);
        }
        Command::SeedDemo => {
            let summary = demo::seed(store, clock).await.map_err(|e| e.to_string())?;
            for hotel in summary.hotels {
                println!("hotel {} seeded", hotel.slug);
            }
        }
        Command::CreateHotel {
            slug,
            name,
            timezone,
            stay_nights,
            person,
        } => {
            let hotel = NewHotel {
                slug: slug.parse().map_err(|e: concierge::Error| e.to_string())?,
                name,
                timezone: TimeZoneName::parse(&timezone).map_err(|e| e.to_string())?,
                contact: Contact::default(),
                default_stay_nights: stay_nights,
            };
            let (hotel, user) =
                operator::create_hotel(store, clock, hotel, person.into_staff(false)?)
                    .await
                    .map_err(|e| e.to_string())?;
            println!(
                "hotel {} created; superadmin {} ({})",
                hotel.slug, user.name, user.id
            );
        }
        Command::CreateOperator { person } => {
            let (user, is_new) =
                operator::staff_account(store, person.into_staff(true)?, clock.now())
                    .await
                    .map_err(|e| e.to_string())?;
            if !is_new {
                return Err(format!(
                    "{} already has an account ({})",
                    user.name, user.id
                ));
            }
            store
                .transact(&[Write::InsertUser(&user)])
                .await
                .map_err(|e| e.to_string())?;
            println!("operator {} created ({})", user.name, user.id);
        }
        Command::Backfill(Backfill::SuperadminCounters { cursor }) => {
            let cursor = cursor
                .as_deref()
                .map(Cursor::parse)
                .transpose()
                .map_err(|e| e.to_string())?;
            let hotels =
                backfill::superadmin_counters(&client, store, &args.table, cursor, |progress| {
                    match progress {
                        Progress::Hotel(hotel, Outcome::Unchanged(n)) => {
                            println!("{hotel}: {n} active superadmins, counter already right")
                        }
                        Progress::Hotel(hotel, Outcome::Written(n)) => {
                            println!("{hotel}: {n} active superadmins, counter written")
                        }
                        Progress::Page(cursor) => {
                            println!("(to go on from here: --cursor {})", cursor.as_str())
                        }
                    }
                })
                .await?;
            println!("{hotels} hotels counted");
        }
    }
    Ok(())
}
