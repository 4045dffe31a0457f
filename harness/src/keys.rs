//! Symbolic keys: a fixture names a key ("alice") and the harness derives a real ed25519 key
//! from the name, so signatures and witness sizes are genuine and every run is reproducible.

use pallas_crypto::{
    hash::{Hash, Hasher},
    key::ed25519::{PublicKey, SecretKey, Signature},
};

/// A key derived from its name: secret = sha256("p2p-defi-kernel key:" ‖ name).
pub struct Key {
    secret: SecretKey,
    /// The verification key.
    pub public: PublicKey,
    /// blake2b-224 of the verification key: what addresses and `required_signers` hold.
    pub hash: Hash<28>,
}

impl Key {
    /// The key named `name`.
    pub fn named(name: &str) -> Key {
        let seed = Hasher::<256>::hash(format!("p2p-defi-kernel key:{name}").as_bytes());
        let secret = SecretKey::from(*seed);
        let public = secret.public_key();
        let hash = Hasher::<224>::hash(public.as_ref());
        Key {
            secret,
            public,
            hash,
        }
    }

    /// Signs a transaction body hash.
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.secret.sign(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_deterministic_and_distinct() {
        assert_eq!(Key::named("alice").hash, Key::named("alice").hash);
        assert_ne!(Key::named("alice").hash, Key::named("bob").hash);
    }

    #[test]
    fn signatures_verify() {
        let key = Key::named("alice");
        let sig = key.sign(b"body");
        assert!(key.public.verify(b"body", &sig));
    }
}
