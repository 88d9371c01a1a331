//! Settings read from the environment (and `.env` in development).

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

#[derive(Debug, Clone)]
pub struct Config {
    /// The address users reach the site at; used in emailed links.
    pub public_url: String,
    /// Production hides development pages such as the email outbox.
    pub production: bool,
    pub smtp: Option<SmtpConfig>,
    /// Where uploaded photos are stored (`UPLOAD_DIR`, default `uploads`).
    pub upload_dir: std::path::PathBuf,
    /// Stripe Checkout, when both keys are set; otherwise the sandbox card provider.
    pub stripe: Option<StripeConfig>,
    /// `CARRY_BENCH_ROUTES=1` mounts the benchmark's reference route.
    pub bench_routes: bool,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    /// `https://api.stripe.com` unless `STRIPE_API_BASE` points elsewhere (a test double).
    pub api_base: String,
}

impl Config {
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let public_url = var("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_string();
        let production = var("LEPTOS_ENV")
            .map(|e| e.eq_ignore_ascii_case("PROD") || e.eq_ignore_ascii_case("production"))
            .unwrap_or(false);
        let smtp = var("SMTP_HOST").map(|host| SmtpConfig {
            host,
            port: var("SMTP_PORT").and_then(|p| p.parse().ok()).unwrap_or(587),
            username: var("SMTP_USERNAME"),
            password: var("SMTP_PASSWORD"),
            from: var("SMTP_FROM").unwrap_or_else(|| "Carry <no-reply@carry.local>".into()),
            security: var("SMTP_SECURITY").unwrap_or_else(|| "starttls".into()),
        });
        Config {
            public_url,
            production,
            smtp,
            upload_dir: var("UPLOAD_DIR").unwrap_or_else(|| "uploads".into()).into(),
            stripe: match (var("STRIPE_SECRET_KEY"), var("STRIPE_WEBHOOK_SECRET")) {
                (Some(secret_key), Some(webhook_secret)) => Some(StripeConfig {
                    secret_key,
                    webhook_secret,
                    api_base: var("STRIPE_API_BASE")
                        .unwrap_or_else(|| "https://api.stripe.com".into())
                        .trim_end_matches('/')
                        .to_string(),
                }),
                _ => None,
            },
            bench_routes: var("CARRY_BENCH_ROUTES").is_some_and(|v| v == "1"),
        }
    }

    /// A config for tests and tools.
    pub fn for_tests() -> Self {
        Config {
            public_url: "http://127.0.0.1:3000".into(),
            production: false,
            smtp: None,
            upload_dir: std::env::temp_dir().join("carry-test-uploads"),
            stripe: None,
            bench_routes: false,
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
