//! Every CSV the portal writes is safe to open in a spreadsheet: no cell
//! starts a formula (`=`, `+`, `-`, `@`, tab, CR), whoever typed it.

use diesel::prelude::*;
use rocket::http::Status;
use votum::db::schema::members;

use crate::support::{TestApp, PASSWORD};

const FORMULAS: [&str; 7] = [
    "=HYPERLINK(\"http://evil.example/\",\"Klick\")",
    "+SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
];

/// Whether a spreadsheet would read `cell` as a formula.
fn is_formula(cell: &str) -> bool {
    let number = cell.strip_prefix(['+', '-']).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    });
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number
}

fn cells(body: &[u8]) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// Gives member A1 a formula in every free text field of the address.
fn poison(app: &TestApp, id: i64) {
    diesel::update(members::table.find(id))
        .set((
            members::first_name.eq(FORMULAS[0]),
            members::last_name.eq(FORMULAS[1]),
            members::street.eq(FORMULAS[2]),
            members::city.eq(FORMULAS[3]),
            members::address_extra.eq(FORMULAS[4]),
            members::house_number.eq(FORMULAS[5]),
            members::phone.eq("+49 30 1234"),
            members::postcode.eq(FORMULAS[6]),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

crate::both_backends!(member_export_defuses_formulas, |app: TestApp| {
    let org = app.with_org();
    poison(&app, org.member_a1.id);
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let response = app.client.get("/members/export.csv").dispatch();
    assert_eq!(response.status(), Status::Ok);
    let body = response.into_bytes().unwrap();
    let cells = cells(&body);
    for formula in FORMULAS {
        assert!(
            cells.contains(&format!("'{formula}")),
            "{formula:?} is not in the export as text: {cells:?}"
        );
    }
    assert!(cells.contains(&"'+49 30 1234".to_owned()));
    let live: Vec<&String> = cells.iter().filter(|c| is_formula(c)).collect();
    assert!(live.is_empty(), "formulas left in the export: {live:?}");
});

crate::both_backends!(survey_export_defuses_formulas, |app: TestApp| {
    let org = app.with_org();
    poison(&app, org.member_a1.id);
    let id = crate::surveys::create(
        &app,
        &[
            ("q0_text", "=HYPERLINK(\"http://evil.example/\")"),
            ("q0_kind", "single"),
            ("q0_options", "@Verkehr\n+Schule"),
            ("q1_text", "Wie viele?"),
            ("q1_kind", "number"),
            ("q1_min", "-10"),
            ("q1_max", "10"),
            ("q2_text", "Anmerkungen"),
            ("q2_kind", "text"),
        ],
    );
    assert_eq!(app.login("member-a1", PASSWORD), Status::SeeOther);
    let (status, page) =
        crate::surveys::answer(&app, &id, &[("q0", "0"), ("q1", "-5"), ("q2", "-1+2")]);
    assert_eq!(status, Status::Ok, "{page}");
    app.logout();
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let response = app
        .client
        .get(format!("/surveys/{id}/export.csv"))
        .dispatch();
    assert_eq!(response.status(), Status::Ok);
    let cells = cells(&response.into_bytes().unwrap());
    let live: Vec<&String> = cells.iter().filter(|c| is_formula(c)).collect();
    assert!(live.is_empty(), "formulas left in the export: {live:?}");
    assert!(
        cells.iter().any(|c| c.starts_with("'=HYPERLINK")),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c == "'@Verkehr"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "'-1+2"), "{cells:?}");
    // A plain negative number stays a number.
    assert!(cells.iter().any(|c| c == "-5"), "{cells:?}");
});

crate::both_backends!(an_export_imports_as_it_was, |app: TestApp| {
    let org = app.with_org();
    diesel::update(members::table.find(org.member_a1.id))
        .set((
            members::last_name.eq("@Sum"),
            members::sort_key.eq(votum::members::query::sort_key(
                &org.member_a1.first_name,
                "@Sum",
            )),
            members::street.eq("-2+3 Weg"),
            members::city.eq("=Berlin"),
            members::phone.eq("+49 30 1234"),
        ))
        .execute(&mut *app.conn())
        .unwrap();
    let stored = |app: &TestApp| -> Vec<votum::db::models::Member> {
        members::table
            .order(members::id)
            .select(votum::db::models::Member::as_select())
            .load(&mut *app.conn())
            .unwrap()
    };
    let before = stored(&app);
    assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
    let (status, csv) = app.get("/members/export.csv");
    assert_eq!(status, Status::Ok);
    assert!(csv.contains("'+49 30 1234"), "{csv}");
    let report = votum::members::import::import(
        &mut app.conn(),
        csv.as_bytes(),
        false,
        crate::support::test_now(),
    )
    .unwrap();
    assert!(report.applied && report.errors.is_empty(), "{report:?}");
    assert_eq!((report.inserted, report.updated), (0, 0), "{report:?}");
    assert_eq!(stored(&app), before);
});
