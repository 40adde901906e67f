//! The command line: subcommands and flags (clap derive).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

use crate::duration;

const ENV_HELP: &str = "\
Configuration (lowest to highest precedence): --config FILE (TOML), then the
environment, then flags.
  PAYOUT_PROVIDER        provider id (or --provider)
  PAYOUT_REGION          region id (or --region; default indonesia)
  PAYOUT_BASE_URL        base URL (or --base-url): the platform's host and region
                         segment; Xendit's API root. Commands that send need it,
                         or --sandbox (PAYOUT_SANDBOX=1) for the published sandbox
  PAYOUT_MERCHANT_NO     merchant number (or --merchant-no; PayPro, Vexora)
  PAYOUT_SECRET          merchant secret / Xendit secret API key (never a flag;
                         or --secret-file)
  PAYOUT_SECRET_FILE     file holding the secret
  PAYOUT_CALLBACK_TOKEN  Xendit webhook verification token (never a flag; or
                         --callback-token-file)
  PAYOUT_FOR_USER_ID     Xendit sub-account (or --for-user-id)
  PAYOUT_TIMEOUT_MS      per-attempt timeout in ms (or --timeout-ms)
  PAYOUT_CONNECT_TIMEOUT_MS  connect timeout in ms
  RUST_LOG               tracing on stderr (e.g. debug); the secret never appears

Output: one JSON object on stdout (`sim` and `demo` print text, `journal
export` one line per payout). Exit codes:
0 ok; 1 `demo` balance reconciliation failed (or an internal error);
2 usage/configuration; 3 rejected by the provider; 4 transport failure (or
the journal database); 5 invalid response or untrusted callback; 6 create
outcome unknown (query before retrying; `batch`: some outcome still unknown,
run it again); 7 wait deadline reached before the payout was final (`journal
reconcile`: not all final at the timeout);
8 the provider proves no payout exists under the trade number (query, wait);
9 create: a payout already exists under the trade number (nothing new placed).";

/// `payout`: query, place and follow payouts with PayPro and Vexora.
#[derive(Debug, Parser)]
#[command(name = "payout", version, after_help = ENV_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask for a payout's current status.
    Query(QueryArgs),
    /// Place a payout. Exit 6 means the outcome is unknown: query before retrying.
    ///
    /// The beneficiary is chosen from the flags given: --bank-code and
    /// --account-no make a bank account (--account-type where the region asks,
    /// e.g. CLABE, CVU); --wallet and --account-no an e-wallet; --pix-key-type
    /// and --account-no a PIX key; --mobile without --account-no mobile money
    /// (Kenya M-Pesa, Egyptian wallets). Any other wire field of the region
    /// goes in --field wireName=value (customerCert, firstname, idType, ...).
    /// The order is checked against the region's rules before it is sent; a
    /// create is sent once and never retried after it may have left.
    Create(Box<CreateArgs>),
    /// Ask for the merchant's balance.
    Balance(BalanceArgs),
    /// Verify and read a notify callback body (from --file or stdin).
    VerifyNotify(VerifyNotifyArgs),
    /// Poll a payout until it is succeeded or failed, or the deadline passes.
    Wait(WaitArgs),
    /// Cancel a payout not yet handed to the bank (providers that declare
    /// cancel, e.g. Xendit). Exit 0 with the query keys and state
    /// `cancelled`; 3 when the provider refuses; 2 when the provider has no
    /// cancel (nothing is sent).
    Cancel(CancelArgs),
    /// Make one harmless authenticated call (balance) and report whether
    /// the base URL, credentials and region work.
    Check(CheckArgs),
    /// Serve the offline PayPro/Vexora and Xendit simulator until Ctrl-C or SIGTERM.
    ///
    /// The first stdout line is `listening on http://ADDR`; the base URL of
    /// every region follows, then Xendit's (`http://ADDR/xendit`, one line
    /// per Xendit country). Merchant and secret come from
    /// PAYOUT_MERCHANT_NO and PAYOUT_SECRET (or PAYOUT_SECRET_FILE), else the
    /// documented test pair; Xendit answers its documented test key (see
    /// docs/simulator.md).
    Sim(SimArgs),
    /// Place every order of a JSONL file through a durable journal.
    ///
    /// Every order is journaled before its create request leaves; at most
    /// --concurrency are in flight; unknown outcomes are resolved by query
    /// before the command ends. Prints one JSON object:
    /// {"orders","placed","rejected","duplicates","unknown","invalid"}.
    /// Running the same command again (after a crash or a clean finish)
    /// sends nothing already sent, resumes what is unfinished and prints
    /// the summary of the whole file. Exit 0 when every valid order is
    /// placed or rejected, 6 when some outcome is still unknown, 2 for a
    /// configuration error (nothing sent). Bad lines are reported on stderr
    /// with their line number and skipped.
    Batch(Box<BatchArgs>),
    /// Read or reconcile a payout journal: status, export, reconcile.
    Journal(JournalArgs),
    /// Run a realistic payout batch end to end against an embedded simulator.
    ///
    /// Starts the simulator and a callback receiver in-process, creates the
    /// payouts through the SDK with bounded concurrency (some bound to fail,
    /// stay processing or hit faults), verifies callbacks, polls the rest,
    /// then prints a summary per provider and region and reconciles every
    /// balance with the simulator's ledger. Exit 0 only when the
    /// reconciliation holds, 1 when it does not.
    Demo(DemoArgs),
}

