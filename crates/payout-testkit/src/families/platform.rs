//! [`PlatformFamily`]: the PayPro/Vexora white-label platform in the
//! simulator, for any [`Brand`]: trade-number suffixes pick the scenario,
//! the ledger freezes what is in flight, callbacks go to each order's
//! `notifyUrl`.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use payout_core::{CreatePayout, Decimal, PayoutProvider, PayoutStatus, ProviderSettings, Secret};
use payout_platform::{Brand, NotifyUrlRule, QueryVariant, Region};
use payout_sim::{
    CallbackConfig, Endpoint, Lifecycle, SimConfig, SimHandle, Simulator, LIMIT_STATUS,
    TEST_MERCHANT_NO, TEST_SECRET, UNDOCUMENTED_STATUS,
};
use serde_json::Value;

use crate::family::{Call, FaultKind, Ledger, Script, SimFamily};
use crate::harness::{Harness, HUGE_BODY_BYTES, SLOW_DELAY};
use crate::platform::orders::valid_order;
use crate::receiver::Received;

/// The white-label platform's family: one simulator serving `brand`, and
/// the brand's own provider ([`Brand::provider`]) as the factory.
pub struct PlatformFamily {
    brand: &'static Brand,
    sim: SimHandle,
    harness: Harness,
}

impl PlatformFamily {
    /// Starts a simulator serving `brand` (a fast lifecycle: final on the
    /// second query or after 150 ms; callbacks on a schedule divided by
    /// 1000) and the receiver.
    ///
    /// # Errors
    /// When either cannot start.
    pub async fn start(brand: &'static Brand) -> Result<Self, String> {
        let config = SimConfig::default()
            .brands(vec![brand])
            .lifecycle(Lifecycle::on_query(2).after(Some(Duration::from_millis(150))))
            .callbacks(CallbackConfig::default().time_divisor(1000))
            .slow_delay(SLOW_DELAY)
            .huge_body_bytes(HUGE_BODY_BYTES);
        let sim = Simulator::start(config).await.map_err(|e| e.to_string())?;
        let harness = Harness::start().await?;
        Ok(Self {
            brand,
            sim,
            harness,
        })
    }

    /// The simulator.
    pub fn sim(&self) -> &SimHandle {
        &self.sim
    }

    fn row(&self, region: &str) -> Result<&'static Region, String> {
        self.brand
            .region(region)
            .ok_or_else(|| format!("{} has no region {region}", self.brand.id))
    }

    fn build(&self, region: &str, secret: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        let base = self
            .sim
            .try_base_url(self.brand.id, region)
            .ok_or_else(|| format!("the simulator does not serve {} {region}", self.brand.id))?;
        let settings = ProviderSettings::new(region, base, TEST_MERCHANT_NO, Secret::new(secret));
        self.brand
            .provider(&settings, self.harness.transport())
            .map(|p| Arc::new(p) as Arc<dyn PayoutProvider>)
            .map_err(|e| e.to_string())
    }
}

/// The trade-number suffix that plays `script`.
fn suffix(script: Script) -> Option<&'static str> {
    Some(match script {
        Script::Succeed => "",
        Script::Fail => "_FAIL",
        Script::FailOther => "_LIMIT",
        Script::StayProcessing => "_PROC",
        Script::Undocumented => "_UNDOC",
        Script::DuplicateCallback => "_DUP",
        Script::LateCallback => "_LATE",
        Script::Refused => "_8000",
        Script::Fault(kind) => match kind {
            FaultKind::Slow => "_SLOW",
            FaultKind::Drop => "_DROP",
            FaultKind::Reset => "_RESET",
            FaultKind::BadGateway => "_502",
            FaultKind::ServerError => "_500",
            FaultKind::Truncated => "_TRUNC",
            FaultKind::Huge => "_HUGE",
            FaultKind::SystemError => "_5000",
        },
        // The platform has neither a cancel nor reversals.
        Script::Cancellable | Script::Reverse => return None,
    })
}

fn endpoint(call: Call) -> Endpoint {
    match call {
        Call::Create => Endpoint::Create,
        Call::Query => Endpoint::Query,
    }
}

