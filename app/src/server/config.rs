//! Settings read from the environment (and `.env` in development). Production is the default:
//! development conveniences (the outbox page, the auto-reload socket, the sandbox card provider)
//! are on only with `CARRY_DEV=1`, and the sandbox provider in production only on an explicit
//! demo deployment.

/// Sign-ups and reset requests from one network address per hour, unless configured.
pub const DEFAULT_PER_IP_HOURLY: i64 = 20;

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    /// `tls` (implicit TLS), `starttls`, or `none` (a local relay).
    pub security: String,
}

/// Requests per minute one API token may make, unless `API_RATE_PER_MINUTE` says otherwise.
pub const DEFAULT_API_RATE_PER_MINUTE: i64 = 600;

#[derive(Debug, Clone)]
pub struct Config {
    /// The address users reach the site at; used in emailed links.
    pub public_url: String,
    /// `CARRY_DEV=1`: development conveniences (the email outbox page, auto-reload).
    pub dev: bool,
    /// `CARRY_DEMO_DEPLOYMENT=1`: a public demo; money is simulated and every page says so.
    pub demo: bool,
    pub smtp: Option<SmtpConfig>,
    /// Where uploaded photos are stored (`UPLOAD_DIR`, default `uploads`).
    pub upload_dir: std::path::PathBuf,
    /// Stripe Checkout, when both keys are set.
    pub stripe: Option<StripeConfig>,
    /// The sandbox card provider (test cards; it mints money): in development, or when
    /// `PAYMENT_PROVIDER=sandbox` is chosen.
    pub sandbox_payments: bool,
    /// `CARRY_BENCH_ROUTES=1` mounts the benchmark's reference route.
    pub bench_routes: bool,
    /// `METRICS_TOKEN`: `/api/metrics` answers only `Authorization: Bearer <token>` (without it,
    /// only in development).
    pub metrics_token: Option<String>,
    /// The key that seals what the server echoes back through an address (form errors); every
    /// instance reads the same one from the database at start.
    pub seal_key: [u8; 32],
    /// `TRUST_FORWARDED_FOR=1`: behind a reverse proxy, the client's address is the last entry
    /// of `X-Forwarded-For` (the one the proxy added), not the proxy's.
    pub trust_forwarded_for: bool,
    /// `PER_IP_HOURLY_LIMIT` (default 20): sign-ups and reset requests from one network address
    /// per hour. The test command raises it: every browser test comes from 127.0.0.1.
    pub per_ip_hourly: i64,
    /// `API_RATE_PER_MINUTE` (default 600): requests per minute one API token may make.
    pub api_rate_per_minute: i64,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    /// `https://api.stripe.com` unless `STRIPE_API_BASE` points elsewhere (a test double).
    pub api_base: String,
}

impl Config {
    /// The configuration the environment describes (the seal key is filled in at start, from
    /// the database).
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let on = |k: &str| var(k).is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let public_url = var("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_string();
        let dev = on("CARRY_DEV");
        let smtp = var("SMTP_HOST").map(|host| SmtpConfig {
            host,
            port: var("SMTP_PORT").and_then(|p| p.parse().ok()).unwrap_or(587),
            username: var("SMTP_USERNAME"),
            password: var("SMTP_PASSWORD"),
            from: var("SMTP_FROM").unwrap_or_else(|| "Carry <no-reply@carry.local>".into()),
            security: var("SMTP_SECURITY").unwrap_or_else(|| "starttls".into()),
        });
        let stripe = match (var("STRIPE_SECRET_KEY"), var("STRIPE_WEBHOOK_SECRET")) {
            (Some(secret_key), Some(webhook_secret)) => Some(StripeConfig {
                secret_key,
                webhook_secret,
                api_base: var("STRIPE_API_BASE")
                    .unwrap_or_else(|| "https://api.stripe.com".into())
                    .trim_end_matches('/')
                    .to_string(),
            }),
            _ => None,
        };
        let chosen = var("PAYMENT_PROVIDER").map(|p| p.to_ascii_lowercase());
        Config {
            public_url,
            dev,
            demo: on("CARRY_DEMO_DEPLOYMENT"),
            smtp,
            upload_dir: var("UPLOAD_DIR").unwrap_or_else(|| "uploads".into()).into(),
            sandbox_payments: stripe.is_none()
                && (chosen.as_deref() == Some("sandbox") || (dev && chosen.is_none())),
            stripe,
            bench_routes: on("CARRY_BENCH_ROUTES"),
            metrics_token: var("METRICS_TOKEN"),
            seal_key: [0; 32],
            trust_forwarded_for: on("TRUST_FORWARDED_FOR"),
            per_ip_hourly: var("PER_IP_HOURLY_LIMIT")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_PER_IP_HOURLY),
            api_rate_per_minute: var("API_RATE_PER_MINUTE")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT_API_RATE_PER_MINUTE),
        }
    }

    /// Refuses to serve a configuration that would be unsafe in production.
    pub fn check_for_serving(&self) -> Result<(), String> {
        if self.sandbox_payments && !self.dev && !self.demo {
            return Err(
                "the sandbox payment provider creates money from test cards: in \
                 production set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or set \
                 CARRY_DEMO_DEPLOYMENT=1 for a public demo (every page then says so)"
                    .into(),
            );
        }
        Ok(())
    }

    /// Which card provider tops wallets up: "stripe", "sandbox" or "none".
    pub fn payment_provider(&self) -> &'static str {
        if self.stripe.is_some() {
            "stripe"
        } else if self.sandbox_payments {
            "sandbox"
        } else {
            "none"
        }
    }

    /// A config for tests and tools: development mode, the sandbox provider, a random seal key.
    pub fn for_tests() -> Self {
        let mut seal_key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seal_key);
        Config {
            public_url: "http://127.0.0.1:3000".into(),
            dev: true,
            demo: false,
            smtp: None,
            upload_dir: std::env::temp_dir().join("carry-test-uploads"),
            stripe: None,
            sandbox_payments: true,
            bench_routes: false,
            metrics_token: None,
            seal_key,
            trust_forwarded_for: false,
            per_ip_hourly: DEFAULT_PER_IP_HOURLY,
            api_rate_per_minute: DEFAULT_API_RATE_PER_MINUTE,
        }
    }

    /// Cookies are `Secure` everywhere except plain-HTTP localhost.
    pub fn cookie_secure(&self) -> bool {
        let local = ["http://localhost", "http://127.0.0.1", "http://[::1]"];
        !local.iter().any(|p| {
            self.public_url == *p
                || self.public_url.starts_with(&format!("{p}:"))
                || self.public_url.starts_with(&format!("{p}/"))
        })
    }

    /// `scheme://host[:port]` of the public URL, for the same-origin check.
    pub fn origin(&self) -> String {
        let url = &self.public_url;
        match url.find("://") {
            Some(i) => match url[i + 3..].find('/') {
                Some(j) => url[..i + 3 + j].to_string(),
                None => url.clone(),
            },
            None => url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_is_refused_in_production_unless_a_demo_says_so() {
        let mut c = Config::for_tests();
        assert!(c.check_for_serving().is_ok(), "development");
        c.dev = false;
        assert!(
            c.check_for_serving().is_err(),
            "production with the sandbox"
        );
        c.demo = true;
        assert!(c.check_for_serving().is_ok(), "a declared demo");
        c.demo = false;
        c.sandbox_payments = false;
        assert!(c.check_for_serving().is_ok());
        assert_eq!(c.payment_provider(), "none");
    }
}
