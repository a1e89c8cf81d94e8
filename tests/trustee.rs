//! `votum trustee` end to end: three trustees, each a process of the built
//! binary with its own folder and passphrase, run init, share, check and
//! decrypt on files; any two partial decryptions give the counts. The tool
//! never reads the configuration or opens the database: every run has a
//! broken configuration file and an unreachable database URL beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use votum_crypto::group::{generator, Scalar, ScalarSource, SeededScalars};
use votum_crypto::threshold::files::{self, CiphertextPair};
use votum_crypto::threshold::{combine, decrypt, CeremonyKeys, PartialDecryption, TallyInput};

fn votum(dir: &Path, passphrase: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_votum"));
    command
        .arg("trustee")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("VOTUM_TRUSTEE_PASSPHRASE", passphrase)
        // If the tool read the configuration or opened the database, these
        // would make it fail.
        .env("VOTUM_CONFIG", dir.join("votum.toml"))
        .env(
            "VOTUM_DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/nothing",
        )
        .env("VOTUM_SEALING_KEY", "not a key");
    command
}

fn ok(output: Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn fails(output: Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Trustee {
    dir: PathBuf,
    passphrase: String,
}

impl Trustee {
    fn run(&self, args: &[&str]) -> Output {
        votum(&self.dir, &self.passphrase, args).output().unwrap()
    }
    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

#[test]
fn three_trustee_processes_run_the_ceremony_and_two_decrypt() {
    let root = tempfile::tempdir().unwrap();
    let officers = root.path().join("officers");
    std::fs::create_dir(&officers).unwrap();
    std::fs::write(officers.join("votum.toml"), "this is [[[ not toml").unwrap();
    let ceremony = officers.join("ceremony.json");
    let out = ok(votum(
        &officers,
        "",
        &[
            "ceremony",
            "--ballot",
            "b-42",
            "--threshold",
            "2",
            "--trustees",
            "3",
            "--out",
            s(&ceremony),
        ],
    )
    .output()
    .unwrap());
    assert!(out.contains("any 2 of them can decrypt"), "{out}");
    // The same environment stops every command that needs the configuration.
    let error = fails(
        Command::new(env!("CARGO_BIN_EXE_votum"))
            .arg("migrate")
            .current_dir(&officers)
            .env_clear()
            .env("VOTUM_CONFIG", officers.join("votum.toml"))
            .output()
            .unwrap(),
    );
    assert!(error.contains("configuration"), "{error}");

    let trustees: Vec<Trustee> = (1..=3)
        .map(|k| {
            let dir = root.path().join(format!("trustee-{k}"));
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(dir.join("votum.toml"), "this is [[[ not toml").unwrap();
            Trustee {
                dir,
                passphrase: format!("passphrase of trustee {k}"),
            }
        })
        .collect();

    // Step 1: keys and certificates.
    let mut certificates = Vec::new();
    for (k, t) in trustees.iter().enumerate() {
        let out = ok(t.run(&[
            "init",
            "--ceremony",
            s(&ceremony),
            "--name",
            &format!("Trustee {k}"),
            "--private",
            s(&t.file("private.json")),
            "--out",
            s(&t.file("certificate.json")),
        ]));
        assert!(out.contains("Next: upload"), "{out}");
        certificates.push(t.file("certificate.json"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(trustees[0].file("private.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the private file is its owner's only");
    }
    // A second init never overwrites a private file.
    let first = &trustees[0];
    let error = fails(first.run(&[
        "init",
        "--ceremony",
        s(&ceremony),
        "--name",
        "Again",
        "--private",
        s(&first.file("private.json")),
        "--out",
        s(&first.file("other.json")),
    ]));
    assert!(error.contains("exists already"), "{error}");

    // Step 2: share bundles, all three processes at once.
    let cert_args: Vec<&str> = certificates.iter().map(|p| s(p)).collect();
    let children: Vec<_> = trustees
        .iter()
        .map(|t| {
            let (private, shares) = (t.file("private.json"), t.file("shares.json"));
            let mut args = vec!["share", "--private", s(&private), "--out", s(&shares)];
            args.extend(&cert_args);
            votum(&t.dir, &t.passphrase, &args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = ok(child.wait_with_output().unwrap());
        assert!(out.contains("Anteile hochladen"), "{out}");
    }
    let bundles: Vec<PathBuf> = trustees.iter().map(|t| t.file("shares.json")).collect();

    // A wrong passphrase opens nothing.
    let error = fails(
        votum(
            &first.dir,
            "not the passphrase",
            &[
                "share",
                "--private",
                s(&first.file("private.json")),
                "--out",
                "x.json",
            ],
        )
        .args(&cert_args)
        .output()
        .unwrap(),
    );
    assert!(error.contains("passphrase is wrong"), "{error}");
    // Decrypting before the check step is refused.
    let error = fails(first.run(&[
        "decrypt",
        "--private",
        s(&first.file("private.json")),
        "--out",
        "x.json",
        s(&ceremony),
    ]));
    assert!(error.contains("no key share yet"), "{error}");

    // Step 3: check; a missing bundle is named.
    let mut everything: Vec<&str> = cert_args.clone();
    everything.extend(bundles.iter().map(|p| s(p)));
    let first_private = first.file("private.json");
    let mut short = vec!["check", "--private", s(&first_private), "--out", "x.json"];
    short.extend(&everything[..5]);
    let error = fails(first.run(&short));
    assert!(error.contains("share bundle of trustee"), "{error}");
    assert!(error.contains("is missing"), "{error}");
    for t in &trustees {
        let (private, verification) = (t.file("private.json"), t.file("verification.json"));
        let mut args = vec!["check", "--private", s(&private), "--out", s(&verification)];
        args.extend(&everything);
        let out = ok(t.run(&args));
        assert!(out.contains("every share sent to you matches"), "{out}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    // The server's part: the keys from all files.
    let mut args = vec!["keys", "--ceremony", s(&ceremony), "--out", "keys.json"];
    args.extend(&everything);
    let verifications: Vec<PathBuf> = trustees
        .iter()
        .map(|t| t.file("verification.json"))
        .collect();
    args.extend(verifications.iter().map(|p| s(p)));
    let out = ok(votum(&officers, "", &args).output().unwrap());
    assert!(out.contains("The ceremony is complete"), "{out}");
    let keys: CeremonyKeys =
        files::from_json(&std::fs::read(officers.join("keys.json")).unwrap()).unwrap();

    // A tally input: encrypted sums under the election key.
    let counts = [4u64, 1, 0];
    let mut source = SeededScalars::new(b"cli ballots");
    let ciphertexts = counts
        .iter()
        .map(|&m| {
            let r = source.scalar().unwrap();
            CiphertextPair {
                alpha: generator() * r,
                beta: generator() * Scalar::from(m) + keys.public_key * r,
            }
        })
        .collect();
    let input = TallyInput::new(
        "b-42",
        votum_crypto::sha256(b"election b-42"),
        keys.ceremony,
        keys.public_key,
        ciphertexts,
    );
    let input_path = officers.join("tally-input.json");
    std::fs::write(&input_path, files::to_json(&input)).unwrap();

    // Step 4: all three decrypt at once.
    let children: Vec<_> = trustees
        .iter()
        .map(|t| {
            votum(
                &t.dir,
                &t.passphrase,
                &[
                    "decrypt",
                    "--private",
                    s(&t.file("private.json")),
                    "--out",
                    s(&t.file("partial.json")),
                    s(&input_path),
                ],
            )
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        ok(child.wait_with_output().unwrap());
    }
    let partials: Vec<PartialDecryption> = trustees
        .iter()
        .map(|t| files::from_json(&std::fs::read(t.file("partial.json")).unwrap()).unwrap())
        .collect();
    let expected: Vec<_> = counts
        .iter()
        .map(|&m| generator() * Scalar::from(m))
        .collect();
    for pair in [[0, 1], [0, 2], [1, 2]] {
        let chosen = [partials[pair[0]].clone(), partials[pair[1]].clone()];
        let combined = combine(&keys, &input, &chosen).unwrap();
        assert_eq!(decrypt::plaintexts(&input, &combined), expected);
    }
    assert!(combine(&keys, &input, &partials[..1]).is_err());
}
