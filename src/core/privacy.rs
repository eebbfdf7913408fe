//! Whether Tailor may keep anything past this page, decided from the
//! shopper's browser signals (Global Privacy Control, Do Not Track), the
//! owner's `data-consent` setting and the shopper's stored consent answer.
//! One pure function, so every combination is tested natively.

use thiserror::Error;

/// What Tailor may do with what the shopper does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Remember in this browser's local storage (bounded, retention applies).
    Remember,
    /// Remember for this page only; nothing is written to storage.
    PageOnly(PageOnlyReason),
    /// The shopper refused: nothing is remembered, not even for this page.
    Off,
}

/// Why nothing is kept past this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOnlyReason {
    /// The browser sends Global Privacy Control.
    GlobalPrivacyControl,
    /// The browser sends Do Not Track.
    DoNotTrack,
    /// The owner requires consent and the shopper has not given it yet.
    AwaitingConsent,
    /// The browser's storage is blocked or unavailable.
    StorageUnavailable,
}

impl Mode {
    /// Whether anything may be written to local storage.
    pub fn persists(self) -> bool {
        self == Mode::Remember
    }

    /// Whether events are recorded at all (in storage or page memory).
    pub fn records(self) -> bool {
        self != Mode::Off
    }
}

/// The owner's `data-consent` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsentSetting {
    /// Personalise unless the shopper's browser or answer says no (default).
    #[default]
    Implied,
    /// Keep nothing past the page until `tailor('consent', true)`.
    Required,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PrivacyError {
    #[error("setting `consent`: `{0}` is not `required` or `implied`")]
    BadConsentSetting(String),
}

impl ConsentSetting {
    pub fn parse(text: &str) -> Result<Self, PrivacyError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "implied" | "optional" | "false" | "no" => Ok(Self::Implied),
            "required" | "true" | "yes" => Ok(Self::Required),
            other => Err(PrivacyError::BadConsentSetting(
                other.chars().take(40).collect(),
            )),
        }
    }
}

/// Everything the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Inputs {
    /// `navigator.globalPrivacyControl === true`.
    pub global_privacy_control: bool,
    /// `navigator.doNotTrack === '1'`.
    pub do_not_track: bool,
    pub consent_setting: ConsentSetting,
    /// The shopper's answer (`tailor('consent', …)`), stored or given now.
    pub consent: Option<bool>,
    /// Local storage can be written.
    pub storage_available: bool,
}

/// Decides the mode. A refusal always wins; the browser's privacy signals
/// come next and are honoured even when consent was given (they are the
/// shopper's standing choice for every site); then the owner's consent
/// requirement; then whether storage works at all.
pub fn decide(inputs: Inputs) -> Mode {
    use self::PageOnlyReason::*;
    if inputs.consent == Some(false) {
        return Mode::Off;
    }
    if inputs.global_privacy_control {
        return Mode::PageOnly(GlobalPrivacyControl);
    }
    if inputs.do_not_track {
        return Mode::PageOnly(DoNotTrack);
    }
    if inputs.consent_setting == ConsentSetting::Required && inputs.consent != Some(true) {
        return Mode::PageOnly(AwaitingConsent);
    }
    if !inputs.storage_available {
        return Mode::PageOnly(StorageUnavailable);
    }
    Mode::Remember
}

#[cfg(test)]
mod tests {
    use super::ConsentSetting::*;
    use super::PageOnlyReason::*;
    use super::*;

    #[test]
    fn every_combination_that_matters() {
        // (gpc, dnt, setting, consent, storage) → mode
        let cases = [
            ((false, false, Implied, None, true), Mode::Remember),
            ((false, false, Implied, Some(true), true), Mode::Remember),
            ((false, false, Implied, Some(false), true), Mode::Off),
            (
                (true, false, Implied, None, true),
                Mode::PageOnly(GlobalPrivacyControl),
            ),
            (
                (true, false, Implied, Some(true), true),
                Mode::PageOnly(GlobalPrivacyControl),
            ),
            (
                (true, true, Implied, None, true),
                Mode::PageOnly(GlobalPrivacyControl),
            ),
            ((true, false, Implied, Some(false), true), Mode::Off),
            (
                (false, true, Implied, None, true),
                Mode::PageOnly(DoNotTrack),
            ),
            (
                (false, true, Required, Some(true), true),
                Mode::PageOnly(DoNotTrack),
            ),
            (
                (false, false, Required, None, true),
                Mode::PageOnly(AwaitingConsent),
            ),
            ((false, false, Required, Some(true), true), Mode::Remember),
            ((false, false, Required, Some(false), true), Mode::Off),
            (
                (false, false, Required, None, false),
                Mode::PageOnly(AwaitingConsent),
            ),
            (
                (false, false, Required, Some(true), false),
                Mode::PageOnly(StorageUnavailable),
            ),
            (
                (false, false, Implied, None, false),
                Mode::PageOnly(StorageUnavailable),
            ),
        ];
        for ((gpc, dnt, setting, consent, storage), want) in cases {
            let inputs = Inputs {
                global_privacy_control: gpc,
                do_not_track: dnt,
                consent_setting: setting,
                consent,
                storage_available: storage,
            };
            let got = decide(inputs);
            assert_eq!(got, want, "{inputs:?}");
            assert_eq!(got.persists(), want == Mode::Remember);
            assert_eq!(got.records(), want != Mode::Off);
        }
    }

    #[test]
    fn consent_setting_parses() {
        let cases = [
            ("required", Ok(Required)),
            (" Required ", Ok(Required)),
            ("", Ok(Implied)),
            ("implied", Ok(Implied)),
            (
                "maybe",
                Err(PrivacyError::BadConsentSetting("maybe".into())),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(ConsentSetting::parse(text), want, "{text}");
        }
    }
}
