//! Letters and slips longer than a page: the first page keeps the DIN 5008
//! layout with the address, the text continues on numbered pages, the code
//! and its QR code follow the text; every slip page carries the code.

use votum_letters::{Letter, LetterWriter, Slip, SlipQuestion};

use crate::{sample, tools};

/// The pages of the PDF at `path` as pdftotext reads them.
fn page_texts(path: &std::path::Path) -> Vec<String> {
    let mut pages: Vec<String> = tools::text(path)
        .split('\u{c}')
        .map(str::to_owned)
        .collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A long ballot: four questions with many options and long texts.
fn long_slip() -> Slip {
    Slip {
        heading: "Stimmzettel: Landesparteitag 2026".into(),
        instructions: vec!["Kreuzen Sie an und senden Sie nur diesen Zettel zurück.".into()],
        questions: (1..=4)
            .map(|q| SlipQuestion {
                text: format!("Frage {q}: Wen wählen Sie auf Listenplatz {q} der Landesliste?"),
                hint: "Ein Kreuz.".into(),
                options: (1..=12).map(|n| format!("Bewerberin {q}-{n}")).collect(),
            })
            .collect(),
        code_label: "Code dieses Stimmzettels:".into(),
        footer: "Bitte nicht knicken.".into(),
    }
}

#[test]
fn a_long_letter_and_slip_run_over_pages_and_decode() {
    let mut body = sample::body();
    for n in 1..=40 {
        body.push(format!(
            "Absatz {n}: Die Kandidatinnen und Kandidaten stellen sich auf den folgenden Seiten vor."
        ));
    }
    let letter = Letter {
        body,
        slip: Some(long_slip()),
        ..sample::letter(7)
    };
    let mut writer = LetterWriter::new(Vec::new(), "Test").unwrap();
    writer.write(&letter).unwrap();
    // The same texts again reuse the laid-out pages.
    writer.write(&sample::letter(8)).unwrap();
    let pages = writer.pages();
    let bytes = writer.finish().unwrap();
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(document.get_pages().len(), pages);
    if !tools::poppler("pdftotext") {
        return;
    }
    let (_dir, path) = tools::save(&bytes, "long.pdf");
    let texts = page_texts(&path);
    assert_eq!(texts.len(), pages);
    // The letter: address on page 1 only, the code on its last page only.
    let letter_pages = texts
        .iter()
        .position(|t| t.contains("Stimmzettel: Landesparteitag"))
        .unwrap();
    assert!(letter_pages >= 2, "{letter_pages} letter pages");
    assert!(texts[0].contains(&letter.recipient[0]));
    assert!(texts[0].contains(&format!("1/{letter_pages}")));
    for (n, text) in texts.iter().enumerate().take(letter_pages).skip(1) {
        assert!(!text.contains(&letter.recipient[0]), "address on page {n}");
        assert!(text.contains(&format!("{}/{letter_pages}", n + 1)));
    }
    assert!(texts[letter_pages - 1].contains(&letter.code));
    assert!(texts[letter_pages - 1].contains("Absatz 40"));
    let code_pages = texts
        .iter()
        .take(letter_pages)
        .filter(|t| t.contains(&letter.code))
        .count();
    assert_eq!(code_pages, 1);
    // The slip: every option once, the code on every slip page.
    let slip_pages = &texts[letter_pages..pages - 1];
    assert!(slip_pages.len() >= 2, "{} slip pages", slip_pages.len());
    let slip_text = slip_pages.concat();
    for q in 1..=4 {
        for n in 1..=12 {
            let option = format!("Bewerberin {q}-{n}\n");
            assert_eq!(slip_text.matches(&option).count(), 1, "{option}");
        }
    }
    for page in slip_pages {
        assert!(page.contains(&letter.code));
    }
    // The short letter after it still has one page.
    assert!(texts[pages - 1].contains(&sample::code(8)));
    if !tools::poppler("pdftoppm") {
        return;
    }
    assert!(tools::qr_codes(tools::render(&path, 1)).is_empty());
    assert_eq!(
        tools::qr_codes(tools::render(&path, letter_pages)),
        vec![letter.vote_url.clone()]
    );
    for page in letter_pages + 1..pages {
        assert_eq!(
            tools::qr_codes(tools::render(&path, page)),
            vec![letter.code.clone()],
            "slip page {page}"
        );
    }
}
