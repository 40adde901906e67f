//! A throw-away PostgreSQL database per test, on the local server
//! (`postgres://postgres@127.0.0.1:5432/test`, trust authentication;
//! `PAYOUT_JOURNAL_TEST_PG` overrides it): created with a random name,
//! dropped when the test ends, even when it fails.

use sqlx::{Connection, Executor};

/// A database created for one test.
pub struct PgDb {
    /// Its URL, for `--journal`.
    pub url: String,
    name: String,
    admin: String,
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

impl PgDb {
    /// Creates a fresh database.
    pub fn create() -> Self {
        let admin = std::env::var("PAYOUT_JOURNAL_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let name = format!(
            "payout_cli_test_{}_{:08x}",
            std::process::id(),
            fastrand::u32(..)
        );
        block_on(async {
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!("PostgreSQL test server unreachable at {admin} ({e}); start it (.ci/run does) or set PAYOUT_JOURNAL_TEST_PG")
            });
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create the test database");
        });
        let (server, _) = admin.rsplit_once('/').expect("a database in the URL");
        Self {
            url: format!("{server}/{name}"),
            name,
            admin,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        block_on(async move {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await;
            }
        });
    }
}
