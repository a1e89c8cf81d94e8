//! The command line: `serve`, `demo`, `migrate`, `admin create-user`,
//! `members import`, `keys rotate`, `letters`, `credentials`, `verify`,
//! `trustee …` (files only: [`crate::trustee_cli`]). Errors go to stderr
//! with a non-zero exit code.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config;
use crate::db::Db;
use crate::error::AppError;

#[derive(Parser)]
#[command(name = "votum", version, about = "Votum member portal")]
pub struct Cli {
    /// Configuration file (default: votum.toml, or $VOTUM_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (configuration from votum.toml and VOTUM_* variables).
    Serve,
    /// Create a fresh demo database, print logins, then serve it.
    Demo {
        /// Number of members to generate.
        #[arg(long, default_value_t = 2000)]
        members: usize,
        /// Seed for the generated data (same seed, same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Database to fill (default: a new data/demo.sqlite). A PostgreSQL
        /// database must be empty.
        #[arg(long)]
        database: Option<String>,
        /// Only create the database; do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Issue voting letters: a code for every letter elector of an open
    /// ballot not yet issued, written only into the PDF for the print shop.
    Letters {
        /// The ballot id.
        ballot: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The credential authority: make the letters of an electorate file
    /// (exported by the returning officers) on this machine, without the
    /// database. Writes the letters PDF (print shop), the public
    /// credentials (upload to the server) and the re-issue key (officers).
    Credentials {
        /// The electorate file (electorate-<ballot>.json).
        electorate: PathBuf,
        /// Directory for the three files (default: the current one).
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Re-check an election record: every signature, the chain, the
    /// credential list, every ballot and the tally. Exits non-zero on the
    /// first mismatch.
    Verify {
        /// The record file (JSON, as downloaded from the result page).
        record: PathBuf,
        /// A receipt file to look for in the record (as downloaded after
        /// voting): says "found at position N", "not found", "receipt for
        /// another ballot" or "bad signature"; exits non-zero unless found.
        #[arg(long)]
        receipt: Option<PathBuf>,
    },
    /// Member register tasks.
    Members {
        #[command(subcommand)]
        command: MembersCommand,
    },
    /// Sealing key tasks.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The trustee's tool for encrypted ballots: works on files only, with
    /// no database and no configuration, on the trustee's own computer.
    Trustee {
        #[command(subcommand)]
        command: crate::trustee_cli::TrusteeCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Re-seal every sealed value (bank details, ballot box keys) under the
    /// current sealing key; older keys must be in sealing_retired_keys.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a login. Reads the password from standard input when it is
    /// not a terminal, else generates one and prints it.
    CreateUser {
        /// Login name.
        login: String,
        /// Give the account administrator rights.
        #[arg(long)]
        admin: bool,
        /// Link the account to this member (membership number).
        #[arg(long)]
        member: Option<String>,
    },
}

#[derive(Subcommand)]
enum MembersCommand {
    /// Import members from CSV (idempotent by membership number).
    Import {
        file: PathBuf,
        /// Import the valid rows even if some rows are bad.
        #[arg(long)]
        skip_invalid: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(path) = &cli.config {
        // The figment reads VOTUM_CONFIG; set before any thread starts.
        std::env::set_var("VOTUM_CONFIG", path);
    }
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open_db() -> Result<(config::Settings, Db), AppError> {
    let settings = config::settings(&config::figment())?;
    let db = Db::open(&settings.database_url, 2)?;
    Ok((settings, db))
}

fn run(command: Command) -> Result<ExitCode, AppError> {
    match command {
        Command::Serve => serve(config::figment()),
        Command::Demo {
            members,
            seed,
            database,
            no_serve,
        } => {
            let url = database.unwrap_or_else(|| "data/demo.sqlite".into());
            let figment = config::figment().merge(("database_url", url.clone()));
            let settings = config::settings(&figment)?;
            let sealing = config::sealing_key(&settings)?;
            let logins = crate::demo::create(&url, members, seed, &sealing)?;
            println!("\nVotum demo: {members} members.");
            println!("Open {} and sign in as:", settings.public_url);
            for login in &logins {
                println!(
                    "  {:<18} login {:<28} password {}",
                    login.role, login.login, login.password
                );
            }
            if no_serve {
                return Ok(ExitCode::SUCCESS);
            }
            serve(figment)
        }
        Command::Migrate => {
            let (settings, db) = open_db()?;
            let applied = crate::db::migrate(&mut *db.get()?)?;
            println!(
                "{}: {} migration(s) applied",
                settings.database_url,
                applied.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    login,
                    admin,
                    member,
                },
        } => create_user(&login, admin, member.as_deref()),
        Command::Members {
            command: MembersCommand::Import { file, skip_invalid },
        } => import(&file, skip_invalid),
        Command::Verify { record, receipt } => verify(&record, receipt.as_deref()),
        Command::Letters { ballot, out } => letters(&ballot, &out),
        // No database, no configuration: the authority runs apart.
        Command::Credentials { electorate, out } => {
            crate::ballots::authority::run::command(&electorate, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys {
            command: KeysCommand::Rotate { batch },
        } => rotate_keys(batch),
        // Before anything reads the configuration or opens the database.
        Command::Trustee { command } => Ok(crate::trustee_cli::run(command)),
    }
}

fn serve(figment: rocket::figment::Figment) -> Result<ExitCode, AppError> {
    let rocket = crate::rocket(figment)?;
    rocket::execute(rocket.launch()).map_err(|e| AppError::Internal(format!("server: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn create_user(login: &str, admin: bool, member: Option<&str>) -> Result<ExitCode, AppError> {
    use diesel::prelude::*;
    let login = login.trim();
    if login.is_empty() {
        return Err(AppError::BadRequest("the login name is empty".into()));
    }
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        let token = votum_crypto::Token::generate()?;
        let password: String = token.secret.expose().chars().take(16).collect();
        (votum_crypto::SecretString::new(password), true)
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| AppError::BadRequest(format!("reading the password: {e}")))?;
        (
            votum_crypto::SecretString::new(line.trim_end_matches(['\r', '\n']).to_owned()),
            false,
        )
    };
    if password.expose().chars().count() < crate::login::MIN_PASSWORD_LEN {
        return Err(AppError::BadRequest(format!(
            "the password must have at least {} characters",
            crate::login::MIN_PASSWORD_LEN
        )));
    }
    let (_, db) = open_db()?;
    let mut conn = db.get()?;
    let member_id = match member {
        Some(number) => Some(
            crate::db::schema::members::table
                .filter(crate::db::schema::members::membership_number.eq(number))
                .select(crate::db::schema::members::id)
                .first::<i64>(&mut *conn)
                .optional()?
                .ok_or_else(|| AppError::BadRequest(format!("no member with number {number}")))?,
        ),
        None => None,
    };
    let now = chrono::Utc::now().naive_utc();
    crate::auth::create_account(&mut conn, login, member_id, &password, admin, now).map_err(
        |e| match e {
            AppError::Conflict(_) => AppError::Conflict(format!(
                "login {login:?} is taken, or the member already has an account"
            )),
            other => other,
        },
    )?;
    println!("created {}login {login}", if admin { "admin " } else { "" });
    if generated {
        println!("password: {}", password.expose());
    }
    Ok(ExitCode::SUCCESS)
}

fn import(file: &std::path::Path, skip_invalid: bool) -> Result<ExitCode, AppError> {
    let input = std::fs::File::open(file)
        .map_err(|e| AppError::BadRequest(format!("{}: {e}", file.display())))?;
    let (_, db) = open_db()?;
    let mut conn = db.get()?;
    let now = chrono::Utc::now().naive_utc();
    let report = crate::members::import::import(&mut conn, input, skip_invalid, now)?;
    for error in &report.errors {
        eprintln!("{}: {error}", file.display());
    }
    if !report.applied {
        eprintln!(
            "{} bad row(s); nothing imported (use --skip-invalid to import the valid rows)",
            report.errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "{} inserted, {} updated, {} unchanged, {} skipped",
        report.inserted, report.updated, report.unchanged, report.skipped
    );
    Ok(ExitCode::SUCCESS)
}

fn rotate_keys(batch: i64) -> Result<ExitCode, AppError> {
    let (settings, db) = open_db()?;
    let sealing = config::sealing_key(&settings)?;
    let mut conn = db.get()?;
    let now = chrono::Utc::now().naive_utc();
    let rotated = crate::rotate::rotate(&mut conn, &sealing, batch.max(1), now)?;
    println!("current sealing key: {}", sealing.id());
    println!(
        "bank details: {} re-sealed, {} already current",
        rotated.bank_accounts.resealed, rotated.bank_accounts.current
    );
    println!(
        "ballot box keys: {} re-sealed, {} already current",
        rotated.ballot_keys.resealed, rotated.ballot_keys.current
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(path: &std::path::Path, receipt: Option<&std::path::Path>) -> Result<ExitCode, AppError> {
    let read = |path: &std::path::Path| {
        std::fs::read(path).map_err(|e| AppError::BadRequest(format!("{}: {e}", path.display())))
    };
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::BadRequest(format!("{}: {e}", path.display())))?;
    let receipt = receipt
        .map(|p| read(p).map(|bytes| (p, bytes)))
        .transpose()?;
    // Reads an encrypted record's ballots in chunks (two passes over the
    // file) so memory stays flat however large the record is.
    let checked = votum_ballots::record::v2::verify_file(file);
    let file = match checked {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("{}: the record does NOT verify: {e}", path.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let (record, verified) = (&file.record, &file.verified);
    println!("{}: the record verifies.", path.display());
    println!("  ballot      {} ({})", record.title(), verified.ballot_id);
    if let votum_ballots::record::AnyRecord::V2(v2) = record {
        println!(
            "  election    protocol {}, fingerprint {}",
            v2.election.protocol,
            votum_crypto::base64url::encode(&v2.fingerprint)
        );
    }
    if let Some(encrypted) = &verified.encrypted {
        println!(
            "  proofs      {} online ballots and {} postal ballots: every proof holds",
            encrypted.online_proved, encrypted.postal_proved
        );
        println!(
            "  tally input the sums of the {} counting ballots (digest {})",
            encrypted.summed,
            votum_crypto::base64url::encode(&encrypted.tally_input)
        );
        let names = |list: &[(u32, String)]| {
            list.iter()
                .map(|(index, name)| format!("{index} {name}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "  trustees    {} of {} needed; decrypted by {}",
            encrypted.threshold,
            encrypted.trustees.len(),
            names(&encrypted.decrypted_by)
        );
    }
    println!("  record hash {}", votum_crypto::hex(&verified.record_hash));
    println!(
        "  chain head  {}",
        votum_crypto::base64url::encode(&verified.chain_head)
    );
    println!(
        "  ballots     {} in the chain, {} counted online, {} replaced by a re-vote",
        verified.ballots_in_chain, verified.counted_online, verified.superseded_online
    );
    println!(
        "  postal      {} counted, {} void (used online)",
        verified.counted_postal, verified.void_postal
    );
    for (question, result) in record.questions().iter().zip(&verified.results) {
        println!(
            "  result      {}: {} valid of {} cast",
            question.text, result.ballots.valid, result.ballots.cast
        );
        for line in result_lines(question, result) {
            println!("              {line}");
        }
    }
    let Some((receipt_path, receipt)) = receipt else {
        return Ok(ExitCode::SUCCESS);
    };
    let outcome = file.check_receipt(&receipt);
    println!("{}: {outcome}", receipt_path.display());
    Ok(if outcome.is_found() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The counts and the winner of one result, for the summary.
fn result_lines(
    question: &votum_ballots::Question,
    result: &votum_ballots::QuestionResult,
) -> Vec<String> {
    use votum_ballots::Outcome;
    let label = |id: votum_ballots::OptionId| {
        question
            .options()
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.label.clone())
    };
    let counts = |counts: &[votum_ballots::OptionCount]| {
        counts
            .iter()
            .map(|c| format!("{} {}", label(c.option), c.votes))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let winner = |w: Option<votum_ballots::OptionId>| w.map_or_else(|| "none".into(), label);
    match &result.outcome {
        Outcome::YesNo(r) => vec![format!(
            "yes {}, no {}, abstain {}: {}",
            r.yes,
            r.no,
            r.abstain,
            if r.accepted {
                "accepted"
            } else {
                "not accepted"
            }
        )],
        Outcome::Single(r) => vec![
            counts(&r.counts),
            format!(
                "abstentions {}, winner {}",
                result.ballots.abstentions,
                winner(r.winner)
            ),
        ],
        Outcome::Approval(r) => vec![
            counts(&r.counts),
            format!(
                "abstentions {}, winner {}",
                result.ballots.abstentions,
                winner(r.winner)
            ),
        ],
        Outcome::Schulze(r) => vec![format!("winner {}", winner(r.winner))],
        Outcome::Stv(r) => vec![format!(
            "elected {}",
            r.elected
                .iter()
                .map(|id| label(*id))
                .collect::<Vec<_>>()
                .join(", ")
        )],
    }
}

fn letters(ballot: &str, out: &std::path::Path) -> Result<ExitCode, AppError> {
    let (settings, db) = open_db()?;
    let catalogues = crate::i18n::Catalogues::load().map_err(AppError::Internal)?;
    // A record version 2 accounts for every credential by a four-eyes act;
    // a run from the command line has no second officer, so its letters
    // would make the record fail verification.
    if crate::ballots::protocol::Protocol::of(&mut *db.get()?, ballot)?
        != crate::ballots::protocol::Protocol::V1
    {
        eprintln!(
            "votum letters: ballot {ballot} uses election record version 2, where every \
             letter run is an act of two returning officers. Request the run on the \
             ballot's page and let a second officer confirm it there, or let a \
             credential authority make the letters (votum credentials, see \
             docs/operations.md). Nothing was written."
        );
        return Ok(ExitCode::from(2));
    }
    // Written beside the target and renamed only when every letter is out
    // and the credentials are committed: a half-written file never looks
    // finished.
    let partial = out.with_extension("pdf.partial");
    let io = |e: std::io::Error| AppError::Internal(format!("{}: {e}", partial.display()));
    let file = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(io)?);
    let started = std::time::Instant::now();
    let mut conn = db.get()?;
    let key = votum_crypto::credential::ReissueKey::generate()?;
    match crate::ballots::letters::issue(
        &mut conn,
        &catalogues,
        &settings.public_url,
        ballot,
        &key,
        None,
        chrono::Utc::now().naive_utc(),
        file,
    ) {
        Ok(issued) => {
            std::fs::rename(&partial, out).map_err(io)?;
            println!(
                "{}: {} letters in {:.1} s",
                out.display(),
                issued.letters,
                started.elapsed().as_secs_f64()
            );
            println!(
                "Re-issue key for lost letters of this run: {}\n\
                 Write it down and keep it apart from the letters and the server; \
                 Votum does not store it.",
                key.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}
