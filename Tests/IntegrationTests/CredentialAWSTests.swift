import Foundation
import Testing

extension Integration.CredentialTests {
    /// AWS end to end: mino runs the real `aws` CLI (awscli from PyPI) on the host against a
    /// local STS (moto on 127.0.0.1), and the agent signs an STS request with what it was given.
    ///
    /// Reaching the host's loopback: bridge and allowlist sessions cannot reach host-localhost
    /// services (a security invariant, tested elsewhere), so these sessions run with
    /// `--network host`, the one mode that shares the host's loopback. The test image has no
    /// aws CLI, so the agent's `get-caller-identity` is a SigV4-signed request from python3
    /// (`MotoServer.callerIdentityScript`); the host's real `aws sts get-caller-identity` with
    /// the agent's values gives the same answer, which cross-checks that client.
    @Suite struct AWS {
        static let role = "arn:aws:iam::123456789012:role/mino-it-role"
        static let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
        static let agentVariables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"]

        /// A harness with moto and the host's own (long-lived) keys in mino's environment.
        static func setUp(_ identity: Identity) throws -> (Harness, MotoServer, key: String, secret: String) {
            let moto = try MotoServer()
            let harness = try Harness(identity)
            let key = "AKIAHOST" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12))
            let secret = "host-secret-" + UUID().uuidString
            harness.environment.merge(moto.hostEnvironment(hostKey: key, hostSecret: secret, base: harness.base)) {
                $1
            }
            try harness.writeProject("sts.py", MotoServer.callerIdentityScript)
            return (harness, moto, key, secret)
        }

        /// `get-session-token` (no role): the agent holds the session's keys and token, not the
        /// host's, and STS answers the agent's signed request.
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func sessionTokenReachesTheAgent(_ identity: Identity) throws {
            let (harness, moto, hostKey, hostSecret) = try Self.setUp(identity)
            try harness.setCredentialConfig(
                "[credentials.aws]\nregion = \"eu-west-1\"\nsession_duration_secs = 900\n")
            let result = harness.run(
                ["-n", harness.name("aws-token"), "--aws", "--network", "host"], ["python3", "sts.py", moto.endpoint])
            try #require(result.succeeded, "\(result)")
            let seen = harness.projectValues("identity.out")
            // moto answers get-session-token with its fixed sample session keys.
            #expect(seen["AWS_ACCESS_KEY_ID"] == "AKIAIOSFODNN7EXAMPLE", "\(seen)")
            #expect(seen["AWS_ACCESS_KEY_ID"] != hostKey)
            #expect(seen["AWS_SECRET_ACCESS_KEY"] != hostSecret && seen["AWS_SECRET_ACCESS_KEY"]?.isEmpty == false)
            #expect(seen["AWS_SESSION_TOKEN"]?.isEmpty == false, "no session token injected")
            #expect(seen["AWS_REGION"] == "eu-west-1")
            #expect(seen["status"] == "200", "STS refused the agent's request: \(seen)")
            #expect(seen["arn"]?.hasPrefix("arn:aws:sts::123456789012:") == true, "\(seen)")
            #expect(
                !result.output.contains(hostSecret) && !result.output.contains(seen["AWS_SECRET_ACCESS_KEY"] ?? "-"))
            let audit = try #require(harness.lastInjection(), "no credentials.injected in the audit log")
            #expect(audit["providers"] as? [String] == ["aws"], "\(audit)")
        }

        /// `assume-role` with a session policy: STS records the role, the session name
        /// `mino-<session>` and the policy; the agent's keys are that assumed role's, and its
        /// signed request is answered with the assumed-role identity. A second run within the
        /// session's lifetime is served from the cache (STS sees no second call); another role
        /// is a different cache entry (STS is called again).
        @Test(.enabled(if: IntegrationGate.isEnabled), arguments: Identity.allCases)
        func assumedRoleWithSessionPolicy(_ identity: Identity) throws {
            let (harness, moto, hostKey, hostSecret) = try Self.setUp(identity)
            let config = { (role: String) in
                "[credentials.aws]\nrole_arn = \"\(role)\"\nsession_policy = '\(Self.policy)'\n"
                    + "session_duration_secs = 900\n"
            }
            try harness.setCredentialConfig(config(Self.role))
            let name = harness.name("aws-role")
            let result = harness.run(["-n", name, "--aws", "--network", "host"], ["python3", "sts.py", moto.endpoint])
            try #require(result.succeeded, "\(result)")
            let roles = moto.assumedRoles()
            try #require(roles.count == 1, "STS saw \(roles.count) assume-role calls")
            let assumed = roles[0]
            #expect(assumed.string("role_arn") == Self.role)
            #expect(assumed.string("session_name") == "mino-" + name)
            #expect(assumed.string("policy") == Self.policy, "the session policy did not reach STS: \(assumed)")

            let seen = harness.projectValues("identity.out")
            #expect(seen["AWS_ACCESS_KEY_ID"] == assumed.string("access_key_id"), "\(seen)")
            #expect(seen["AWS_SECRET_ACCESS_KEY"] == assumed.string("secret_access_key"))
            #expect(seen["AWS_SESSION_TOKEN"] == assumed.string("session_token"))
            #expect(seen["AWS_ACCESS_KEY_ID"] != hostKey && seen["AWS_SECRET_ACCESS_KEY"] != hostSecret)
            let arn = "arn:aws:sts::123456789012:assumed-role/mino-it-role/mino-" + name
            #expect(seen["status"] == "200" && seen["arn"] == arn, "\(seen)")
            // Cross-check of the agent's client: the real CLI with the same values.
            #expect(moto.callerIdentity(seen) == arn)
            // Control for the cross-check: the host's own keys are another identity.
            #expect(moto.callerIdentity(["AWS_ACCESS_KEY_ID": hostKey, "AWS_SECRET_ACCESS_KEY": hostSecret]) != arn)

            // Within the TTL: from the cache, STS not called.
            let again = harness.run(
                ["-n", harness.name("aws-role2"), "--aws", "--network", "host"], ["python3", "sts.py", moto.endpoint])
            try #require(again.succeeded, "\(again)")
            #expect(moto.assumedRoles().count == 1, "the cached session was not used")
            #expect(harness.projectValues("identity.out")["AWS_ACCESS_KEY_ID"] == seen["AWS_ACCESS_KEY_ID"])

            // Another role: another identity, STS called again, new keys.
            try harness.setCredentialConfig(config(Self.role + "-other"))
            let other = harness.run(
                ["-n", harness.name("aws-role3"), "--aws", "--network", "host"], ["python3", "sts.py", moto.endpoint])
            try #require(other.succeeded, "\(other)")
            let after = moto.assumedRoles()
            #expect(after.count == 2, "changing the role reused the cached session")
            let otherSeen = harness.projectValues("identity.out")
            #expect(otherSeen["AWS_ACCESS_KEY_ID"] != seen["AWS_ACCESS_KEY_ID"])
            #expect(otherSeen["arn"]?.contains("assumed-role/mino-it-role-other/") == true, "\(otherSeen)")
            #expect(harness.cacheEntries("aws").count == 2, "\(harness.cacheEntries("aws"))")
        }

        /// No host credentials at all: the CLI's "Unable to locate credentials" is a warning
        /// with the login hint, the session still runs and gets no AWS variable. Control: the
        /// same session with keys (above) gets them.
        @Test(.enabled(if: IntegrationGate.isEnabled))
        func missingHostCredentialsAreAWarning() throws {
            let (harness, moto, _, _) = try Self.setUp(.rootless)
            defer { withExtendedLifetime(moto) {} }
            harness.environment["AWS_ACCESS_KEY_ID"] = nil
            harness.environment["AWS_SECRET_ACCESS_KEY"] = nil
            let result = harness.runShowingWarnings(["--aws"], recordEnvironment(Self.agentVariables, into: "env.out"))
            #expect(result.succeeded, "\(result)")
            #expect(result.stderr.contains("aws credentials unavailable"), "\(result)")
            #expect(result.stderr.contains("aws configure"), "\(result)")
            let seen = harness.projectValues("env.out")
            #expect(seen.keys.contains("AWS_ACCESS_KEY_ID"), "control: the agent ran and wrote its file")
            #expect(seen["AWS_ACCESS_KEY_ID"] == "", "\(seen)")
        }
    }
}
