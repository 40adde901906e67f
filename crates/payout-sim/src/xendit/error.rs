//! Xendit's error answers (spec §7): an HTTP status and
//! `{"error_code","message","errors"?}`.

use axum::response::Response;
use http::StatusCode;

use crate::faults;
use payout_transport::json::JsonWriter;

/// One refused request.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// `(path, message)` of each field at fault.
    pub errors: Vec<(String, String)>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// `400 API_VALIDATION_ERROR`.
    pub(crate) fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", message)
    }

    /// `400` with another code.
    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// `404 DATA_NOT_FOUND`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", message)
    }

    /// `401 INVALID_API_KEY`.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", message)
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Vec<u8> {
        if self.errors.is_empty() {
            return faults::xendit_error_body(self.code, &self.message);
        }
        let mut w = JsonWriter::object(128 + self.message.len());
        w.str("error_code", self.code)
            .str("message", &self.message)
            .begin_array("errors");
        for (path, message) in &self.errors {
            w.item_object()
                .str("path", path)
                .str("message", message)
                .end();
        }
        w.finish()
    }

    /// The answer.
    pub(crate) fn into_response(self) -> Response {
        faults::json_with(self.status, self.body())
    }
}
