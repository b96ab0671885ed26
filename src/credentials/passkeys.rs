//! Passkeys (WebAuthn), through `webauthn-rs`: the relying party is the console at its public
//! URL, whose host is the RP ID and whose origin must match the browser's exactly. Everything
//! crosses this module as JSON text (the browser's options and answers, the ceremony states the
//! session keeps between two requests, the stored credential), so no WebAuthn type reaches the
//! use cases, the store or the pages.

use base64::Engine;
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Webauthn, WebauthnBuilder,
};

#[derive(Clone)]
pub struct Passkeys {
    webauthn: std::sync::Arc<Webauthn>,
}

/// Why a ceremony failed: the browser's answer did not verify (or did not parse), or the state
/// it answers is not ours.
#[derive(Debug, thiserror::Error)]
#[error("the passkey was not accepted: {0}")]
pub struct Refused(pub String);

fn refused(e: impl std::fmt::Display) -> Refused {
    Refused(e.to_string())
}

/// A ceremony begun: what the browser gets (JSON options) and what the server keeps until the
/// answer comes (the state, JSON).
pub struct Begun {
    pub options: String,
    pub state: String,
}

/// A passkey registered or used: its credential id (base64url) and the credential to store.
pub struct Credential {
    pub credential_id: String,
    pub stored: String,
}