/// Flags every command shares: which provider, region and account.
#[derive(Debug, Args, Default, Clone)]
pub struct Common {
    /// Provider id [env: PAYOUT_PROVIDER].
    #[arg(long, value_parser = provider_ids())]
    pub provider: Option<String>,

    /// Region id, e.g. indonesia, pakistan, brazil, kenya [env: PAYOUT_REGION] [default: indonesia].
    #[arg(long)]
    pub region: Option<String>,

    /// TOML configuration file (payout::Config keys); env and flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Base URL including the region segment, e.g. http://127.0.0.1:9000/indonesia-pay [env: PAYOUT_BASE_URL].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Use the provider's published sandbox when no base URL is given
    /// [env: PAYOUT_SANDBOX]. Commands that send refuse to run with neither.
    #[arg(long)]
    pub sandbox: bool,

    /// Merchant number (PayPro, Vexora) [env: PAYOUT_MERCHANT_NO].
    #[arg(long, value_name = "DIGITS")]
    pub merchant_no: Option<String>,

    /// File holding the callback verification token (Xendit's webhook
    /// token) [env: PAYOUT_CALLBACK_TOKEN_FILE]; the token itself is read
    /// from PAYOUT_CALLBACK_TOKEN, never from a flag.
    #[arg(long, value_name = "FILE")]
    pub callback_token_file: Option<PathBuf>,

    /// Sub-account id sent as `for-user-id` (Xendit) [env: PAYOUT_FOR_USER_ID].
    #[arg(long, value_name = "ID")]
    pub for_user_id: Option<String>,

    /// File holding the merchant secret [env: PAYOUT_SECRET_FILE]. The secret
    /// itself is read from PAYOUT_SECRET, never from a flag.
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// Refused with a usage error: a secret on the command line ends up in
    /// shell history and `ps`.
    #[arg(long, hide = true, value_name = "NEVER")]
    pub secret: Option<String>,

    /// Per-attempt timeout in milliseconds [env: PAYOUT_TIMEOUT_MS].
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: Option<u64>,

    /// Connect timeout in milliseconds [env: PAYOUT_CONNECT_TIMEOUT_MS].
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub connect_timeout_ms: Option<u64>,

    /// Attempts for queries and balance, the first included (creates are
    /// never retried once sent) [default: 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_attempts: Option<u32>,

    /// Largest response body accepted, in bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    pub max_response_bytes: Option<usize>,
}

/// `payout cancel`.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// The merchant's trade number of the payout (its provider id is looked
    /// up first).
    #[arg(
        long,
        value_name = "T",
        required_unless_present = "payout_id",
        conflicts_with = "payout_id"
    )]
    pub trade_no: Option<String>,

    /// The provider's own id of the payout.
    #[arg(long, value_name = "ID")]
    pub payout_id: Option<String>,
}

/// `payout check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,
}

/// `payout query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// The merchant's trade number of the payout.
    #[arg(
        long,
        value_name = "T",
        required_unless_present = "payout_id",
        conflicts_with = "payout_id"
    )]
    pub trade_no: Option<String>,

    /// The provider's own id of the payout instead (Xendit's `disb-...`).
    #[arg(long, value_name = "ID")]
    pub payout_id: Option<String>,
}

