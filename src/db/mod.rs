//! Database access: one code base for SQLite and PostgreSQL.
//!
//! The backend follows from the URL: `postgres://…` or `postgresql://…` is
//! PostgreSQL, anything else a SQLite file path. Queries run on a blocking
//! thread from an r2d2 pool, so handlers stay async and nothing that another
//! app instance needs lives in process memory.

pub mod models;
pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Inserts many rows in one statement. Diesel's multi-backend connection
/// cannot build a multi-row `INSERT`, so this dispatches to the concrete one.
#[macro_export]
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl as _;
        match $conn {
            $crate::db::DbConn::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
            $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    }};
}

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens one connection with the backend's settings applied.
pub fn connect(url: &str) -> Result<DbConn, AppError> {
    let conn = match Backend::of(url) {
        Backend::Postgres => DbConn::Postgres(PgConnection::establish(url)?),
        Backend::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let mut conn = SqliteConnection::establish(path)?;
            conn.batch_execute(SQLITE_PRAGMAS)?;
            DbConn::Sqlite(conn)
        }
    };
    Ok(conn)
}

// WAL lets readers go on while one writer commits; synchronous=FULL makes a
// commit durable before we answer (a receipt must never outlive its ballot);
// the busy timeout turns lock contention into waiting instead of errors.
// secure_delete overwrites deleted rows (ended sessions, spent marks) instead
// of leaving them in free space; journal_size_limit keeps a checkpointed WAL
// from lingering at its largest size (see [`forget_write_order`]).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 10000; \
     PRAGMA secure_delete = ON; \
     PRAGMA journal_size_limit = 0; \
     PRAGMA foreign_keys = ON;";

/// Called after a write of secret rows (a cast, an anonymous answer, a
/// re-issue) has committed. SQLite's `-wal` file keeps every recent
/// transaction as frames in commit order: a copy of the live files would
/// show which pages (the session of a login, the ballot box) changed one
/// after the other. A `TRUNCATE` checkpoint moves the frames into the
/// database and empties the file. Best effort and without waiting: if
/// readers or a writer are busy, the next call does it. PostgreSQL keeps
/// no such file the app could empty (see `SECURITY.md`).
pub fn forget_write_order(conn: &mut DbConn) {
    if let DbConn::Sqlite(sqlite) = conn {
        // The busy timeout would make the checkpoint wait for running
        // transactions; a busy checkpoint is simply left to the next call.
        // PASSIVE copies the frames without taking the write lock; the
        // TRUNCATE that follows then only has to empty the file, so it
        // holds the lock for a moment only.
        let _ = sqlite.batch_execute(
            "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(PASSIVE); PRAGMA wal_checkpoint(TRUNCATE);",
        );
        let _ = sqlite.batch_execute("PRAGMA busy_timeout = 10000;");
    }
}

/// Opens connections through [`connect`], so the backend is chosen from the
/// URL scheme, never by trial (diesel's default manager would fall back to
/// creating a SQLite file named like an unreachable PostgreSQL URL).
#[derive(Debug)]
pub struct Manager {
    url: String,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = AppError;

    fn connect(&self) -> Result<DbConn, AppError> {
        connect(&self.url)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), AppError> {
        conn.batch_execute("SELECT 1").map_err(AppError::from)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Applies all pending migrations of the connection's backend.
pub fn migrate(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let applied = match conn {
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| AppError::Internal(format!("migration failed: {e}")))?;
    Ok(applied.iter().map(|m| m.to_string()).collect())
}

/// The pool of connections, shared by all requests.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
}

impl Db {
    /// Opens a pool and applies pending migrations.
    pub fn open(url: &str, max_connections: u32) -> Result<Db, AppError> {
        let backend = Backend::of(url);
        if backend == Backend::Sqlite {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        AppError::Internal(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
            }
            // Migrations on a fresh file set WAL first, outside the pool.
            migrate(&mut connect(url)?)?;
        }
        let manager = Manager {
            url: url.to_owned(),
        };
        let pool = Pool::builder()
            .max_size(max_connections)
            .build(manager)
            .map_err(|e| AppError::Internal(format!("database pool: {e}")))?;
        let db = Db { pool, backend };
        if backend == Backend::Postgres {
            migrate(&mut *db.get()?)?;
        }
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection for blocking code (CLI, tests).
    pub fn get(&self) -> Result<PooledConnection<Manager>, AppError> {
        self.pool
            .get()
            .map_err(|e| AppError::Internal(format!("database pool: {e}")))
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        rocket::tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get()
                .map_err(|e| AppError::Internal(format!("database pool: {e}")))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("database task: {e}")))?
    }
}
