//! lachan-scan
