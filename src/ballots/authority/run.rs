//! `votum credentials`: the credential authority's run. It reads the
//! electorate file and needs no database, no configuration and no network.
//! For every entry it draws a 128-bit code, writes the letter (the same
//! letter as the server's letter run: `letters::LetterRun`) and keeps only
//! the code's public credential, derived exactly as the server derives it
//! for the ballot. It writes three files and keeps nothing else: the codes
//! exist only in the PDF.

use std::io::Write;
use std::path::{Path, PathBuf};

use votum_ballots::authority::{
    AuthorityCredential, ElectorateFile, PublicCredentialsFile, FILE_VERSION,
    PUBLIC_CREDENTIALS_FORMAT,
};
use votum_crypto::credential::ReissueKey;

use super::store::parse_time;
use crate::ballots::letters::{finish, LetterRun, Recipient};
use crate::error::{AppError, AppResult};
use crate::i18n::{Catalogues, Language};

/// The files one run wrote.
#[derive(Debug)]
pub struct Written {
    /// Letters for the print shop (the only place the codes exist).
    pub letters: PathBuf,
    /// Public credentials for the server.
    pub public_credentials: PathBuf,
    /// The re-issue key, for the returning officers.
    pub reissue_key: PathBuf,
    /// Letters written.
    pub count: usize,
    /// The ballot's title and definition hash, to compare with the
    /// officers' page.
    pub title: String,
    pub definition_hash: String,
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::BadRequest(format!("{}: {e}", path.display()))
}

