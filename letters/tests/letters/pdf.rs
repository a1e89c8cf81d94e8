//! The PDF parses, has every page and carries the text, umlauts included.

use votum_letters::{Letter, LetterWriter};

use crate::{sample, tools};

fn weiss() -> Letter {
    Letter {
        recipient: vec![
            "Jürgen Weiß".into(),
            "Schloßstraße 5".into(),
            "80331 München".into(),
        ],
        ..sample::letter(42)
    }
}

#[test]
fn lopdf_finds_every_page_and_object() {
    let letters: Vec<Letter> = (0..600).map(sample::letter).collect();
    let bytes = tools::pdf(&letters);
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = document.get_pages();
    assert_eq!(pages.len(), 600);
    // Every page's content stream inflates and shows the member's code.
    for (number, letter) in [(1, &letters[0]), (300, &letters[299]), (600, &letters[599])] {
        let content = document.get_page_content(pages[&number]);
        let shown = format!("({})Tj", letter.code);
        assert!(
            content.windows(shown.len()).any(|w| w == shown.as_bytes()),
            "page {number} lacks its code"
        );
    }
    // Three standard fonts, none embedded.
    let fonts: Vec<_> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font"))
        .collect();
    assert_eq!(fonts.len(), 3);
    for font in fonts {
        assert_eq!(
            font.get(b"Encoding").unwrap().as_name().unwrap(),
            b"WinAnsiEncoding"
        );
        assert!(font.get(b"FontFile").is_err() && font.get(b"FontDescriptor").is_err());
    }
}

#[test]
fn pdftotext_reads_recipient_and_code_with_umlauts() {
    if !tools::poppler("pdftotext") {
        return;
    }
    let letters = [sample::letter(1), weiss(), sample::letter(3)];
    let (_dir, path) = tools::save(&tools::pdf(&letters), "text.pdf");
    let text = tools::text(&path);
    assert_eq!(text.matches('\u{c}').count(), 3, "one form feed per page");
    let page_two = text.split('\u{c}').nth(1).unwrap();
    for expected in [
        "Jürgen Weiß",
        "Schloßstraße 5",
        "80331 München",
        &letters[1].code,
    ] {
        assert!(
            page_two.contains(expected),
            "{expected:?} missing from page 2:\n{page_two}"
        );
    }
    for expected in [
        "Ihr Abstimmungscode:",
        "Mit freundlichen Grüßen",
        "Bundeswahlleitung",
        "23. November 2026",
    ] {
        assert!(page_two.contains(expected), "{expected:?} missing");
    }
    assert!(text.contains("Demokratische Beispielpartei · Postfach 1234"));
}

#[test]
fn characters_outside_win_ansi_print_as_question_marks() {
    if !tools::poppler("pdftotext") {
        return;
    }
    let letter = Letter {
        recipient: vec![
            "Łukasz Nowak – „Büro“".into(),
            "Hauptstraße 1".into(),
            "01067 Dresden".into(),
        ],
        ..sample::letter(5)
    };
    let (_dir, path) = tools::save(&tools::pdf(&[letter]), "ansi.pdf");
    assert!(tools::text(&path).contains("?ukasz Nowak – „Büro“"));
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    let letters: Vec<Letter> = (0..3).map(sample::letter).collect();
    assert_eq!(tools::pdf(&letters), tools::pdf(&letters));
}

#[test]
fn a_pdf_without_letters_still_parses() {
    let bytes = LetterWriter::new(Vec::new(), "Leer")
        .unwrap()
        .finish()
        .unwrap();
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(document.get_pages().is_empty());
}

#[test]
fn letters_with_different_texts_each_get_their_own_shared_part() {
    // A personal salutation makes every body different: still correct.
    let letters: Vec<Letter> = (0..50)
        .map(|member| {
            let mut letter = sample::letter(member);
            letter.body[0] = format!("Guten Tag, Mitglied {member},");
            letter
        })
        .collect();
    let bytes = tools::pdf(&letters);
    let document = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(document.get_pages().len(), 50);
    let forms = document
        .objects
        .values()
        .filter_map(|object| object.as_stream().ok())
        .filter(|stream| {
            stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Form")
        })
        .count();
    assert_eq!(forms, 50);
    let shared = tools::pdf(&(0..50).map(sample::letter).collect::<Vec<_>>());
    assert!(
        shared.len() * 2 < bytes.len(),
        "{} vs {}",
        shared.len(),
        bytes.len()
    );
}