pub fn encode_id(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl Passkeys {
    /// The relying party of `public_url`; None where the host is an IP address (WebAuthn needs
    /// a domain name: `localhost` will do on a developer machine).
    pub fn new(public_url: &str, name: &str) -> Option<Passkeys> {
        let origin = Url::parse(public_url).ok()?;
        let host = match origin.host()? {
            url::Host::Domain(d) => d.to_string(),
            _ => return None,
        };
        let webauthn = WebauthnBuilder::new(&host, &origin)
            .ok()?
            .rp_name(name)
            .build()
            .ok()?;
        Some(Passkeys {
            webauthn: std::sync::Arc::new(webauthn),
        })
    }

    /// A new random user handle, for a person's first passkey.
    pub fn new_user_handle() -> String {
        Uuid::new_v4().to_string()
    }

    /// Starts registering a passkey for the person of `handle`, excluding the credentials they
    /// have already. The passkey is asked to be discoverable, so that it can sign in without
    /// the e-mail address.
    pub fn begin_registration(
        &self,
        handle: &str,
        email: &str,
        display_name: &str,
        existing: &[String],
    ) -> Result<Begun, Refused> {
        let uuid = Uuid::parse_str(handle).map_err(refused)?;
        let exclude = existing
            .iter()
            .filter_map(|s| serde_json::from_str::<Passkey>(s).ok())
            .map(|p| p.cred_id().clone())
            .collect::<Vec<_>>();
        let exclude = (!exclude.is_empty()).then_some(exclude);
        let shown = if display_name.is_empty() {
            email
        } else {
            display_name
        };
        let (ccr, state) = self
            .webauthn
            .start_passkey_registration(uuid, email, shown, exclude)
            .map_err(refused)?;
        // The library leaves discoverability to the authenticator; these options are the
        // browser's only, the state does not depend on them.
        let mut options = serde_json::to_value(&ccr).map_err(refused)?;
        let sel = &mut options["publicKey"]["authenticatorSelection"];
        sel["residentKey"] = "required".into();
        sel["requireResidentKey"] = true.into();
        Ok(Begun {
            options: options.to_string(),
            state: serde_json::to_string(&state).map_err(refused)?,
        })
    }

    /// Checks the browser's answer `answer` to the registration `state`.
    pub fn finish_registration(&self, answer: &str, state: &str) -> Result<Credential, Refused> {
        let reg: RegisterPublicKeyCredential = serde_json::from_str(answer).map_err(refused)?;
        let state: PasskeyRegistration = serde_json::from_str(state).map_err(refused)?;
        let passkey = self
            .webauthn
            .finish_passkey_registration(&reg, &state)
            .map_err(refused)?;
        Ok(Credential {
            credential_id: encode_id(passkey.cred_id().as_ref()),
            stored: serde_json::to_string(&passkey).map_err(refused)?,
        })
    }

    /// Starts a sign-in with one of `stored` (a person's passkeys, as the second factor).
    pub fn begin_authentication(&self, stored: &[String]) -> Result<Begun, Refused> {
        let keys: Vec<Passkey> = stored
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect();
        let (rcr, state) = self
            .webauthn
            .start_passkey_authentication(&keys)
            .map_err(refused)?;
        Ok(Begun {
            options: serde_json::to_string(&rcr).map_err(refused)?,
            state: serde_json::to_string(&state).map_err(refused)?,
        })
    }

    /// Starts a sign-in with any passkey of this console the browser holds (no e-mail typed).
    pub fn begin_discoverable(&self) -> Result<Begun, Refused> {
        let (mut rcr, state) = self
            .webauthn
            .start_discoverable_authentication()
            .map_err(refused)?;
        // The library asks for the browser's autofill ("conditional") prompt; the sign-in page
        // asks on a button instead.
        rcr.mediation = None;
        Ok(Begun {
            options: serde_json::to_string(&rcr).map_err(refused)?,
            state: serde_json::to_string(&state).map_err(refused)?,
        })
    }

    /// Which credential (base64url id) and which person (user handle) the browser's answer
    /// names, before it is checked.
    pub fn identify(&self, answer: &str) -> Result<(String, String), Refused> {
        let cred: PublicKeyCredential = serde_json::from_str(answer).map_err(refused)?;
        let (uuid, id) = self
            .webauthn
            .identify_discoverable_authentication(&cred)
            .map_err(refused)?;
        Ok((encode_id(id), uuid.to_string()))
    }

    /// Checks the answer to a second-factor sign-in; the credential used, updated (its
    /// signature counter) for storing back.
    pub fn finish_authentication(
        &self,
        answer: &str,
        state: &str,
        stored: &[String],
    ) -> Result<Credential, Refused> {
        let cred: PublicKeyCredential = serde_json::from_str(answer).map_err(refused)?;
        let state: PasskeyAuthentication = serde_json::from_str(state).map_err(refused)?;
        let result = self
            .webauthn
            .finish_passkey_authentication(&cred, &state)
            .map_err(refused)?;
        let mut key = stored
            .iter()
            .filter_map(|s| serde_json::from_str::<Passkey>(s).ok())
            .find(|k| k.cred_id() == result.cred_id())
            .ok_or_else(|| Refused("not one of the person's passkeys".into()))?;
        key.update_credential(&result);
        Ok(Credential {
            credential_id: encode_id(key.cred_id().as_ref()),
            stored: serde_json::to_string(&key).map_err(refused)?,
        })
    }

    /// Checks the answer to a sign-in without a password against the stored credential it
    /// named.
    pub fn finish_discoverable(
        &self,
        answer: &str,
        state: &str,
        stored: &str,
    ) -> Result<Credential, Refused> {
        let cred: PublicKeyCredential = serde_json::from_str(answer).map_err(refused)?;
        let state: DiscoverableAuthentication = serde_json::from_str(state).map_err(refused)?;
        let mut key: Passkey = serde_json::from_str(stored).map_err(refused)?;
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(&cred, state, &key)
            .map_err(refused)?;
        key.update_credential(&result);
        Ok(Credential {
            credential_id: encode_id(key.cred_id().as_ref()),
            stored: serde_json::to_string(&key).map_err(refused)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_needs_a_domain_name() {
        assert!(Passkeys::new("http://127.0.0.1:8080", "PC").is_none());
        assert!(Passkeys::new("http://localhost:8080", "PC").is_some());
        assert!(Passkeys::new("https://partners.example.com", "PC").is_some());
    }

    #[test]
    fn registration_options_ask_for_a_discoverable_passkey_with_user_verification() {
        let pk = Passkeys::new("https://partners.example.com", "PC").unwrap();
        let handle = Passkeys::new_user_handle();
        let begun = pk
            .begin_registration(&handle, "ana@acme.example", "Ana", &[])
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&begun.options).unwrap();
        let sel = &v["publicKey"]["authenticatorSelection"];
        assert_eq!(sel["residentKey"], "required");
        assert_eq!(sel["userVerification"], "required");
        assert_eq!(v["publicKey"]["rp"]["id"], "partners.example.com");
        assert_eq!(v["publicKey"]["user"]["name"], "ana@acme.example");
        // An answer that is not one is refused, not a panic.
        assert!(pk.finish_registration("{}", &begun.state).is_err());
        assert!(pk.finish_registration("not json", "not json").is_err());
    }
}
