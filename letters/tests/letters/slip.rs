//! The postal voting slip: a second page with every question and option,
//! the code as text and a QR code holding only the code.

use votum_letters::{Letter, LetterError, Slip, SlipQuestion};

use crate::{sample, tools};

pub fn slip() -> Slip {
    Slip {
        heading: "Stimmzettel: Mitgliederbefragung 2026".into(),
        instructions: vec![
            "Kreuzen Sie an und senden Sie nur diesen Zettel zurück, ohne Namen.".into(),
        ],
        questions: vec![
            SlipQuestion {
                text: "Soll die Satzung geändert werden?".into(),
                hint: "Ein Kreuz.".into(),
                options: vec!["Ja".into(), "Nein".into(), "Enthaltung".into()],
            },
            SlipQuestion {
                text: "Wer soll den Vorsitz übernehmen?".into(),
                hint: "Nummerieren Sie: 1 vor Ihre erste Wahl, 2 vor die zweite.".into(),
                options: vec!["Anna Schmidt".into(), "Jürgen Weiß".into()],
            },
        ],
        code_label: "Code dieses Stimmzettels:".into(),
        footer: "Bitte nicht knicken.".into(),
    }
}

fn with_slip(member: u32) -> Letter {
    Letter {
        slip: Some(slip()),
        ..sample::letter(member)
    }
}

#[test]
fn a_slip_adds_a_page_with_questions_code_and_qr() {
    let letters = [with_slip(1), sample::letter(2), with_slip(3)];
    let bytes = tools::pdf(&letters);
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(document.get_pages().len(), 5);
    if !tools::poppler("pdftotext") {
        return;
    }
    let (_dir, path) = tools::save(&bytes, "slip.pdf");
    let text = tools::text(&path);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    for expected in [
        "Stimmzettel: Mitgliederbefragung 2026",
        "Soll die Satzung geändert werden?",
        "Enthaltung",
        "Jürgen Weiß",
        "Code dieses Stimmzettels:",
        &letters[0].code,
    ] {
        assert!(
            pages[1].contains(expected),
            "{expected:?} not on the slip:\n{}",
            pages[1]
        );
    }
    assert!(pages[4].contains(&letters[2].code));
    assert!(
        !pages[1].contains("Mitglied Nr. 1"),
        "the slip carries no name"
    );
    if !tools::poppler("pdftoppm") {
        return;
    }
    // The slip's QR code holds just the code, for the officers' scanner.
    assert_eq!(
        tools::qr_codes(tools::render(&path, 2)),
        vec![letters[0].code.clone()]
    );
    assert_eq!(
        tools::qr_codes(tools::render(&path, 5)),
        vec![letters[2].code.clone()]
    );
}

#[test]
fn a_slip_that_does_not_fit_is_refused_and_nothing_is_written() {
    let mut long = slip();
    long.questions[1].options = (0..400).map(|n| format!("Kandidatin {n}")).collect();
    let mut writer = votum_letters::LetterWriter::new(Vec::new(), "t").unwrap();
    let refused = writer.write(&Letter {
        slip: Some(long),
        ..sample::letter(1)
    });
    assert!(
        matches!(refused, Err(LetterError::TooLong { .. })),
        "{refused:?}"
    );
    assert_eq!(writer.pages(), 0);
    writer.write(&with_slip(2)).unwrap();
    assert_eq!(writer.pages(), 2);
    let mut empty = slip();
    empty.questions.clear();
    assert!(matches!(
        writer.write(&Letter {
            slip: Some(empty),
            ..sample::letter(3)
        }),
        Err(LetterError::Invalid { field: "slip", .. })
    ));
}
