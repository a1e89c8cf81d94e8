//! Writes a proof PDF of sample letters, for checking the layout by eye or
//! sending to the print shop: `cargo run -p votum-letters --example proof -- OUT.pdf [COUNT]`.

use std::io::BufWriter;

use votum_letters::{LetterWriter, Slip, SlipQuestion};

#[path = "../tests/letters/sample.rs"]
mod sample;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: proof OUT.pdf [COUNT]")?;
    let count: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(3);
    let file = BufWriter::new(std::fs::File::create(&path)?);
    let mut writer = LetterWriter::new(file, "Probedruck")?;
    for member in 0..count {
        let mut letter = sample::letter(member);
        if member == 1 {
            letter.recipient = vec![
                "Herrn".into(),
                "Jürgen Weiß".into(),
                "Schloßstraße 5".into(),
                "80331 München".into(),
            ];
        }
        if member == 2 {
            // A long letter with a long slip: both run over several pages.
            for n in 1..=30 {
                letter.body.push(format!(
                    "Absatz {n}: Die Bewerberinnen und Bewerber stellen sich in der beiliegenden Übersicht vor."
                ));
            }
            letter.slip = Some(long_slip());
        }
        writer.write(&letter)?;
    }
    writer.finish()?;
    println!("{count} letters written to {path}");
    Ok(())
}

/// A ballot of four questions with twelve options each.
fn long_slip() -> Slip {
    Slip {
        heading: "Stimmzettel: Landesparteitag 2026".into(),
        instructions: vec![
            "Kreuzen Sie an und senden Sie nur diesen Zettel zurück, ohne Namen.".into(),
        ],
        questions: (1..=4)
            .map(|q| SlipQuestion {
                text: format!("Frage {q}: Wen wählen Sie auf Listenplatz {q}?"),
                hint: "Ein Kreuz.".into(),
                options: (1..=12).map(|n| format!("Bewerberin {q}-{n}")).collect(),
            })
            .collect(),
        code_label: "Code dieses Stimmzettels:".into(),
        footer: "Bitte nicht knicken.".into(),
    }
}
