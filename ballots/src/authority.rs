//! The files of the credential authority (specified in
//! `docs/election-record.md`, "Credential authority").
//!
//! As in Belenios' credential authority, the voting codes of letter
//! electors are drawn on a machine apart from the server: the officers
//! export an [`ElectorateFile`] (membership numbers and postal addresses,
//! nothing else), `votum credentials` turns it into the letters PDF for the
//! print shop and a [`PublicCredentialsFile`] for the server, and the server
//! imports only public credentials. The server never sees a letter code, so
//! neither it nor an officer can vote with one, and whoever holds the PDF
//! cannot look a letter's credential up in the server's records by name.
//!
//! Both files are canonical JSON (sorted keys, no whitespace, as the
//! election record, §2) with a `format` and a `version` member. Reading a
//! file checks everything that can be checked from the file alone; the
//! server then checks it against the ballot with
//! [`PublicCredentialsFile::check_against`].

use serde::{Deserialize, Serialize};
use votum_crypto::credential::{Code, CredentialKey, PublicCredential};

use crate::record::canonical;
use crate::Question;

/// `format` of the electorate file.
pub const ELECTORATE_FORMAT: &str = "votum-electorate";
/// `format` of the public-credentials file.
pub const PUBLIC_CREDENTIALS_FORMAT: &str = "votum-public-credentials";
/// `version` of both files.
pub const FILE_VERSION: u32 = 1;
/// Domain tag of the roll hash.
const ROLL_TAG: &[u8] = b"votum-roll-v1\0";
/// Domain tag of the definition hash.
const DEFINITION_TAG: &[u8] = b"votum-letter-definition-v1\0";
/// Most address lines a letter's window takes.
pub const ADDRESS_LINES_MAX: usize = 6;

/// What a letter says about its ballot. The SHA-256 of its canonical JSON
/// (after [`DEFINITION_TAG`]) is the ballot's definition hash, which the
/// officers' page shows and both files repeat: the authority prints
/// exactly the ballot the server holds, and the server imports only
/// credentials made for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterBallot {
    /// The ballot id (also the HKDF salt of every credential).
    pub id: String,
    /// The title, as printed.
    pub title: String,
    /// The questions, as on the postal voting slip.
    pub questions: Vec<Question>,
    /// When voting opens, the ballot's own time, `YYYY-MM-DDTHH:MM:SS`.
    pub opens_at: String,
    /// When voting closes, same form; the letters print it.
    pub closes_at: String,
    /// Whether a voter may vote again (the last ballot counts).
    pub revoting: bool,
}

impl LetterBallot {
    /// The definition hash: lowercase hex of
    /// SHA-256(`b"votum-letter-definition-v1\0"` || canonical JSON).
    pub fn definition_hash(&self) -> String {
        let mut bytes = DEFINITION_TAG.to_vec();
        bytes.extend(canonical::to_canonical(self));
        votum_crypto::hex(&votum_crypto::sha256(&bytes))
    }
}

/// How a code becomes its credential key: the HKDF salt tag of the record
/// version the ballot writes (`votum_crypto::credential::CredentialKey`).
/// The electorate file names it, so the authority derives exactly what the
/// server will check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialDerivation {
    /// Salt `b"votum-credential-v1" || ballot id` (record version 1).
    #[serde(rename = "votum-credential-v1")]
    V1,
    /// Salt `b"votum-credential-v2" || ballot id` (record version 2).
    #[serde(rename = "votum-credential-v2")]
    V2,
}

impl CredentialDerivation {
    /// The credential key of `code` for the ballot `ballot_id`.
    pub fn derive(self, code: &Code, ballot_id: &str) -> CredentialKey {
        match self {
            CredentialDerivation::V1 => CredentialKey::derive(code, ballot_id),
            CredentialDerivation::V2 => CredentialKey::derive_v2(code, ballot_id),
        }
    }
}

/// Who the letters come from (the information block and return address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sender {
    /// The organisation (the top of the ballot's group tree).
    pub organisation: String,
    /// The ballot's group.
    pub group: String,
}

/// One letter elector: what the envelope window needs, nothing else. The
/// language only chooses the letter's text (German or English).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectorateEntry {
    /// The membership number (the re-issue tag is made from it).
    pub membership_number: String,
    /// Address lines, top to bottom, the name first; 1 to 6 lines.
    pub address: Vec<String>,
    /// `"de"` or `"en"`.
    pub language: String,
}

