//! Letters per second: 1,000 letters into `io::sink`.

// A benchmark may panic on the unexpected.
#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use votum_letters::{Letter, LetterWriter};

#[path = "../tests/letters/sample.rs"]
mod sample;

fn thousand_letters(c: &mut Criterion) {
    let letters: Vec<Letter> = (0..1_000).map(sample::letter).collect();
    let mut group = c.benchmark_group("letters");
    group.throughput(Throughput::Elements(letters.len() as u64));
    group.sample_size(20);
    group.bench_function("write 1000 letters to io::sink", |b| {
        b.iter(|| {
            let mut writer = LetterWriter::new(std::io::sink(), "Bench").unwrap();
            for letter in &letters {
                writer.write(letter).unwrap();
            }
            writer.finish().unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, thousand_letters);
criterion_main!(benches);
