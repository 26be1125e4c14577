//! The CSV export of requests (issue 20 item 7): the staff list's filters, every field in the
//! hotel's time, RFC 4180 quoting with formulas defused, the row cap, who may export, and
//! 10 000 requests streamed a page at a time.

use std::time::Instant;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use concierge::ids::RequestId;
use concierge::requests::{ServiceRequest, export};
use concierge::store::dynamo::requests::request_item;
use futures::StreamExt;
use http::Method;
use http_body_util::BodyExt;
use serde_json::json;

use crate::support::{Browser, Stack, assert_error, emulator};

const EXPORT: &str = "/hotels/demo/admin/exports/requests";

/// The export's status, content type and body as `browser` gets it through the local API.
async fn export_as(browser: &Browser, query: &str) -> (u16, String, String) {
    let response = browser
        .request(Method::GET, &format!("{EXPORT}{query}"))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.expect("the body"))
}

/// The records of a CSV file as RFC 4180 reads them.
fn records(csv: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut cell) = (Vec::new(), String::new());
    let mut chars = csv.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        record.is_empty() && cell.is_empty(),
        "the file ends with CRLF"
    );
    records
}

fn column(name: &str) -> usize {
    export::COLUMNS.iter().position(|c| *c == name).unwrap()
}

#[tokio::test]
async fn the_export_has_every_field_in_the_hotels_time_filtered_quoted_and_defused() {
    let stack = Stack::demo().await;
    let mut superadmin = stack.staff("admin@demo.test").await;
    let (status, _) = superadmin
        .send(
            Method::PATCH,
            "/hotels/demo/admin/settings",
            json!({ "timezone": "Asia/Kolkata" }),
        )
        .await;
    assert_eq!(status, 200);
    let mut guest = stack.guest("demo", "101").await;
    let risky = "=HYPERLINK(\"http://evil.test\"), \"two\" towels\nplease";
    let (status, towels) = guest
        .post(
            "/hotels/demo/requests",
            json!({ "department": "housekeeping", "details": risky }),
        )
        .await;
    assert_eq!(status, 201, "{towels}");
    let towels = towels["id"].as_str().unwrap().to_owned();
    let massage = guest.ask("spa").await;
    let mut staff = stack.staff("staff@demo.test").await;
    let (status, body) = staff
        .post(
            &format!("/hotels/demo/admin/requests/{towels}/acknowledge"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let manager = stack.staff("manager@demo.test").await;
    let (status, kind, csv) = export_as(&manager, "").await;
    assert_eq!(status, 200, "{csv}");
    assert_eq!(kind, "text/csv; charset=utf-8");
    let rows = records(&csv);
    assert_eq!(rows[0], export::COLUMNS, "a header row");
    assert_eq!(rows.len(), 3, "{csv}");
    assert_eq!(rows[1][0], massage, "newest first");
    let row = &rows[2];
    assert_eq!(row[0], towels);
    assert_eq!(
        row[column("details")],
        format!("'{risky}"),
        "a formula is defused; quotes, commas and the line break survive quoting"
    );
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.test\"\"), \"\"two\"\" towels\nplease\""));
    assert_eq!(row[column("room")], "101");
    assert_eq!(row[column("department")], "Housekeeping", "by name");
    assert_eq!(row[column("guest")], "Guest Tester");
    assert_eq!(row[column("status")], "ACKNOWLEDGED");
    assert_eq!(row[column("acknowledged_by")], "Sam Staff");
    assert_eq!(row[column("breached")], "no");
    assert_eq!(row[column("rating")], "", "no ratings yet");
    for name in ["created", "response_due", "acknowledged"] {
        let time = &row[column(name)];
        assert!(
            time.len() == 23 && time.ends_with(" +05:30") && time.as_bytes()[10] == b' ',
            "{name}: {time}, in the hotel's time with its offset"
        );
    }
    assert_eq!(rows[1][column("acknowledged")], "");

    // The staff list's filters.
    let only = |query: &'static str| {
        let manager = &manager;
        async move {
            let (status, _, csv) = export_as(manager, query).await;
            assert_eq!(status, 200, "{query}: {csv}");
            records(&csv)
                .into_iter()
                .skip(1)
                .map(|r| r[0].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(only("?status=ACKNOWLEDGED").await, vec![towels.clone()]);
    assert_eq!(only("?department=spa").await, vec![massage.clone()]);
    assert_eq!(only("?q=towels").await, vec![towels.clone()]);
    assert_eq!(only("?status=COMPLETED").await, Vec::<String>::new());
    let (status, _, refused) = export_as(&manager, "?status=DONE").await;
    assert_eq!(status, 400, "{refused}");
}

#[tokio::test]
async fn only_the_hotels_admins_export() {
    let stack = Stack::demo().await;
    for email in [
        "staff@demo.test",
        "admin@demo-annex.test",
        "operator@demo.test",
    ] {
        let browser = stack.staff(email).await;
        let (status, _, body) = export_as(&browser, "").await;
        assert_eq!(status, 403, "{email}: {body}");
        assert_error(
            &(status, serde_json::from_str(&body).unwrap()),
            403,
            "forbidden",
        );
    }
    let (status, _, _) = export_as(&Browser::new(&stack), "").await;
    assert_eq!(status, 401);
    let (status, _, _) = export_as(&stack.staff("admin@demo.test").await, "").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn past_the_cap_the_file_says_it_was_cut() {
    let stack = Stack::demo_with(|config| config.export_max_rows = 2, |app| app).await;
    let mut guest = stack.guest("demo", "101").await;
    for _ in 0..3 {
        guest.ask("housekeeping").await;
    }
    let (status, _, csv) = export_as(&stack.staff("manager@demo.test").await, "").await;
    assert_eq!(status, 200);
    let rows = records(&csv);
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(rows[3][0].starts_with("Cut at 2 rows"), "{csv}");
}

/// Requests written as the store writes them (its item builder) in batches, then exported
/// through the function's own entry: each page is sent as it is read (after the first page
/// arrives, one Query has been made), and no piece is larger than a page, so memory holds a
/// page whatever the row count. 2 000 rows by default: the emulator spends about 11 ms on each
/// request a Query returns, so the 10 000 take some 140 s here (`EXPORT_TEST_ROWS=10000`
/// runs them; docs/performance.md).
#[tokio::test]
async fn a_large_export_streams_a_page_at_a_time() {
    let rows: usize = std::env::var("EXPORT_TEST_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let page = usize::from(export::PAGE);
    let started = Instant::now();
    let stack = Stack::demo().await;
    let mut guest = stack.guest("demo", "101").await;
    let id: RequestId = guest.ask("housekeeping").await.parse().unwrap();
    let model: ServiceRequest = stack.app.store.request(id).await.unwrap().unwrap();
    let sdk = concierge_infra::emulator::sdk_config(emulator()).await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let table = stack.app.config.table_name.clone();
    let requests: Vec<ServiceRequest> = (1..rows)
        .map(|n| {
            let mut r = model.clone();
            r.id = RequestId::generate();
            r.details = format!("Request {n}, with a comma");
            r.created_at = model.created_at - jiff::SignedDuration::from_millis(n as i64);
            r
        })
        .collect();
    let batches = requests.chunks(25).map(|batch| {
        let writes = batch
            .iter()
            .map(|r| {
                let put = PutRequest::builder()
                    .set_item(Some(request_item(r).unwrap()))
                    .build()
                    .unwrap();
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        let (client, table) = (client.clone(), table.clone());
        async move {
            let out = client
                .batch_write_item()
                .request_items(table, writes)
                .send()
                .await
                .expect("a batch");
            assert!(out.unprocessed_items.is_none_or(|left| left.is_empty()));
        }
    });
    futures::stream::iter(batches)
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    let seeded = started.elapsed();

    let token = stack
        .staff("manager@demo.test")
        .await
        .cookie(&stack.base, "access_token")
        .expect("an access token");
    let request = http::Request::builder()
        .method("GET")
        .uri(format!("{}{EXPORT}", stack.base))
        .header("authorization", format!("Bearer {token}"))
        .body(lambda_http::Body::Empty)
        .unwrap();
    stack.calls.reset();
    let listing_reads = || stack.calls.count_where(|c| c.is("Query", "HOTEL#demo#REQ"));
    let response = concierge::lambda::invoke_stream(stack.app, request, export::handle).await;
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let (mut pieces, mut largest, mut lines, mut total) = (0, 0, 0, 0);
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        pieces += 1;
        largest = largest.max(data.len());
        total += data.len();
        lines += data.windows(2).filter(|w| w == b"\r\n").count();
        if lines > 1 && lines <= page + 1 {
            assert_eq!(
                listing_reads(),
                1,
                "the first page is sent before the next is read"
            );
        }
    }
    assert_eq!(lines, rows + 1, "the header and every request");
    assert_eq!(listing_reads(), rows.div_ceil(page), "one Query a page");
    assert_eq!(
        pieces,
        1 + rows.div_ceil(page),
        "the header, then a piece a page"
    );
    assert!(
        largest <= page * 200,
        "the largest piece, {largest} bytes of {total}, is one page"
    );
    eprintln!(
        "{rows} requests: seeded in {:.1} s, exported ({total} bytes, {pieces} pieces, largest {largest}) in {:.1} s",
        seeded.as_secs_f64(),
        (started.elapsed() - seeded).as_secs_f64()
    );
}