impl std::fmt::Debug for ElectorateEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElectorateEntry")
            .field("membership_number", &self.membership_number)
            .field("address", &format_args!("[{} lines]", self.address.len()))
            .field("language", &self.language)
            .finish()
    }
}

/// The electorate file the officers download for the authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectorateFile {
    /// Always [`ELECTORATE_FORMAT`].
    pub format: String,
    /// Always [`FILE_VERSION`].
    pub version: u32,
    /// The ballot as the letters print it.
    pub ballot: LetterBallot,
    /// [`LetterBallot::definition_hash`] of `ballot`.
    pub definition_hash: String,
    /// How the ballot derives a credential from a code.
    pub credential_derivation: CredentialDerivation,
    /// The vote page the QR code leads to: the URL without the code
    /// (`https://portal.example.org/vote/<ballot id>`).
    pub vote_page: String,
    /// Who the letters come from.
    pub sender: Sender,
    /// The letter electors without a credential, in the print shop's order
    /// (by postcode).
    pub entries: Vec<ElectorateEntry>,
}

impl ElectorateFile {
    /// The canonical JSON of the file.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        canonical::to_canonical(self)
    }

    /// Reads and checks an electorate file: format, version, definition
    /// hash, at least one entry, no membership number twice, 1 to 6
    /// non-empty address lines, a known language.
    pub fn from_json(bytes: &[u8]) -> Result<ElectorateFile, AuthorityFileError> {
        let value = parse_value(bytes, ELECTORATE_FORMAT)?;
        let file: ElectorateFile = serde_json::from_value(value)
            .map_err(|e| AuthorityFileError::Malformed(e.to_string()))?;
        if file.definition_hash != file.ballot.definition_hash() {
            return Err(AuthorityFileError::DefinitionAltered);
        }
        if file.entries.is_empty() {
            return Err(AuthorityFileError::Empty);
        }
        let mut numbers: Vec<&str> = Vec::with_capacity(file.entries.len());
        for entry in &file.entries {
            let lines = entry.address.len();
            if entry.membership_number.trim().is_empty()
                || !(1..=ADDRESS_LINES_MAX).contains(&lines)
                || entry.address.iter().any(|l| l.trim().is_empty())
                || !matches!(entry.language.as_str(), "de" | "en")
            {
                return Err(AuthorityFileError::BadEntry(
                    entry.membership_number.clone(),
                ));
            }
            numbers.push(&entry.membership_number);
        }
        numbers.sort_unstable();
        if let Some(pair) = numbers.windows(2).find(|w| w.first() == w.get(1)) {
            let number = pair.first().copied().unwrap_or_default().to_owned();
            return Err(AuthorityFileError::DuplicateMember(number));
        }
        Ok(file)
    }

    /// The roll hash of the file's entries (see [`roll_hash`]).
    pub fn roll_hash(&self) -> String {
        roll_hash(self.entries.iter().map(|e| e.membership_number.as_str()))
    }
}

/// The roll hash of a set of membership numbers: lowercase hex of
/// SHA-256(`b"votum-roll-v1\0"` || canonical JSON array of the numbers
/// sorted by bytes). The authority writes it into the public-credentials
/// file; the server recomputes it from the letter electors still without a
/// credential, so credentials are imported only for exactly the members
/// whose letters were made.
pub fn roll_hash<'a>(numbers: impl Iterator<Item = &'a str>) -> String {
    let mut numbers: Vec<&str> = numbers.collect();
    numbers.sort_unstable();
    let mut bytes = ROLL_TAG.to_vec();
    bytes.extend(canonical::to_canonical(&numbers));
    votum_crypto::hex(&votum_crypto::sha256(&bytes))
}

/// One public credential made by the authority, with its re-issue tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityCredential {
    /// The ed25519 public credential, base64url (43 characters).
    pub credential: PublicCredential,
    /// HMAC tag under the run's re-issue key (43 characters base64url):
    /// `ReissueKey::authority_tag` of the ballot and the membership number.
    pub reissue_tag: String,
}

/// The public-credentials file the authority writes for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicCredentialsFile {
    /// Always [`PUBLIC_CREDENTIALS_FORMAT`].
    pub format: String,
    /// Always [`FILE_VERSION`].
    pub version: u32,
    /// The ballot id of the electorate file.
    pub ballot_id: String,
    /// The definition hash of the electorate file.
    pub definition_hash: String,
    /// The roll hash of the electorate file's entries.
    pub roll_hash: String,
    /// One per entry, sorted by the credential's 32 bytes (so the order
    /// says nothing about the electorate's), none twice.
    pub credentials: Vec<AuthorityCredential>,
}

