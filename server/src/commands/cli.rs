//! The server binary's commands.

pub const USAGE: &str = "\
Usage:
  server                                   serve the app (runs migrations first)
  server migrate                           apply database migrations and exit
  server admin create --email E --password P [--name N]
                                           create an admin, or make an existing account admin
  server admin promote --email E           make an existing account admin
  server demo [--large]                    create the demo accounts and listings; --large adds
                                           1,000,000 trips and 1,000,000 parcels (benchmarks)
  server bench-match [--n N]               time match ranking for N random parcels (default 1000)
  server bench-escrow [--n N]              escrow hold + release throughput against bare SQL
                                           (default 2000 bookings)
  server bench-alerts [--alerts N] [--n M] time finding the route alerts of M new trips among
                                           N saved alerts (defaults 100000 and 500)
  server bench-chat --a URL --b URL [--clients N] [--seconds S]
                                           chat delivery between two running instances: N
                                           members (default 500) for S seconds (default 60)
  server ledger-check                      run the ledger's invariant check; exit 1 if broken
  server api-token --email E [--name N] [--write] [--days D]
                                           make a personal API token for an account (read, and
                                           write with --write) and print it (once)
";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    AdminCreate {
        email: String,
        password: Option<String>,
        name: String,
    },
    Demo {
        large: bool,
    },
    BenchMatch {
        n: usize,
    },
    BenchEscrow {
        n: usize,
    },
    BenchAlerts {
        alerts: i64,
        n: usize,
    },
    BenchChat {
        a: String,
        b: String,
        clients: usize,
        seconds: u64,
    },
    LedgerCheck,
    ApiToken {
        email: String,
        name: String,
        write: bool,
        days: String,
    },
    Help,
}

pub fn parse(args: &[String]) -> Result<Command, String> {
    let flag = |name: &str| -> Option<String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve", ..] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
        ["demo"] => Ok(Command::Demo { large: false }),
        ["demo", "--large"] => Ok(Command::Demo { large: true }),
        ["bench-match", ..] => Ok(Command::BenchMatch {
            n: match flag("--n") {
                Some(n) => n.parse().map_err(|_| "--n takes a number")?,
                None => 1000,
            },
        }),
        ["bench-escrow", ..] => Ok(Command::BenchEscrow {
            n: match flag("--n") {
                Some(n) => n.parse().map_err(|_| "--n takes a number")?,
                None => 2000,
            },
        }),
        ["bench-alerts", ..] => Ok(Command::BenchAlerts {
            alerts: match flag("--alerts") {
                Some(n) => n.parse().map_err(|_| "--alerts takes a number")?,
                None => 100_000,
            },
            n: match flag("--n") {
                Some(n) => n.parse().map_err(|_| "--n takes a number")?,
                None => 500,
            },
        }),
        ["bench-chat", ..] => Ok(Command::BenchChat {
            a: flag("--a").ok_or("bench-chat needs --a (an instance's address)")?,
            b: flag("--b").ok_or("bench-chat needs --b (another instance's address)")?,
            clients: match flag("--clients") {
                Some(n) => n.parse().map_err(|_| "--clients takes a number")?,
                None => 500,
            },
            seconds: match flag("--seconds") {
                Some(n) => n.parse().map_err(|_| "--seconds takes a number")?,
                None => 60,
            },
        }),
        ["ledger-check"] => Ok(Command::LedgerCheck),
        ["api-token", ..] => Ok(Command::ApiToken {
            email: flag("--email").ok_or("api-token needs --email")?,
            name: flag("--name").unwrap_or_else(|| "Command line".into()),
            write: args.iter().any(|a| a == "--write"),
            days: flag("--days").unwrap_or_default(),
        }),
        ["help" | "--help" | "-h"] => Ok(Command::Help),
        ["admin", "create", ..] => Ok(Command::AdminCreate {
            email: flag("--email").ok_or("admin create needs --email")?,
            password: Some(flag("--password").ok_or("admin create needs --password")?),
            name: flag("--name").unwrap_or_else(|| "Admin".into()),
        }),
        ["admin", "promote", ..] => Ok(Command::AdminCreate {
            email: flag("--email").ok_or("admin promote needs --email")?,
            password: None,
            name: String::new(),
        }),
        _ => Err(format!("unknown command\n\n{USAGE}")),
    }
}

/// The demo accounts: (email, password, name, admin).
pub const DEMO_ACCOUNTS: [(&str, &str, &str, bool); 3] = [
    ("admin@carry.test", "carry-admin-demo", "Ada Admin", true),
    (
        "sender@carry.test",
        "carry-sender-demo",
        "Sam Sender",
        false,
    ),
    (
        "traveler@carry.test",
        "carry-traveler-demo",
        "Tara Traveler",
        false,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&[]).unwrap(), Command::Serve);
        assert_eq!(parse(&args("migrate")).unwrap(), Command::Migrate);
        assert_eq!(
            parse(&args(
                "admin create --email a@b.co --password pw --name Ann"
            ))
            .unwrap(),
            Command::AdminCreate {
                email: "a@b.co".into(),
                password: Some("pw".into()),
                name: "Ann".into()
            }
        );
        assert!(parse(&args("admin create --password pw")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert_eq!(
            parse(&args("demo --large")).unwrap(),
            Command::Demo { large: true }
        );
        assert_eq!(
            parse(&args("bench-match --n 50")).unwrap(),
            Command::BenchMatch { n: 50 }
        );
        assert!(parse(&args("bench-match --n lots")).is_err());
        assert_eq!(
            parse(&args("bench-escrow")).unwrap(),
            Command::BenchEscrow { n: 2000 }
        );
        assert_eq!(parse(&args("ledger-check")).unwrap(), Command::LedgerCheck);
        assert_eq!(
            parse(&args("api-token --email a@b.co --write")).unwrap(),
            Command::ApiToken {
                email: "a@b.co".into(),
                name: "Command line".into(),
                write: true,
                days: String::new()
            }
        );
        assert!(parse(&args("api-token")).is_err());
        assert_eq!(
            parse(&args("bench-chat --a http://a --b http://b --clients 10")).unwrap(),
            Command::BenchChat {
                a: "http://a".into(),
                b: "http://b".into(),
                clients: 10,
                seconds: 60
            }
        );
        assert!(parse(&args("bench-chat --a http://a")).is_err());
        assert_eq!(
            parse(&args("bench-alerts")).unwrap(),
            Command::BenchAlerts {
                alerts: 100_000,
                n: 500
            }
        );
    }
}
