//! [`Platform`]: the platform protocol for one brand, one region, one
//! merchant account, as a pure [`PayoutProtocol`]; [`PlatformProvider`]
//! is it on a transport.

use payout_core::{
    Balance, CallbackError, CallbackReply, Capabilities, CreateDedup, CreatePayout, Decimal, Error,
    Operation, PayoutState, PayoutStatus, PayoutUpdate, ProviderSettings, RegionCapability,
    TradeNo, TradeNoRule,
};
use payout_transport::{
    Connector, HeaderList, PayoutProtocol, RequestUrl, Signer, WireRequest, WireResponse,
};
use serde_json::Value;

use crate::data::{amount, read_status, text};
use crate::envelope::Envelope;
use crate::region::{Brand, Region};
use crate::wire::{merchant_headers, signed_request};
use crate::{answer, callback, create};

/// The longest trade number the platform accepts.
pub const MAX_TRADE_NO_LEN: usize = 32;

/// A brand of the platform on a transport: a complete
/// [`payout_core::PayoutProvider`].
pub type PlatformProvider = Connector<Platform>;

/// A brand of the platform configured for one region and merchant: pure
/// request building and answer parsing.
#[derive(Debug)]
pub struct Platform {
    brand: &'static Brand,
    region: &'static Region,
    /// The `merchantNo` header, built once and shared by every request.
    headers: HeaderList,
    signer: Box<dyn Signer>,
    query_url: RequestUrl,
    create_url: RequestUrl,
    balance_url: RequestUrl,
}

