//! What a caller gives to take a step of the opening process, and its checks. The JSON API
//! reads these from a body (camelCase, unknown fields refused); the web forms fill them in
//! from their fields. Either way the same checks turn them into a [`Step`].
use super::Error;
use super::process::Light;
use super::steps::{ACCESS_METHODS, BUSINESS_MODELS, Step};
use serde::Deserialize;

/// Longest free text a step keeps (justifications, notes).
const MAX_TEXT: usize = 4000;

/// One step's input.
pub trait StepInput: serde::de::DeserializeOwned + Send + 'static {
    /// The step's path segment: `/api/datasets/{id}/{PATH}`, `/manage/…/{PATH}`.
    const PATH: &'static str;
    /// Whether the step takes nothing (a body, if any, is not read).
    const EMPTY: bool = false;
    /// The step, if the input is acceptable (422 otherwise).
    fn into_step(self) -> Result<Step, Error>;
}

/// Trims `value`; refuses it empty when `required`, and longer than [`MAX_TEXT`].
fn text(field: &str, value: Option<String>, required: bool) -> Result<Option<String>, Error> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    match &value {
        None if required => Err(Error::Unprocessable(format!("{field} must not be empty"))),
        Some(v) if v.chars().count() > MAX_TEXT => Err(Error::Unprocessable(format!(
            "{field} is longer than {MAX_TEXT} characters"
        ))),
        _ => Ok(value),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Assessment {
    pub traffic_light: String,
    pub justification: String,
    #[serde(default)]
    pub legal_note: Option<String>,
}

impl StepInput for Assessment {
    const PATH: &'static str = "assessment";
    fn into_step(self) -> Result<Step, Error> {
        let light = Light::parse(&self.traffic_light).ok_or_else(|| {
            Error::Unprocessable(format!(
                "trafficLight must be green, yellow or red, not {:?}",
                self.traffic_light
            ))
        })?;
        Ok(Step::Assess {
            light,
            justification: text("justification", Some(self.justification), true)?
                .unwrap_or_default(),
            legal_note: text("legalNote", self.legal_note, false)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub priority: u8,
    /// A decision (the owner's) rather than a proposal (the steward's).
    #[serde(default)]
    pub decision: bool,
}

impl StepInput for Priority {
    const PATH: &'static str = "priority";
    fn into_step(self) -> Result<Step, Error> {
        if !(1..=5).contains(&self.priority) {
            return Err(Error::Unprocessable(format!(
                "priority must be 1 (highest) to 5, not {}",
                self.priority
            )));
        }
        Ok(Step::Priority {
            priority: self.priority,
            decision: self.decision,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub approved: bool,
    #[serde(default)]
    pub note: Option<String>,
}

impl StepInput for Approval {
    const PATH: &'static str = "approval";
    fn into_step(self) -> Result<Step, Error> {
        Ok(Step::Approval {
            approved: self.approved,
            note: text("note", self.note, false)?,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Preparation {
    pub licence: String,
    pub business_model: String,
    pub access_method: String,
}

impl StepInput for Preparation {
    const PATH: &'static str = "preparation";
    fn into_step(self) -> Result<Step, Error> {
        if oxiri::Iri::parse(self.licence.as_str()).is_err() {
            return Err(Error::Unprocessable(format!(
                "licence must be an absolute IRI (e.g. NLOD 2.0: \
                 http://publications.europa.eu/resource/authority/licence/NLOD_2_0), not {:?}",
                self.licence
            )));
        }
        if !BUSINESS_MODELS.contains(&self.business_model.as_str()) {
            return Err(Error::Unprocessable(format!(
                "businessModel must be one of {}",
                BUSINESS_MODELS.join(", ")
            )));
        }
        if !ACCESS_METHODS.contains(&self.access_method.as_str()) {
            return Err(Error::Unprocessable(format!(
                "accessMethod must be one of {}",
                ACCESS_METHODS.join(", ")
            )));
        }
        Ok(Step::Preparation {
            licence: self.licence,
            business_model: self.business_model,
            access_method: self.access_method,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sources {
    pub data_sources: Vec<String>,
}

impl StepInput for Sources {
    const PATH: &'static str = "data-sources";
    fn into_step(self) -> Result<Step, Error> {
        Ok(Step::Sources(self.data_sources))
    }
}

#[derive(Deserialize)]
pub struct Publish {}

impl StepInput for Publish {
    const PATH: &'static str = "publish";
    const EMPTY: bool = true;
    fn into_step(self) -> Result<Step, Error> {
        Ok(Step::Publish)
    }
}

#[derive(Deserialize)]
pub struct Withdraw {}

impl StepInput for Withdraw {
    const PATH: &'static str = "withdraw";
    const EMPTY: bool = true;
    fn into_step(self) -> Result<Step, Error> {
        Ok(Step::Withdraw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked_before_they_become_steps() {
        let assess = |light: &str, why: &str| Assessment {
            traffic_light: light.into(),
            justification: why.into(),
            legal_note: None,
        };
        assert!(assess("green", "open data").into_step().is_ok());
        assert!(matches!(
            assess("blue", "x").into_step(),
            Err(Error::Unprocessable(m)) if m.contains("trafficLight")
        ));
        assert!(matches!(
            assess("red", "   ").into_step(),
            Err(Error::Unprocessable(m)) if m.contains("justification")
        ));
        assert!(
            assess("red", &"x".repeat(MAX_TEXT + 1))
                .into_step()
                .is_err()
        );
        for p in [0, 6] {
            let p = Priority {
                priority: p,
                decision: false,
            };
            assert!(p.into_step().is_err());
        }
        let prep = |licence: &str, model: &str| Preparation {
            licence: licence.into(),
            business_model: model.into(),
            access_method: "api".into(),
        };
        assert!(prep("not an iri", "free").into_step().is_err());
        assert!(prep("http://example.org/l", "gratis").into_step().is_err());
        assert!(prep("http://example.org/l", "free").into_step().is_ok());
    }
}
