//! Orders breaking a rule of Vexora's region table are refused before
//! sending, naming the field and the rule (`payout_testkit::platform::validation`).

payout_testkit::validation_tests!(provider_vexora::BRAND);
payout_testkit::brand_checks!(provider_vexora::BRAND, validation: notify_url_https_only);
