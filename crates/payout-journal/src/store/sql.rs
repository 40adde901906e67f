//! The journal's SQL, written once for both backends where it can be (`$N`
//! parameters work on SQLite and PostgreSQL alike); the claims and the
//! multi-row writes differ (SQLite: a `VALUES` list per size class;
//! PostgreSQL: one statement of any size, each column an array).
//!
//! Times are BIGINT milliseconds since the Unix epoch (UTC), the same on
//! both backends.

/// The columns read back into a `PayoutRecord`, in one place.
macro_rules! columns {
    () => {
        "id, provider, account, region, trade_no, order_json, state, provider_status, \
         platform_trade_no, attempts, queries, created_at, updated_at, lease_owner, \
         lease_until, next_query_at, last_error, conflict, version"
    };
}

/// The states a reconciler queries, as an SQL list. The partial index
/// `journal_payouts_open` has exactly this predicate.
macro_rules! open_states {
    () => {
        "('sending', 'unknown', 'accepted', 'pending')"
    };
}

/// The scope and due-time filter shared by both claims:
/// `$3` provider, `$4` account, `$5` region, `$6` now (leases that ran out
/// before it are taken over), `$7` due before, `$8` to `$11` the states
/// wanted (open states, by name; repeat one to want fewer), `$12` limit,
/// `$13` an owner whose leases are taken over even while they run (its
/// earlier incarnation died; NULL for none), `$14` only ids above this.
/// `$order`: `next_query_at, id` (oldest due first, along the partial index
/// `journal_payouts_open`) or `id` (a recovery walk, which visits each row
/// once whatever its backoff, along the primary key).
macro_rules! claimable {
    ($order:literal) => {
        concat!(
            "provider = $3 AND account = $4 AND region = $5 AND state IN ",
            open_states!(),
            " AND (state = $8 OR state = $9 OR state = $10 OR state = $11)",
            " AND (lease_until IS NULL OR lease_until < $6 OR lease_owner = $13)",
            " AND next_query_at <= $7 AND id > $14",
            " ORDER BY ",
            $order,
            " LIMIT $12"
        )
    };
}

/// A multi-row insert on SQLite: this, a `VALUES` list of tuples, then
/// [`INSERT_RETURNING`]. A row whose key is taken is skipped.
#[cfg(feature = "sqlite")]
pub(crate) const INSERT_INTO: &str = "INSERT INTO journal_payouts (provider, account, region, \
     trade_no, order_json, amount, state, attempts, queries, created_at, updated_at, \
     lease_owner, lease_until, next_query_at, version) ";

/// The end of [`INSERT_INTO`]: the keys and ids of the rows inserted come
/// back (the rest of each row is what was written).
#[cfg(feature = "sqlite")]
pub(crate) const INSERT_RETURNING: &str = " ON CONFLICT (provider, account, trade_no) DO NOTHING \
     RETURNING id, provider, account, trade_no";

/// A multi-row insert on PostgreSQL, one statement for any number of rows:
/// each column comes as an array (`$1` provider, `$2` account, `$3` region,
/// `$4` trade number, `$5` order, `$6` amount, `$7` state, `$8` attempts,
/// `$9` now, `$10` lease owner, `$11` lease until). A row whose key is
/// taken is skipped; the keys and ids of the rows inserted come back.
#[cfg(feature = "postgres")]
pub(crate) const INSERT_UNNEST_POSTGRES: &str = "INSERT INTO journal_payouts (provider, account, \
     region, trade_no, order_json, amount, state, attempts, queries, created_at, updated_at, \
     lease_owner, lease_until, next_query_at, version) \
     SELECT n_provider, n_account, n_region, n_trade_no, n_order_json, n_amount, n_state, \
     n_attempts, 0, n_now, n_now, n_lease_owner, n_lease_until, n_now, 0 \
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::text[], $8::int8[], $9::int8[], $10::text[], $11::int8[]) \
     AS n (n_provider, n_account, n_region, n_trade_no, n_order_json, n_amount, n_state, \
     n_attempts, n_now, n_lease_owner, n_lease_until) \
     ON CONFLICT (provider, account, trade_no) DO NOTHING \
     RETURNING id, provider, account, trade_no";

pub(crate) const BY_KEY: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM journal_payouts WHERE provider = $1 AND account = $2 AND trade_no = $3"
);

pub(crate) const BY_ID: &str =
    concat!("SELECT ", columns!(), " FROM journal_payouts WHERE id = $1");

