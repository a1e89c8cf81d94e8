//! `votum trustee`: the trustee's tool. It works on files only — no
//! database, no configuration, no network — so a trustee runs it on its own
//! computer: it reads the files downloaded from the ballot's trustee page
//! and writes the file to upload next. The steps and formats are in
//! `docs/trustees.md` and `docs/election-record.md` ("Version 2: trustees");
//! the cryptography is `votum_crypto::threshold`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use votum_crypto::group::SystemScalars;
use votum_crypto::threshold::files::{self, TrusteeFile};
use votum_crypto::threshold::private::{open_private, seal_private, PrivateState};
use votum_crypto::threshold::{
    ceremony_keys, check_bundles, decrypt, make_bundle, CeremonyFile, Certificate, Roster,
    ShareBundle, TallyInput, ThresholdError, TrusteeIdentity, Verification,
};
use votum_crypto::SecretString;

/// The environment variable a passphrase is read from instead of the
/// terminal (for tests and scripted ceremonies).
pub const PASSPHRASE_VARIABLE: &str = "VOTUM_TRUSTEE_PASSPHRASE";

/// The shortest passphrase accepted for a new private file.
const MIN_PASSPHRASE: usize = 10;

/// The subcommands of `votum trustee`.
#[derive(Subcommand)]
pub enum TrusteeCommand {
    /// For the officers: write the ceremony file (ballot, trustees,
    /// threshold) that every trustee starts from.
    Ceremony {
        /// The ballot id.
        #[arg(long)]
        ballot: String,
        /// How many trustees must take part in decrypting (t).
        #[arg(long)]
        threshold: u32,
        /// How many trustees there are (n).
        #[arg(long)]
        trustees: u32,
        /// Where to write the ceremony file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Step 1 (Schlüssel erzeugen): make your keys. Writes your private
    /// file (keep it) and your certificate (upload it).
    Init {
        /// The ceremony file downloaded from the trustee page.
        #[arg(long)]
        ceremony: PathBuf,
        /// Your name as the officers know it.
        #[arg(long)]
        name: String,
        /// Your private file (created; it must not exist yet).
        #[arg(long)]
        private: PathBuf,
        /// Where to write the certificate to upload.
        #[arg(long)]
        out: PathBuf,
    },
    /// Step 2 (Anteile verteilen): from all trustees' certificates, write
    /// your share bundle (upload it).
    Share {
        /// Your private file.
        #[arg(long)]
        private: PathBuf,
        /// Where to write the share bundle to upload.
        #[arg(long)]
        out: PathBuf,
        /// All trustees' certificates (yours included).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Step 3 (Anteile prüfen): check the shares sent to you; keeps your key
    /// share in your private file and writes your verification (upload it).
    Check {
        /// Your private file (updated).
        #[arg(long)]
        private: PathBuf,
        /// Where to write the verification to upload.
        #[arg(long)]
        out: PathBuf,
        /// All certificates and all share bundles, in any order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Step 4 (Teilentschlüsselung): decrypt your part of the tally input;
    /// writes your partial decryption (upload it).
    Decrypt {
        /// Your private file.
        #[arg(long)]
        private: PathBuf,
        /// Where to write the partial decryption to upload.
        #[arg(long)]
        out: PathBuf,
        /// The tally input downloaded from the trustee page.
        input: PathBuf,
    },
    /// For anyone: check a whole ceremony (certificates, share bundles,
    /// verifications) and write the election public key and the trustees'
    /// verification keys.
    Keys {
        /// The ceremony file.
        #[arg(long)]
        ceremony: PathBuf,
        /// Where to write the keys file.
        #[arg(long)]
        out: PathBuf,
        /// All certificates, share bundles and verifications.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Runs a trustee subcommand; errors are printed in plain words.
pub fn run(command: TrusteeCommand) -> ExitCode {
    match execute(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: TrusteeCommand) -> Result<(), String> {
    match command {
        TrusteeCommand::Ceremony {
            ballot,
            threshold,
            trustees,
            out,
        } => {
            let ceremony = CeremonyFile::new(&ballot, threshold, trustees).map_err(text)?;
            write_new(&out, &files::to_json(&ceremony), false)?;
            println!("Wrote the ceremony file {}.", out.display());
            println!(
                "Ballot {ballot}: {trustees} trustees, any {threshold} of them can decrypt the result."
            );
            println!(
                "Ceremony fingerprint: {}",
                fingerprint(&ceremony.fingerprint())
            );
            println!("Give this file to every trustee; each runs `votum trustee init` next.");
            Ok(())
        }
        TrusteeCommand::Init {
            ceremony,
            name,
            private,
            out,
        } => init(&ceremony, &name, &private, &out),
        TrusteeCommand::Share {
            private,
            out,
            files,
        } => share(&private, &out, &files),
        TrusteeCommand::Check {
            private,
            out,
            files,
        } => check(&private, &out, &files),
        TrusteeCommand::Decrypt {
            private,
            out,
            input,
        } => decrypt_step(&private, &out, &input),
        TrusteeCommand::Keys {
            ceremony,
            out,
            files,
        } => keys(&ceremony, &out, &files),
    }
}

fn text(error: ThresholdError) -> String {
    error.to_string()
}

fn fingerprint(bytes: &[u8; 32]) -> String {
    votum_crypto::base64url::encode(bytes)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_file<T: TrusteeFile>(path: &Path) -> Result<T, String> {
    files::from_json(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes through a temporary file beside the target, then renames: a
/// half-written file never looks finished.
fn write(path: &Path, contents: &str) -> Result<(), String> {
    write_mode(path, contents, false)
}

/// Writes the private file: like [`write`], readable by its owner only
/// (mode 0600 on Unix).
fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    write_mode(path, contents, true)
}

fn write_mode(path: &Path, contents: &str, owner_only: bool) -> Result<(), String> {
    use std::io::Write;
    let partial = path.with_extension("partial");
    let error = |e: std::io::Error| format!("{}: {e}", partial.display());
    let _ = std::fs::remove_file(&partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if owner_only {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = owner_only;
    let mut file = options.open(&partial).map_err(error)?;
    file.write_all(contents.as_bytes()).map_err(error)?;
    file.sync_all().map_err(error)?;
    drop(file);
    std::fs::rename(&partial, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Like [`write`] (or [`write_private`]), refusing to replace an existing
/// file.
fn write_new(path: &Path, contents: &str, owner_only: bool) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{} exists already; choose another name or remove it first",
            path.display()
        ));
    }
    write_mode(path, contents, owner_only)
}

/// The files given on the command line, sorted by their `format`.
#[derive(Default)]
struct Given {
    certificates: Vec<Certificate>,
    bundles: Vec<ShareBundle>,
    verifications: Vec<Verification>,
}

fn classify(paths: &[PathBuf], allowed: &[&str]) -> Result<Given, String> {
    let mut given = Given::default();
    for path in paths {
        let bytes = read(path)?;
        let located = |e: ThresholdError| format!("{}: {e}", path.display());
        let format = files::format_of(&bytes).unwrap_or_default();
        if !allowed.contains(&format.as_str()) {
            return Err(format!(
                "{}: this step needs {} files, not {:?}",
                path.display(),
                allowed.join(" or "),
                format
            ));
        }
        match format.as_str() {
            Certificate::FORMAT => given
                .certificates
                .push(files::from_json(&bytes).map_err(located)?),
            ShareBundle::FORMAT => given
                .bundles
                .push(files::from_json(&bytes).map_err(located)?),
            _ => given
                .verifications
                .push(files::from_json(&bytes).map_err(located)?),
        }
    }
    Ok(given)
}

fn passphrase(confirm: bool) -> Result<SecretString, String> {
    if let Ok(value) = std::env::var(PASSPHRASE_VARIABLE) {
        return Ok(SecretString::new(value));
    }
    let first = rpassword::prompt_password("Passphrase of your private file: ")
        .map_err(|e| format!("reading the passphrase: {e}"))?;
    if confirm {
        let again = rpassword::prompt_password("The same passphrase again: ")
            .map_err(|e| format!("reading the passphrase: {e}"))?;
        if again != first {
            return Err("the two passphrases differ; nothing was written".into());
        }
    }
    Ok(SecretString::new(first))
}

/// Opens the private file; returns its state and the passphrase that
/// opened it (to re-seal an updated state under the same one).
fn open(path: &Path) -> Result<(PrivateState, SecretString), String> {
    let bytes = read(path)?;
    let passphrase = passphrase(false)?;
    let state =
        open_private(&bytes, &passphrase).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((state, passphrase))
}

fn init(ceremony_path: &Path, name: &str, private: &Path, out: &Path) -> Result<(), String> {
    let ceremony: CeremonyFile = read_file(ceremony_path)?;
    ceremony
        .check()
        .map_err(|e| format!("{}: {e}", ceremony_path.display()))?;
    if private.exists() {
        return Err(format!(
            "{} exists already: it may hold keys of a ceremony; choose another name",
            private.display()
        ));
    }
    if out.exists() {
        return Err(format!(
            "{} exists already; choose another name or remove it first",
            out.display()
        ));
    }
    let passphrase = passphrase(true)?;
    if passphrase.expose().chars().count() < MIN_PASSPHRASE {
        return Err(format!(
            "the passphrase must have at least {MIN_PASSPHRASE} characters"
        ));
    }
    let mut source = SystemScalars;
    let identity = TrusteeIdentity::generate(&mut source).map_err(text)?;
    let certificate = identity
        .certificate(&ceremony, name.trim(), &mut source)
        .map_err(text)?;
    let state = PrivateState {
        ceremony: ceremony.clone(),
        name: name.trim().to_owned(),
        identity,
        share: None,
    };
    write_new(
        private,
        &seal_private(&state, &passphrase).map_err(text)?,
        true,
    )?;
    write_new(out, &files::to_json(&certificate), false)?;
    println!(
        "Step 1 done (Schlüssel erzeugen) for ballot {}.",
        ceremony.ballot
    );
    println!(
        "Ceremony fingerprint: {} — compare it with the trustee page.",
        fingerprint(&ceremony.fingerprint())
    );
    println!(
        "Keep {} and your passphrase: without them you cannot take part in the tally. \
         Never upload or send it.",
        private.display()
    );
    println!(
        "Next: upload {} on the trustee page (Zertifikat hochladen).",
        out.display()
    );
    Ok(())
}

fn share(private: &Path, out: &Path, paths: &[PathBuf]) -> Result<(), String> {
    let (state, _) = open(private)?;
    let given = classify(paths, &[Certificate::FORMAT])?;
    let roster = Roster::new(&state.ceremony, given.certificates).map_err(text)?;
    let me = roster
        .index_of(&state.identity.signing_key())
        .ok_or("your own certificate is not among the certificates given")?;
    let bundle = make_bundle(&state.identity, &roster, &mut SystemScalars).map_err(text)?;
    write(out, &files::to_json(&bundle))?;
    println!(
        "Step 2 done (Anteile verteilen): you are {} of {}.",
        roster.label(me),
        state.ceremony.trustees
    );
    println!(
        "All {} certificates are valid. Roster fingerprint: {}",
        state.ceremony.trustees,
        fingerprint(&roster.hash())
    );
    println!(
        "Next: upload {} on the trustee page (Anteile hochladen).",
        out.display()
    );
    Ok(())
}

fn check(private: &Path, out: &Path, paths: &[PathBuf]) -> Result<(), String> {
    let (mut state, passphrase) = open(private)?;
    let given = classify(paths, &[Certificate::FORMAT, ShareBundle::FORMAT])?;
    let roster = Roster::new(&state.ceremony, given.certificates).map_err(text)?;
    let (share, verification) =
        check_bundles(&state.identity, &roster, &given.bundles, &mut SystemScalars)
            .map_err(text)?;
    let index = share.index;
    let public_key = share.public_key;
    state.share = Some(share);
    // Re-sealed under the passphrase that opened it, and replaced only
    // once the new file is known to open.
    let sealed = seal_private(&state, &passphrase).map_err(text)?;
    open_private(sealed.as_bytes(), &passphrase).map_err(text)?;
    write_private(private, &sealed)?;
    write(out, &files::to_json(&verification))?;
    println!(
        "Step 3 done (Anteile prüfen): every share sent to you matches its sender's commitments."
    );
    println!(
        "You are {}. Your key share is now kept in {}.",
        roster.label(index),
        private.display()
    );
    println!(
        "Election public key: {}",
        votum_crypto::base64url::encode(&votum_crypto::group::encode_point(&public_key))
    );
    println!(
        "Next: upload {} on the trustee page (Prüfung bestätigen).",
        out.display()
    );
    Ok(())
}

fn decrypt_step(private: &Path, out: &Path, input_path: &Path) -> Result<(), String> {
    let (state, _) = open(private)?;
    let share = state.share().map_err(text)?;
    let input: TallyInput = read_file(input_path)?;
    let partial = decrypt::partial_decrypt(&state.identity, share, &input, &mut SystemScalars)
        .map_err(|e| format!("{}: {e}", input_path.display()))?;
    write(out, &files::to_json(&partial))?;
    println!(
        "Step 4 done (Teilentschlüsselung): {} results of ballot {} decrypted in part.",
        input.ciphertexts.len(),
        input.ballot
    );
    println!(
        "Election fingerprint: {} — compare it with the ballot page.",
        fingerprint(&input.election)
    );
    println!(
        "Tally input fingerprint: {} — compare it with the published record.",
        fingerprint(&files::digest(&input))
    );
    println!(
        "Next: upload {} on the trustee page (Teilentschlüsselung hochladen).",
        out.display()
    );
    Ok(())
}

fn keys(ceremony_path: &Path, out: &Path, paths: &[PathBuf]) -> Result<(), String> {
    let ceremony: CeremonyFile = read_file(ceremony_path)?;
    let given = classify(
        paths,
        &[
            Certificate::FORMAT,
            ShareBundle::FORMAT,
            Verification::FORMAT,
        ],
    )?;
    let keys = ceremony_keys(
        &ceremony,
        given.certificates,
        &given.bundles,
        &given.verifications,
    )
    .map_err(text)?;
    write(out, &files::to_json(&keys))?;
    println!(
        "The ceremony is complete: {} trustees, any {} can decrypt.",
        keys.trustees.len(),
        keys.threshold
    );
    println!(
        "Election public key: {}",
        votum_crypto::base64url::encode(&votum_crypto::group::encode_point(&keys.public_key))
    );
    println!("Wrote {}.", out.display());
    Ok(())
}