/// `payout create` (the beneficiary rules are on [`Command::Create`]).
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// The merchant's unique trade number (at most 32 printable ASCII characters).
    #[arg(long, value_name = "T")]
    pub trade_no: String,

    /// Exact amount in the region's currency, e.g. 10000 or 100.50.
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub amount: String,

    /// Where the provider sends status callbacks.
    #[arg(long, value_name = "URL")]
    pub notify_url: Option<String>,

    /// Bank code from the region's bank list (IFSC in India).
    #[arg(long, value_name = "C")]
    pub bank_code: Option<String>,

    /// Account number, wallet number or PIX key.
    #[arg(long, value_name = "N")]
    pub account_no: Option<String>,

    /// Account type where the region asks (BANK, CVU, CBU, CLABE, DebitCard, ...).
    #[arg(long, value_name = "TYPE")]
    pub account_type: Option<String>,

    /// E-wallet code (BKASH, KBZPAY, JAZZCASH, EWALLET_NAGAD, ...); with --account-no.
    #[arg(long, value_name = "CODE", conflicts_with_all = ["bank_code", "pix_key_type"])]
    pub wallet: Option<String>,

    /// PIX key type (CPF, CNPJ, EMAIL, PHONE, EVP); the key is --account-no.
    #[arg(long, value_name = "TYPE", conflicts_with_all = ["bank_code", "account_type"])]
    pub pix_key_type: Option<String>,

    /// Beneficiary's full name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Beneficiary's phone number in the region's format.
    #[arg(long, value_name = "M")]
    pub mobile: Option<String>,

    /// Beneficiary's e-mail address.
    #[arg(long, value_name = "E")]
    pub email: Option<String>,

    /// Free text echoed back in callbacks (required in some regions).
    #[arg(long, value_name = "R")]
    pub remark: Option<String>,

    /// A description of the payout (Xendit's `description`; the order's
    /// remark for providers that have one). Not together with --remark.
    #[arg(long, value_name = "TEXT", conflicts_with = "remark")]
    pub description: Option<String>,

    /// A region-specific wire field, repeatable: customerCert=..., firstname=...,
    /// idType=..., ipAddress=..., subMerchantNo=...
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
}

/// `payout balance`.
#[derive(Debug, Args)]
pub struct BalanceArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// Currency of the balance (default: the region's). Providers that keep
    /// one account in several currencies (Xendit) answer for any of them.
    #[arg(long, value_name = "C")]
    pub currency: Option<String>,
}

/// `payout verify-notify`.
///
/// Needs only the provider, region and secret: nothing is sent.
#[derive(Debug, Args)]
pub struct VerifyNotifyArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// File holding the raw callback body; stdin when absent (or `-`).
    #[arg(long, value_name = "F")]
    pub file: Option<PathBuf>,

    /// A header of the callback request, repeatable (`sign: ...` for
    /// regions that sign in a header).
    #[arg(long = "header", value_name = "NAME:VALUE")]
    pub headers: Vec<String>,
}

/// `payout wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// The merchant's trade number of the payout.
    #[arg(long, value_name = "T")]
    pub trade_no: String,

    /// Give up after this long (500ms, 30s, 10m, 1h, 1m30s).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = duration::parse)]
    pub timeout: Duration,

    /// First pause between queries; doubles up to 30s, with jitter.
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = duration::parse)]
    pub interval: Duration,
}

/// `payout sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:9000")]
    pub addr: SocketAddr,

    /// A payout becomes final this long after it was placed.
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = duration::parse)]
    pub final_after: Duration,

    /// ... or on its N-th status query, whichever comes first (0: the create
    /// answer is already final).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub final_on_query: u32,

    /// Divides the callback retry schedule (2s, 5s, 10s, 30s, 1h, 3h, 3h, 3h);
    /// 1000 turns it into milliseconds.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub callback_time_divisor: u32,

    /// Send no callbacks at all (nor Xendit webhooks).
    #[arg(long)]
    pub no_callbacks: bool,

    /// Where the simulated Xendit account sends its webhooks (none by
    /// default). Their retry schedule (15m, 1h, 3h, 6h, 12h, 24h) is divided
    /// by --callback-time-divisor too.
    #[arg(long, value_name = "URL")]
    pub xendit_webhook_url: Option<String>,

    /// How late a `_SLOW` trade number is answered.
    #[arg(long, value_name = "DURATION", default_value = "35s", value_parser = duration::parse)]
    pub slow_delay: Duration,
}

/// `payout batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// The orders: one JSON object per line with the keys trade_no, amount
    /// (a string) and the create flags' names with `_` (bank_code,
    /// account_no, ..., description), plus fields (an object of extra wire
    /// fields).
    #[arg(long, value_name = "ORDERS.jsonl")]
    pub file: PathBuf,

    /// The journal: sqlite:PATH (a file, created if absent) or
    /// postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, value_name = "URL")]
    pub journal: String,

    /// Create requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
}

