//! [`XenditFamily`]: Xendit Payouts v2 in the simulator (below `/xendit`):
//! the account number picks the outcome (Xendit's test-mode numbers), a
//! reference suffix picks reversals, duplicated webhooks and faults; the
//! ledger is one cash balance per currency; webhooks go to the account's
//! one URL.
//!
//! Webhooks are sent to one URL per account, whatever the payout's
//! country, so each region gets a simulator (an account) of its own whose
//! webhook URL is the receiver's URL for that region.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::HeaderMap;
use payout_core::{
    Beneficiary, Contact, CreatePayout, Credentials, Decimal, Endpoint, PayoutProvider,
    PayoutStatus, ProviderSettings, Secret,
};
use payout_sim::xendit::{channel, Channel, XenditEndpoint, XenditLifecycle, REGIONS};
use payout_sim::{
    CallbackConfig, SimConfig, SimHandle, Simulator, XenditConfig, XENDIT_TEST_CALLBACK_TOKEN,
    XENDIT_TEST_SECRET_KEY,
};

use crate::family::{Call, Factory, FaultKind, Ledger, Script, SimFamily};
use crate::harness::{Harness, HUGE_BODY_BYTES, SLOW_DELAY};
use crate::receiver::Received;

/// The header carrying Xendit's webhook verification token.
const TOKEN_HEADER: &str = "x-callback-token";
/// The account number of every order that should succeed.
const ACCOUNT: &str = "5464438554636";
/// The account holder of every order.
const HOLDER: &str = "Michael Chen";

/// The Xendit family: one simulator (one Xendit account) per region,
/// providers made by the given [`Factory`].
pub struct XenditFamily {
    factory: Factory,
    sims: BTreeMap<String, SimHandle>,
    harness: Harness,
}

/// What the family knows about a region: the simulator's country, the
/// channel its orders use and a sample amount.
struct Market {
    currency: &'static str,
    channel: &'static Channel,
    amount: Decimal,
}

fn market(region: &str) -> Result<Market, String> {
    let r = REGIONS
        .iter()
        .find(|r| r.id == region)
        .ok_or_else(|| format!("the simulator's Xendit serves no region {region}"))?;
    let (code, amount) = match r.currency {
        "IDR" => ("ID_BCA", Decimal::from(10_000)),
        _ => ("PH_BDO", Decimal::new(10_050, 2)),
    };
    let channel = channel(code).ok_or_else(|| format!("the simulator has no channel {code}"))?;
    Ok(Market {
        currency: r.currency,
        channel,
        amount,
    })
}

/// The account number that makes the simulator play `script`, where the
/// account number decides (Xendit's test mode).
fn account(script: Script) -> Option<&'static str> {
    match script {
        Script::Fail => Some("98018521"),
        Script::FailOther => Some("999999"),
        Script::StayProcessing | Script::Cancellable => Some("131313"),
        _ => None,
    }
}

/// The reference suffix that makes the simulator play `script`, where the
/// reference decides.
fn suffix(script: Script) -> Option<&'static str> {
    match script {
        Script::Reverse => Some("_REVERSE"),
        Script::DuplicateCallback => Some("_DUP"),
        Script::Fault(kind) => match kind {
            FaultKind::Slow => Some("_SLOW"),
            FaultKind::Drop => Some("_DROP"),
            FaultKind::Reset => Some("_RESET"),
            FaultKind::BadGateway => Some("_502"),
            FaultKind::ServerError => Some("_500"),
            FaultKind::Truncated => Some("_TRUNC"),
            FaultKind::Huge => Some("_HUGE"),
            // Xendit has no "system error" envelope.
            FaultKind::SystemError => None,
        },
        _ => None,
    }
}

impl XenditFamily {
    /// Starts one simulator per region in `regions` (Xendit's default fast
    /// lifecycle: requested after 100 ms, final 150 ms later, reversed
    /// 100 ms after success; webhooks to the receiver on a schedule divided
    /// by 100 000) and the receiver; providers come from `factory`.
    ///
    /// # Errors
    /// When a region is not one the simulator serves, or a server cannot
    /// start.
    pub async fn start(factory: Factory, regions: &[&str]) -> Result<Self, String> {
        let harness = Harness::start().await?;
        let mut sims = BTreeMap::new();
        for region in regions {
            market(region)?;
            let xendit = XenditConfig::default()
                .lifecycle(XenditLifecycle::default())
                .webhook_url(harness.callback_url(region))
                .webhooks(CallbackConfig::xendit().time_divisor(100_000));
            let config = SimConfig::default()
                .xendit(xendit)
                .slow_delay(SLOW_DELAY)
                .huge_body_bytes(HUGE_BODY_BYTES);
            let sim = Simulator::start(config).await.map_err(|e| e.to_string())?;
            sims.insert((*region).to_owned(), sim);
        }
        Ok(Self {
            factory,
            sims,
            harness,
        })
    }

    /// The simulator (account) serving `region`.
    ///
    /// # Errors
    /// When the family was not started for `region`.
    pub fn sim(&self, region: &str) -> Result<&SimHandle, String> {
        self.sims
            .get(region)
            .ok_or_else(|| format!("the Xendit family was not started for {region}"))
    }

    fn build(
        &self,
        region: &str,
        key: &str,
        token: &str,
    ) -> Result<Arc<dyn PayoutProvider>, String> {
        let base = self.sim(region)?.xendit_base_url();
        let credentials =
            Credentials::api_key(Secret::new(key)).with_callback_secret(Secret::new(token));
        let settings = ProviderSettings::with_credentials(region, Endpoint::Url(base), credentials);
        (self.factory)(&settings, self.harness.transport()).map_err(|e| e.to_string())
    }
}

