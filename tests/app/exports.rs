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

/// Every cell of a CSV file of either flavour: for people (byte order mark,
/// `;` in German) or for machines (`,`).
fn cells(body: &[u8]) -> Vec<String> {
    let (body, delimiter) = match body.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, b';'),
        None => (body, b','),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
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
    let (status, csv) = app.get("/members/export.csv?format=machine");
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

crate::both_backends!(
    exports_for_people_are_german_spreadsheets_and_machines_keep_theirs,
    |app: TestApp| {
        let org = app.with_org();
        assert_eq!(app.login("chair-a1", PASSWORD), Status::SeeOther);
        let response = app.client.get("/members/export.csv").dispatch();
        assert_eq!(response.status(), Status::Ok);
        let disposition = response
            .headers()
            .get_one("Content-Disposition")
            .unwrap()
            .to_owned();
        assert!(disposition.contains("members.csv"), "{disposition}");
        let body = response.into_bytes().unwrap();
        // Excel needs the byte order mark to read UTF-8, and `;` in German.
        let text =
            String::from_utf8(body.strip_prefix(b"\xEF\xBB\xBF").expect("BOM").to_vec()).unwrap();
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with("Mitgliedsnummer;Vorname;Nachname;"),
            "{header}"
        );
        let a1 = &org.member_a1;
        let line = text
            .lines()
            .find(|l| l.starts_with(&a1.membership_number))
            .expect("member a1 exported");
        let birth = a1.birth_date.format("%d.%m.%Y").to_string();
        assert!(line.contains(&format!(";{birth};")), "{line}");
        assert!(line.contains(";aktiv;"), "{line}");
        assert!(
            line.ends_with(&format!(";{}", org.chapter_a1.name)),
            "{line}"
        );
        assert!(
            !text.contains(&a1.birth_date.to_string()),
            "no ISO date: {text}"
        );

        // The English interface gets English headings, commas and ISO dates.
        app.client.get("/lang/en?back=/").dispatch();
        let (status, english) = app.get("/members/export.csv");
        assert_eq!(status, Status::Ok);
        assert!(
            english
                .trim_start_matches('\u{feff}')
                .starts_with("Membership number,First name,"),
            "{english}"
        );
        assert!(english.contains(",active,"), "{english}");

        // The machine flavour is the import's format.
        let (status, machine) = app.get("/members/export.csv?format=machine");
        assert_eq!(status, Status::Ok);
        assert!(
            machine.starts_with("membership_number,first_name,"),
            "{machine}"
        );
        assert!(machine.contains(&a1.birth_date.to_string()), "{machine}");
        assert!(machine.contains(&org.chapter_a1.slug), "{machine}");

        // A format nobody knows is a 400 with a message, not a file.
        let (status, page) = app.get("/members/export.csv?format=xlsx");
        assert_eq!(status, Status::BadRequest);
        assert!(page.contains("machine"), "{page}");
    }
);
