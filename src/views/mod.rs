//! Views: turning results into bytes. Handlers never touch serializers themselves.
pub mod html;
pub mod i18n;
pub mod i18n_process;
pub mod pages;
