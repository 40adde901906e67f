//! Reading a stored row back into a [`PayoutRecord`], written once for
//! every driver: sqlx's rows (SQLite reads, PostgreSQL) and the SQLite
//! writer thread's rusqlite rows (claims).

use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::error::JournalError;
use crate::order::OrderRecord;
use crate::record::{self, PayoutRecord};

/// The columns of a row, by name: text and integers, each possibly NULL.
pub(super) trait Columns {
    /// A text column.
    fn text(&self, column: &'static str) -> Result<Option<String>, JournalError>;
    /// An integer column.
    fn int(&self, column: &'static str) -> Result<Option<i64>, JournalError>;

    /// A text column that must not be NULL.
    fn required_text(&self, column: &'static str) -> Result<String, JournalError> {
        required(self.text(column)?, column)
    }

    /// An integer column that must not be NULL.
    fn required_int(&self, column: &'static str) -> Result<i64, JournalError> {
        required(self.int(column)?, column)
    }
}

/// A row of sqlx (either backend).
pub(super) struct SqlxRow<'r, R>(pub &'r R);

impl<'r, R> Columns for SqlxRow<'r, R>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    fn text(&self, column: &'static str) -> Result<Option<String>, JournalError> {
        self.0.try_get(column).map_err(unreadable(column))
    }

    fn int(&self, column: &'static str) -> Result<Option<i64>, JournalError> {
        self.0.try_get(column).map_err(unreadable(column))
    }
}

#[cfg(feature = "sqlite")]
impl Columns for rusqlite::Row<'_> {
    fn text(&self, column: &'static str) -> Result<Option<String>, JournalError> {
        self.get(column).map_err(unreadable(column))
    }

    fn int(&self, column: &'static str) -> Result<Option<i64>, JournalError> {
        self.get(column).map_err(unreadable(column))
    }
}

/// A column that cannot be read as its type.
fn unreadable<E: std::fmt::Display>(column: &'static str) -> impl Fn(E) -> JournalError {
    move |e| JournalError::corrupt(format!("column {column}: {e}"))
}

/// A column that must not be NULL.
fn required<T>(value: Option<T>, column: &'static str) -> Result<T, JournalError> {
    value.ok_or_else(|| JournalError::corrupt(format!("column {column} is NULL")))
}

/// A payout row (the columns of `sql::columns!`), from any driver.
pub(super) fn decode(row: &impl Columns) -> Result<PayoutRecord, JournalError> {
    let text = |c| row.required_text(c);
    let int = |c| row.required_int(c);
    let count = |c| int(c).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let conflict = match row.text("conflict")? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| JournalError::corrupt(format!("stored conflict is unreadable: {e}")))?,
        None => Vec::new(),
    };
    Ok(PayoutRecord {
        id: int("id")?,
        provider: text("provider")?,
        account: text("account")?,
        region: text("region")?,
        trade_no: text("trade_no")?,
        order: OrderRecord::from_json(&text("order_json")?)?,
        state: text("state")?.parse()?,
        provider_status: row.text("provider_status")?,
        platform_trade_no: row.text("platform_trade_no")?,
        attempts: count("attempts")?,
        queries: count("queries")?,
        created_at: record::from_ms(int("created_at")?),
        updated_at: record::from_ms(int("updated_at")?),
        lease_owner: row.text("lease_owner")?,
        lease_until: row.int("lease_until")?.map(record::from_ms),
        next_query_at: record::from_ms(int("next_query_at")?),
        last_error: row.text("last_error")?,
        conflict,
        version: int("version")?,
    })
}
