//! Orders breaking a rule of Vexora's region table are refused before
//! sending, naming the field and the rule (`payout_platform::testing::validation`).

payout_platform::validation_tests!(provider_vexora::BRAND);
payout_platform::brand_checks!(provider_vexora::BRAND, validation: notify_url_https_only);
