//! `members import`: idempotent, every bad row named, nothing changed on
//! errors unless asked to skip them.

use diesel::prelude::*;
use votum::db::schema::members;
use votum::members::import::import;

use crate::both_backends;
use crate::support::{test_now, TestApp};

const HEADER: &str = "membership_number,first_name,last_name,address_extra,street,house_number,postcode,city,country,email,phone,birth_date,join_date,status,channel,language,chapter\n";

fn count(app: &TestApp) -> i64 {
    members::table.count().get_result(&mut *app.conn()).unwrap()
}

both_backends!(
    valid_file_imports_and_reimport_changes_nothing,
    |app: TestApp| {
        app.with_org();
        let file = format!(
        "{HEADER}\
         2000001,Jana,Krüger,,Lindenweg,4a,80331,München,,JANA@example.org,,1985-03-02,2019-05-01,,,,ov-a1\n\
         2000002,Otto,Lehmann,c/o Lehmann,Am Markt,2,80331,München,DE,,+49 89 123,02.01.1950,01.02.1990,active,paper,de,ov-a2\n"
    );
        let before = count(&app);
        let report = import(&mut app.conn(), file.as_bytes(), false, test_now()).unwrap();
        assert!(report.applied && report.errors.is_empty(), "{report:?}");
        assert_eq!(
            (report.inserted, report.updated, report.unchanged),
            (2, 0, 0)
        );
        assert_eq!(count(&app), before + 2);
        let (email, channel): (Option<String>, String) = members::table
            .filter(members::membership_number.eq("2000001"))
            .select((members::email, members::channel))
            .first(&mut *app.conn())
            .unwrap();
        assert_eq!(email.as_deref(), Some("jana@example.org"));
        assert_eq!(channel, "online");

        let again = import(&mut app.conn(), file.as_bytes(), false, test_now()).unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));

        let moved = file.replace("Lindenweg,4a", "Rosenweg,7");
        let changed = import(&mut app.conn(), moved.as_bytes(), false, test_now()).unwrap();
        assert_eq!(
            (changed.inserted, changed.updated, changed.unchanged),
            (0, 1, 1)
        );
        assert_eq!(count(&app), before + 2);
    }
);

both_backends!(bad_rows_are_named_and_nothing_changes, |app: TestApp| {
    let org = app.with_org();
    let file = format!(
        "{HEADER}\
         2000001,Jana,Krüger,,Lindenweg,4,80331,München,,jana@example.org,,1985-03-02,2019-05-01,,,,ov-a1\n\
         2000002,,Lehmann,,Am Markt,2,80331,München,,,,1950-01-02,1990-02-01,,,,ov-a1\n\
         2000003,Eva,Roth,,Am Markt,3,80331,München,,not-an-email,,1950-01-02,1990-02-01,,,,ov-a1\n\
         2000004,Udo,Ernst,,Am Markt,4,80331,München,,,,1950-13-40,1990-02-01,,,,ov-a1\n\
         2000005,Ida,Wolf,,Am Markt,5,80331,München,,,,1950-01-02,1990-02-01,,,,no-such-chapter\n\
         2000001,Jana,Doppelt,,Lindenweg,4,80331,München,,,,1985-03-02,2019-05-01,,,,ov-a1\n\
         2000007,Max,Kurz,,Am Markt,7\n\
         {},Anton,Geändert,,Neue Str.,1,10115,Berlin,,,,1970-05-01,2000-01-01,,maybe,,ov-a1\n",
        org.member_a1.membership_number
    );
    let before: Vec<(String, String)> = members::table
        .select((members::membership_number, members::last_name))
        .order(members::membership_number)
        .load(&mut *app.conn())
        .unwrap();
    let report = import(&mut app.conn(), file.as_bytes(), false, test_now()).unwrap();
    assert!(!report.applied);
    let lines: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(lines.len(), 7, "{lines:#?}");
    let expect = [
        (3, "first_name is empty"),
        (4, "not-an-email"),
        (5, "birth_date"),
        (6, "no-such-chapter"),
        (7, "appears twice"),
        (8, "found record with 6 fields"),
        (9, "channel \"maybe\""),
    ];
    for ((line, reason), (want_line, want)) in lines.iter().zip(expect) {
        assert_eq!(*line, want_line, "{reason}");
        assert!(
            reason.contains(want),
            "line {line}: {reason:?} should mention {want:?}"
        );
    }
    let after: Vec<(String, String)> = members::table
        .select((members::membership_number, members::last_name))
        .order(members::membership_number)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(before, after, "a file with errors changed the register");

    // With --skip-invalid the good row goes in, the bad ones are reported.
    let report = import(&mut app.conn(), file.as_bytes(), true, test_now()).unwrap();
    assert!(report.applied);
    assert_eq!((report.inserted, report.skipped), (1, 7));
});