impl SimFamily for PlatformFamily {
    fn provider_id(&self) -> &'static str {
        self.brand.id
    }

    fn provider(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        let p = self.build(region, TEST_SECRET)?;
        self.harness.verify_callbacks_with(region, Arc::clone(&p));
        Ok(p)
    }

    fn provider_with_wrong_secret(&self, region: &str) -> Result<Arc<dyn PayoutProvider>, String> {
        self.build(region, "not-the-merchant-secret")
    }

    fn auth_refusal_code(&self) -> &'static str {
        "8000"
    }

    fn proves_absence(&self) -> bool {
        // `8000 order not found` reads like any other refusal.
        false
    }

    fn can(&self, script: Script) -> bool {
        suffix(script).is_some()
    }

    fn order(&self, region: &str, scripts: &[Script]) -> Result<CreatePayout, String> {
        let mut tail = String::new();
        for s in scripts {
            tail.push_str(
                suffix(*s).ok_or_else(|| format!("the platform cannot be asked for {s:?}"))?,
            );
        }
        let mut order = valid_order(self.row(region)?)?;
        order.trade_no = self.harness.trade_no(&tail)?;
        if self.observes_callbacks(region) {
            order.notify_url = Some(self.harness.callback_url(region));
        }
        // An https-only region keeps the sample https URL: the receiver
        // speaks plain HTTP, so its callbacks are not observed.
        Ok(order)
    }

    fn amount_scale(&self, region: &str) -> Result<u32, String> {
        Ok(self.row(region)?.amount.scale)
    }

    fn invalid_orders(&self, region: &str) -> Result<Vec<(&'static str, CreatePayout)>, String> {
        let mut bad_url = self.order(region, &[])?;
        bad_url.notify_url = Some("ftp://merchant.example/notify".into());
        let mut overriding = self.order(region, &[])?;
        overriding
            .extra
            .insert("tradeNo".into(), "SOMEONE_ELSE".into());
        Ok(vec![("notify_url", bad_url), ("tradeNo", overriding)])
    }

    fn provider_status(&self, script: Script) -> Option<&'static str> {
        match script {
            Script::Succeed => Some("0000"),
            Script::Fail => Some("00029"),
            Script::FailOther => Some(LIMIT_STATUS),
            Script::Undocumented => Some(UNDOCUMENTED_STATUS),
            Script::StayProcessing => Some("0015"),
            _ => None,
        }
    }

    fn check_succeeded(
        &self,
        region: &str,
        order: &CreatePayout,
        s: &PayoutStatus,
    ) -> Result<(), String> {
        let row = self.row(region)?;
        if s.success_time.is_none() {
            return Err("a succeeded payout reports successTime".into());
        }
        let same = |a: Option<Decimal>| a.map(|a| a.normalize()) == Some(order.amount.normalize());
        match row.query_variant {
            QueryVariant::A if !same(s.requested_amount) => Err(format!(
                "variant A: orderAmount {:?} != {}",
                s.requested_amount, order.amount
            )),
            QueryVariant::A if s.paid_amount.is_none() => {
                Err("variant A: payAmount missing".into())
            }
            QueryVariant::B | QueryVariant::C if !same(s.amount) => Err(format!(
                "variant B/C: amount {:?} != {}",
                s.amount, order.amount
            )),
            QueryVariant::C if s.amount.is_some_and(|a| a.scale() != 4) => Err(format!(
                "variant C: amount {:?} should keep its 4 decimals",
                s.amount
            )),
            _ => Ok(()),
        }
    }

    fn ledger(&self, region: &str) -> Result<Ledger, String> {
        let b = self
            .sim
            .ledger(self.brand.id, region, TEST_MERCHANT_NO)
            .ok_or("no ledger for the test merchant")?;
        Ok(Ledger {
            available: b.available,
            frozen: Some(b.frozen),
            unsettled: Some(b.unsettled),
        })
    }

    fn requests(&self, _region: &str, trade_no: &str, call: Call) -> Option<u32> {
        Some(self.sim.request_count(trade_no, endpoint(call)))
    }

    fn payouts_held(&self, _region: &str, trade_no: &str) -> usize {
        usize::from(self.sim.payout(trade_no).is_some())
    }

    fn observes_callbacks(&self, region: &str) -> bool {
        self.brand
            .region(region)
            .is_some_and(|r| r.notify_url != NotifyUrlRule::RequiredHttps)
    }

    fn callbacks(&self, _region: &str, trade_no: &str) -> Vec<Received> {
        self.harness.received(trade_no)
    }

    fn without_signature(&self, delivery: &Received) -> (HeaderMap, Vec<u8>) {
        let mut headers = delivery.headers.clone();
        headers.remove(self.brand.scheme.header());
        headers.remove(payout_platform::wire::SIGN_KEY);
        let body = match serde_json::from_slice::<Value>(&delivery.body) {
            Ok(Value::Object(mut obj)) => {
                obj.remove(payout_platform::wire::SIGN_KEY);
                serde_json::to_vec(&obj).unwrap_or_default()
            }
            _ => delivery.body.to_vec(),
        };
        (headers, body)
    }
}
