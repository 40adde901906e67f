//! Callbacks of both protocols: building and signing the platform's notify
//! callbacks (spec §7), delivering any [`CallbackJob`] (platform callbacks
//! to the order's `notifyUrl`, Xendit webhooks to the account's URL) with
//! the protocol's retries and acknowledgement rule, and recording every
//! delivery for tests and the demo.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use payout_core::CallbackSigning;
use payout_platform::Scheme;
use payout_transport::Signer;

use crate::config::CallbackConfig;
use crate::protocol::Protocol;
use crate::routes::RegionCtx;
use crate::state::{amount_text, status_message, Payout};
use payout_transport::json::JsonWriter;

/// Why a callback was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryKind {
    /// `0015` on accept ([`CallbackConfig::on_accept`]).
    Accepted,
    /// The final status (Xendit: every webhook event, `REVERSED` included).
    Final,
    /// The final status again (`_DUP`): the same body (and, for Xendit,
    /// the same `webhook-id`).
    Duplicate,
    /// A `0015` after the final status (`_LATE`).
    LateProcessing,
}

/// One callback and how its delivery went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Which API sent it.
    pub protocol: Protocol,
    /// The payout's trade number (Xendit: its `reference_id`).
    pub trade_no: String,
    /// The Xendit `webhook-id` header (`None` for platform callbacks).
    pub event_id: Option<String>,
    /// The status the callback carries.
    pub status: String,
    /// Why it was sent.
    pub kind: DeliveryKind,
    /// Deliveries attempted so far (1 + re-deliveries).
    pub attempts: u32,
    /// Whether the receiver acknowledged it (platform: HTTP 200 `OK`;
    /// Xendit: any 2xx).
    pub acked: bool,
    /// Whether the simulator is done with it (acknowledged or schedule exhausted).
    pub done: bool,
}

/// One callback body to deliver.
#[derive(Debug)]
pub(crate) struct Step {
    kind: DeliveryKind,
    status: String,
    body: Outgoing,
    event_id: Option<String>,
}

/// A callback body and its extra headers (a signature header, Xendit's
/// `x-callback-token` and `webhook-id`). Debug shows the header names only:
/// a token is a secret.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    body: Bytes,
    headers: Vec<(&'static str, String)>,
}

impl Outgoing {
    pub(crate) fn new(body: impl Into<Bytes>, headers: Vec<(&'static str, String)>) -> Self {
        Self {
            body: body.into(),
            headers,
        }
    }
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("Outgoing")
            .field("body_bytes", &self.body.len())
            .field("headers", &names)
            .finish()
    }
}

/// The callbacks of one status change, delivered in order.
#[derive(Debug)]
pub(crate) struct CallbackJob {
    protocol: Protocol,
    url: String,
    trade_no: String,
    steps: Vec<Step>,
}

impl CallbackJob {
    /// An empty job for `trade_no` (a platform trade number or a Xendit
    /// reference) to `url`.
    pub(crate) fn new(protocol: Protocol, url: String, trade_no: String) -> Self {
        Self {
            protocol,
            url,
            trade_no,
            steps: Vec::with_capacity(2),
        }
    }

    /// Adds a delivery, made after the previous one is done.
    pub(crate) fn push(
        &mut self,
        kind: DeliveryKind,
        status: impl Into<String>,
        body: Outgoing,
        event_id: Option<String>,
    ) {
        self.steps.push(Step {
            kind,
            status: status.into(),
            body,
            event_id,
        });
    }
}

