//! A throw-away PostgreSQL database on a real server, for tests and
//! benchmarks that need one (feature `postgres`): created with a random
//! name, dropped when its handle goes, even when a test panics.
//!
//! The server is named by an administrative URL (one that can `CREATE
//! DATABASE`); [`admin_url`] reads it from an environment variable, with
//! the local test server (`postgres://postgres@127.0.0.1:5432/test`, trust
//! authentication) as the default.
//!
//! ```no_run
//! # async fn t() {
//! use payout_testkit::postgres::{admin_url, ScratchDatabase};
//! let db = ScratchDatabase::create(&admin_url("PAYOUT_JOURNAL_TEST_PG"), "journal_test")
//!     .await
//!     .unwrap_or_else(|e| panic!("{e}"));
//! // ... open a journal at `db.url` ...
//! drop(db); // the database is dropped here, or when a panic unwinds
//! # }
//! ```

use sqlx::{Connection, Executor};

/// The local test server, when the environment names none.
pub const LOCAL_TEST_SERVER: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The administrative URL of the server: the environment variable `var`,
/// else [`LOCAL_TEST_SERVER`].
pub fn admin_url(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| LOCAL_TEST_SERVER.to_owned())
}

/// A database made for one test or benchmark run; dropped (with its
/// connections closed by force) when this handle is dropped.
#[derive(Debug)]
pub struct ScratchDatabase {
    /// The database's URL (the administrative URL with the new name).
    pub url: String,
    name: String,
    admin: String,
}

impl ScratchDatabase {
    /// Creates a database named `<prefix>_<process id>_<random>` on the
    /// server at `admin`.
    ///
    /// # Errors
    /// The server is unreachable (the message says to start it, or to point
    /// the URL elsewhere), refuses to create the database, or `admin` names
    /// no database.
    pub async fn create(admin: &str, prefix: &str) -> Result<Self, String> {
        let name = format!("{prefix}_{}_{:08x}", std::process::id(), fastrand::u32(..));
        let (server, _) = admin
            .rsplit_once('/')
            .ok_or_else(|| format!("{admin} names no database to connect to"))?;
        let mut conn = sqlx::PgConnection::connect(admin).await.map_err(|e| {
            format!("PostgreSQL unreachable at {admin} ({e}); start it (.ci/run does) or point the URL at a server")
        })?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .map_err(|e| format!("cannot create the scratch database {name}: {e}"))?;
        Ok(Self {
            url: format!("{server}/{name}"),
            name,
            admin: admin.to_owned(),
        })
    }
}

impl Drop for ScratchDatabase {
    /// Drops the database on a thread of its own (with its own runtime), so
    /// that it works inside a Tokio runtime, outside one, and while a panic
    /// unwinds. A server gone by then leaves the database behind.
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            tracing::warn!(database = %self.name, "scratch database not dropped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_scratch_database_exists_until_its_handle_goes() {
        let admin = admin_url("PAYOUT_JOURNAL_TEST_PG");
        let db = ScratchDatabase::create(&admin, "testkit_scratch")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let name = db.name.clone();
        let mut conn = sqlx::PgConnection::connect(&db.url)
            .await
            .expect("the scratch database takes connections");
        conn.execute("CREATE TABLE t (x INT)")
            .await
            .expect("usable");
        drop(db);
        let mut admin_conn = sqlx::PgConnection::connect(&admin).await.expect("admin");
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_one(&mut admin_conn)
            .await
            .expect("count");
        assert_eq!(left, 0, "{name} was dropped");
    }

    #[tokio::test]
    async fn an_unreachable_server_is_named_with_what_to_do() {
        let admin = "postgres://postgres@127.0.0.1:1/test";
        let err = ScratchDatabase::create(admin, "testkit_scratch")
            .await
            .expect_err("nothing listens on port 1");
        assert!(err.contains(admin) && err.contains("start it"), "{err}");
    }
}