/// `payout journal`.
#[derive(Debug, Args)]
pub struct JournalArgs {
    /// The journal: sqlite:PATH or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, value_name = "URL", global = true)]
    pub journal: Option<String>,

    /// What to do with it.
    #[command(subcommand)]
    pub action: JournalAction,
}

/// The subcommands of `payout journal`.
#[derive(Debug, Subcommand)]
pub enum JournalAction {
    /// Count the payouts by state: {"total", "by_state": {state: count}}.
    Status,
    /// Print every payout, without personal data: one JSON object per line,
    /// or CSV with a header line.
    Export(ExportArgs),
    /// Query every payout of one provider account that is not final, until
    /// all are final or the timeout passes (several may run at once on one
    /// PostgreSQL journal). Exit 0 when all are final, 7 otherwise.
    Reconcile(Box<ReconcileArgs>),
}

/// `payout journal export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
}

/// The formats of `payout journal export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV (RFC 4180) with a header line.
    Csv,
}

/// `payout journal reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Provider, region and account.
    #[command(flatten)]
    pub common: Common,

    /// Give up after this long (30s, 10m, 1h); payouts not final by then
    /// stay as they are (never reported failed).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = duration::parse)]
    pub timeout: Duration,
}

/// `payout demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Payouts to create, spread over PayPro, Vexora and Xendit in eleven regions.
    #[arg(long, value_name = "N", default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,

    /// Requests in flight at once.
    #[arg(long, value_name = "C", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
}

/// The `--provider` values: the providers compiled in.
fn provider_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(payout::provider_ids())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_fields_are_kept_in_order() {
        let cli = Cli::try_parse_from([
            "payout",
            "create",
            "--trade-no",
            "T1",
            "--amount",
            "10000",
            "--field",
            "a=1",
            "--field",
            "b=2",
        ])
        .unwrap();
        let Command::Create(args) = cli.command else {
            panic!("not create");
        };
        assert_eq!(args.fields, ["a=1", "b=2"]);
    }

    #[test]
    fn demo_and_sim_defaults() {
        let cli = Cli::try_parse_from(["payout", "demo"]).unwrap();
        let Command::Demo(args) = cli.command else {
            panic!("not demo");
        };
        assert_eq!((args.count, args.concurrency), (300, 32));
        let cli = Cli::try_parse_from(["payout", "sim", "--addr", "127.0.0.1:0"]).unwrap();
        let Command::Sim(args) = cli.command else {
            panic!("not sim");
        };
        assert_eq!(args.addr.port(), 0);
        assert_eq!(args.final_after, Duration::from_millis(250));
        assert!(Cli::try_parse_from(["payout", "demo", "--count", "0"]).is_err());
        assert!(Cli::try_parse_from(["payout", "sim", "--addr", "nowhere"]).is_err());
    }

    #[test]
    fn batch_and_journal_flags() {
        let cli = Cli::try_parse_from([
            "payout",
            "batch",
            "--provider",
            "paypro",
            "--file",
            "orders.jsonl",
            "--journal",
            "sqlite:j.db",
        ])
        .unwrap();
        let Command::Batch(args) = cli.command else {
            panic!("not batch");
        };
        assert_eq!(args.concurrency, 16);
        assert!(Cli::try_parse_from(["payout", "batch", "--file", "f"]).is_err());
        for argv in [
            &[
                "payout",
                "journal",
                "--journal",
                "sqlite:j.db",
                "export",
                "--format",
                "csv",
            ][..],
            &[
                "payout",
                "journal",
                "export",
                "--format",
                "csv",
                "--journal",
                "sqlite:j.db",
            ][..],
        ] {
            let cli = Cli::try_parse_from(argv).unwrap();
            let Command::Journal(args) = cli.command else {
                panic!("not journal");
            };
            assert_eq!(args.journal.as_deref(), Some("sqlite:j.db"));
            assert!(matches!(
                args.action,
                JournalAction::Export(ExportArgs {
                    format: ExportFormat::Csv
                })
            ));
        }
        let cli = Cli::try_parse_from([
            "payout",
            "journal",
            "--journal",
            "sqlite:j.db",
            "reconcile",
            "--provider",
            "xendit",
        ])
        .unwrap();
        let Command::Journal(JournalArgs {
            action: JournalAction::Reconcile(args),
            ..
        }) = cli.command
        else {
            panic!("not reconcile");
        };
        assert_eq!(args.timeout, Duration::from_secs(600));
    }

    #[test]
    fn unknown_provider_is_a_usage_error() {
        let err = Cli::try_parse_from(["payout", "balance", "--provider", "nope"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
