//! Letters that cannot be printed as given are refused, with a clear error,
//! before anything of them is written.

use std::io::{self, Write};

use votum_letters::{Letter, LetterError, LetterWriter};

use crate::sample;

fn write(letter: &Letter) -> Result<(), LetterError> {
    LetterWriter::new(io::sink(), "Test")?.write(letter)
}

/// A body of `lines` lines, one long word each, no paragraph gaps.
fn body_of_lines(lines: usize) -> Vec<String> {
    vec![vec!["x".repeat(60); lines].join(" ")]
}

#[test]
fn too_long_names_the_overflowing_lines() {
    let fits = |lines| {
        write(&Letter {
            body: body_of_lines(lines),
            ..sample::letter(1)
        })
        .is_ok()
    };
    let most = (1..1000).take_while(|&lines| fits(lines)).last().unwrap();
    // Six pages: the first with the address, five continuation pages.
    assert!(most >= 200, "room for {most} body lines only");
    for extra in [1, 2, 7] {
        let letter = Letter {
            body: body_of_lines(most + extra),
            ..sample::letter(1)
        };
        match write(&letter) {
            Err(LetterError::TooLong { overflow_lines }) => {
                assert_eq!(overflow_lines, extra, "{most} lines fit")
            }
            other => panic!("expected TooLong, got {other:?}"),
        }
    }
    let message = write(&Letter {
        body: body_of_lines(most + 2),
        ..sample::letter(1)
    })
    .unwrap_err()
    .to_string();
    assert!(message.contains("2 line(s) too long"), "{message}");
}

#[test]
fn address_lines_are_shrunk_then_refused_never_cut() {
    let mut letter = sample::letter(1);
    // 44 characters: too wide at 11 pt, fits when shrunk.
    letter.recipient[1] = "Hauptstraße 123, Hinterhaus, 3. OG links".into();
    assert!(write(&letter).is_ok());
    letter.recipient[1] = "Sehr lange Straßenbezeichnung mit Zusatz und Hausnummer 1234 a".into();
    assert!(matches!(
        write(&letter),
        Err(LetterError::TooWide {
            field: "recipient",
            line: 2
        })
    ));
}

#[test]
fn bad_input_is_refused() {
    let cases: Vec<(Letter, &str)> = vec![
        (
            Letter {
                recipient: vec![],
                ..sample::letter(1)
            },
            "recipient",
        ),
        (
            Letter {
                recipient: vec!["  ".into()],
                ..sample::letter(1)
            },
            "recipient",
        ),
        (
            Letter {
                recipient: vec!["Zeile".into(); 7],
                ..sample::letter(1)
            },
            "recipient",
        ),
        (
            Letter {
                code: String::new(),
                ..sample::letter(1)
            },
            "code",
        ),
        (
            Letter {
                code: "ABCD-ÄÖÜ".into(),
                ..sample::letter(1)
            },
            "code",
        ),
        (
            Letter {
                vote_url: " ".into(),
                ..sample::letter(1)
            },
            "vote_url",
        ),
        (
            Letter {
                sender_block: vec!["Zeile".into(); 9],
                ..sample::letter(1)
            },
            "sender_block",
        ),
        (
            Letter {
                footer: "Kleingedrucktes ".repeat(60),
                ..sample::letter(1)
            },
            "footer",
        ),
    ];
    for (letter, expected) in cases {
        match write(&letter) {
            Err(LetterError::Invalid { field, .. }) => assert_eq!(field, expected),
            other => panic!("{expected}: expected Invalid, got {other:?}"),
        }
    }
    let wide: Vec<(Letter, &str)> = vec![
        (
            Letter {
                code: "ABCD-".repeat(9),
                ..sample::letter(1)
            },
            "code",
        ),
        (
            Letter {
                code_label: "Ihr ".repeat(40),
                ..sample::letter(1)
            },
            "code_label",
        ),
        (
            Letter {
                return_address: "Partei · ".repeat(12),
                ..sample::letter(1)
            },
            "return_address",
        ),
        (
            Letter {
                sender_block: vec!["Wahlleitung ".repeat(6)],
                ..sample::letter(1)
            },
            "sender_block",
        ),
    ];
    for (letter, expected) in wide {
        match write(&letter) {
            Err(LetterError::TooWide { field, line: 1 }) => assert_eq!(field, expected),
            other => panic!("{expected}: expected TooWide, got {other:?}"),
        }
    }
}

#[test]
fn urls_too_long_for_a_scannable_qr_code_are_refused() {
    for length in [400, 3000, 10_000] {
        let letter = Letter {
            vote_url: "h".repeat(length),
            ..sample::letter(1)
        };
        match write(&letter) {
            Err(LetterError::QrTooLong { bytes }) => assert_eq!(bytes, length),
            other => panic!("expected QrTooLong, got {other:?}"),
        }
    }
    let message = LetterError::QrTooLong { bytes: 400 }.to_string();
    assert!(
        message.contains("400 bytes") && message.contains("version 12"),
        "{message}"
    );
}

#[test]
fn the_writer_goes_on_after_a_refused_letter() {
    let mut writer = LetterWriter::new(Vec::new(), "Test").unwrap();
    writer.write(&sample::letter(1)).unwrap();
    let too_long = Letter {
        body: body_of_lines(1000),
        ..sample::letter(2)
    };
    assert!(writer.write(&too_long).is_err());
    let no_address = Letter {
        recipient: vec![],
        ..sample::letter(3)
    };
    assert!(writer.write(&no_address).is_err());
    writer.write(&sample::letter(4)).unwrap();
    assert_eq!(writer.pages(), 2);
    let bytes = writer.finish().unwrap();
    assert_eq!(
        lopdf::Document::load_mem(&bytes).unwrap().get_pages().len(),
        2
    );
}

/// Accepts `limit` bytes, then fails every write.
struct Full {
    limit: usize,
}

impl Write for Full {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.limit {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        self.limit -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failed_write_breaks_the_writer() {
    let mut writer = LetterWriter::new(Full { limit: 100_000 }, "Test").unwrap();
    let letter = sample::letter(1);
    let error = (0..10_000)
        .find_map(|_| writer.write(&letter).err())
        .unwrap();
    assert!(matches!(error, LetterError::Io(_)), "{error:?}");
    assert!(error.to_string().contains("disk full"));
    assert!(matches!(writer.write(&letter), Err(LetterError::Broken)));
    assert!(matches!(writer.finish(), Err(LetterError::Broken)));
}

#[test]
fn debug_output_hides_code_url_and_address() {
    let letter = Letter {
        recipient: vec!["Jürgen Weiß".into()],
        ..sample::letter(1)
    };
    let debug = format!("{letter:?}");
    assert!(!debug.contains(&letter.code) && !debug.contains("portal.example.org/vote"));
    assert!(!debug.contains("Weiß") && debug.contains("[redacted]"));
}