/// Builds the callback body of `p` carrying `status`, signed per the
/// brand's scheme (MD5: a `sign` field; HMAC-SHA256: a header over the
/// exact bytes), unsigned where the region does not sign callbacks.
fn body(
    ctx: &RegionCtx,
    signer: &dyn Signer,
    trade_no: &str,
    p: &Payout,
    status: &str,
    now_ms: u64,
) -> Outgoing {
    // As the region's documentation writes it: integer currencies as
    // integers (`15000`, Mexico's number `150`), others with their decimal
    // places. A handler that parses the JSON before checking the signature
    // then signs the same text (a number `150.00` would come back `150`).
    let amount = amount_text(p.amount, ctx.region.amount.scale);
    let ts = now_ms.to_string();
    let signed = ctx.region.callback == CallbackSigning::Signed;
    let hmac_header = match ctx.brand.scheme {
        Scheme::HmacSha256Body { header } => Some(header),
        _ => None,
    };
    let success_time = (status == payout_platform::status_code::SUCCESS).then_some(&p.status_time);
    // (key, text, written as a raw JSON number)
    let mut fields: Vec<(&str, &str, bool)> = Vec::with_capacity(9);
    fields.push(("amount", &amount, ctx.numeric_callback_amount));
    fields.push(("message", status_message(status), false));
    fields.push(("platFormTradeNo", &p.platform_trade_no, false));
    if let Some(r) = p.remark.as_deref() {
        fields.push(("remark", r, false));
    }
    fields.push(("status", status, false));
    if let Some(t) = success_time {
        fields.push(("successTime", t, false));
    }
    if signed {
        fields.push(("timestamp", &ts, false));
    }
    fields.push(("tradeNo", trade_no, false));
    fields.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let sign = if signed && hmac_header.is_none() {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v, _)| (*k, *v)).collect();
        signer.sign_fields(&pairs).ok()
    } else {
        None
    };
    let mut w = JsonWriter::object(320);
    let mut sign_text = sign.as_ref().map(|s| s.as_str());
    for (k, v, raw) in &fields {
        if let Some(s) = sign_text.filter(|_| "sign".as_bytes() < k.as_bytes()) {
            w.str("sign", s);
            sign_text = None;
        }
        if *raw {
            w.number(k, v);
        } else {
            w.str(k, v);
        }
    }
    if let Some(s) = sign_text {
        w.str("sign", s);
    }
    let body = Bytes::from(w.finish());
    let headers = match hmac_header {
        Some(name) if signed => signer
            .sign_bytes(&body)
            .ok()
            .map(|s| (name, s.as_str().to_owned()))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    Outgoing { body, headers }
}

/// The callbacks for `p` reaching its current (final) status, or `None`
/// when it has no notify URL or the region sends no callbacks.
pub(crate) fn final_job(
    config: &CallbackConfig,
    ctx: &RegionCtx,
    signer: &dyn Signer,
    trade_no: &str,
    p: &Payout,
    now_ms: u64,
) -> Option<CallbackJob> {
    let url = target(config, ctx, p)?;
    let status = p.status.to_string();
    let final_body = body(ctx, signer, trade_no, p, &status, now_ms);
    let mut job = CallbackJob::new(Protocol::Platform, url, trade_no.to_owned());
    if p.scenario.duplicate_callback {
        // A duplicate repeats the final delivery verbatim.
        job.push(
            DeliveryKind::Final,
            status.clone(),
            final_body.clone(),
            None,
        );
        job.push(DeliveryKind::Duplicate, status, final_body, None);
    } else {
        job.push(DeliveryKind::Final, status, final_body, None);
    }
    if p.scenario.late_processing_callback {
        let processing = payout_platform::status_code::PROCESSING;
        job.push(
            DeliveryKind::LateProcessing,
            processing,
            body(ctx, signer, trade_no, p, processing, now_ms),
            None,
        );
    }
    Some(job)
}

/// The `0015` callback on accept.
pub(crate) fn accept_job(
    config: &CallbackConfig,
    ctx: &RegionCtx,
    signer: &dyn Signer,
    trade_no: &str,
    p: &Payout,
    now_ms: u64,
) -> Option<CallbackJob> {
    if !config.on_accept {
        return None;
    }
    let url = target(config, ctx, p)?;
    let processing = payout_platform::status_code::PROCESSING;
    let mut job = CallbackJob::new(Protocol::Platform, url, trade_no.to_owned());
    job.push(
        DeliveryKind::Accepted,
        processing,
        body(ctx, signer, trade_no, p, processing, now_ms),
        None,
    );
    Some(job)
}

fn target(config: &CallbackConfig, ctx: &RegionCtx, p: &Payout) -> Option<String> {
    if !config.enabled || ctx.region.callback == CallbackSigning::None {
        return None;
    }
    p.notify_url.clone()
}

/// Sends callbacks of both protocols and keeps the delivery records.
#[derive(Debug)]
pub(crate) struct CallbackHub {
    client: reqwest::Client,
    config: CallbackConfig,
    xendit: CallbackConfig,
    records: Mutex<Vec<Delivery>>,
}