impl PublicCredentialsFile {
    /// The canonical JSON of the file.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        canonical::to_canonical(self)
    }

    /// Reads and checks a public-credentials file: format and version,
    /// credentials strictly sorted by bytes (so none twice), each the
    /// canonical encoding of an ed25519 point of large order, each tag 32
    /// bytes of base64url, no tag twice.
    pub fn from_json(bytes: &[u8]) -> Result<PublicCredentialsFile, AuthorityFileError> {
        let value = parse_value(bytes, PUBLIC_CREDENTIALS_FORMAT)?;
        let file: PublicCredentialsFile = serde_json::from_value(value)
            .map_err(|e| AuthorityFileError::Malformed(e.to_string()))?;
        if file.credentials.is_empty() {
            return Err(AuthorityFileError::Empty);
        }
        for (index, pair) in file.credentials.windows(2).enumerate() {
            if let [a, b] = pair {
                if a.credential == b.credential {
                    return Err(AuthorityFileError::Duplicate { index: index + 1 });
                }
                if a.credential > b.credential {
                    return Err(AuthorityFileError::NotSorted { index: index + 1 });
                }
            }
        }
        for (index, entry) in file.credentials.iter().enumerate() {
            if !entry.credential.is_canonical() {
                return Err(AuthorityFileError::NotCanonical { index });
            }
            if votum_crypto::base64url::decode_array::<32>(&entry.reissue_tag).is_err() {
                return Err(AuthorityFileError::BadTag { index });
            }
        }
        let mut tags: Vec<&str> = file
            .credentials
            .iter()
            .map(|c| c.reissue_tag.as_str())
            .collect();
        tags.sort_unstable();
        if tags.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(AuthorityFileError::DuplicateTag);
        }
        Ok(file)
    }

    /// Checks the file against the ballot it is imported into: its id, its
    /// definition hash, the roll hash and the number of letter electors
    /// without a credential.
    pub fn check_against(
        &self,
        ballot_id: &str,
        definition_hash: &str,
        roll_hash: &str,
        pending: usize,
    ) -> Result<(), AuthorityFileError> {
        if self.ballot_id != ballot_id {
            return Err(AuthorityFileError::WrongBallot);
        }
        if self.definition_hash != definition_hash {
            return Err(AuthorityFileError::WrongDefinition);
        }
        if self.credentials.len() != pending {
            return Err(AuthorityFileError::WrongCount {
                expected: pending,
                found: self.credentials.len(),
            });
        }
        if self.roll_hash != roll_hash {
            return Err(AuthorityFileError::WrongRoll);
        }
        Ok(())
    }
}

/// Parses JSON and checks `format` and `version` before anything else, so
/// a file of another kind gets a message saying so.
fn parse_value(
    bytes: &[u8],
    format: &'static str,
) -> Result<serde_json::Value, AuthorityFileError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| AuthorityFileError::Malformed(e.to_string()))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(found) if found == format => {}
        found => {
            return Err(AuthorityFileError::WrongFormat {
                expected: format,
                found: found.unwrap_or("").to_owned(),
            })
        }
    }
    if value.get("version").and_then(|v| v.as_u64()) != Some(u64::from(FILE_VERSION)) {
        return Err(AuthorityFileError::WrongVersion);
    }
    Ok(value)
}