impl Platform {
    /// Configures the protocol from settings.
    ///
    /// [`payout_core::Endpoint::Sandbox`] means the region's published
    /// sandbox; [`payout_core::Endpoint::Url`] is the host **and** region
    /// segment.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown region (the message lists the known
    /// ones), a bad base URL, or a missing merchant number or secret.
    pub fn new(brand: &'static Brand, settings: &ProviderSettings) -> Result<Self, Error> {
        let region = brand.region(&settings.region).ok_or_else(|| {
            Error::config(format!(
                "{} has no region {:?}; known regions: {}",
                brand.name,
                settings.region,
                brand.region_ids().collect::<Vec<_>>().join(", ")
            ))
        })?;
        let base = match settings.base_url() {
            None => region.sandbox_base_url.ok_or_else(|| {
                Error::config(format!(
                    "no base URL for {} {}: none is published; set base_url (PAYOUT_BASE_URL) to the host and region segment the provider gave you",
                    brand.name, region.id
                ))
            })?,
            Some(b) => b,
        };
        let base = base.trim_end_matches('/');
        let valid_scheme = base.starts_with("http://") || base.starts_with("https://");
        if !valid_scheme
            || base
                .chars()
                .any(|c| c.is_whitespace() || c == '?' || c == '#')
        {
            return Err(Error::config(format!(
                "base URL {base:?} must be an http:// or https:// URL such as https://openapi-test.paypro.tech/indonesia-pay (host plus region segment, no query)"
            )));
        }
        let merchant_no = settings.credentials.account_or_empty();
        if merchant_no.is_empty() || !merchant_no.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(format!(
                "merchant number {merchant_no:?} must be the digits the provider issued (PAYOUT_MERCHANT_NO)"
            )));
        }
        let secret = &settings.credentials.api_secret;
        if secret.is_empty() {
            return Err(Error::config(
                "the merchant secret is empty; set PAYOUT_SECRET or use --secret-file",
            ));
        }
        let url =
            |endpoint: &str| RequestUrl::parse(&format!("{base}{}{endpoint}", region.paths.family));
        Ok(Self {
            brand,
            region,
            headers: merchant_headers(merchant_no)?,
            signer: brand.scheme.signer(secret),
            query_url: url(region.paths.query)?,
            create_url: url(region.paths.create)?,
            balance_url: url(region.paths.balance)?,
        })
    }

    /// The brand.
    pub fn brand(&self) -> &'static Brand {
        self.brand
    }

    /// The region row in force.
    pub fn region_def(&self) -> &'static Region {
        self.region
    }

    /// The exact payout query request at clock reading `now_ms`.
    ///
    /// # Errors
    /// Only if signing fails (it cannot for string fields).
    pub fn build_query(&self, trade_no: &TradeNo, now_ms: u64) -> Result<WireRequest, Error> {
        let mut digits = itoa::Buffer::new();
        let ts = digits.format(now_ms);
        let mut fields = [("timestamp", ts), ("tradeNo", trade_no.as_str())];
        signed_request(
            &self.query_url,
            &self.headers,
            &self.brand.scheme,
            self.region.sign,
            self.signer.as_ref(),
            &mut fields,
        )
    }

    /// Reads a payout query answer.
    ///
    /// # Errors
    /// [`Error::Rejected`], [`Error::ProviderUnavailable`] or
    /// [`Error::InvalidResponse`].
    pub fn parse_query(&self, trade_no: &TradeNo, body: &[u8]) -> Result<PayoutStatus, Error> {
        // The common shape is read directly; anything else (errors
        // included) by the general reading below, with the same result.
        let region = self.region;
        match answer::query_status(self.brand.id, region.currency, region.zone, trade_no, body) {
            Some(status) => Ok(status),
            None => self.parse_query_general(trade_no, body),
        }
    }

    /// [`Platform::parse_query`] through the general reading of the
    /// envelope and `data` (every shape, every error).
    fn parse_query_general(&self, trade_no: &TradeNo, body: &[u8]) -> Result<PayoutStatus, Error> {
        let op = Operation::QueryPayout;
        let data = Envelope::decode(op, body)?.into_data(op)?;
        read_status(
            self.brand.id,
            self.region.currency,
            self.region.zone,
            &data,
            Some(trade_no),
        )
        .map_err(|e| Error::InvalidResponse {
            operation: op,
            message: e.0,
        })
    }

    /// Checks an order and builds the exact create request at `now_ms`.
    ///
    /// # Errors
    /// [`Error::Validation`] naming the field and the rule.
    pub fn build_create(&self, order: &CreatePayout, now_ms: u64) -> Result<WireRequest, Error> {
        let owned = create::payout_fields(self.brand.id, self.region, order)?;
        let mut digits = itoa::Buffer::new();
        let ts = digits.format(now_ms);
        let mut fields: Vec<(&str, &str)> = Vec::with_capacity(owned.len() + 1);
        fields.extend(owned.iter().map(|(k, v)| (*k, v.as_ref())));
        fields.push(("timestamp", ts));
        signed_request(
            &self.create_url,
            &self.headers,
            &self.brand.scheme,
            self.region.sign,
            self.signer.as_ref(),
            &mut fields,
        )
    }

    /// Reads a create answer. An accepted answer without `data.status`
    /// means processing.
    ///
    /// # Errors
    /// [`Error::Rejected`] (not placed), [`Error::ProviderUnavailable`]
    /// (5000) or [`Error::InvalidResponse`]; the caller turns the last two
    /// into [`Error::OutcomeUnknown`].
    pub fn parse_create(&self, order: &CreatePayout, body: &[u8]) -> Result<PayoutStatus, Error> {
        let op = Operation::CreatePayout;
        let mut data = Envelope::decode(op, body)?.into_data(op)?;
        if let Some(other) = data.get("tradeNo").and_then(text) {
            if other != order.trade_no.as_str() {
                return Err(Error::InvalidResponse {
                    operation: op,
                    message: format!(
                        "create answer is about tradeNo {other:?}, not {:?}",
                        order.trade_no.as_str()
                    ),
                });
            }
        }
        data.entry("status")
            .or_insert_with(|| Value::String(String::new()));
        let mut status = read_status(
            self.brand.id,
            self.region.currency,
            self.region.zone,
            &data,
            Some(&order.trade_no),
        )
        .or_else(|_| {
            // An accepted create with an unreadable status is still placed.
            Ok::<_, Error>(PayoutStatus::new(
                self.brand.id,
                order.trade_no.clone(),
                PayoutState::Processing,
                "",
                self.region.currency,
            ))
        })?;
        if status.provider_status.is_empty() {
            status.state = PayoutState::Processing;
        }
        if status.platform_trade_no.is_none() {
            status.platform_trade_no = data.get("serialNumber").and_then(text);
        }
        if status.amount.is_none() && status.requested_amount.is_none() {
            status.amount = Some(order.amount);
        }
        Ok(status)
    }

    /// The exact balance request at `now_ms`.
    ///
    /// # Errors
    /// Only if signing fails.
    pub fn build_balance(&self, now_ms: u64) -> Result<WireRequest, Error> {
        let mut digits = itoa::Buffer::new();
        let ts = digits.format(now_ms);
        let mut fields = [("timestamp", ts)];
        signed_request(
            &self.balance_url,
            &self.headers,
            &self.brand.scheme,
            self.region.sign,
            self.signer.as_ref(),
            &mut fields,
        )
    }

    /// Reads a balance answer (`availableAmount` or the misspelt
    /// `availablAmount`, `freezeAmount`, `unsettledAmount`).
    ///
    /// # Errors
    /// As [`Platform::parse_query`].
    pub fn parse_balance(&self, body: &[u8]) -> Result<Balance, Error> {
        let op = Operation::Balance;
        let data = Envelope::decode(op, body)?.into_data(op)?;
        let invalid = |m: String| Error::InvalidResponse {
            operation: op,
            message: m,
        };
        let get = |keys: &[&str]| -> Result<Option<Decimal>, Error> {
            for k in keys {
                if let Some(v) = amount(&data, k).map_err(|e| invalid(e.0))? {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        };
        let available = get(&["availableAmount", "availablAmount"])?
            .ok_or_else(|| invalid("balance answer has no `availableAmount`".into()))?;
        Ok(Balance::new(
            self.brand.id,
            self.region.currency,
            available,
            get(&["freezeAmount"])?.unwrap_or(Decimal::ZERO),
            get(&["unsettledAmount"])?.unwrap_or(Decimal::ZERO),
        ))
    }

    /// Verifies and reads a callback (pure).
    ///
    /// # Errors
    /// See [`CallbackError`].
    pub fn parse_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        callback::verify(
            self.brand.id,
            self.region,
            &self.brand.scheme,
            self.signer.as_ref(),
            headers,
            body,
        )
    }

    /// The capability declaration of a brand: every region with the
    /// operations it offers.
    pub fn declare(brand: &'static Brand) -> Capabilities {
        let operations = [
            Operation::QueryPayout,
            Operation::CreatePayout,
            Operation::Balance,
            Operation::Callback,
        ];
        let regions = brand
            .regions
            .iter()
            .map(|r| RegionCapability {
                id: r.id,
                currency: r.currency,
                zone: r.zone.name(),
                operations: operations.to_vec(),
                callback_signing: r.callback,
            })
            .collect();
        let mut caps = Capabilities::new(brand.id, regions);
        caps.create_dedup = CreateDedup::UniqueTradeNo;
        caps.trade_no = TradeNoRule::max_len(brand.id, MAX_TRADE_NO_LEN);
        caps
    }
}