/// Runs the authority on the electorate file `electorate`, writing into
/// the directory `out`. Refuses to overwrite a file of an earlier run.
pub fn run(electorate: &Path, out: &Path, today: chrono::NaiveDate) -> AppResult<Written> {
    let bytes = std::fs::read(electorate).map_err(io_error(electorate))?;
    let file = ElectorateFile::from_json(&bytes)
        .map_err(|e| AppError::BadRequest(format!("{}: {e}", electorate.display())))?;
    let ballot = &file.ballot;
    let closes_at = parse_time(&ballot.closes_at).ok_or_else(|| {
        AppError::BadRequest(format!(
            "{}: the closing time is not YYYY-MM-DDTHH:MM:SS",
            electorate.display()
        ))
    })?;
    let vote_page = file.vote_page.trim_end_matches('/');
    if !(vote_page.starts_with("https://") || vote_page.starts_with("http://"))
        || !vote_page.ends_with(&format!("/vote/{}", ballot.id))
    {
        return Err(AppError::BadRequest(format!(
            "{}: the vote page {vote_page:?} is not a web address ending in /vote/{}",
            electorate.display(),
            ballot.id
        )));
    }
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    let id = &ballot.id;
    let written = Written {
        letters: out.join(format!("letters-{id}.pdf")),
        public_credentials: out.join(format!("public-credentials-{id}.json")),
        reissue_key: out.join(format!("reissue-key-{id}.txt")),
        count: file.entries.len(),
        title: ballot.title.clone(),
        definition_hash: file.definition_hash.clone(),
    };
    for path in [
        &written.letters,
        &written.public_credentials,
        &written.reissue_key,
    ] {
        if path.exists() {
            return Err(AppError::BadRequest(format!(
                "{} exists already: move the files of the earlier run away first",
                path.display()
            )));
        }
    }
    let catalogues = Catalogues::load().map_err(AppError::Internal)?;
    let run = LetterRun::from_parts(
        &catalogues,
        vote_page.to_owned(),
        (id, file.credential_derivation),
        (
            ballot.title.clone(),
            file.sender.group.clone(),
            file.sender.organisation.clone(),
        ),
        closes_at,
        &ballot.questions,
    )
    .dated(today);
    let key = ReissueKey::generate()?;
    // The PDF is written beside its name and renamed when complete, so a
    // half-written file never looks finished.
    let partial = written.letters.with_extension("pdf.partial");
    let outcome = write_letters(&run, &file, &key, &partial);
    let mut credentials = match outcome {
        Ok(credentials) => credentials,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // Sorted by the credential's bytes: random, so neither the order of
    // the credentials nor that of their tags follows the electorate's.
    credentials.sort_by_key(|c| c.credential);
    let public = PublicCredentialsFile {
        format: PUBLIC_CREDENTIALS_FORMAT.into(),
        version: FILE_VERSION,
        ballot_id: id.clone(),
        definition_hash: file.definition_hash.clone(),
        roll_hash: file.roll_hash(),
        credentials,
    };
    std::fs::write(&written.public_credentials, public.to_canonical_json())
        .map_err(io_error(&written.public_credentials))?;
    let key_text = format!(
        "Votum re-issue key for lost letters\n\
         ballot: {title} ({id})\n\
         letters: {count}\n\
         key: {key}\n\n\
         Keep this file with the returning officers, apart from the letters.\n\
         To replace a lost letter, an officer requests it on the ballot's page\n\
         and a second officer confirms with this key.\n",
        title = ballot.title,
        count = written.count,
        key = key.display(),
    );
    std::fs::write(&written.reissue_key, key_text).map_err(io_error(&written.reissue_key))?;
    std::fs::rename(&partial, &written.letters).map_err(io_error(&written.letters))?;
    Ok(written)
}

/// Writes every entry's letter with a fresh code into `path` and returns
/// the public credentials with their re-issue tags, in electorate order.
fn write_letters(
    run: &LetterRun<'_>,
    file: &ElectorateFile,
    key: &ReissueKey,
    path: &Path,
) -> AppResult<Vec<AuthorityCredential>> {
    let out = std::fs::File::create(path).map_err(io_error(path))?;
    let mut writer = run.start(std::io::BufWriter::new(out))?;
    let mut credentials = Vec::with_capacity(file.entries.len());
    for entry in &file.entries {
        let recipient = Recipient {
            lines: entry.address.clone(),
            name: entry.address.first().cloned().unwrap_or_default(),
            language: Language::parse(&entry.language).unwrap_or(Language::De),
        };
        let credential = run.write_to(&mut writer, &recipient, &entry.membership_number)?;
        credentials.push(AuthorityCredential {
            credential,
            reissue_tag: key.authority_tag(&file.ballot.id, &entry.membership_number),
        });
    }
    finish(writer)?;
    Ok(credentials)
}

/// `votum credentials`: runs and says which file goes where.
pub fn command(electorate: &Path, out: &Path) -> AppResult<()> {
    let started = std::time::Instant::now();
    // The authority runs on its own machine: its letters carry its date.
    let written = run(electorate, out, chrono::Local::now().date_naive())?;
    let mut stdout = std::io::stdout().lock();
    let print = |stdout: &mut std::io::StdoutLock<'_>, text: String| {
        writeln!(stdout, "{text}").map_err(|e| AppError::Internal(format!("stdout: {e}")))
    };
    print(
        &mut stdout,
        format!(
            "Made {} letters for \"{}\" in {:.1} s.\n\
             Definition hash: {}\n\
             (compare it with the one on the ballot's credential authority page)\n",
            written.count,
            written.title,
            started.elapsed().as_secs_f64(),
            super::grouped(&written.definition_hash),
        ),
    )?;
    print(
        &mut stdout,
        format!(
            "1. {}\n   -> the print shop. It holds the voting codes: hand it over directly\n      and delete every other copy once the letters are printed.",
            written.letters.display()
        ),
    )?;
    print(
        &mut stdout,
        format!(
            "2. {}\n   -> upload on the ballot's credential authority page; a second\n      returning officer confirms the import. It holds no code.",
            written.public_credentials.display()
        ),
    )?;
    print(
        &mut stdout,
        format!(
            "3. {}\n   -> keep with the returning officers, apart from the letters and the\n      server: the key for lost letters of this run.",
            written.reissue_key.display()
        ),
    )?;
    print(&mut stdout, "No code was kept anywhere else.".to_owned())
}