/// Why an authority file was refused. No variant carries a code; the
/// messages are for officers and the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityFileError {
    /// Not JSON, or a member is missing, unknown or of the wrong type.
    #[error("the file is not readable: {0}")]
    Malformed(String),
    /// The `format` member names another kind of file.
    #[error("this is not a {expected} file (format {found:?})")]
    WrongFormat {
        /// The format expected here.
        expected: &'static str,
        /// The format found.
        found: String,
    },
    /// A version this program does not read.
    #[error("unknown file version (this program reads version {FILE_VERSION})")]
    WrongVersion,
    /// The electorate file's ballot does not match its definition hash.
    #[error("the ballot in the file does not match its definition hash: the file was altered")]
    DefinitionAltered,
    /// No entries or no credentials.
    #[error("the file lists nobody")]
    Empty,
    /// An entry without membership number, with 0 or more than 6 (or
    /// empty) address lines, or an unknown language.
    #[error("the entry of member {0:?} is incomplete (membership number, 1 to 6 address lines, language de or en)")]
    BadEntry(String),
    /// A membership number twice.
    #[error("member {0:?} is listed twice")]
    DuplicateMember(String),
    /// A credential twice (at this 0-based position and the one before).
    #[error("credential number {index} appears twice")]
    Duplicate {
        /// Position of the second copy, counted from 0.
        index: usize,
    },
    /// Credentials out of byte order.
    #[error("the credentials are not sorted (at number {index})")]
    NotSorted {
        /// Position of the first one out of order, counted from 0.
        index: usize,
    },
    /// Not the canonical encoding of a large-order ed25519 point.
    #[error("credential number {index} is not a valid public credential (a canonically encoded ed25519 point)")]
    NotCanonical {
        /// Position, counted from 0.
        index: usize,
    },
    /// A re-issue tag that is not 32 bytes of base64url.
    #[error("the re-issue tag of credential number {index} is malformed")]
    BadTag {
        /// Position, counted from 0.
        index: usize,
    },
    /// Two credentials with one tag.
    #[error("two credentials carry the same re-issue tag")]
    DuplicateTag,
    /// Made for another ballot.
    #[error("the file was made for another ballot")]
    WrongBallot,
    /// Made for another definition of this ballot.
    #[error("the file was made for another ballot definition (definition hash differs)")]
    WrongDefinition,
    /// Not as many credentials as letter electors waiting for one.
    #[error(
        "the file has {found} credentials, but {expected} letter electors are waiting for one"
    )]
    WrongCount {
        /// Letter electors without a credential.
        expected: usize,
        /// Credentials in the file.
        found: usize,
    },
    /// Made for another set of letter electors.
    #[error("the file was made for other letter electors: export the electorate again and rerun the authority")]
    WrongRoll,
}

#[cfg(test)]
mod tests {
    use super::*;
    use votum_crypto::credential::{Code, CredentialKey, ReissueKey};

    fn ballot() -> LetterBallot {
        LetterBallot {
            id: "b1".into(),
            title: "Satzung".into(),
            questions: vec![],
            opens_at: "2026-12-01T08:00:00".into(),
            closes_at: "2026-12-08T18:00:00".into(),
            revoting: false,
        }
    }

    fn electorate() -> ElectorateFile {
        let ballot = ballot();
        ElectorateFile {
            format: ELECTORATE_FORMAT.into(),
            version: FILE_VERSION,
            definition_hash: ballot.definition_hash(),
            ballot,
            credential_derivation: CredentialDerivation::V1,
            vote_page: "https://example.org/vote/b1".into(),
            sender: Sender {
                organisation: "Partei".into(),
                group: "Kreis".into(),
            },
            entries: vec![ElectorateEntry {
                membership_number: "1000102".into(),
                address: vec!["Erika Muster".into(), "Weg 1".into(), "12345 Ort".into()],
                language: "de".into(),
            }],
        }
    }

    fn credentials(n: usize) -> PublicCredentialsFile {
        let key = ReissueKey::generate().unwrap();
        let mut credentials: Vec<AuthorityCredential> = (0..n)
            .map(|i| AuthorityCredential {
                credential: CredentialKey::derive(&Code::generate().unwrap(), "b1").public(),
                reissue_tag: key.authority_tag("b1", &i.to_string()),
            })
            .collect();
        credentials.sort_by_key(|c| c.credential);
        PublicCredentialsFile {
            format: PUBLIC_CREDENTIALS_FORMAT.into(),
            version: FILE_VERSION,
            ballot_id: "b1".into(),
            definition_hash: ballot().definition_hash(),
            roll_hash: roll_hash(["1", "2"].into_iter()),
            credentials,
        }
    }

    #[test]
    fn electorate_round_trips_canonically_and_detects_alteration() {
        let file = electorate();
        let bytes = file.to_canonical_json();
        assert!(bytes.starts_with(b"{\"ballot\":{"));
        assert_eq!(ElectorateFile::from_json(&bytes).unwrap(), file);
        let mut altered = file.clone();
        altered.ballot.title = "Andere".into();
        assert_eq!(
            ElectorateFile::from_json(&altered.to_canonical_json()),
            Err(AuthorityFileError::DefinitionAltered)
        );
        let mut twice = file.clone();
        twice.entries.push(twice.entries[0].clone());
        assert_eq!(
            ElectorateFile::from_json(&twice.to_canonical_json()),
            Err(AuthorityFileError::DuplicateMember("1000102".into()))
        );
        // Nothing but the documented members: an e-mail address is refused.
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        value["entries"][0]["email"] = "a@b.c".into();
        assert!(matches!(
            ElectorateFile::from_json(value.to_string().as_bytes()),
            Err(AuthorityFileError::Malformed(_))
        ));
        assert!(matches!(
            ElectorateFile::from_json(&credentials(1).to_canonical_json()),
            Err(AuthorityFileError::WrongFormat { .. })
        ));
    }