impl CallbackHub {
    /// A hub delivering platform callbacks per `config` and Xendit webhooks
    /// per `xendit`.
    pub(crate) fn new(config: CallbackConfig, xendit: CallbackConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("payout-sim/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the callback HTTP client: {e}"))?;
        Ok(Self {
            client,
            config,
            xendit,
            records: Mutex::new(Vec::new()),
        })
    }

    /// The platform's callback settings.
    pub(crate) fn config(&self) -> &CallbackConfig {
        &self.config
    }

    /// The settings of a protocol's callbacks.
    pub(crate) fn config_for(&self, protocol: Protocol) -> &CallbackConfig {
        match protocol {
            Protocol::Platform => &self.config,
            Protocol::Xendit => &self.xendit,
        }
    }

    /// Every delivery so far.
    pub(crate) fn records(&self) -> Vec<Delivery> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, index: usize, f: impl FnOnce(&mut Delivery)) {
        if let Some(d) = self
            .records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(index)
        {
            f(d);
        }
    }

    /// Delivers every step of `job`, in order, each until acknowledged or
    /// until the schedule is exhausted.
    pub(crate) async fn run(&self, job: CallbackJob) {
        let config = self.config_for(job.protocol);
        for step in job.steps {
            let index = {
                let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
                records.push(Delivery {
                    protocol: job.protocol,
                    trade_no: job.trade_no.clone(),
                    event_id: step.event_id.clone(),
                    status: step.status.clone(),
                    kind: step.kind,
                    attempts: 0,
                    acked: false,
                    done: false,
                });
                records.len() - 1
            };
            let mut retry = 0;
            loop {
                let acked = self.post(job.protocol, config, &job.url, &step.body).await;
                self.update(index, |d| {
                    d.attempts += 1;
                    d.acked = acked;
                });
                if acked {
                    tracing::debug!(trade_no = %job.trade_no, status = %step.status, kind = ?step.kind, "callback acknowledged");
                    break;
                }
                match config.pause(retry) {
                    Some(pause) => tokio::time::sleep(pause).await,
                    None => {
                        tracing::warn!(trade_no = %job.trade_no, status = %step.status, url = %job.url, "callback never acknowledged; giving up");
                        break;
                    }
                }
                retry += 1;
            }
            self.update(index, |d| d.done = true);
        }
    }

    /// One delivery. Acknowledged, for the platform, when the answer is
    /// HTTP 200 with body `OK`; for Xendit, on any 2xx.
    async fn post(
        &self,
        protocol: Protocol,
        config: &CallbackConfig,
        url: &str,
        out: &Outgoing,
    ) -> bool {
        let mut request = self
            .client
            .post(url)
            .timeout(config.ack_timeout)
            .header(http::header::CONTENT_TYPE, "application/json");
        for (name, value) in &out.headers {
            request = request.header(*name, value);
        }
        let sent = request.body(out.body.clone()).send().await;
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(url, error = %e, "callback delivery failed");
                return false;
            }
        };
        if protocol == Protocol::Xendit {
            let ok = resp.status().is_success();
            if !ok {
                tracing::debug!(url, status = resp.status().as_u16(), "webhook refused");
            }
            return ok;
        }
        if resp.status() != http::StatusCode::OK {
            tracing::debug!(url, status = resp.status().as_u16(), "callback refused");
            return false;
        }
        let mut answer = Vec::with_capacity(8);
        while let Ok(Some(chunk)) = resp.chunk().await {
            answer.extend_from_slice(&chunk);
            if answer.len() > 64 {
                return false;
            }
        }
        answer == b"OK"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::Routes;
    use crate::scenario::Scenario;
    use payout_core::{Decimal, Secret};
    use payout_transport::Md5SortedSigner;
    use std::borrow::Cow;

    fn ctx(routes: &Routes, brand: &str, region: &str) -> usize {
        routes.find(brand, region).unwrap()
    }

    fn payout(scenario: Scenario) -> Payout {
        Payout {
            platform_trade_no: "SIM1".into(),
            amount: Decimal::from(100),
            notify_url: Some("http://127.0.0.1:9/cb".into()),
            remark: Some("r".into()),
            scenario,
            status: Cow::Borrowed("0000"),
            status_time: "2024-10-12 12:59:32".into(),
            queries: 0,
            settled: true,
        }
    }

    #[test]
    fn signed_body_verifies_with_the_platform_rule() {
        let routes = Routes::build(&crate::config::default_brands()).unwrap();
        let signer = Md5SortedSigner::new(Secret::new("k"));
        let c = &routes.regions[ctx(&routes, "vexora", "nigeria")];
        let b = body(
            c,
            &signer,
            "T1",
            &payout(Scenario::succeed()),
            "0000",
            1_700_000_000_000,
        );
        let v: serde_json::Value = serde_json::from_slice(&b.body).unwrap();
        let mut fields = v.as_object().unwrap().clone();
        let sign = fields.remove("sign").unwrap();
        assert!(signer
            .sign_json(&fields)
            .unwrap()
            .matches(sign.as_str().unwrap()));
        assert_eq!(v["amount"], "100.00");
        assert_eq!(v["successTime"], "2024-10-12 12:59:32");
        assert_eq!(v["timestamp"], "1700000000000");
    }

    #[test]
    fn mexico_amount_is_a_number_and_kenya_is_unsigned() {
        let routes = Routes::build(&crate::config::default_brands()).unwrap();
        let signer = Md5SortedSigner::new(Secret::new("k"));
        let mx = &routes.regions[ctx(&routes, "paypro", "mexico")];
        let b = body(mx, &signer, "T1", &payout(Scenario::succeed()), "0000", 1);
        let v: serde_json::Value = serde_json::from_slice(&b.body).unwrap();
        assert_eq!(
            v["amount"].to_string(),
            "100",
            "Mexico's amounts are integers"
        );
        let ke = &routes.regions[ctx(&routes, "paypro", "kenya")];
        let b = body(ke, &signer, "T1", &payout(Scenario::succeed()), "0000", 1);
        let v: serde_json::Value = serde_json::from_slice(&b.body).unwrap();
        assert!(v.get("sign").is_none() && v.get("timestamp").is_none());
    }

    /// A field's text as a merchant handler signs it after parsing the
    /// JSON with a plain JSON library and writing the value back: strings
    /// as-is, integers as integers, any other number through a float
    /// (`150.00` comes back `150.0`).
    fn handler_text(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => {
                let text = n.to_string();
                match text.parse::<i64>() {
                    Ok(i) => i.to_string(),
                    Err(_) => format!("{:?}", text.parse::<f64>().unwrap()),
                }
            }
            other => other.to_string(),
        }
    }

    /// Every region of both brands: a callback parsed by a handler that
    /// knows nothing of exact numbers still verifies over the parsed
    /// values, and the amount it reads is exactly the payout's, written
    /// as the region writes amounts (integers where the currency has no
    /// decimals).
    #[test]
    fn callbacks_verify_after_a_plain_json_round_trip_in_every_region() {
        let routes = Routes::build(&crate::config::default_brands()).unwrap();
        let signer = Md5SortedSigner::new(Secret::new("k"));
        let mut seen = 0;
        for c in &routes.regions {
            let scale = c.region.amount.scale;
            let mut amounts = vec![Decimal::from(15000)];
            if scale > 0 {
                amounts.push(Decimal::new(10050, 2));
            }
            for amount in amounts {
                let mut p = payout(Scenario::succeed());
                p.amount = amount;
                let b = body(c, &signer, "T1", &p, "0000", 1_700_000_000_000);
                let v: serde_json::Value = serde_json::from_slice(&b.body).unwrap();
                let mut fields = v.as_object().unwrap().clone();
                let what = format!("{} {} {amount}: {v}", c.brand.id, c.region.id);
                let text = handler_text(&fields["amount"]);
                assert_eq!(
                    payout_core::parse_amount(&text).ok(),
                    Some(amount),
                    "{what}"
                );
                if scale == 0 {
                    assert!(!text.contains('.'), "{what}");
                }
                let Some(sign) = fields.remove("sign") else {
                    assert_eq!(c.region.callback, CallbackSigning::Unsigned, "{what}");
                    continue;
                };
                let texts: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), handler_text(v)))
                    .collect();
                let pairs: Vec<(&str, &str)> = texts
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let mine = signer.sign_fields(&pairs).unwrap();
                assert!(mine.matches(sign.as_str().unwrap()), "{what}");
                seen += 1;
            }
        }
        assert!(seen > 40, "every region of both brands: {seen}");
    }

    #[test]
    fn jobs_follow_the_scenario() {
        let routes = Routes::build(&crate::config::default_brands()).unwrap();
        let signer = Md5SortedSigner::new(Secret::new("k"));
        let c = &routes.regions[0];
        let config = CallbackConfig::default();
        let p = payout(
            Scenario::succeed()
                .duplicate_callback()
                .late_processing_callback(),
        );
        let job = final_job(&config, c, &signer, "T", &p, 1).unwrap();
        let kinds: Vec<_> = job.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                DeliveryKind::Final,
                DeliveryKind::Duplicate,
                DeliveryKind::LateProcessing
            ]
        );
        assert_eq!(job.steps[0].body, job.steps[1].body);
        assert_eq!(job.steps[2].status, "0015");
        let mut no_url = payout(Scenario::succeed());
        no_url.notify_url = None;
        assert!(final_job(&config, c, &signer, "T", &no_url, 1).is_none());
        assert!(accept_job(&config, c, &signer, "T", &p, 1).is_none());
    }
}
