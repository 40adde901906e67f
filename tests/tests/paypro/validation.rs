//! Orders breaking a rule of PayPro's region table are refused before
//! sending, naming the field and the rule (`payout_testkit::platform::validation`).

payout_testkit::validation_tests!(provider_paypro::BRAND);
payout_testkit::brand_checks!(provider_paypro::BRAND, validation: ascii_letters_rule);