    #[test]
    fn the_derivation_is_named_in_the_file() {
        let code = Code::from_bytes([9u8; 16]);
        assert_eq!(
            CredentialDerivation::V1.derive(&code, "b1").public(),
            CredentialKey::derive(&code, "b1").public()
        );
        assert_eq!(
            CredentialDerivation::V2.derive(&code, "b1").public(),
            CredentialKey::derive_v2(&code, "b1").public()
        );
        let text = String::from_utf8(electorate().to_canonical_json()).unwrap();
        assert!(text.contains("\"credential_derivation\":\"votum-credential-v1\""));
    }

    #[test]
    fn roll_hash_ignores_order_only() {
        assert_eq!(
            roll_hash(["2", "1"].into_iter()),
            roll_hash(["1", "2"].into_iter())
        );
        assert_ne!(
            roll_hash(["1", "2"].into_iter()),
            roll_hash(["1", "3"].into_iter())
        );
        assert_eq!(roll_hash(["1"].into_iter()).len(), 64);
    }

    #[test]
    fn public_credentials_are_checked() {
        let file = credentials(3);
        let bytes = file.to_canonical_json();
        let read = PublicCredentialsFile::from_json(&bytes).unwrap();
        assert_eq!(read, file);
        let hash = ballot().definition_hash();
        let roll = roll_hash(["1", "2"].into_iter());
        assert_eq!(read.check_against("b1", &hash, &roll, 3), Ok(()));
        assert_eq!(
            read.check_against("b2", &hash, &roll, 3),
            Err(AuthorityFileError::WrongBallot)
        );
        assert_eq!(
            read.check_against("b1", &"0".repeat(64), &roll, 3),
            Err(AuthorityFileError::WrongDefinition)
        );
        assert_eq!(
            read.check_against("b1", &hash, &roll, 2),
            Err(AuthorityFileError::WrongCount {
                expected: 2,
                found: 3
            })
        );
        assert_eq!(
            read.check_against("b1", &hash, &roll_hash(["1"].into_iter()), 3),
            Err(AuthorityFileError::WrongRoll)
        );

        let mut twice = file.clone();
        twice.credentials[1].credential = twice.credentials[0].credential;
        assert_eq!(
            PublicCredentialsFile::from_json(&twice.to_canonical_json()),
            Err(AuthorityFileError::Duplicate { index: 1 })
        );
        let mut unsorted = file.clone();
        unsorted.credentials.reverse();
        assert_eq!(
            PublicCredentialsFile::from_json(&unsorted.to_canonical_json()),
            Err(AuthorityFileError::NotSorted { index: 1 })
        );
        // y = p: a non-canonical encoding (of y = 0).
        let mut bad = file.clone();
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        bad.credentials[2].credential = PublicCredential(p);
        bad.credentials.sort_by_key(|c| c.credential);
        let index = bad
            .credentials
            .iter()
            .position(|c| c.credential.0 == p)
            .unwrap();
        assert_eq!(
            PublicCredentialsFile::from_json(&bad.to_canonical_json()),
            Err(AuthorityFileError::NotCanonical { index })
        );
        let mut tags = file.clone();
        tags.credentials[1].reissue_tag = tags.credentials[0].reissue_tag.clone();
        assert_eq!(
            PublicCredentialsFile::from_json(&tags.to_canonical_json()),
            Err(AuthorityFileError::DuplicateTag)
        );
        tags.credentials[1].reissue_tag = "short".into();
        assert_eq!(
            PublicCredentialsFile::from_json(&tags.to_canonical_json()),
            Err(AuthorityFileError::BadTag { index: 1 })
        );
        let mut version: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        version["version"] = 2.into();
        assert_eq!(
            PublicCredentialsFile::from_json(version.to_string().as_bytes()),
            Err(AuthorityFileError::WrongVersion)
        );
        assert!(matches!(
            PublicCredentialsFile::from_json(b"not json"),
            Err(AuthorityFileError::Malformed(_))
        ));
    }
}
