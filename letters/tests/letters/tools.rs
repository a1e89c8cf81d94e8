//! Writing PDFs to temporary files and running poppler on them.

use std::path::{Path, PathBuf};
use std::process::Command;

use votum_letters::{Letter, LetterWriter};

/// Writes `letters` into a PDF in memory.
pub fn pdf(letters: &[Letter]) -> Vec<u8> {
    let mut writer = LetterWriter::new(Vec::new(), "Test").unwrap();
    for letter in letters {
        writer.write(letter).unwrap();
    }
    let slips = letters.iter().filter(|l| l.slip.is_some()).count();
    assert_eq!(writer.pages(), letters.len() + slips);
    writer.finish().unwrap()
}

/// Saves `bytes` as `name` in a fresh temporary directory.
pub fn save(bytes: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Whether the poppler tool `name` can run. Without it the calling test is
/// skipped with a message, except under CI (env `CI` set), where poppler-utils
/// is installed and a missing tool fails the test.
pub fn poppler(name: &str) -> bool {
    match Command::new(name).arg("-v").output() {
        Ok(_) => true,
        Err(error) if std::env::var_os("CI").is_some() => {
            panic!("{name} is required under CI (install poppler-utils): {error}")
        }
        Err(error) => {
            eprintln!(
                "SKIPPED: {name} not available ({error}); install poppler-utils to run this test"
            );
            false
        }
    }
}

/// Renders page `page` (from 1) of the PDF at `path` to a grey image at
/// 150 dpi with `pdftoppm`.
pub fn render(path: &Path, page: usize) -> image::GrayImage {
    let prefix = path.with_extension("");
    let output = Command::new("pdftoppm")
        .args([
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(path)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    image::open(prefix.with_extension("png"))
        .unwrap()
        .to_luma8()
}

/// The text of the PDF at `path` as `pdftotext` extracts it (UTF-8).
pub fn text(path: &Path) -> String {
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every QR code found in `image`, decoded.
pub fn qr_codes(image: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().unwrap().1)
        .collect()
}
