//! The route table: every endpoint of every region of every brand, built
//! once from the brands' region tables and looked up by the exact path.
//!
//! `http://ADDR/<segment><family><endpoint>`, where `segment` is the
//! region's published segment or, when none is published, its id.

use std::collections::{HashMap, HashSet};

use payout_platform::{Brand, Region};

use crate::envelope::Drift;

/// An endpoint of the payout API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `queryPayOutResult`.
    Query,
    /// `payOut` / `payout` / `disbursements`.
    Create,
    /// `queryBalance`.
    Balance,
}

impl Endpoint {
    pub(crate) fn index(self) -> usize {
        match self {
            Endpoint::Query => 0,
            Endpoint::Create => 1,
            Endpoint::Balance => 2,
        }
    }
}

/// A region as served: its rows and the answering quirks derived from them.
#[derive(Debug)]
pub(crate) struct RegionCtx {
    pub brand: &'static Brand,
    /// The brand's position in the configuration (picks the merchant's signer).
    pub brand_index: usize,
    pub region: &'static Region,
    pub segment: &'static str,
    pub drift: Drift,
    /// Balance answers say `availablAmount` (PayPro Indonesia's table).
    pub misspelt_available: bool,
    /// Callbacks carry `amount` as a JSON number (Mexico).
    pub numeric_callback_amount: bool,
    /// Create answers carry `serialNumber` instead of `platFormTradeNo` (Kenya).
    pub serial_number: bool,
    /// Succeeded query answers carry a `utr` (India).
    pub utr: bool,
}

/// One entry of the table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub region: usize,
    pub endpoint: Endpoint,
}

/// Path to route, and the regions by index.
#[derive(Debug)]
pub(crate) struct Routes {
    by_path: HashMap<Box<str>, Route>,
    pub regions: Vec<RegionCtx>,
}

impl Routes {
    /// Builds the table.
    ///
    /// # Errors
    /// When two regions would share a `(segment, family)` or a region's
    /// endpoints collide: the simulator could not tell them apart.
    pub(crate) fn build(brands: &[&'static Brand]) -> Result<Self, String> {
        let mut by_path = HashMap::new();
        let mut regions = Vec::new();
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for (brand_index, brand) in brands.iter().enumerate() {
            for (position, region) in brand.regions.iter().enumerate() {
                let segment = region.segment.unwrap_or(region.id);
                let family = region.paths.family;
                if !seen.insert((segment, family)) {
                    return Err(format!(
                        "{} {} shares segment {segment:?} and path family {family:?} with another region",
                        brand.name, region.id
                    ));
                }
                let index = regions.len();
                let paths = region.paths;
                for (endpoint, name) in [
                    (Endpoint::Query, paths.query),
                    (Endpoint::Create, paths.create),
                    (Endpoint::Balance, paths.balance),
                ] {
                    let path = format!("/{segment}{family}{name}");
                    if by_path
                        .insert(
                            path.clone().into_boxed_str(),
                            Route {
                                region: index,
                                endpoint,
                            },
                        )
                        .is_some()
                    {
                        return Err(format!(
                            "{} {}: path {path} is used twice",
                            brand.name, region.id
                        ));
                    }
                }
                regions.push(RegionCtx {
                    brand,
                    brand_index,
                    region,
                    segment,
                    drift: Drift::for_position(position),
                    misspelt_available: brand.id == "paypro" && region.id == "indonesia",
                    numeric_callback_amount: region.id == "mexico",
                    serial_number: region.id == "kenya",
                    utr: region.id == "india",
                });
            }
        }
        Ok(Self { by_path, regions })
    }

    /// The route of an exact path.
    pub(crate) fn get(&self, path: &str) -> Option<Route> {
        self.by_path.get(path).copied()
    }

    /// The index of `(brand, region)`.
    pub(crate) fn find(&self, brand: &str, region: &str) -> Option<usize> {
        self.regions
            .iter()
            .position(|c| c.brand.id == brand && c.region.id == region)
    }

    /// How many paths are served.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_path.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_brands_build_with_every_region() {
        let brands = crate::config::default_brands();
        let routes = Routes::build(&brands).unwrap();
        let total: usize = brands.iter().map(|b| b.regions.len()).sum();
        assert_eq!(routes.regions.len(), total);
        assert_eq!(routes.len(), 3 * total);
        let r = routes
            .get("/indonesia-pay/v1/paypro/queryPayOutResult")
            .unwrap();
        assert_eq!(r.endpoint, Endpoint::Query);
        assert_eq!(routes.regions[r.region].region.id, "indonesia");
        let r = routes.get("/korea/v1/vexora/disbursements").unwrap();
        assert_eq!(routes.regions[r.region].brand.id, "vexora");
        assert_eq!(routes.regions[r.region].region.id, "south-korea");
        assert!(routes.get("/pak-pay/v1/payproPK/payout").is_some());
        assert!(routes.get("/kenya/api/queryPayoutResult").is_some());
        assert!(routes.get("/india/v1/vexora/queryBalance").is_some());
        assert!(routes.get("/nowhere/v1/paypro/queryBalance").is_none());
    }

    #[test]
    fn duplicate_brand_is_refused() {
        let brands = [&provider_paypro::BRAND, &provider_paypro::BRAND];
        let err = Routes::build(&brands).unwrap_err();
        assert!(err.contains("shares segment"), "{err}");
    }
}
