//! lachan-hunt
