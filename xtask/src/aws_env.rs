//! The environment that points the AWS SDK (ours and any other) at an emulator.

use std::process::Command;

pub const REGION: &str = "us-east-1";

/// Settings for an emulator at `endpoint`. The credentials are dummies (moto accepts any),
/// and a developer's real profile or SSO session is never picked up by accident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsEnv {
    pub endpoint: String,
}

/// Variables removed from every child's environment.
pub const REMOVED: [&str; 2] = ["AWS_PROFILE", "AWS_SESSION_TOKEN"];

impl AwsEnv {
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
        }
    }

    /// The variables set on every child, in a fixed order.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_DEFAULT_REGION", REGION.into()),
            // moto on an IP address cannot serve virtual-hosted buckets (bucket.127.0.0.1).
            ("S3_FORCE_PATH_STYLE", "true".into()),
            ("AWS_CONFIG_FILE", "/dev/null".into()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".into()),
        ]
    }

    pub fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        for name in REMOVED {
            command.env_remove(name);
        }
        command.envs(self.vars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_get_the_emulator_and_dummy_credentials_and_no_profile() {
        let env = AwsEnv::new("http://127.0.0.1:4566");
        let mut command = Command::new("true");
        command.env("AWS_PROFILE", "prod");
        env.apply(&mut command);
        let set: Vec<(String, Option<String>)> = command
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect();
        let get = |name: &str| set.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(get("AWS_PROFILE"), Some(None), "removed");
        assert_eq!(get("AWS_SESSION_TOKEN"), Some(None), "removed");
        assert_eq!(
            get("AWS_ENDPOINT_URL"),
            Some(Some("http://127.0.0.1:4566".into()))
        );
        assert_eq!(get("S3_FORCE_PATH_STYLE"), Some(Some("true".into())));
        assert_eq!(
            get("AWS_SHARED_CREDENTIALS_FILE"),
            Some(Some("/dev/null".into()))
        );
        assert_eq!(get("AWS_REGION"), Some(Some("us-east-1".into())));
    }
}