impl PayoutProtocol for Platform {
    fn id(&self) -> &'static str {
        self.brand.id
    }

    fn region(&self) -> &str {
        self.region.id
    }

    /// The merchant number (logged masked by the connector).
    fn account(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| *name == crate::wire::MERCHANT_HEADER)
            .and_then(|(_, value)| value.to_str().ok())
    }

    fn capabilities(&self) -> Capabilities {
        Self::declare(self.brand)
    }

    fn build_query(&self, trade_no: &TradeNo, now_ms: u64) -> Result<WireRequest, Error> {
        Platform::build_query(self, trade_no, now_ms)
    }

    fn parse_query(
        &self,
        trade_no: &TradeNo,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let body = &response.success(Operation::QueryPayout)?.body;
        Platform::parse_query(self, trade_no, body)
    }

    fn validate_create(&self, order: &CreatePayout) -> Result<(), Error> {
        create::payout_fields(self.brand.id, self.region, order).map(|_| ())
    }

    fn build_create(&self, order: &CreatePayout, now_ms: u64) -> Result<WireRequest, Error> {
        Platform::build_create(self, order, now_ms)
    }

    fn parse_create(
        &self,
        order: &CreatePayout,
        response: &WireResponse,
    ) -> Result<PayoutStatus, Error> {
        let body = &response.success(Operation::CreatePayout)?.body;
        Platform::parse_create(self, order, body)
    }

    fn build_balance(&self, now_ms: u64) -> Result<WireRequest, Error> {
        Platform::build_balance(self, now_ms)
    }

    fn parse_balance(&self, response: &WireResponse) -> Result<Balance, Error> {
        Platform::parse_balance(self, &response.success(Operation::Balance)?.body)
    }

    fn verify_callback(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<PayoutUpdate, CallbackError> {
        self.parse_callback(headers, body)
    }

    /// HTTP 200 with the body `OK` (case-sensitive): the platform stops
    /// re-delivering.
    fn callback_ack(&self) -> CallbackReply {
        CallbackReply::new(200, "OK")
    }

    /// HTTP 400 with a body other than `OK`: the platform re-delivers.
    fn callback_refusal(&self) -> CallbackReply {
        CallbackReply::new(400, "FAIL")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AmountRule, Paths, Scheme};
    use payout_core::{ProviderSettings, Secret};
    use proptest::prelude::*;

    static REGIONS: &[Region] = &[Region::new(
        "indonesia",
        "IDR",
        chrono_tz::Asia::Jakarta,
        Paths::new("/v1/test/", "payOut"),
        AmountRule::integer_min(1),
        &[],
    )];
    static TEST: Brand = Brand {
        id: "test",
        name: "Test",
        regions: REGIONS,
        scheme: Scheme::Md5Sorted,
    };
    const TRADE_NO: &str = "test_00000002";

    fn provider() -> Platform {
        let settings =
            ProviderSettings::new("indonesia", "http://127.0.0.1:9/id", "1", Secret::new("s"));
        Platform::new(&TEST, &settings).unwrap()
    }

    /// Both readings of `body`, as comparable text.
    fn both(p: &Platform, body: &str) -> (String, String) {
        let t = TradeNo::new(TRADE_NO).unwrap();
        (
            format!("{:?}", p.parse_query(&t, body.as_bytes())),
            format!("{:?}", p.parse_query_general(&t, body.as_bytes())),
        )
    }

    #[test]
    fn the_common_answer_takes_the_fast_path_and_reads_the_same() {
        let p = provider();
        let body = r#"{"msg":"success","code":"0000","timestamp":1795408997736,"success":true,"data":{"tradeNo":"test_00000002","platFormTradeNo":"SIM1","orderAmount":"100000.00","payAmount":"100000.00","status":"0000","message":"success","successTime":"2026-11-23 11:43:17"}}"#;
        let t = TradeNo::new(TRADE_NO).unwrap();
        let fast = answer::query_status(
            "test",
            REGIONS[0].currency,
            REGIONS[0].zone,
            &t,
            body.as_bytes(),
        );
        assert!(fast.is_some(), "the common shape must be read directly");
        let (a, b) = both(&p, body);
        assert_eq!(a, b);
        assert!(a.contains("Succeeded"), "{a}");
    }

    fn value() -> impl Strategy<Value = String> {
        let plain = prop::sample::select(vec![
            r#""0000""#,
            r#""test_00000002""#,
            r#""100000.00""#,
            r#""2024-10-12 12:59:32""#,
            r#""success""#,
        ]);
        let any = prop::sample::select(vec![
            r#""""#,
            r#"" ""#,
            r#""0000""#,
            r#""0015""#,
            r#""00029""#,
            r#""test_00000002""#,
            r#""other_1""#,
            r#""100000.00""#,
            r#""12.345""#,
            r#""1e5""#,
            r#""abc""#,
            r#""2024-10-12 12:59:32""#,
            r#"" 2024-10-12 12:59:32 ""#,
            r#""2024-1-12 12:59:32""#,
            r#""2024-02-30 12:59:32""#,
            r#""0000-01-01 00:00:00""#,
            r#""a\"b""#,
            r#""\u0030000""#,
            "3.0000",
            "100000",
            "null",
            "true",
            "{}",
        ]);
        prop_oneof![2 => plain, 1 => any].prop_map(str::to_owned)
    }

    fn data() -> impl Strategy<Value = String> {
        let mut all = crate::data::KNOWN.to_vec();
        all.push("utr");
        let keys = prop::sample::subsequence(all, 0..=10);
        (keys, prop::collection::vec(value(), 10)).prop_map(|(keys, values)| {
            let fields: Vec<String> = keys
                .iter()
                .zip(values)
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", fields.join(","))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn fast_and_general_readings_agree(
            code in prop_oneof![
                6 => Just(r#""0000""#),
                1 => prop::sample::select(vec![r#""5000""#, r#""8000""#, "0", "null"]),
            ],
            data in prop::option::of(data()),
            status_first in any::<bool>(),
        ) {
            let p = provider();
            let data = data.map(|d| {
                // Often a complete answer, so that the fast path is taken.
                if status_first {
                    d.replacen('{', r#"{"status":"0000","#, 1).replace(",}", "}")
                } else {
                    d
                }
            });
            let body = match data {
                Some(d) => format!(r#"{{"msg":"m","code":{code},"data":{d}}}"#),
                None => format!(r#"{{"msg":"m","code":{code}}}"#),
            };
            let (a, b) = both(&p, &body);
            prop_assert_eq!(a, b, "{}", body);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// Damaged answers (a byte replaced, removed or inserted) read the
        /// same both ways: the fast reading accepts nothing the general one
        /// would refuse.
        #[test]
        fn damaged_answers_read_the_same(
            at in any::<prop::sample::Index>(),
            edit in 0..3u8,
            byte in prop::sample::select(b" \t\n\"\\{}[],:.-+0123456789eEtrunlfasx\x00\x7f\xc3\xa9".to_vec()),
        ) {
            let p = provider();
            let mut body = br#"{"msg":"success","code":"0000","timestamp":1795408997736,"success":true,"data":{"tradeNo":"test_00000002","platFormTradeNo":"SIM1","orderAmount":"100000.00","payAmount":"100000","status":"0000","message":"success","successTime":"2026-11-23 11:43:17"}}"#.to_vec();
            let i = at.index(body.len());
            match edit {
                0 => body[i] = byte,
                1 => { body.remove(i); }
                _ => body.insert(i, byte),
            }
            let t = TradeNo::new(TRADE_NO).unwrap();
            let a = format!("{:?}", p.parse_query(&t, &body));
            let b = format!("{:?}", p.parse_query_general(&t, &body));
            prop_assert_eq!(a, b, "{}", String::from_utf8_lossy(&body));
        }
    }
}
