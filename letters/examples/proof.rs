//! Writes a proof PDF of sample letters, for checking the layout by eye or
//! sending to the print shop: `cargo run -p votum-letters --example proof -- OUT.pdf [COUNT]`.

use std::io::BufWriter;

use votum_letters::LetterWriter;

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
        writer.write(&letter)?;
    }
    writer.finish()?;
    println!("{count} letters written to {path}");
    Ok(())
}
