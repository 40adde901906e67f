//! What can go wrong with the journal ([`JournalError`]).

/// Every failure of the journal. Messages name the payout by provider and
/// trade number only: never personal data, never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The journal URL is unusable.
    #[error("invalid journal URL: {message}")]
    Url {
        /// What is wrong and what to write instead.
        message: String,
    },

    /// The database refused or failed an operation.
    #[error("journal database error while {doing}: {source}")]
    Database {
        /// What the journal was doing.
        doing: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },

    /// The journal was written by a newer version of this library.
    #[error(
        "journal schema version {found} is newer than this program supports ({supported}); \
         upgrade the program before using this journal"
    )]
    SchemaTooNew {
        /// The version found in the journal.
        found: i64,
        /// The newest version this library knows.
        supported: i64,
    },

    /// A stored row cannot be read back.
    #[error("journal row is unreadable: {message}")]
    Corrupt {
        /// What is wrong with it.
        message: String,
    },

    /// The trade number is already journaled with a different order.
    #[error(
        "trade number {trade_no} is already journaled for {provider} with a different order \
         ({difference}); a trade number names one payout: re-submit the identical order to \
         resume it, or use a new trade number for a different payout"
    )]
    DifferentContents {
        /// The provider's id.
        provider: String,
        /// The trade number.
        trade_no: String,
        /// Which part differs (field name only, never its value).
        difference: &'static str,
    },

    /// No payout with this trade number is journaled.
    #[error("trade number {trade_no} is not in the journal for {provider}")]
    NotJournaled {
        /// The provider's id.
        provider: String,
        /// The trade number.
        trade_no: String,
    },

    /// The order breaks a rule of the provider's region; nothing was
    /// journaled or sent.
    #[error("payout {trade_no} was not journaled: {source}")]
    Invalid {
        /// The trade number.
        trade_no: String,
        /// The provider's validation error.
        #[source]
        source: payout_core::Error,
    },

    /// The create request was sent but its answer could not be written to
    /// the journal. The row stays `sending`: it will be resolved by query
    /// and is never sent again before that. **Treat the outcome as unknown.**
    #[error(
        "payout {trade_no} was sent but its answer could not be journaled ({source}); \
         its outcome is unknown until it is resolved by query"
    )]
    AnswerNotRecorded {
        /// The trade number.
        trade_no: String,
        /// Why the write failed.
        #[source]
        source: Box<JournalError>,
    },

    /// A callback or status belongs to another provider than this wrapper's.
    #[error("a {got} update was given to the journaled {expected} provider")]
    WrongProvider {
        /// The wrapper's provider id.
        expected: String,
        /// The update's provider id.
        got: String,
    },

    /// Other writers kept changing the row; the change was not written.
    #[error("payout {trade_no} kept changing under concurrent writers; retry")]
    Contended {
        /// The trade number.
        trade_no: String,
    },
}

impl JournalError {
    pub(crate) fn db(doing: &'static str) -> impl Fn(sqlx::Error) -> JournalError + Copy {
        move |source| JournalError::Database { doing, source }
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> JournalError {
        JournalError::Corrupt {
            message: message.into(),
        }
    }
}
