//! Size and speed: bytes per page for 1,000 letters, and a by-hand run of
//! 100,000 letters for time and memory.

use std::io::{BufWriter, Write};
use std::time::Instant;

use votum_letters::{Letter, LetterWriter};

use crate::sample;

const PAGE_BUDGET: usize = 15 * 1024;

#[test]
fn a_thousand_letters_stay_far_under_15_kb_a_page() {
    let letters: Vec<Letter> = (0..1_000).map(sample::letter).collect();
    let bytes = crate::tools::pdf(&letters).len();
    let per_page = bytes / letters.len();
    eprintln!("shared texts: {per_page} bytes/page");
    assert!(per_page < PAGE_BUDGET / 5, "{per_page} bytes per page");

    // Worst case: every letter has its own text (personal salutation).
    let personal: Vec<Letter> = (0..1_000)
        .map(|member| {
            let mut letter = sample::letter(member);
            letter.body[0] = format!("Guten Tag, Mitglied {member},");
            letter
        })
        .collect();
    let per_page = crate::tools::pdf(&personal).len() / personal.len();
    eprintln!("personal texts: {per_page} bytes/page");
    assert!(per_page < PAGE_BUDGET, "{per_page} bytes per page");
}

/// Counts bytes on their way to a real file.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Run by hand, in release mode, under `/usr/bin/time -v` for peak memory:
/// `cargo test --release -p votum-letters --test letters -- --ignored --nocapture`
/// Letters are made one at a time, as the app streams them from the
/// database. `LETTERS` sets the count (default 100,000).
#[test]
#[ignore]
fn hundred_thousand_letters_time_and_size() {
    let count: u32 = std::env::var("LETTERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("letters.pdf")).unwrap();
    let out = Counted {
        inner: BufWriter::new(file),
        bytes: 0,
    };
    let start = Instant::now();
    let mut writer = LetterWriter::new(out, "Mitgliederbefragung 2026").unwrap();
    for member in 0..count {
        writer.write(&sample::letter(member)).unwrap();
    }
    let mut out = writer.finish().unwrap();
    out.flush().unwrap();
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "{count} letters in {seconds:.1} s: {:.0} pages/s, {} bytes/page, {:.1} MB",
        f64::from(count) / seconds,
        out.bytes / u64::from(count),
        out.bytes as f64 / 1e6
    );
}
