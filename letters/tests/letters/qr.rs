//! The printed QR code scans back to the ballot URL.

use crate::{sample, tools};

fn scans_back(letters: &[votum_letters::Letter]) {
    if !tools::poppler("pdftoppm") {
        return;
    }
    let (_dir, path) = tools::save(&tools::pdf(letters), "qr.pdf");
    for (index, letter) in letters.iter().enumerate() {
        let image = tools::render(&path, index + 1);
        // 150 dpi A4: 1240.2 × 1753.9 pixels.
        assert!(image.width().abs_diff(1240) <= 1 && image.height().abs_diff(1754) <= 1);
        assert_eq!(
            tools::qr_codes(image),
            vec![letter.vote_url.clone()],
            "page {}",
            index + 1
        );
    }
}

#[test]
fn qr_code_decodes_to_the_vote_url() {
    scans_back(&[
        sample::letter(1),
        sample::letter(2),
        sample::letter(370_000),
    ]);
}

#[test]
fn short_and_long_urls_scan_too() {
    let mut short = sample::letter(7);
    short.vote_url = "https://v.example/x".into();
    let mut long = sample::letter(8);
    // Close to the largest accepted QR version (12 at level M).
    long.vote_url = format!(
        "https://portal.example.org/vote/{}?code={}",
        "a".repeat(200),
        long.code
    );
    scans_back(&[short, long]);
}

#[test]
fn qr_code_scans_above_and_below_the_fold() {
    let mut short = sample::letter(9);
    short.body.truncate(2);
    let mut long = sample::letter(10);
    long.body.extend(std::iter::repeat_n(
        "Eine weitere Zeile der Anleitung.".to_owned(),
        2,
    ));
    scans_back(&[short, long]);
}