impl SimFamily for XenditFamily {
    fn provider_id(&self) -> &'static str {
        "xendit"
    }

    fn provider(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        let p = self.build(region, XENDIT_TEST_SECRET_KEY, XENDIT_TEST_CALLBACK_TOKEN)?;
        self.harness.verify_callbacks_with(region, Arc::clone(&p));
        Ok(p)
    }

    fn provider_with_wrong_secret(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        self.build(
            region,
            "xnd_development_not_the_key",
            "not-the-webhook-token",
        )
    }

    fn auth_refusal_code(&self) -> &'static str {
        "INVALID_API_KEY"
    }

    fn proves_absence(&self) -> bool {
        // The lookup by reference answers an empty list.
        true
    }

    fn can(&self, script: Script) -> bool {
        matches!(script, Script::Succeed | Script::Refused)
            || account(script).is_some()
            || suffix(script).is_some()
    }

    fn order(&self, region: &str, scripts: &[Script]) -> Result<CreatePayout, String> {
        let m = market(region)?;
        let mut tail = String::new();
        let mut account_no = ACCOUNT;
        let mut amount = m.amount;
        for s in scripts {
            match (account(*s), suffix(*s), s) {
                (Some(a), _, _) => account_no = a,
                (_, Some(t), _) => tail.push_str(t),
                // Above the channel's largest amount: `400
                // MAXIMUM_TRANSFER_LIMIT_ERROR`, nothing created.
                (_, _, Script::Refused) => amount = m.channel.maximum + m.channel.minimum_increment,
                (_, _, Script::Succeed) => {}
                _ => return Err(format!("the Xendit simulator cannot be asked for {s:?}")),
            }
        }
        let beneficiary = Beneficiary::BankAccount {
            bank_code: m.channel.code.to_owned(),
            account_no: account_no.to_owned(),
            account_type: None,
        };
        let trade_no = self.harness.trade_no(&tail)?;
        Ok(
            CreatePayout::new(trade_no, amount, beneficiary).contact(Contact {
                name: Some(HOLDER.to_owned()),
                ..Contact::default()
            }),
        )
    }

    fn amount_scale(&self, region: &str) -> Result<u32, String> {
        Ok(market(region)?
            .channel
            .minimum_increment
            .normalize()
            .scale())
    }

    fn invalid_orders(&self, region: &str) -> Result<Vec<(&'static str, CreatePayout)>, String> {
        let mut channel = self.order(region, &[])?;
        channel.beneficiary = Beneficiary::BankAccount {
            bank_code: "XX_NOT_A_CHANNEL".into(),
            account_no: ACCOUNT.into(),
            account_type: None,
        };
        let mut nameless = self.order(region, &[])?;
        nameless.contact = Contact::default();
        let mut extra = self.order(region, &[])?;
        extra.extra.insert("tradeNo".into(), "SOMEONE_ELSE".into());
        Ok(vec![
            ("bank_code", channel),
            ("contact.name", nameless),
            ("tradeNo", extra),
        ])
    }

    fn provider_status(&self, script: Script) -> Option<&'static str> {
        match script {
            Script::Succeed => Some("SUCCEEDED"),
            Script::Fail | Script::FailOther => Some("FAILED"),
            Script::StayProcessing | Script::Cancellable => Some("ACCEPTED"),
            Script::Reverse => Some("REVERSED"),
            _ => None,
        }
    }

    fn check_succeeded(
        &self,
        _region: &str,
        order: &CreatePayout,
        s: &PayoutStatus,
    ) -> Result<(), String> {
        if !s
            .platform_trade_no
            .as_deref()
            .is_some_and(|id| id.starts_with("disb-"))
        {
            return Err(format!(
                "a Xendit payout id is disb-…, got {:?}",
                s.platform_trade_no
            ));
        }
        if s.success_time.is_none() {
            return Err("a succeeded payout reports its time (updated)".into());
        }
        if s.amount != Some(order.amount) {
            return Err(format!(
                "amount {:?} is not the order's {} exactly",
                s.amount, order.amount
            ));
        }
        Ok(())
    }

    fn ledger(&self, region: &str) -> Result<Ledger, String> {
        let m = market(region)?;
        Ok(Ledger {
            available: self.sim(region)?.xendit_balance(None, m.currency),
            frozen: None,
            unsettled: None,
        })
    }

    fn requests(&self, region: &str, trade_no: &str, call: Call) -> Option<u32> {
        let sim = self.sim(region).ok()?;
        if sim.xendit_payout_count(trade_no) == 0 {
            // Requests about a reference without a payout are not counted.
            return None;
        }
        let endpoint = match call {
            Call::Create => XenditEndpoint::Create,
            Call::Query => XenditEndpoint::List,
        };
        Some(sim.xendit_request_count(trade_no, endpoint))
    }

    fn payouts_held(&self, region: &str, trade_no: &str) -> usize {
        self.sim(region)
            .map_or(0, |sim| sim.xendit_payout_count(trade_no))
    }

    fn observes_callbacks(&self, region: &str) -> bool {
        self.sims.contains_key(region)
    }

    fn callbacks(&self, _region: &str, trade_no: &str) -> Vec<Received> {
        // The receiver files verified deliveries by the trade number the
        // update names (Xendit's `data.reference_id`).
        self.harness.received(trade_no)
    }

    fn without_signature(&self, delivery: &Received) -> (HeaderMap, Vec<u8>) {
        let mut headers = delivery.headers.clone();
        headers.remove(TOKEN_HEADER);
        (headers, delivery.body.to_vec())
    }
}