/// A multi-row compare-and-set on SQLite: this, a `VALUES` list of
/// tuples, then [`UPDATE_SET`]. Each row's every mutable
/// column is written if the row is still at the version read; the ids of
/// the rows written come back.
#[cfg(feature = "sqlite")]
pub(crate) const UPDATE_WITH: &str = "WITH changes (c_id, c_version, c_state, \
     c_provider_status, c_platform_trade_no, c_conflict, c_attempts, c_queries, c_updated_at, \
     c_lease_owner, c_lease_until, c_next_query_at, c_last_error) AS (";

/// The end of [`UPDATE_WITH`].
#[cfg(feature = "sqlite")]
pub(crate) const UPDATE_SET: &str = ") UPDATE journal_payouts SET state = c_state, \
     provider_status = c_provider_status, platform_trade_no = c_platform_trade_no, \
     conflict = c_conflict, attempts = c_attempts, queries = c_queries, \
     updated_at = c_updated_at, lease_owner = c_lease_owner, lease_until = c_lease_until, \
     next_query_at = c_next_query_at, last_error = c_last_error, version = version + 1 \
     FROM changes WHERE id = c_id AND version = c_version RETURNING id";

/// A multi-row compare-and-set on PostgreSQL, one statement for any number
/// of rows: the columns of [`UPDATE_WITH`] come as arrays, in its order.
#[cfg(feature = "postgres")]
pub(crate) const UPDATE_UNNEST_POSTGRES: &str = "UPDATE journal_payouts SET state = c_state, \
     provider_status = c_provider_status, platform_trade_no = c_platform_trade_no, \
     conflict = c_conflict, attempts = c_attempts, queries = c_queries, \
     updated_at = c_updated_at, lease_owner = c_lease_owner, lease_until = c_lease_until, \
     next_query_at = c_next_query_at, last_error = c_last_error, version = version + 1 \
     FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::int8[], $8::int8[], $9::int8[], $10::text[], $11::int8[], $12::int8[], $13::text[]) \
     AS c (c_id, c_version, c_state, c_provider_status, c_platform_trade_no, c_conflict, \
     c_attempts, c_queries, c_updated_at, c_lease_owner, c_lease_until, c_next_query_at, \
     c_last_error) \
     WHERE id = c_id AND version = c_version RETURNING id";

/// A claim on SQLite: `$1` owner, `$2` lease until; see [`claimable!`] for
/// the rest.
#[cfg(feature = "sqlite")]
macro_rules! claim_sqlite {
    ($order:literal) => {
        concat!(
            "UPDATE journal_payouts SET lease_owner = $1, lease_until = $2, version = version + 1 \
             WHERE id IN (SELECT id FROM journal_payouts WHERE ",
            claimable!($order),
            ") RETURNING ",
            columns!()
        )
    };
}

/// A claim on PostgreSQL: any number of processes claim at once; rows
/// another transaction is claiming are skipped, not waited for.
#[cfg(feature = "postgres")]
macro_rules! claim_postgres {
    ($order:literal) => {
        concat!(
            "WITH picked AS (SELECT id AS picked_id FROM journal_payouts WHERE ",
            claimable!($order),
            " FOR UPDATE SKIP LOCKED) \
             UPDATE journal_payouts SET lease_owner = $1, lease_until = $2, version = version + 1 \
             FROM picked WHERE id = picked.picked_id RETURNING ",
            columns!()
        )
    };
}

/// Claims the rows due first (SQLite).
#[cfg(feature = "sqlite")]
pub(crate) const CLAIM_DUE_SQLITE: &str = claim_sqlite!("next_query_at, id");

/// Claims the next rows of a recovery walk (SQLite).
#[cfg(feature = "sqlite")]
pub(crate) const CLAIM_WALK_SQLITE: &str = claim_sqlite!("id");

/// Claims the rows due first (PostgreSQL).
#[cfg(feature = "postgres")]
pub(crate) const CLAIM_DUE_POSTGRES: &str = claim_postgres!("next_query_at, id");

/// Claims the next rows of a recovery walk (PostgreSQL).
#[cfg(feature = "postgres")]
pub(crate) const CLAIM_WALK_POSTGRES: &str = claim_postgres!("id");

pub(crate) const PAGE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM journal_payouts WHERE id > $1 ORDER BY id LIMIT $2"
);

pub(crate) const COUNTS: &str = "SELECT state, COUNT(*) AS n FROM journal_payouts GROUP BY state";

pub(crate) const SCOPE_COUNTS: &str = "SELECT state, COUNT(*) AS n FROM journal_payouts \
     WHERE provider = $1 AND account = $2 AND region = $3 GROUP BY state";

/// The earliest time a row of the scope becomes claimable.
pub(crate) const NEXT_DUE: &str = concat!(
    "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_query_at \
     THEN lease_until ELSE next_query_at END) AS due FROM journal_payouts \
     WHERE provider = $1 AND account = $2 AND region = $3 AND state IN ",
    open_states!()
);
